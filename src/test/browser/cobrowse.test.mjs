// Co-browse end to end (issue 6): a customer page on another origin than the gateway, the agent console in a second
// browser context. Code → consent in the frame → the console mirrors the page live → stop from each of the three
// places → ~pagesession/cobrowsing/stop, then a new code; privacy checked on what the gateway actually receives.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, startHost } from './helpers.mjs';
import { createAgent, rest, restLogin, startAgentGateway } from './agent-helpers.mjs';
import {
  ANN, agentState, enterCode, eventFrames, mirrorWait, openAgent, openVisitor, pageEvent, startCobrowse, visitorPage,
} from './cobrowse-helpers.mjs';

const T = { timeout: 90_000 };
const LOU = { login: 'lou', name: 'Lou Locked', password: 'lou-secret-password', buttons: ['acme/sales'] };
const CANARY = `<script>window.__pageScript = 1; try { top.__consoleCanary = 'script'; fetch(GW + '/__canary/script', { mode: 'no-cors' }); } catch (e) {}</script>
<img id="canary-img" src="x-missing.png" onerror="try { top.__consoleCanary = 'onerror'; fetch(GW + '/__canary/onerror', { mode: 'no-cors' }); } catch (e) {}">
<iframe id="canary-frame" srcdoc="<script>try { top.__consoleCanary = 'srcdoc'; } catch (e) {}</script>" style="width:10px;height:10px"></iframe>`;

// ~250 KB of text and a 70-level-deep branch: a snapshot in several parts, too deep to travel as JSON objects.
const BIG = `<section id="big">${Array.from({ length: 2500 }, (_, i) => `<p>paragraph ${i} ${'lorem ipsum '.repeat(7)}</p>`).join('')}</section>
${'<div class="deep">'.repeat(70)}<span id="deepest">deep end</span>${'</div>'.repeat(70)}`;

/** The bridge frames inside the SockJS messages the visitor's frame sent for co-browse events. */
const bridgeFrames = (traffic, from = 0) => traffic.sent.slice(from).flatMap((f) => {
  try { return JSON.parse(f).filter((x) => x.includes('~pagesession/cobrowsing/events')); } catch { return []; }
});

let host, gw, browser;

before(async () => {
  host = await startHost();
  gw = await startAgentGateway({ hostOrigin: host.origin });
  await createAgent(gw, ANN);
  await createAgent(gw, LOU);
  host.page('/', visitorPage(gw));
  host.page('/next', visitorPage(gw, { body: '<p id="next-marker">the next page</p>' }));
  host.page('/big', visitorPage(gw, { body: BIG }));
  host.page('/flood', visitorPage(gw, { body: '<pre id="flood"></pre>' }));
  host.page('/canary', visitorPage(gw, { body: `<script>var GW = ${JSON.stringify(gw.origin)};</script>${CANARY}` }));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

/** After a stop: stop (with reason) then new_code on the page, the console ended, the frame calm, the code dead. */
async function stoppedEverywhere(visitor, agent, reason, from) {
  const stop = await pageEvent(visitor.page, '~pagesession/cobrowsing/stop', from);
  assert.equal(stop.msg.reason, reason);
  const fresh = await pageEvent(visitor.page, '~/site_connect/new_code', from);
  assert.ok(fresh.index > stop.index, '~/site_connect/new_code comes after ~pagesession/cobrowsing/stop');
  assert.match(fresh.msg.code, /^\d{6}$/);
  assert.notEqual(fresh.msg.code, visitor.code);
  await agentState(agent, 'ended', reason);
  assert.match(await agent.page.textContent('[data-testid="cobrowse-state"]'), /^Ended/); // the reason said in words (docs/I18N.md)
  assert.equal(await agent.page.getAttribute('[data-testid="cobrowse-state"]', 'data-reason'), reason);
  await visitor.frame.waitForSelector('[data-testid="cobrowse-panel"]', { state: 'hidden' });
  await visitor.page.waitForFunction((c) => document.querySelector('[data-site-connect-code]').textContent === c, fresh.msg.code);
  assert.equal(await agent.page.isVisible('[data-testid="cobrowse-iframe"]'), false, 'the mirror is gone');

  // The recorder sends nothing more: a change now, then a marker publish that queues behind anything it sent.
  const sentBefore = eventFrames(visitor.traffic).length;
  await visitor.page.evaluate(() => { document.getElementById('title').textContent = 'After the stop'; });
  await visitor.page.waitForTimeout(300); // the recorder batches every 50 ms
  await visitor.page.evaluate(() => site_connect.publish('~pagesession/probe', { after: 'stop' }));
  await visitor.traffic.waitFor((f) => f.includes('~pagesession/probe'));
  assert.equal(eventFrames(visitor.traffic).length, sentBefore, 'no co-browse events after the stop');

  // The old code is dead; the new one works.
  const token = await restLogin(gw, ANN.login, ANN.password);
  const old = await rest(gw, 'POST', '/cobrowse', { code: visitor.code }, token);
  assert.equal(old.status, 404);
  assert.equal(old.body.error.code, 'invalid-code');
  const again = await rest(gw, 'POST', '/cobrowse', { code: fresh.msg.code }, token);
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.equal((await rest(gw, 'POST', `/cobrowse/${again.body.cobrowse_id}/stop`, undefined, token)).status, 200);
}

describe('co-browse', () => {
  test('code → consent → the console mirrors the page and follows a change within a second', T, async (t) => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, ANN);
    await enterCode(agent, visitor.code);
    await agentState(agent, 'waiting-consent');
    assert.equal(eventFrames(visitor.traffic).length, 0, 'nothing is recorded before consent');

    const prompt = '[data-testid="cobrowse-consent"]';
    await visitor.frame.waitForSelector(prompt, { state: 'visible', timeout: 15_000 });
    assert.match(await visitor.frame.textContent(prompt), /Allow Ann Agent to see this tab\?/);
    await visitor.page.waitForFunction(() => document.querySelector('#channelme-siteconnect-container').dataset.stateDisplay === 'shown');
    await visitor.frame.click('[data-testid="cobrowse-allow"]');
    await agentState(agent, 'active');
    await visitor.frame.waitForSelector('[data-testid="cobrowse-active"]', { state: 'visible' });
    assert.match(await visitor.frame.textContent('[data-testid="cobrowse-active"]'), /Ann Agent can see this tab/);

    await mirrorWait(agent, (doc) => doc.getElementById('title')?.textContent === 'Order 4711');
    assert.equal(await mirrorWait(agent, (doc) => ({ h1: doc.querySelector('h1').textContent })).then((r) => r.h1), 'Customer page');
    assert.equal(await agent.page.getAttribute('[data-testid="cobrowse-iframe"]', 'sandbox'), 'allow-same-origin');
    assert.equal(await agent.page.getAttribute('[data-testid="cobrowse-viewport"]', 'data-width'), '1024');

    // A DOM change on the visitor's page, timed in the browser (both contexts share one clock).
    await agent.page.evaluate(() => {
      const doc = document.querySelector('[data-testid="cobrowse-iframe"]').contentDocument;
      window.__seen = null;
      new MutationObserver(() => {
        const m = /^Changed at (\d+)$/.exec(doc.getElementById('title')?.textContent || '');
        if (m && !window.__seen) window.__seen = Date.now() - Number(m[1]);
      }).observe(doc, { subtree: true, childList: true, characterData: true });
    });
    await visitor.page.evaluate(() => { document.getElementById('title').textContent = `Changed at ${Date.now()}`; });
    const ms = await (await agent.page.waitForFunction(() => window.__seen, null, { timeout: 5_000 })).jsonValue();
    t.diagnostic(`visitor change → agent view: ${ms} ms`);
    assert.ok(ms < 1000, `the mirror followed in ${ms} ms`);

    // New nodes too, and scrolling.
    await visitor.page.evaluate(() => {
      const li = document.createElement('li');
      li.textContent = 'added item';
      document.getElementById('list').append(li);
      document.body.style.height = '3000px';
      window.scrollTo(0, 400);
    });
    await mirrorWait(agent, (doc) => doc.querySelector('#list li')?.textContent === 'added item');
    await mirrorWait(agent, (doc) => doc.defaultView.scrollY === 400);
    await agent.context.close();
    await visitor.context.close();
  });

  test('the agent\'s pointer and click show on the visitor\'s page and never take a click', T, async () => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, ANN);
    await startCobrowse(visitor, agent);
    const glass = await agent.page.locator('[data-testid="cobrowse-glass"]').boundingBox();
    const scale = glass.width / 1024;
    await agent.page.mouse.move(glass.x + 100 * scale, glass.y + 120 * scale);
    await agent.page.mouse.move(glass.x + 200 * scale, glass.y + 150 * scale, { steps: 5 });
    const at = await (await visitor.page.waitForFunction(() => {
      const dot = document.querySelector('.site-connect-pointer');
      if (!dot || getComputedStyle(dot).opacity !== '1') return null;
      const r = dot.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }, null, { timeout: 10_000 })).jsonValue();
    await visitor.page.waitForFunction(() => {
      const r = document.querySelector('.site-connect-pointer').getBoundingClientRect();
      return Math.abs(r.left + r.width / 2 - 200) <= 3 && Math.abs(r.top + r.height / 2 - 150) <= 3;
    }, null, { timeout: 10_000 }).catch(() => assert.fail(`the pointer is at ${JSON.stringify(at)}, not near 200,150`));
    const overlay = await visitor.page.evaluate(() => {
      const o = document.querySelector('.site-connect-cobrowse');
      const hit = document.elementFromPoint(200, 150);
      return { events: getComputedStyle(o).pointerEvents, dotEvents: getComputedStyle(o.firstChild).pointerEvents, covered: o.contains(hit) };
    });
    assert.deepEqual(overlay, { events: 'none', dotEvents: 'none', covered: false });

    await agent.page.mouse.click(glass.x + 300 * scale, glass.y + 100 * scale);
    await visitor.page.waitForSelector('.site-connect-pointer-click', { state: 'attached', timeout: 10_000 });
    // The overlay is never recorded: the mirror does not show the agent its own pointer.
    assert.equal(await mirrorWait(agent, (doc) => ({ n: doc.querySelectorAll('.site-connect-pointer').length })).then((r) => r.n), 0);
    await agent.context.close();
    await visitor.context.close();
  });

  test('typed passwords and card numbers never reach the gateway; masked, blocked and unmasked parts', T, async () => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, ANN);
    await startCobrowse(visitor, agent);
    const PASSWORD = 'Tr0ub4dor&3-zebra';
    const CARD = '4111 1111 1111 1111';
    await visitor.page.fill('#name', 'Vera Visitor');
    await visitor.page.type('#card', CARD, { delay: 15 });
    await visitor.page.type('#password', PASSWORD, { delay: 15 });
    await visitor.page.type('#coupon', 'SPRING24', { delay: 15 });
    await visitor.page.type('#notes', 'call me on Tuesday', { delay: 15 });
    // Everything typed has been streamed once the mirror shows the notes (the last field typed) in full.
    await mirrorWait(agent, (doc, n) => doc.getElementById('notes')?.value.length === n, 'call me on Tuesday'.length);
    assert.equal(await mirrorWait(agent, (doc) => ({ v: doc.getElementById('coupon').value })).then((r) => r.v), 'SPRING24',
      'a [data-site-connect-unmask] field is shown as typed');
    const mirrored = await mirrorWait(agent, (doc) => ({
      card: doc.getElementById('card').value, name: doc.getElementById('name').value,
      // Blocked elements keep only their class and size (rrweb drops their other attributes).
      password: doc.querySelector('input.pw').value, notes: doc.getElementById('notes').value,
      secret: doc.getElementById('secret-text').textContent, blocked: doc.querySelector('.blocked').textContent,
      blockedWidth: doc.querySelector('.blocked').getBoundingClientRect().width,
    }));
    assert.equal(mirrored.card, '*'.repeat(CARD.length), 'the card number is masked, its length kept');
    assert.equal(mirrored.name, '*'.repeat('Vera Visitor'.length));
    assert.equal(mirrored.password, '', 'no password, not even its length');
    assert.equal(mirrored.notes, '*'.repeat('call me on Tuesday'.length));
    assert.equal(mirrored.secret, '******* *******', '[data-site-connect-mask] text is masked');
    assert.equal(mirrored.blocked, '', '[data-site-connect-block] content is not sent');
    assert.equal(mirrored.blockedWidth, 200, 'a blocked element keeps its size');

    const digits = CARD.replace(/ /g, '');
    const leaks = (frames) => frames.filter((f) => [PASSWORD, 'Tr0ub4dor', CARD, digits, '4111 1111', 'Vera Visitor', 'on Tuesday',
      '9876.54', '55667788'].some((s) => f.includes(s)));
    assert.ok(eventFrames(visitor.traffic).length > 0, 'the frame did send co-browse events');
    assert.deepEqual(leaks(visitor.traffic.sent), [], 'nothing secret in any frame sent to the gateway');
    assert.deepEqual(leaks(agent.received), [], 'nothing secret in anything the gateway relayed to the console');
    assert.ok(visitor.traffic.sent.some((f) => f.includes('SPRING24')), 'the unmasked field is sent as typed');
    await agent.context.close();
    await visitor.context.close();
  });

  test('a <script>/onerror canary in the visitor\'s page never runs in the console', T, async () => {
    const visitor = await openVisitor(browser, host, '/canary');
    assert.equal(await visitor.page.evaluate(() => window.__pageScript), 1, 'the canary runs on the visitor\'s own page');
    const agent = await openAgent(browser, gw, ANN);
    await startCobrowse(visitor, agent);
    await mirrorWait(agent, (doc) => !!doc.getElementById('canary-img'));
    const img = await mirrorWait(agent, (doc) => ({ onerror: doc.getElementById('canary-img').getAttribute('onerror') ?? 'none' }));
    assert.equal(img.onerror, 'none', 'the handler was dropped');
    // Give the broken image's error event (and anything else) time to fire, then check both canaries.
    await visitor.page.evaluate(() => { document.getElementById('title').textContent = 'canary checked'; });
    await mirrorWait(agent, (doc) => doc.getElementById('title').textContent === 'canary checked');
    await agent.page.waitForTimeout(1_000);
    assert.equal(await agent.page.evaluate(() => window.__consoleCanary), undefined, 'no visitor code ran in the console');
    assert.deepEqual(agent.canaries, [], 'no canary request from the console');
    assert.equal(await agent.page.getAttribute('[data-testid="cobrowse-iframe"]', 'sandbox'), 'allow-same-origin');
    await agent.context.close();
    await visitor.context.close();
  });

  test('stop from the agent\'s button: both sides see it, stop then new_code, the old code is dead', T, async () => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, ANN);
    await startCobrowse(visitor, agent);
    const from = await visitor.page.evaluate(() => window.__events.length);
    await agent.page.click('[data-testid="cobrowse-stop"]');
    await stoppedEverywhere(visitor, agent, 'agent', from);
    await agent.context.close();
    await visitor.context.close();
  });

  test('stop from the visitor\'s Stop button in the frame', T, async () => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, ANN);
    await startCobrowse(visitor, agent);
    const from = await visitor.page.evaluate(() => window.__events.length);
    await visitor.frame.click('[data-testid="cobrowse-stop"]');
    await stoppedEverywhere(visitor, agent, 'visitor', from);
    await agent.context.close();
    await visitor.context.close();
  });

  test('stop from site_connect.stop_session()', T, async () => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, ANN);
    await startCobrowse(visitor, agent);
    const from = await visitor.page.evaluate(() => window.__events.length);
    await visitor.page.evaluate(() => site_connect.stop_session());
    await stoppedEverywhere(visitor, agent, 'visitor', from);
    await agent.context.close();
    await visitor.context.close();
  });

  test('a declined consent tells the agent, and nothing was recorded', T, async () => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, ANN);
    await enterCode(agent, visitor.code);
    await visitor.frame.click('[data-testid="cobrowse-decline"]', { timeout: 15_000 });
    await agentState(agent, 'declined');
    await pageEvent(visitor.page, '~/site_connect/new_code');
    assert.equal(eventFrames(visitor.traffic).length, 0, 'no co-browse events were sent');
    assert.equal(await visitor.page.evaluate(() => document.querySelectorAll('script[src*="/cobrowse/recorder"]').length), 0,
      'the recorder was never loaded');
    await agent.context.close();
    await visitor.context.close();
  });

  test('wrong codes: the server\'s error is shown, and after 5 the agent is locked out (even for the right code)', T, async () => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, LOU);
    const wrong = visitor.code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++) {
      await enterCode(agent, wrong);
      await agent.page.waitForSelector('#cobrowse-result[data-kind="error"]');
      assert.equal((await agent.page.textContent('#cobrowse-result')).trim(), 'This code is not valid.', 'the 404 invalid-code, said by the console');
      await agent.page.evaluate(() => document.getElementById('cobrowse-result').removeAttribute('data-kind'));
    }
    await enterCode(agent, visitor.code);
    await agent.page.waitForSelector('#cobrowse-result[data-kind="error"]');
    assert.match(await agent.page.textContent('#cobrowse-result'), /^too many wrong codes; try again in \d+ s$/, 'the server\'s 429 text');
    assert.equal(await agent.page.getAttribute('[data-testid="cobrowse-state"]', 'data-state'), 'idle');
    await agent.context.close();
    await visitor.context.close();
  });

  test('a big, deep page arrives in parts, each below the gateway\'s message limit', T, async () => {
    const visitor = await openVisitor(browser, host, '/big');
    const agent = await openAgent(browser, gw, ANN);
    await startCobrowse(visitor, agent);
    await mirrorWait(agent, (doc) => doc.querySelectorAll('#big p').length === 2500
      && doc.getElementById('deepest')?.textContent === 'deep end');
    const frames = bridgeFrames(visitor.traffic);
    const parts = frames.map((f) => JSON.parse(f).body.payload).filter((p) => p.parts > 1);
    assert.ok(parts.length >= 4, `the snapshot went in parts (${parts.length})`);
    const biggest = Math.max(...frames.map((f) => Buffer.byteLength(f)));
    assert.ok(biggest < 60_500, `every co-browse message is below 60,000 bytes of payload (largest frame ${biggest})`);
    await agent.context.close();
    await visitor.context.close();
  });

  test('changes beyond the byte budget are dropped for a fresh snapshot; the mirror ends up right', T, async (t) => {
    const visitor = await openVisitor(browser, host, '/flood');
    const agent = await openAgent(browser, gw, ANN);
    await startCobrowse(visitor, agent);
    const from = visitor.traffic.sent.length;
    const started = Date.now();
    // About 1.5 MB of changes in one second, six times the 256 KB/s budget.
    await visitor.page.evaluate(() => new Promise((resolve) => {
      let i = 0;
      const t = setInterval(() => {
        document.getElementById('flood').textContent = `round ${i} `.repeat(2500);
        if (++i === 60) { clearInterval(t); resolve(); }
      }, 16);
    }));
    await mirrorWait(agent, (doc) => doc.getElementById('flood')?.textContent.startsWith('round 59 '), undefined, 20_000);
    const seconds = (Date.now() - started) / 1000;
    const flood = bridgeFrames(visitor.traffic, from).map((f) => JSON.parse(f).body.payload);
    const sent = flood.reduce((n, p) => n + Buffer.byteLength(JSON.stringify(p)), 0);
    assert.ok(flood.some((p) => p.full), 'a fresh full snapshot replaced the dropped backlog');
    // The budget: 256 KB a second plus one second's burst (and a small snapshot of this page).
    const allowed = 262_144 * (seconds + 1) + 40_000;
    t.diagnostic(`~1.35 MB of changes: ${sent} bytes sent in ${seconds.toFixed(1)} s, ${flood.filter((p) => p.full).length} fresh snapshots`);
    assert.ok(sent <= allowed, `${sent} bytes sent in ${seconds.toFixed(1)} s, more than the budget's ${Math.round(allowed)}`);
    await agent.context.close();
    await visitor.context.close();
  });

  // The frame resumes its page session on the next page (its resume token is kept by the host page); the
  // co-browse's retained start makes the new page record again. The code was used by this co-browse, so the new
  // page gets no code until the co-browse stops.
  test('the visitor following a link to another page of the site: the agent sees the new page, no new code', T, async () => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, ANN);
    await startCobrowse(visitor, agent);
    await Promise.all([visitor.page.waitForNavigation(), visitor.page.evaluate(() => { location.href = '/next'; })]);
    await mirrorWait(agent, (doc) => !!doc.getElementById('next-marker'));
    await agentState(agent, 'active');
    await agent.page.click('[data-testid="cobrowse-stop"]');
    await agentState(agent, 'ended', 'agent');
    await agent.context.close();
    await visitor.context.close();
  });

  test('a console reload picks the co-browse up again with a fresh snapshot', T, async () => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, ANN);
    await startCobrowse(visitor, agent);
    await agent.page.reload();
    await agentState(agent, 'active');
    await mirrorWait(agent, (doc) => doc.getElementById('title')?.textContent === 'Order 4711');
    await agent.page.click('[data-testid="cobrowse-stop"]');
    await agentState(agent, 'ended', 'agent');
    await agent.context.close();
    await visitor.context.close();
  });
});
