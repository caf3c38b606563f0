// The site-connect frame and hostile parents (issue 9, DESIGN §7). The site `acme` lives on http://site.example:P
// (Chromium resolves *.example and *.tld to 127.0.0.1). A page on any look-alike origin — a suffix, a subdomain,
// a trailing dot, another port, the bare IP — or with an opaque origin (`null`: a data: document, a sandboxed
// iframe) gets no session: the page API reports `frame-unavailable` and never `ready`, no HTTP request reaches the
// gateway's bridge, the WebSocket the frame opens while its HTML is parsed (issue 22 part 5) sends nothing and is
// closed, and the gateway's counters do not move. Each case runs twice: as served (the frame's
// `frame-ancestors` CSP stops it) and with that header stripped, so the frame's own origin check is tested alone.
// A `connect` from a window other than the parent (a sibling iframe, a popup, the grandparent) is ignored even
// when its origin is the site's; the real parent then connects normally.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { RECORDER, SITE, startGateway } from './helpers.mjs';
import { gatewayMetrics, launchMapped, startPages } from './hostile-helpers.mjs';

const T = { timeout: 90_000 };
const METRICS = `hostile-${randomBytes(12).toString('hex')}`;
let pages, other, gw, browser, site;

before(async () => {
  pages = await startPages();
  other = await startPages(); // the same pages on another port
  site = `http://site.example:${pages.port}`;
  process.env.SC_METRICS_TOKEN = METRICS; // the gateway inherits it: /metrics with this bearer token
  gw = await startGateway({ sites: [{ key: SITE, origins: [site] }] });
  const script = `<script src="${gw.origin}/site_connect.js" data-code="${SITE}"></script>${RECORDER}`;
  const doc = (body) => `<!doctype html><html><head><meta charset="utf-8"><title>host</title></head><body><h1>Shop</h1>${body}</body></html>`;
  for (const p of [pages, other]) {
    p.page('/', doc(script));
    // An opaque-origin parent inside a page of the site: a data: document, and a sandboxed iframe.
    p.page('/data-parent', doc(`<iframe id="inner" style="width:600px;height:600px" src="data:text/html,${encodeURIComponent(doc(script))}"></iframe>`));
    p.page('/sandboxed-parent', doc(`<iframe id="inner" style="width:600px;height:600px" sandbox="allow-scripts" srcdoc="${doc(script).replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"></iframe>`));
    // The frame without site_connect.js (the test plays the parent), a sibling iframe and a nested one.
    p.page('/bare', doc(`<iframe id="gwf" src="${gw.origin}/frame/?site=${SITE}"></iframe><iframe id="sibling" src="/blank"></iframe>`));
    p.page('/middle', doc(`<iframe id="gwf" src="${gw.origin}/frame/?site=${SITE}"></iframe>`));
    p.page('/grandparent', doc('<iframe id="middle" src="/middle" style="width:600px;height:400px"></iframe>'));
    p.page('/blank', doc('<p>a window of the site</p>'));
  }
  browser = await launchMapped();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await pages?.close();
  await other?.close();
});

/**
 * A context whose every HTTP request to the gateway's bridge is counted, and every WebSocket with what was sent on
 * it; `stripCsp` removes the frame's CSP header.
 */
async function hostileContext({ stripCsp }) {
  const context = await browser.newContext();
  const bridge = [];
  const sockets = [];
  context.on('request', (r) => { if (r.url().includes('/eventbus')) bridge.push(r.url()); });
  context.on('page', (p) => p.on('websocket', (ws) => {
    const socket = { url: ws.url(), sent: [], closed: new Promise((resolve) => { ws.on('close', resolve); }) };
    ws.on('framesent', (f) => socket.sent.push(String(f.payload)));
    sockets.push(socket);
  }));
  if (stripCsp) {
    await context.route(`${gw.origin}/frame/?*`, async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['content-security-policy'];
      await route.fulfill({ response, headers });
    });
  }
  return { context, bridge, sockets };
}

/** The frame of `page` whose document is `url`-like (the page itself for '/'), once attached. */
async function frameOf(page, pred, timeout = 20_000) {
  const until = Date.now() + timeout;
  for (;;) {
    const f = page.frames().find((x) => pred(x.url()));
    if (f) return f;
    if (Date.now() > until) throw new Error(`no such frame; the page has ${page.frames().map((x) => x.url()).join(', ')}`);
    await page.waitForEvent('framenavigated', { timeout: 500 }).catch(() => {}); // the next navigation, or look again
  }
}

const COUNTERS = ['sc_codes_total', 'sc_sockjs_sessions', 'sc_messages_in_total', 'sc_pages_connected'];
const counters = async () => {
  const m = await gatewayMetrics(gw, METRICS);
  return Object.fromEntries(COUNTERS.map((k) => [k, m[k] ?? 0]));
};

/**
 * The counters once no page is connected. A closed context's socket ends on the gateway a little later than
 * `context.close()` returns; a baseline taken before that would count the earlier test's session as this one's.
 */
async function idleCounters(timeout = 15_000) {
  const until = Date.now() + timeout;
  for (;;) {
    const now = await counters();
    if (now.sc_pages_connected === 0 && now.sc_sockjs_sessions === 0) return now;
    if (Date.now() > until) throw new Error(`the gateway still holds sessions from earlier tests: ${JSON.stringify(now)}`);
    await new Promise((r) => setTimeout(r, 100)); // poll: /metrics has no change notification
  }
}

/** Parents that are not the site: [name, url, the document that runs site_connect.js]. */
const hostile = () => [
  ['suffix site.example.evil.tld', `http://site.example.evil.tld:${pages.port}/`, (u) => u.endsWith('evil.tld:' + pages.port + '/')],
  ['subdomain', `http://www.site.example:${pages.port}/`, (u) => u.startsWith('http://www.site.example')],
  ['trailing dot site.example.', `http://site.example.:${pages.port}/`, (u) => u.startsWith('http://site.example.:')],
  ['another port', `http://site.example:${other.port}/`, (u) => u.startsWith(`http://site.example:${other.port}`)],
  ['the bare IP', `http://127.0.0.1:${pages.port}/`, (u) => u.startsWith('http://127.0.0.1')],
  ['null: a data: document inside the site', `${site}/data-parent`, (u) => u.startsWith('data:')],
  ['null: a sandboxed iframe inside the site', `${site}/sandboxed-parent`, (u) => u === 'about:srcdoc'],
];

/** Opens every hostile parent at once; each must end with frame-unavailable and nothing reaching the gateway. */
async function refusedEverywhere(t, stripCsp) {
  const before = await idleCounters();
  const { context, bridge, sockets } = await hostileContext({ stripCsp });
  const results = await Promise.all(hostile().map(async ([name, url, isDoc]) => {
    const page = await context.newPage();
    await page.goto(url);
    const doc = await frameOf(page, isDoc);
    const end = await doc.waitForFunction(() => (window.__events || []).find((e) => e.topic === '~/site_connect/error')?.msg,
      null, { timeout: 30_000 }).then((h) => h.jsonValue()).catch(() => null);
    const ready = await doc.evaluate(() => window.__events.some((e) => e.topic === '~/site_connect/ready'));
    // With the CSP stripped the frame runs and must show that it refused the parent. (Not in the sandboxed
    // parent: the frame inherits the sandbox, so its own origin is opaque and the parent's exact-origin
    // postMessage never reaches it; whether it loads at all there varies.)
    let status = 'not loaded';
    if (stripCsp && !name.includes('sandboxed')) {
      const frame = await frameOf(page, (u) => u.startsWith(`${gw.origin}/frame/`));
      status = await frame.waitForFunction(() => ['refused', 'unavailable'].includes(document.body?.dataset.status)
        && document.body.dataset.status, null, { timeout: 15_000 }).then((h) => h.jsonValue())
        .catch(() => frame.evaluate(() => `still ${document.body?.dataset.status}`));
    }
    return { name, end, ready, status };
  }));
  for (const r of results) {
    t.diagnostic(`${r.name}: page API ${JSON.stringify(r.end)}, frame ${r.status}`);
    assert.deepEqual(r.end, { reason: 'frame-unavailable' }, `${r.name}: the page API reports that there is no frame`);
    assert.equal(r.ready, false, `${r.name}: the page API never got ~/site_connect/ready`);
  }
  if (stripCsp) {
    for (const r of results.filter((x) => !x.name.includes('sandboxed'))) {
      assert.equal(r.status, 'refused', `${r.name}: the frame itself refused the parent`);
    }
  }
  assert.deepEqual(bridge, [], 'no HTTP request reached the gateway\'s bridge');
  // The frame opens its WebSocket while its HTML is parsed, before any parent has spoken: nothing may be sent on
  // it, and it is closed once the frame has refused the parent.
  for (const s of sockets) assert.deepEqual(s.sent, [], `${s.url}: nothing sent on the frame's early WebSocket`);
  let timer;
  const closedAll = await Promise.race([
    Promise.all(sockets.map((s) => s.closed)).then(() => true),
    new Promise((resolve) => { timer = setTimeout(() => resolve(false), 15_000); }),
  ]);
  clearTimeout(timer);
  assert.ok(closedAll, 'every early WebSocket was closed once the frame refused its parent');
  assert.deepEqual(await counters(), before, 'no session, subscription or publish reached the gateway');
  await context.close();
}

describe('frame: hostile parents', () => {
  test('look-alike and null-origin parents get no session (frame-ancestors CSP as served)', T, (t) => refusedEverywhere(t, false));

  test('look-alike and null-origin parents get no session (CSP stripped: the frame\'s own check)', T, (t) => refusedEverywhere(t, true));

  test('a connect from a window that is not the parent is ignored, even from the site\'s own origin', T, async (t) => {
    const before = await idleCounters();
    const { context, bridge } = await hostileContext({ stripCsp: false });
    const page = await context.newPage();
    await page.goto(`${site}/bare`);
    const frame = await frameOf(page, (u) => u.startsWith(`${gw.origin}/frame/`));
    await frame.waitForFunction(() => !!window.scFrame);
    const sibling = await frameOf(page, (u) => u.endsWith('/blank'));
    const popupP = page.waitForEvent('popup');
    await page.evaluate(() => { window.__popup = window.open('/blank', 'popup'); });
    const popup = await popupP;
    await popup.waitForLoadState();
    const grand = await context.newPage();
    await grand.goto(`${site}/grandparent`);
    const nested = await frameOf(grand, (u) => u.startsWith(`${gw.origin}/frame/`));
    await nested.waitForFunction(() => !!window.scFrame);

    // Each posts `connect` with a port, to the exact gateway origin, as site_connect.js would.
    const offer = (target) => `(() => {
      const ch = new MessageChannel();
      window.__got = [];
      ch.port1.onmessage = (e) => window.__got.push(e.data);
      ${target}.postMessage({ sc: 1, type: 'connect', kept: {} }, ${JSON.stringify(gw.origin)}, [ch.port2]);
    })()`;
    await sibling.evaluate(offer('parent.frames[0]'));
    await popup.evaluate(offer('opener.frames[0]'));
    await grand.evaluate(offer('frames[0].frames[0]'));

    // Now the real parents connect; once each has its hello, the earlier offers were seen and dropped.
    const parentFrame = page.mainFrame();
    const middle = await frameOf(grand, (u) => u.endsWith('/middle'));
    await parentFrame.evaluate(offer('frames[0]'));
    await middle.evaluate(offer('frames[0]'));
    for (const [name, f] of [['parent', parentFrame], ['middle (the nested frame\'s parent)', middle]]) {
      await f.waitForFunction(() => window.__got.some((m) => m.type === 'hello'), null, { timeout: 15_000 })
        .catch(() => assert.fail(`${name}: the frame never answered its real parent`));
    }
    for (const [name, f] of [['a sibling iframe', sibling], ['a popup', popup], ['the grandparent', grand]]) {
      assert.deepEqual(await f.evaluate(() => window.__got), [], `${name}: no answer on its port`);
    }
    t.diagnostic(`bridge requests after the parents connected: ${bridge.length}`);
    // The parents' sessions are the only ones: one code each, and both pages' ports got it.
    for (const f of [parentFrame, middle]) {
      await f.waitForFunction(() => window.__got.some((m) => m.type === 'session' && /^\d{6}$/.test(m.code)), null, { timeout: 20_000 });
    }
    for (const f of [sibling, popup, grand]) assert.deepEqual(await f.evaluate(() => window.__got), []);
    const now = await counters();
    assert.equal(now.sc_codes_total - before.sc_codes_total, 2, 'two codes: one per real parent');
    await context.close();
  });

  // Last: the control opens a real page session, and its end (the grace after the tab closed) publishes on the
  // server — a publish the counters of the tests above would take for one that reached the gateway from a hostile
  // parent (seen once: sc_messages_in_total one up in the CSP-stripped test, with no session and nothing sent).
  test('the site itself connects (control: the name mapping and the gateway work)', T, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site}/`);
    const code = await (await page.waitForFunction(() => window.__events.find((e) => e.topic === '~/site_connect/ready')?.msg.code,
      null, { timeout: 30_000 })).jsonValue();
    assert.match(code, /^\d{6}$/);
    await context.close();
    await idleCounters(); // closing the tab ends its session on the gateway
  });
});
