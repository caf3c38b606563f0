// Assets as shipped (issue 18 item 5, docs/ASSETS.md), measured on the wire in Chromium: a host page on another origin
// embeds site_connect.js; a cold cache downloads ≤ 4,096 bytes for /site_connect.js and ≤ 30,720 bytes in all from
// the gateway before ~/site_connect/ready; a repeat visit revalidates site_connect.js (304) and takes every hashed
// file from the cache. Bytes: CDP Network.loadingFinished encodedDataLength (response headers + body as received).
// The frame is in the page's process here (site isolation off) so that one CDP session sees its requests too;
// the WebSocket's handshake is not an HTTP response there and is not counted. The gateway runs with
// SC_SCRIPT_MAX_AGE=0 so that the repeat visit must revalidate site_connect.js (its default max-age is 300 s).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { hostPage, recorded, startGateway, startHost } from './helpers.mjs';

const T = { timeout: 90_000 };
const SCRIPT_BUDGET = 4096;
// Issue 18's bar. The frame opens a plain WebSocket and loads sockjs-client (~14.5 KB) only when that cannot open
// (docs/ASSETS.md): a first visit does not download it.
const READY_BUDGET = 30720;
let host, gw, browser;

before(async () => {
  host = await startHost();
  process.env.SC_SCRIPT_MAX_AGE = '0';
  try {
    gw = await startGateway({ hostOrigin: host.origin });
  } finally {
    delete process.env.SC_SCRIPT_MAX_AGE;
  }
  host.page('/', hostPage(gw.origin));
  browser = await chromium.launch({
    executablePath: process.env.SC_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-site-isolation-trials',
      '--disable-features=IsolateOrigins,site-per-process'],
  });
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

/**
 * Opens the host page in a new tab of `context` and records every request to the gateway until
 * ~/site_connect/ready, then until each of those requests has finished.
 * Returns [{url, status, bytes, encoding, cache, cacheControl}]: status as received on the wire, cache 'disk' or
 * 'memory' when the answer came from the browser's cache (no request sent).
 */
async function visit(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const requests = new Map();
  let ready = false;
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!e.request.url.startsWith(gw.origin) || ready || requests.has(e.requestId)) return;
    const r = { url: e.request.url.slice(gw.origin.length), status: 0, bytes: 0, cache: '' };
    r.settled = new Promise((resolve) => (r.done = resolve));
    requests.set(e.requestId, r);
  });
  const wire = new Map(); // requestId → the status line's code as received (a revalidated 304 is reported as 200)
  cdp.on('Network.responseReceivedExtraInfo', (e) => wire.set(e.requestId, e.statusCode));
  cdp.on('Network.requestServedFromCache', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.cache = 'memory';
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    Object.assign(r, { status: e.response.status, encoding: h['content-encoding'] ?? 'identity',
      cacheControl: h['cache-control'] ?? '' });
    if (e.response.fromDiskCache) r.cache = 'disk';
  });
  const finish = (e, bytes) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    r.bytes = bytes;
    r.done();
  };
  cdp.on('Network.loadingFinished', (e) => finish(e, e.encodedDataLength));
  cdp.on('Network.loadingFailed', (e) => finish(e, 0));
  await cdp.send('Network.enable');
  await page.goto(host.origin + '/');
  await recorded(page, '~/site_connect/ready');
  ready = true;
  const list = [...requests.values()];
  await Promise.all(list.map((r) => r.settled));
  for (const [id, r] of requests) if (wire.has(id)) r.status = wire.get(id);
  await page.close();
  return list.map(({ done, settled, ...r }) => r);
}

function print(title, list) {
  console.log(`\n${title}`);
  for (const r of list) {
    console.log(`  ${String(r.status).padEnd(4)}${String(r.bytes).padStart(7)} B  ${(r.cache || r.encoding).padEnd(8)} ${r.url}`);
  }
  console.log(`  total ${list.reduce((n, r) => n + r.bytes, 0)} B in ${list.length} responses`);
}

describe('assets on the wire', () => {
  test('first visit ≤ 4 KB for site_connect.js and ≤ 30 KB before ready; a repeat visit revalidates (304) and hits the cache', T, async () => {
    const context = await browser.newContext();
    const first = await visit(context);
    print('first visit (cold cache), responses from the gateway before ~/site_connect/ready:', first);
    const script = first.find((r) => r.url === '/site_connect.js');
    assert.ok(script, 'site_connect.js was loaded');
    assert.equal(script.status, 200);
    assert.equal(script.encoding, 'br', 'Chromium accepts br: the brotli file is sent');
    assert.ok(script.bytes <= SCRIPT_BUDGET, `site_connect.js: ${script.bytes} bytes on the wire > ${SCRIPT_BUDGET}`);
    const total = first.reduce((n, r) => n + r.bytes, 0);
    assert.ok(total <= READY_BUDGET, `${total} bytes from the gateway before ready > ${READY_BUDGET}`);
    const hashed = first.filter((r) => /-[A-Za-z0-9]{8,10}(\.min)?\.(js|css)$|\/webjars\//.test(r.url));
    assert.ok(hashed.length >= 2, 'the frame loads its hashed script and style sheet: ' + first.map((r) => r.url));
    assert.ok(!first.some((r) => r.url.includes('sockjs')), 'sockjs-client is not loaded when the WebSocket opens');
    for (const r of hashed) {
      assert.equal(r.cacheControl, 'public, max-age=31536000, immutable', r.url);
      assert.notEqual(r.encoding, 'identity', r.url + ' is sent compressed');
    }

    const again = await visit(context);
    print('repeat visit (same browser profile):', again);
    const revalidated = again.find((r) => r.url === '/site_connect.js');
    assert.equal(revalidated?.status, 304, 'site_connect.js is revalidated with its ETag');
    for (const r of hashed) {
      const seen = again.find((x) => x.url === r.url);
      assert.ok(!seen || seen.cache, `${r.url} is taken from the cache (${seen?.status} from the network)`);
    }
    const repeat = again.reduce((n, r) => n + r.bytes, 0);
    console.log(`\nfigures: site_connect.js ${script.bytes} B (budget ${SCRIPT_BUDGET}); before ready ${total} B ` +
      `(budget ${READY_BUDGET}); repeat visit ${repeat} B`);
    await context.close();
  });
});
