// The frame's transport (docs/ASSETS.md "How the frame connects"): a plain WebSocket to /eventbus/websocket, and
// sockjs-client loaded only when that cannot open. Here the visitor's network blocks WebSockets, as some proxies do:
// every WebSocket to the gateway is refused at once (closed before a frame), or accepted and never answered. The
// frame must still reach ready, chat with an agent through SockJS's HTTP transports, and remember the fallback for
// the tab, so that the next page of the site neither tries the WebSocket again nor waits for it. And where the
// WebSocket has worked, a lost connection (the gateway restarting) reconnects over it without loading sockjs-client.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, recorded, recordedAll, startHost } from './helpers.mjs';
import { chatButtonPage, consoleLogin, createAgent, openConsole, setAvailable, waitWiredButton } from './agent-helpers.mjs';
import {
  acceptFirst, consoleSend, frameSend, openVisitor, startChatGateway, waitConsoleTexts, waitFrameTexts,
} from './chat-helpers.mjs';

const T = { timeout: 90_000 };
const ERIN = { login: 'erin', name: 'Erin Agent', password: 'erin-secret-password', buttons: ['acme/sales'] };
let host, gw, browser, agent;

before(async () => {
  host = await startHost();
  gw = await startChatGateway({ hostOrigin: host.origin });
  await createAgent(gw, ERIN);
  host.page('/shop', chatButtonPage(gw));
  browser = await launch();
  agent = await openConsole(browser, gw); // the console's own connection is not blocked
  await consoleLogin(agent.page, ERIN.login, ERIN.password);
  await setAvailable(agent.page, 'acme/sales', true);
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

/**
 * A visitor whose network blocks every WebSocket to the gateway: `refuse` closes each one at once, otherwise it is
 * accepted and never answered. `tried` lists the WebSocket URLs the frame (or SockJS) tried, `scripts` the
 * sockjs-client requests.
 */
async function blockedVisitor(refuse) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const tried = [];
  const scripts = [];
  await context.routeWebSocket(/\/eventbus\//, (ws) => {
    tried.push(new URL(ws.url()).pathname);
    if (refuse) ws.close({ code: 1008, reason: 'WebSockets are blocked here' });
  });
  context.on('request', (r) => { if (r.url().includes('/webjars/sockjs-client/')) scripts.push(r.url()); });
  const page = await context.newPage();
  return { context, page, tried, scripts };
}

/** The visitor opens /shop: ready, the chat button enabled; returns the ms from navigation to ready. */
async function openShop(v) {
  const t0 = Date.now();
  await v.page.goto(host.origin + '/shop');
  await recorded(v.page, '~/site_connect/ready');
  const ms = Date.now() - t0;
  await waitWiredButton(v.page, true, 'sales', 15_000);
  return ms;
}

describe('the frame\'s transport: a plain WebSocket, SockJS as the fallback', () => {
  for (const refuse of [true, false]) {
    const how = refuse ? 'refused at once' : 'accepted and never answered';
    test(`every WebSocket ${how}: ready, a chat both ways, the next page goes straight to SockJS`, T, async () => {
      const v = await blockedVisitor(refuse);
      const first = await openShop(v);
      assert.equal(v.tried[0], '/eventbus/websocket', 'the frame tried its plain WebSocket first');
      assert.equal(v.scripts.length, 1, 'sockjs-client loaded once, on demand: ' + v.scripts);
      assert.match(v.scripts[0], /\/webjars\/sockjs-client\/1\.6\.1\/dist\/sockjs\.min\.js$/);
      if (!refuse) assert.ok(first >= 4000, `the silent WebSocket was given its ${first} ms (≥ 4 s) before the fallback`);

      // A chat, both ways, through SockJS's HTTP transports.
      await v.page.click('[data-site-connect-chat-button="sales"]');
      const frame = v.page.frames().find((f) => f.url().includes('/frame/'));
      assert.ok(frame, 'the site-connect frame');
      await frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible' });
      const id = await acceptFirst(agent.page);
      await frame.waitForSelector('#sc-panel-chat[data-view="chat"]');
      await frameSend(frame, `hello over the fallback (${how})`);
      await waitConsoleTexts(agent.page, id, [`hello over the fallback (${how})`]);
      await consoleSend(agent.page, id, 'the agent answers');
      await waitFrameTexts(frame, [`hello over the fallback (${how})`, 'the agent answers']);

      // The next page of the site in this tab: the fallback is remembered, no WebSocket to wait for. The frame's HTML
      // opens one WebSocket before it can know (docs/ASSETS.md: the host page says so in its connect message); it is
      // closed then, never waited for.
      const before = v.tried.filter((p) => p === '/eventbus/websocket').length;
      const second = await openShop(v);
      assert.ok(v.tried.filter((p) => p === '/eventbus/websocket').length <= before + 1,
        'the next page did not try the plain WebSocket again, beyond the one its HTML opens at once');
      assert.ok(second < 4000, `the next page was ready in ${second} ms, without the WebSocket's wait`);
      console.log(`WebSocket ${how}: ready after ${first} ms on the first page, ${second} ms on the next`);
      await v.context.close();
    });
  }

  test('the WebSocket worked, then the connection is lost for a moment: it reconnects without sockjs-client', T, async () => {
    const v = await openVisitor(browser);
    const scripts = [];
    v.context.on('request', (r) => { if (r.url().includes('/webjars/sockjs-client/')) scripts.push(r.url()); });
    await openShop(v);
    assert.equal(v.sockets.length, 1, 'one WebSocket');
    assert.match(v.sockets[0].url(), /\/eventbus\/websocket\?batch=1$/);
    await v.cut(); // closed, and the next attempt refused: what a gateway restart looks like to the frame
    // The first retry is refused too; the second would be the last before the fallback: the network is back by then.
    await v.page.waitForFunction(() => window.__events.filter((e) => e.topic === '~/site_connect/retry').length === 2,
      null, { timeout: 20_000 });
    assert.deepEqual(await recordedAll(v.page, '~/site_connect/retry').then((r) => r.map((x) => x.attempt)), [1, 2]);
    v.restore();
    const frame = v.page.frames().find((f) => f.url().includes('/frame/'));
    await frame.waitForFunction(() => document.body.dataset.status === 'live', null, { timeout: 20_000 });
    assert.match(v.sockets.at(-1).url(), /\/eventbus\/websocket\?batch=1$/, 'back on the plain WebSocket');
    assert.deepEqual(scripts, [], 'sockjs-client was not loaded');
    await v.context.close();
  });
});

