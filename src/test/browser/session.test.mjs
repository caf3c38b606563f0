// Page session and contact code, seen from a customer's page on another origin than the gateway.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  SITE, hostPage, launch, nextMessage, recorded, recordedAll, siteFrame, startGateway, startHost,
} from './helpers.mjs';

const T = { timeout: 60_000 };
let host, gw, browser;

before(async () => {
  host = await startHost();
  gw = await startGateway({ hostOrigin: host.origin });
  host.page('/resume', hostPage(gw.origin));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

async function open(path, html, origin = host.origin) {
  host.page(path, html);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(origin + path);
  return { context, page };
}

describe('page session', () => {
  test('the page gets ~/site_connect/ready with a 6-digit code, and #wwwchannelme shows it', T, async () => {
    const { context, page } = await open('/ready', hostPage(gw.origin, {
      script: '',
      body: `<p id="wwwchannelme" data-code="${SITE}">NNNN</p><span data-site-connect-code>....</span>`,
    }));
    const { code } = await recorded(page, '~/site_connect/ready');
    assert.match(code, /^\d{6}$/);
    assert.equal(await page.textContent('#wwwchannelme'), code);
    assert.equal(await page.textContent('[data-site-connect-code]'), code);
    await context.close();
  });

  test('the site key may sit on the script tag, and the script is also served as /siteconnect.js', T, async () => {
    const { context, page } = await open('/script-key', hostPage(gw.origin, {
      path: 'siteconnect.js', body: '<b data-site-connect-code></b>',
    }));
    const { code } = await recorded(page, '~/site_connect/ready');
    assert.match(code, /^\d{6}$/);
    assert.equal(await page.textContent('[data-site-connect-code]'), code);
    await context.close();
  });

  test('a late subscriber to ~/site_connect/ready still gets the code (retained)', T, async () => {
    const { context, page } = await open('/late', hostPage(gw.origin));
    const { code } = await recorded(page, '~/site_connect/ready');
    const late = await page.evaluate(() => new Promise((resolve) => {
      window.site_connect.subscribe('~/site_connect/ready', (msg, info) => resolve({ msg, info }));
    }));
    assert.deepEqual(late.msg, { code });
    assert.equal(late.info.topic, '~/site_connect/ready');
    assert.equal(late.info.retained, true);
    await context.close();
  });

  test('data-no-init waits for start(); start() twice (and setup()) makes one frame and one session', T, async () => {
    const { context, page } = await open('/no-init', hostPage(gw.origin, {
      script: 'data-no-init', body: '<p id="wwwchannelme">NNNN</p>',
    }));
    assert.equal(await page.locator('#channelme-siteconnect-container').count(), 0, 'no frame before start()');
    const same = await page.evaluate((key) => {
      const a = window.site_connect.start(key);
      const b = window.site_connect.start(key);
      const c = window.site_connect.setup(key);
      return typeof a === 'function' && a === b && b === c;
    }, SITE);
    assert.ok(same, 'start() returns the same stop function every time');
    const { code } = await recorded(page, '~/site_connect/ready');
    await page.evaluate((key) => window.site_connect.start(key), SITE); // an SPA navigation
    assert.equal(await page.locator('#channelme-siteconnect-container').count(), 1);
    assert.equal(await page.locator('#channelme-siteconnect-container iframe').count(), 1);
    assert.equal(await page.textContent('#wwwchannelme'), code);
    assert.equal((await recordedAll(page, '~/site_connect/ready')).length, 1, 'one ready');
    assert.equal((await recordedAll(page, '~/site_connect/new_code')).length, 0, 'no new code');
    await context.close();
  });

  test('a page on an origin the site does not allow gets no session', T, async () => {
    const traffic = { sockets: 0 };
    host.page('/foreign', hostPage(gw.origin));
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('websocket', () => traffic.sockets++);
    await page.goto(host.otherOrigin + '/foreign'); // http://127.0.0.1:PORT, while the site allows http://localhost:PORT
    const { reason } = await recorded(page, '~/site_connect/error');
    assert.equal(reason, 'frame-unavailable');
    assert.equal((await recordedAll(page, '~/site_connect/ready')).length, 0, 'no ready');
    assert.equal(traffic.sockets, 0, 'the frame opened no connection to the gateway');
    await context.close();
  });

  test("the frame itself refuses a connect from an origin that is not the site's (defence behind the CSP)", T, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The frame's HTML opens its WebSocket while it is parsed (issue 22 part 5): nothing may be sent on it, and it
    // is closed once the frame has refused its parent.
    const sent = [];
    const closed = [];
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => sent.push(String(f.payload)));
      closed.push(new Promise((resolve) => { ws.on('close', resolve); }));
    });
    // Opened top-level, the frame is its own parent, and the gateway origin is not one of the site's origins.
    await page.goto(`${gw.origin}/frame/?site=${SITE}`);
    await page.evaluate(() => {
      const ch = new MessageChannel();
      window.answers = [];
      ch.port1.onmessage = (e) => window.answers.push(e.data);
      window.postMessage({ sc: 1, type: 'connect' }, location.origin, [ch.port2]);
    });
    await page.waitForFunction(() => document.body.dataset.status === 'refused');
    assert.deepEqual(await page.evaluate(() => window.answers), []);
    assert.deepEqual(sent, [], 'nothing sent to the gateway');
    await Promise.all(closed); // the test's own timeout bounds this wait
    assert.ok(closed.length <= 1, `at most the one early WebSocket: ${closed.length}`);
    await context.close();
  });

  test('the connection killed and restored: same code, subscriptions and publishes still work', T, async () => {
    const context = await browser.newContext();
    const sockets = [];
    await context.routeWebSocket(/\/eventbus\//, (ws) => {
      ws.connectToServer();
      sockets.push(ws);
    });
    const visitor = await context.newPage();
    await visitor.goto(host.origin + '/resume');
    const { code } = await recorded(visitor, '~/site_connect/ready');

    const other = await (await browser.newContext()).newPage();
    await other.goto(host.origin + '/resume');
    await recorded(other, '~/site_connect/ready');

    // Both pages subscribe (acks = live on the server) before the cut.
    const subscribe = (page, filter) => page.evaluate((f) => new Promise((resolve, reject) => {
      window.got = window.got || [];
      window.site_connect.subscribe(f, (msg, info) => window.got.push({ topic: info.topic, msg }),
        (ack) => (ack.granted ? resolve() : reject(new Error(JSON.stringify(ack)))));
    }), filter);
    await other.evaluate(() => window.site_connect.publish('public/room/state', 'open', { retain: true }));
    await subscribe(other, 'public/room/#');
    await subscribe(visitor, 'public/room/+'); // gets the retained state once

    const frame = await siteFrame(visitor);
    await frame.waitForFunction(() => document.body.dataset.status === 'live');
    await sockets[0].close({ code: 1006, reason: 'network cut by the test' });
    const retry = await recorded(visitor, '~/site_connect/retry');
    assert.equal(retry.attempt, 1);
    assert.ok(retry.retry_in_ms > 0 && retry.retry_in_ms <= 1000, `retry_in_ms ${retry.retry_in_ms}`);
    // Published while the connection is down (or just back): it must arrive all the same.
    await visitor.evaluate(() => window.site_connect.publish('public/room/offline', { n: 1 }));
    await frame.waitForFunction(() => document.body.dataset.status === 'live');
    assert.equal(sockets.length, 2, 'one reconnect');

    // Resumed: same code, nothing new published to the page.
    assert.deepEqual((await nextMessage(visitor, '~/site_connect/ready')).msg, { code });
    assert.equal((await recordedAll(visitor, '~/site_connect/new_code')).length, 0, 'no new code');
    assert.equal(await frame.textContent('.sc-big'), code);

    // The visitor's subscription is live again on the server, and its offline publish was delivered.
    await other.evaluate(() => window.site_connect.publish('public/room/after', { n: 2 }));
    await visitor.waitForFunction(() => window.got.some((m) => m.topic === 'public/room/after'));
    await other.waitForFunction(() => window.got.some((m) => m.topic === 'public/room/offline'));
    assert.equal(await other.evaluate(() => window.got.filter((m) => m.topic === 'public/room/offline').length), 1);
    const states = await visitor.evaluate(() => window.got.filter((m) => m.topic === 'public/room/state').length);
    assert.equal(states, 1, 'the resubscription does not deliver the unchanged retained message again');
    await context.close();
    await other.context().close();
  });
  test('more subscriptions than the gateway takes per second: all acknowledged, all back after a reconnect', T, async () => {
    const context = await browser.newContext();
    const sockets = [];
    await context.routeWebSocket(/\/eventbus\//, (ws) => {
      ws.connectToServer();
      sockets.push(ws);
    });
    const visitor = await context.newPage();
    await visitor.goto(host.origin + '/resume');
    await recorded(visitor, '~/site_connect/ready');
    const acks = await visitor.evaluate(() => Promise.all(Array.from({ length: 150 }, (_, i) => new Promise((resolve) => {
      window.got = [];
      window.site_connect.subscribe('public/burst/' + i, (msg, info) => window.got.push(info.topic), (a) => resolve(a.granted));
    }))));
    assert.equal(acks.filter(Boolean).length, 150);

    const frame = await siteFrame(visitor);
    await sockets[0].close({ code: 1006, reason: 'network cut by the test' });
    await recorded(visitor, '~/site_connect/retry');
    // "live" once every resubscription is answered (paced under the gateway's per-second limit)
    await frame.waitForFunction(() => document.body.dataset.status === 'live', null, { timeout: 20_000 });

    const other = await (await browser.newContext()).newPage();
    await other.goto(host.origin + '/resume');
    await recorded(other, '~/site_connect/ready');
    await other.evaluate(() => ['public/burst/0', 'public/burst/149'].forEach((t) => window.site_connect.publish(t, 1)));
    await visitor.waitForFunction(() => window.got.includes('public/burst/149'), null, { timeout: 20_000 });
    assert.deepEqual(await visitor.evaluate(() => window.got), ['public/burst/0', 'public/burst/149']);
    await context.close();
    await other.context().close();
  });
});
