// Issue 15 item 8: consent comes only from the visitor. The host page (the site's script, another origin than the
// gateway) tries to answer the co-browse consent request itself: through the page API (plain and retained, every
// frame-only topic), through a MessagePort of its own that imitates site_connect.js (connect + pub, fake `consent`
// messages), and straight postMessages to the frame. The co-browse must stay `waiting-consent`, nothing may be
// recorded, and the visitor's click in the frame must still work.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, startHost } from './helpers.mjs';
import { createAgent, startAgentGateway } from './agent-helpers.mjs';
import { ANN, agentState, enterCode, eventFrames, openAgent, openVisitor, visitorPage } from './cobrowse-helpers.mjs';

const T = { timeout: 120_000 };
const FRAME_ONLY = ['~pagesession/cobrowsing/consent', '~pagesession/cobrowsing/consent_request',
  '~pagesession/cobrowsing/control', '~pagesession/cobrowsing/control/consent'];

// The host page's attack, run when the consent request reaches the page. Every attempt is logged in __tricks.
const ATTACK = `<script>
window.__tricks = [];
window.__warns = [];
(function () {
  var warn = console.warn;
  console.warn = function () { window.__warns.push(Array.from(arguments).join(' ')); return warn.apply(console, arguments); };
  var FRAME_ONLY = ${JSON.stringify(FRAME_ONLY)};
  site_connect.subscribe('~pagesession/cobrowsing/consent_request', function (req) {
    if (!req || !req.cobrowse_id || window.__attacked) return;
    window.__attacked = true;
    var yes = { cobrowse_id: req.cobrowse_id, allow: true };
    // 1. The page API, plain and retained, on every frame-only topic.
    FRAME_ONLY.forEach(function (t) {
      site_connect.publish(t, yes); window.__tricks.push('publish ' + t);
      site_connect.publish(t, yes, { retain: true }); window.__tricks.push('publish retained ' + t);
    });
    // 2. Straight to the frame's window, as if the port did not exist.
    var iframe = document.querySelector('#channelme-siteconnect-container iframe');
    var frame = iframe.contentWindow;
    var gw = new URL(iframe.src).origin;
    [{ sc: 1, type: 'pub', topic: FRAME_ONLY[0], payload: yes }, { sc: 1, type: 'consent', cobrowse_id: req.cobrowse_id, allow: true },
      { sc: 1, op: 'consent', cobrowse_id: req.cobrowse_id, allow: true }].forEach(function (m) {
      frame.postMessage(m, gw); window.__tricks.push('postMessage ' + (m.type || m.op));
    });
    // 3. A port of its own, imitating site_connect.js: connect, then everything the frame might take for consent.
    var ch = new MessageChannel();
    window.__portWarns = [];
    ch.port1.onmessage = function (e) { if (e.data && e.data.type === 'warn') window.__portWarns.push(e.data.message); };
    frame.postMessage({ sc: 1, type: 'connect' }, gw, [ch.port2]);
    window.__tricks.push('own port');
    var send = function (m) { m.sc = 1; ch.port1.postMessage(m); window.__tricks.push('port ' + JSON.stringify(m).slice(0, 80)); };
    FRAME_ONLY.forEach(function (t) { send({ type: 'pub', topic: t, payload: yes, retain: false }); send({ type: 'pub', topic: t, payload: yes, retain: true }); });
    send({ type: 'consent', cobrowse_id: req.cobrowse_id, allow: true });
    send({ type: 'publish', topic: FRAME_ONLY[0], payload: yes });
    send({ type: 'pub', topic: '~pagesession/cobrowsing/consent', payload: yes, op: 'consent', cobrowse_id: req.cobrowse_id, allow: true });
    // A marker that travels behind everything above: once the frame sent it, the gateway has had every attempt.
    send({ type: 'pub', topic: '~pagesession/probe', payload: { after: 'tricks' } });
    window.__tricksDone = true;
  });
})();
</script>`;

/** The command bodies inside the SockJS messages the visitor's frame sent. */
const commands = (traffic) => traffic.sent.flatMap((f) => {
  try { return JSON.parse(f).map((x) => JSON.parse(x).body).filter(Boolean); } catch { return []; }
});

let host, gw, browser;

before(async () => {
  host = await startHost();
  gw = await startAgentGateway({ hostOrigin: host.origin });
  await createAgent(gw, ANN);
  host.page('/', visitorPage(gw, { after: ATTACK }));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

describe('consent comes only from the visitor', () => {
  test('the host page cannot consent (page API, retain, its own port, raw postMessage); the visitor\'s click can', T, async (t) => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, ANN);
    await enterCode(agent, visitor.code);
    await agentState(agent, 'waiting-consent');
    await visitor.page.waitForFunction(() => window.__tricksDone === true, null, { timeout: 15_000 });
    // Everything the host tried has reached the gateway (or was refused by the frame) once the marker went out.
    await visitor.traffic.waitFor((f) => f.includes('~pagesession/probe'));
    const tricks = await visitor.page.evaluate(() => window.__tricks.length);
    t.diagnostic(`host-page attempts: ${tricks}`);

    // Still waiting: the console does not go live within a generous window, and nothing was recorded.
    await assert.rejects(agentState(agent, 'active', undefined, 3_000), /does not show co-browse active/,
      'the host page\'s script made the co-browse go live without the visitor');
    await agentState(agent, 'waiting-consent', undefined, 1_000);
    assert.equal(eventFrames(visitor.traffic).length, 0, 'nothing is recorded before the visitor consents');
    const sentConsent = commands(visitor.traffic).filter((b) => b.op === 'consent'
      || (b.op === 'pub' && /^~pagesession\/cobrowsing\/(consent|control)/.test(b.topic)));
    assert.deepEqual(sentConsent, [], 'the frame sent nothing consent-like for the host page');
    const started = await visitor.page.evaluate(() => window.__events.filter((e) => e.topic === '~pagesession/cobrowsing/start').length);
    assert.equal(started, 0, 'no ~pagesession/cobrowsing/start');
    // The host was told why (a warn per refused publish, on its own port and through site_connect.js).
    const portWarns = await visitor.page.evaluate(() => window.__portWarns);
    assert.ok(portWarns.filter((m) => /publish refused/.test(m)).length >= FRAME_ONLY.length * 2, JSON.stringify(portWarns));

    // The visitor still decides, with a real click in the frame.
    await visitor.frame.waitForSelector('[data-testid="cobrowse-allow"]', { state: 'visible', timeout: 15_000 });
    await visitor.frame.click('[data-testid="cobrowse-allow"]');
    // (The mirror stays empty here: the host's own port took site_connect.js's place, so no recorder starts.)
    await agentState(agent, 'active');
    await visitor.context.close();
    await agent.context.close();
  });

  test('clickjacking: while the host page makes the frame see-through or covers it, a real click on Allow does not consent', T, async (t) => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, ANN);
    await enterCode(agent, visitor.code);
    await agentState(agent, 'waiting-consent');
    await visitor.frame.waitForSelector('[data-testid="cobrowse-allow"]', { state: 'visible', timeout: 15_000 });
    for (const trick of ['opacity', 'cover']) {
      // The host page's script: a see-through frame, or a decoy laid over it that lets clicks through.
      await visitor.page.evaluate((how) => {
        const f = document.querySelector('#channelme-siteconnect-container iframe');
        if (how === 'opacity') { f.style.setProperty('opacity', '0.05', 'important'); return; }
        const r = f.getBoundingClientRect();
        const decoy = document.createElement('div');
        decoy.id = 'decoy';
        decoy.textContent = 'Click here to win!';
        Object.assign(decoy.style, { position: 'fixed', left: r.left + 'px', top: r.top + 'px', width: r.width + 'px',
          height: r.height + 'px', background: '#fc0', zIndex: 2147483647, pointerEvents: 'none' });
        document.body.append(decoy);
      }, trick);
      // The visitor clicks (a real, trusted click) where the Allow button is, more than long enough after.
      await visitor.page.waitForTimeout(1500); // longer than the frame's "seen for 600 ms" rule: absence is the point
      const box = await (await visitor.frame.$('[data-testid="cobrowse-allow"]')).boundingBox();
      await visitor.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await assert.rejects(agentState(agent, 'active', undefined, 2_000), /does not show co-browse active/, `${trick}: consented`);
      t.diagnostic(`${trick}: Allow disabled = ${await visitor.frame.isDisabled('[data-testid="cobrowse-allow"]')}`);
      await visitor.page.evaluate(() => {
        document.querySelector('#channelme-siteconnect-container iframe').style.removeProperty('opacity');
        document.getElementById('decoy')?.remove();
      });
    }
    // Seen plainly again: Allow is enabled after a moment and the visitor's click counts.
    await visitor.frame.click('[data-testid="cobrowse-allow"]');
    await agentState(agent, 'active');
    await visitor.context.close();
    await agent.context.close();
  });

  test('a synthetic click inside the frame (isTrusted false) does not consent', T, async () => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, ANN);
    await enterCode(agent, visitor.code);
    await agentState(agent, 'waiting-consent');
    await visitor.frame.waitForSelector('[data-testid="cobrowse-allow"]', { state: 'visible', timeout: 15_000 });
    // Script in the frame's own realm (what an injected script there could do): dispatchEvent and element.click().
    await visitor.frame.evaluate(() => {
      const b = document.querySelector('[data-testid="cobrowse-allow"]');
      b.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      b.click();
    });
    await assert.rejects(agentState(agent, 'active', undefined, 2_000), /does not show co-browse active/);
    assert.equal(await visitor.frame.getAttribute('[data-testid="cobrowse-panel"]', 'data-state'), 'ask');
    await visitor.frame.click('[data-testid="cobrowse-allow"]');
    await agentState(agent, 'active');
    await visitor.context.close();
    await agent.context.close();
  });
});
