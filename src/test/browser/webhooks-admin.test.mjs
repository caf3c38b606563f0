// The admin view tells the admin about a webhook the gateway disabled after its deliveries kept failing
// (docs/WEBHOOKS.md "Disable").
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { freePort, launch, startHost } from './helpers.mjs';
import { consoleLogin, openAdmin, openConsole, rest, restLogin, setAvailable } from './agent-helpers.mjs';
import { startChatGateway } from './chat-helpers.mjs';

const T = { timeout: 90_000 };
let host, gw, browser;

before(async () => {
  host = await startHost();
  gw = await startChatGateway({
    hostOrigin: host.origin,
    conf: { webhooks: { allowPrivateTargets: true, disableAfterSeconds: 1, backoffBaseMs: 50, backoffMaxMs: 200 } },
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

describe('webhooks in the admin view', () => {
  test('a webhook whose deliveries keep failing is disabled and the admin view says so', T, async () => {
    const token = await restLogin(gw, 'admin', gw.adminPassword);
    // Nobody listens on this port: every delivery fails (connection refused).
    const url = `http://127.0.0.1:${await freePort()}/hook`;
    const made = await rest(gw, 'POST', '/webhooks',
      { url, filters: ['$sites/acme/chat_button/+'], secret: 'a webhook secret of some length' }, token);
    assert.equal(made.status, 201, JSON.stringify(made.body));

    const c = await openConsole(browser, gw);
    await consoleLogin(c.page, 'admin', gw.adminPassword);
    await openAdmin(c.page);
    await c.page.waitForSelector('[data-testid="admin-module"]');
    assert.equal(await c.page.isVisible('[data-testid="webhook-notice"]'), false, 'no notice while healthy');
    const w = await openConsole(browser, gw); // the workspace, where the agent switches the button on
    await consoleLogin(w.page, 'admin', gw.adminPassword);
    await setAvailable(w.page, 'acme/sales', true); // the button is enabled: an event for the webhook

    const notice = c.page.locator(`[data-testid="webhook-disabled"][data-hook="${made.body.id}"]`);
    await notice.waitFor({ state: 'visible', timeout: 30_000 });
    const text = await notice.textContent();
    assert.match(text, new RegExp(url.replace(/[.]/g, '\\.')));
    assert.match(text, /was disabled/);
    const shown = await rest(gw, 'GET', `/webhooks/${made.body.id}`, undefined, token);
    assert.equal(shown.body.enabled, false);

    // Pointed at a receiver that answers and enabled again: the waiting delivery goes and the notice leaves.
    const received = [];
    const receiver = createServer((req, res) => {
      req.on('data', () => {});
      req.on('end', () => { received.push(req.headers['x-siteconnect-id']); res.end('ok'); });
    });
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const enabled = await rest(gw, 'PUT', `/webhooks/${made.body.id}`,
        { enabled: true, url: `http://127.0.0.1:${receiver.address().port}/hook` }, token);
      assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
      await c.page.waitForSelector('[data-testid="webhook-notice"]', { state: 'hidden', timeout: 15_000 });
      assert.ok(received.length >= 1, 'the delivery that waited was sent');
    } finally {
      receiver.close();
    }
  });
});
