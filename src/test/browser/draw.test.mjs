// Drawing on the visitor's page (issue 21 part 3, docs/DRAWING.md): a customer page on another origin than the
// gateway, the real agent console in a second context. The marks are found on the visitor's screen by their colour
// in screenshots (the overlay is in a closed shadow root: no script of the page, nor of the test, can reach into it).
// Screenshots: target/screenshots/draw-agent-1280.png, draw-visitor-1280.png, draw-visitor-390.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { ROOT, launch, startHost } from './helpers.mjs';
import { createAgent, restLogin, startAgentGateway } from './agent-helpers.mjs';
import { ANN, mirrorWait, openAgent, openVisitor, startCobrowse, visitorPage, eventFrames } from './cobrowse-helpers.mjs';

const SHOTS = ROOT + 'target/screenshots/';
const LOU = { login: 'lou', name: 'Lou Other', password: 'lou-secret-password', buttons: ['acme/sales'] };
const MARKS = 'script[type="application/x-site-connect-marks"]';
// A button whose place and width follow the window's width, and room to scroll.
const BODY = `<p style="margin:40px 0 0;text-align:center"><button id="help" style="width:40%;height:48px;font-size:18px">Help me</button></p>
<div style="height:1600px"></div>`;

let host, gw, browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startHost();
  // The fewest password iterations the gateway takes: seven logins and accounts here, the file's time is bounded.
  gw = await startAgentGateway({ hostOrigin: host.origin, extra: { agents: { disconnectGraceSeconds: 2, passwordIterations: 10_000 } } });
  await createAgent(gw, ANN);
  await createAgent(gw, LOU);
  host.page('/', visitorPage(gw, { body: BODY }));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

/** A PNG screenshot as RGB(A) pixels (8-bit, not interlaced: what Chromium writes). */
function decodePng(buf) {
  let pos = 8;
  let width = 0;
  let height = 0;
  let bpp = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, '8-bit PNG');
      assert.equal(data[12], 0, 'not interlaced');
      bpp = data[9] === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp] : 0;
      const b = y ? out[row - stride + x] : 0;
      const c = x >= bpp && y ? out[row - stride + x - bpp] : 0;
      let v = raw[line + x];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[row + x] = v & 255;
    }
  }
  return { width, height, bpp, data: out };
}

/** The box of the mark colour's pixels (the first colour, #e0115f) on the visitor's screen, or null. */
async function markBox(page) {
  const skip = await page.evaluate(() => {
    const r = document.querySelector('#channelme-siteconnect-container').getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  });
  const png = decodePng(await page.screenshot());
  let box = null;
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      if (x >= skip.left && x <= skip.right && y >= skip.top && y <= skip.bottom) continue;
      const i = (y * png.width + x) * png.bpp;
      const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
      if (r > 170 && g < 80 && b > 50 && b < 150) {
        if (!box) box = { left: x, top: y, right: x, bottom: y, n: 0 };
        box.left = Math.min(box.left, x);
        box.right = Math.max(box.right, x);
        box.top = Math.min(box.top, y);
        box.bottom = Math.max(box.bottom, y);
        box.n++;
      }
    }
  }
  return box;
}

/** Polls the visitor's screen until the mark box satisfies `ok` (a screenshot per round, no fixed sleeps). */
async function markUntil(page, ok, what, timeout = 5_000) {
  const deadline = Date.now() + timeout;
  let box;
  for (;;) {
    box = await markBox(page);
    if (ok(box)) return box;
    if (Date.now() > deadline) assert.fail(`${what}: the mark is at ${JSON.stringify(box)}`);
  }
}

const near = (a, b, tol = 4) => Math.abs(a - b) <= tol;
const rectOf = (page, sel) => page.evaluate((s) => {
  const r = document.querySelector(s).getBoundingClientRect();
  return { left: r.left, top: r.top, width: r.width, height: r.height };
}, sel);

/** The agent's drag over the mirror from one visitor-viewport point to another (scaled into the glass). */
async function drag(agent, from, to) {
  const glass = await agent.page.locator('[data-testid="cobrowse-glass"]').boundingBox();
  const width = Number(await agent.page.getAttribute('[data-testid="cobrowse-viewport"]', 'data-width'));
  const k = glass.width / width;
  await agent.page.mouse.move(glass.x + from[0] * k, glass.y + from[1] * k);
  await agent.page.mouse.down();
  await agent.page.mouse.move(glass.x + to[0] * k, glass.y + to[1] * k, { steps: 8 });
  await agent.page.mouse.up();
  return { glass, k };
}

/** Publishes over a bridge socket of its own with an agent's token, from the console's origin; the answers. */
function forge(page, token, pubs) {
  return page.evaluate(async ([tok, list]) => {
    const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/eventbus/websocket');
    const frames = [];
    const checks = new Set();
    ws.onmessage = async (e) => {
      frames.push(JSON.parse(typeof e.data === 'string' ? e.data : await e.data.text()).body || {});
      checks.forEach((c) => c());
    };
    const next = (pred) => new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no answer (socket ' + ws.readyState + '): ' + JSON.stringify(frames))), 5000);
      const check = () => {
        const f = frames.find(pred);
        if (f) { clearTimeout(t); checks.delete(check); resolve(f); }
      };
      checks.add(check);
      check();
    });
    const welcome = await next((b) => b.op === 'welcome');
    const send = (body) => ws.send(JSON.stringify({ type: 'send', address: welcome.send, body }));
    send({ op: 'agent-hello', token: tok });
    await next((b) => b.op === 'agent-session');
    const answers = [];
    for (const [i, [topic, payload]] of list.entries()) {
      send({ op: 'pub', topic, payload, mid: 'm' + i });
      const a = await next((b) => b.mid === 'm' + i || b.ref === 'm' + i);
      answers.push(a.op === 'err' ? a.code : a.op);
    }
    ws.close();
    return answers;
  }, [token, pubs]);
}

describe('drawing on the visitor\'s page', () => {
  test('an arrow drawn in the mirror lands over the button, follows scroll and resize, fades; forged marks do nothing', { timeout: 90_000 }, async (t) => {
    const t0 = Date.now();
    const lap = (what) => t.diagnostic(`${what}: ${Date.now() - t0} ms`);
    const visitor = await openVisitor(browser, host, '/');
    await visitor.page.setViewportSize({ width: 1280, height: 800 });
    const agent = await openAgent(browser, gw, ANN);
    await startCobrowse(visitor, agent);
    lap('co-browsing');
    await mirrorWait(agent, (doc) => doc.defaultView.innerWidth === 1280);
    const layout = () => visitor.page.evaluate(() => ({ h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth }));
    const before = { layout: await layout(), button: await rectOf(visitor.page, '#help') };
    const mirrorCount = () => mirrorWait(agent, (doc) => ({ n: doc.querySelectorAll('*').length })).then((r) => r.n);
    const elementsBefore = await mirrorCount();
    const framesBefore = eventFrames(visitor.traffic).length;
    assert.equal(await markBox(visitor.page), null, 'nothing of the mark colour on the page before');

    // The agent picks the arrow and draws from up-left of the button to its centre.
    await agent.page.click('[data-testid="cobrowse-tool-arrow"]');
    assert.equal(await agent.page.getAttribute('[data-testid="cobrowse-tool-arrow"]', 'aria-pressed'), 'true');
    const b0 = before.button;
    const tip = [Math.round(b0.left + b0.width / 2), Math.round(b0.top + b0.height / 2)];
    const tail = [tip[0] - 220, tip[1] + 140];
    const { glass, k } = await drag(agent, tail, tip);
    const shown = Date.now();
    // Drawn up and to the right: the tip is the mark's right and top edge.
    const seen = await markUntil(visitor.page, (m) => m && m.n > 200, 'the arrow appears');
    t.diagnostic(`arrow on the visitor's page: ${JSON.stringify(seen)}; tip aimed at ${tip}`);
    assert.ok(near(seen.right, tip[0], 5) && near(seen.top, tip[1], 5), `the tip ${seen.right},${seen.top} is at the button's centre ${tip}`);
    assert.ok(near(seen.left, tail[0], 6) && near(seen.bottom, tail[1], 6), `the tail ${seen.left},${seen.bottom} is where the agent began ${tail}`);
    assert.ok(seen.right >= b0.left && seen.right <= b0.left + b0.width && seen.top >= b0.top && seen.top <= b0.top + b0.height,
      'the arrow points into the button');
    // The agent sees the same mark on the mirror (in its own layer, scaled): the same box in the visitor's pixels.
    const mine = await agent.page.evaluate(() => {
      const g = document.querySelector('[data-testid="cobrowse-draw-marks"] g[data-mark="arrow"] line:nth-child(2)');
      const r = g.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    });
    assert.ok(near((mine.left - glass.x) / k, seen.left, 8) && near((mine.bottom - glass.y) / k, seen.bottom, 8),
      `the agent's own arrow ${JSON.stringify(mine)} matches the visitor's`);

    // The overlay: in the page while the mark lasts, no layout change, never recorded, never in the mirror.
    assert.equal(await visitor.page.locator(MARKS).count(), 1);
    assert.deepEqual(await layout(), before.layout, 'the page\'s size is unchanged');
    assert.deepEqual(await rectOf(visitor.page, '#help'), b0, 'the button did not move');
    assert.equal(await visitor.page.evaluate((p) => document.elementFromPoint(p[0], p[1]).id, tip), 'help', 'clicks still reach the button');

    // The visitor scrolls: the mark goes with the page.
    await visitor.page.evaluate(() => window.scrollTo(0, 30));
    const scrolled = await markUntil(visitor.page, (m) => m && near(m.top, seen.top - 30, 2), 'the arrow follows a scroll');
    assert.ok(near(scrolled.right, seen.right, 2));

    // The visitor makes the window narrower: the button moves and shrinks, the arrow with it.
    await visitor.page.setViewportSize({ width: 900, height: 800 });
    const b1 = await rectOf(visitor.page, '#help');
    const s = b1.width / b0.width;
    const want = [b1.left + (tip[0] - b0.left) * s, b1.top + (tip[1] - b0.top) * s];
    const resized = await markUntil(visitor.page, (m) => m && near(m.right, want[0], 5) && near(m.top, want[1], 5), `the arrow follows the resize to ${want}`);
    t.diagnostic(`after the resize: ${JSON.stringify(resized)}, button ${JSON.stringify(b1)}, scale ${s.toFixed(3)}`);
    // Screenshots only now: the mark lives 6 s, and on a busy machine two screenshots can take most of that.
    await agent.page.screenshot({ path: SHOTS + 'draw-agent-arrow-1280.png' });
    await visitor.page.screenshot({ path: SHOTS + 'draw-visitor-arrow-1280.png' });
    assert.ok(near(resized.right - resized.left, (seen.right - seen.left) * s, 6), 'the arrow scaled with the button');

    // It fades and goes: nothing left in the page, nor on the agent's mirror.
    await visitor.page.waitForSelector(MARKS, { state: 'detached', timeout: 15_000 });
    const lasted = Date.now() - shown;
    t.diagnostic(`the mark lasted ${lasted} ms`);
    assert.ok(lasted > 4000 && lasted < 12000, `a few seconds (${lasted} ms)`);
    assert.equal(await markBox(visitor.page), null);
    await agent.page.waitForFunction(() => !document.querySelector('[data-testid="cobrowse-draw-marks"] g'), null, { timeout: 5_000 });

    // Never recorded: no event the recorder sent mentions it, the mirror has as many elements as before and no resync.
    const sent = eventFrames(visitor.traffic).slice(framesBefore);
    assert.equal(sent.filter((f) => /site-connect-marks|data-mark/.test(f)).length, 0, 'no recorded mutation for the overlay');
    const events = sent.flatMap((f) => { try { return JSON.parse(f); } catch { return [f]; } })
      .filter((x) => typeof x === 'string' && x.includes('cobrowsing/events'))
      .flatMap((x) => JSON.parse(x).body?.payload?.events ?? []);
    // (Playwright's screenshots set a caret-color style on the page's fields: attribute changes, recorded as such.)
    const mutations = events.filter((e) => e.type === 3 && e.data?.source === 0 && (e.data.adds?.length || e.data.removes?.length));
    t.diagnostic(`the recorder sent ${events.length} events while the mark was shown and faded (scroll, resize): ${mutations.length} added or removed nodes`);
    assert.ok(events.length > 0, 'the recorder was recording meanwhile');
    assert.deepEqual(mutations, [], 'no node was added or removed in what reached the agent');
    assert.equal(await mirrorCount(), elementsBefore, 'the mirror has the same elements');
    assert.equal(await agent.page.getAttribute('[data-testid="cobrowse-mirror"]', 'data-sync'), 'live');
    assert.equal(await mirrorWait(agent, (doc) => ({ n: doc.querySelectorAll('script, [data-mark]').length })).then((r) => r.n), 0);

    lap('faded');
    // Forged marks: from the page itself, from another agent (on the agent's topic and on its own), for another id.
    const eventsAt = await visitor.page.evaluate(() => window.__events.length);
    const forged = { s: [{ id: 'forged', t: 'rect', c: 0, p: [10, 10, 600, 400] }] };
    const refusal = new Promise((resolve) => visitor.page.on('console', (m) => { if (/publish refused/.test(m.text())) resolve(m.text()); }));
    await visitor.page.evaluate((p) => site_connect.publish('~pagesession/cobrowsing/draw', p), forged);
    assert.match(await refusal, /not-allowed/, 'the gateway refuses the page\'s own draw message');
    const id = await agent.page.evaluate(() => JSON.parse(sessionStorage.getItem('siteconnect.agent.cobrowse')).id);
    const lou = await restLogin(gw, LOU.login, LOU.password);
    const ann = await restLogin(gw, ANN.login, ANN.password);
    const answers = await forge(agent.page, lou, [
      [`agent/ann/cobrowse/${id}/draw`, forged],
      [`agent/lou/cobrowse/${id}/draw`, forged],
    ]);
    assert.deepEqual(answers, ['not-allowed', 'puback'], 'another agent cannot publish as the agent; its own topic is ignored');
    assert.deepEqual(await forge(agent.page, ann, [[`agent/ann/cobrowse/not-${id}/draw`, forged]]), ['puback']);
    // A mark the gateway does not pass on (a highlight of three points): the agent is told, the visitor sees nothing.
    await forge(agent.page, ann, [[`agent/ann/cobrowse/${id}/draw`, { s: [{ id: 'odd', t: 'rect', c: 0, p: [1, 2, 3, 4, 5, 6] }] }]]);
    await agent.page.waitForSelector('[data-testid="cobrowse-draw-status"][data-reason="malformed"]');
    assert.match(await agent.page.textContent('[data-testid="cobrowse-draw-status"]'), /Not shown to the visitor/);
    await agent.page.screenshot({ path: SHOTS + 'draw-agent-refused-1280.png' });
    // The real agent draws a highlight afterwards (the window as wide as at first again): it arrives, and it is the
    // only mark that did.
    await visitor.page.setViewportSize({ width: 1280, height: 800 });
    await visitor.page.evaluate(() => window.scrollTo(0, 0));
    await mirrorWait(agent, (doc) => doc.defaultView.innerWidth === 1280 && doc.defaultView.scrollY === 0);
    await agent.page.click('[data-testid="cobrowse-tool-rect"]');
    const b2 = await rectOf(visitor.page, '#help');
    await drag(agent, [b2.left - 10, b2.top - 10], [b2.left + b2.width + 10, b2.top + b2.height + 10]);
    await markUntil(visitor.page, (m) => m && near(m.left, b2.left - 10, 6) && near(m.bottom, b2.top + b2.height + 10, 6), 'the highlight around the button');
    const draws = await visitor.page.evaluate((n) => window.__events.slice(n).filter((e) => e.topic === '~pagesession/cobrowsing/draw').map((e) => e.msg), eventsAt);
    // The page's own subscription hears its own publish (site_connect's local echo), nothing forged came from the
    // gateway, and the one mark on the screen is the agent's highlight (the forged one would reach 10,10).
    assert.deepEqual(draws.map((m) => m.s[0].id === 'forged' ? 'own echo' : m.s[0].t), ['own echo', 'rect'], JSON.stringify(draws));
    const onScreen = await markBox(visitor.page);
    assert.ok(onScreen.left > 300 && onScreen.top > 300, `only the highlight is drawn: ${JSON.stringify(onScreen)}`);

    // Screenshots: a blue pen stroke beside the highlight at 1280, then a highlight on a phone-sized window.
    await agent.page.click('[data-testid="cobrowse-tool-pen"]');
    await agent.page.click('[data-testid="cobrowse-colour-1"]');
    const y = b2.top + b2.height + 50;
    const x = b2.left + b2.width / 2;
    await drag(agent, [x - 120, y], [x + 120, y + 20]);
    await agent.page.waitForFunction(() => document.querySelectorAll('[data-testid="cobrowse-draw-marks"] g').length >= 2);
    await visitor.page.waitForFunction((n) => window.__events.slice(n).filter((e) => e.topic === '~pagesession/cobrowsing/draw').length >= 3, eventsAt);
    await agent.page.screenshot({ path: SHOTS + 'draw-agent-1280.png' });
    await visitor.page.screenshot({ path: SHOTS + 'draw-visitor-1280.png' });
    await visitor.page.setViewportSize({ width: 390, height: 844 });
    await visitor.frame.click('#sc-min'); // the widget fills a phone's window: minimised, the page shows
    await visitor.page.waitForFunction(() => document.querySelector('#channelme-siteconnect-container').dataset.stateDisplay === 'minimised');
    await mirrorWait(agent, (doc) => doc.defaultView.innerWidth === 390);
    await agent.page.click('[data-testid="cobrowse-tool-rect"]');
    await agent.page.click('[data-testid="cobrowse-colour-0"]');
    const b3 = await rectOf(visitor.page, '#help');
    await drag(agent, [b3.left - 8, b3.top - 8], [b3.left + b3.width + 8, b3.top + b3.height + 8]);
    await markUntil(visitor.page, (m) => m && near(m.left, b3.left - 8, 6), 'the highlight on a phone-sized window');
    await visitor.page.screenshot({ path: SHOTS + 'draw-visitor-390.png' });
    await agent.page.keyboard.press('Escape'); // back to pointing
    assert.equal(await agent.page.getAttribute('[data-testid="cobrowse-tool-pointer"]', 'aria-pressed'), 'true');
    lap('done');
    await agent.context.close();
    await visitor.context.close();
  });
});
