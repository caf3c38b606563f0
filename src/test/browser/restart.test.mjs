// The gateway restarts (sessions lost): the page reconnects on its own, gets a new session and a new code,
// hears ~/site_connect/new_code, its code elements follow, and its subscriptions work again.
// Also: the demo page on the gateway works end to end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hostPage, launch, recorded, siteFrame, startGateway, startHost } from './helpers.mjs';

const T = { timeout: 90_000 };
let host, gw, browser;

before(async () => {
  host = await startHost();
  gw = await startGateway({ hostOrigin: host.origin, demo: true });
  host.page('/', hostPage(gw.origin, { body: '<p id="wwwchannelme" data-code="acme">NNNN</p><i data-site-connect-code></i>' }));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

describe('gateway restart and demo page', () => {
  test('after a gateway restart the page gets new_code, shows it and its subscriptions work again', T, async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(host.origin + '/');
    const { code } = await recorded(page, '~/site_connect/ready');
    await page.evaluate(() => new Promise((resolve) => {
      window.got = [];
      window.site_connect.subscribe('public/after-restart', (m) => window.got.push(m), resolve);
    }));

    await gw.stop();
    await recorded(page, '~/site_connect/retry');
    gw = await startGateway({ hostOrigin: host.origin, demo: true, port: gw.port });

    const fresh = await recorded(page, '~/site_connect/new_code');
    assert.match(fresh.code, /^\d{6}$/);
    assert.notEqual(fresh.code, code);
    await page.waitForFunction((c) => document.getElementById('wwwchannelme').textContent === c, fresh.code);
    assert.equal(await page.textContent('[data-site-connect-code]'), fresh.code);
    const late = await page.evaluate(() => new Promise((resolve) => {
      window.site_connect.subscribe('~/site_connect/ready', (m) => resolve(m));
    }));
    assert.deepEqual(late, { code: fresh.code }, 'the retained ready carries the current code');

    const frame = await siteFrame(page);
    await frame.waitForFunction(() => document.body.dataset.status === 'live');
    const other = await (await browser.newContext()).newPage();
    await other.goto(host.origin + '/');
    await recorded(other, '~/site_connect/ready');
    await other.evaluate(() => window.site_connect.publish('public/after-restart', 'hello'));
    await page.waitForFunction(() => window.got.length === 1);
    await page.context().close();
    await other.context().close();
  });

  test('the demo page shows its code, logs topics and its buttons drive the frame', T, async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(gw.origin + '/demo/');
    await page.waitForFunction(() => /^\d{6}$/.test(document.getElementById('wwwchannelme').textContent));
    const code = await page.textContent('#wwwchannelme');
    await page.waitForFunction((c) => document.getElementById('demo-log').textContent.includes(`{"code":"${c}"}`), code);
    await page.click('#demo-dev summary'); // the developer panel is closed by default
    await page.click('button[data-topic="~pagesession/show_frame"]');
    await page.waitForSelector('#channelme-siteconnect-container[data-state-display="shown"]');
    assert.equal(await page.textContent('#demo-display'), 'shown');
    await page.click('button[data-topic="~pagesession/hide_frame"]');
    await page.waitForSelector('#channelme-siteconnect-container[data-state-display="hidden"]', { state: 'attached' });
    await page.fill('#demo-form input[name="topic"]', 'a/#/b');
    await page.click('#demo-form button[type="submit"]');
    assert.match(await page.textContent('#demo-error'), /must not contain '\+' or '#'/);
    await page.context().close();
  });
});
