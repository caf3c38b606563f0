// Session cap reached: the page hears retry {attempt, retry_in_ms} with backoff, then error after retry.max.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hostPage, launch, recorded, recordedAll, startGateway, startHost } from './helpers.mjs';

const T = { timeout: 60_000 };
let host, gw, browser;

before(async () => {
  host = await startHost();
  gw = await startGateway({
    hostOrigin: host.origin,
    sessions: { maxSessions: 0 },
    client: { retryMax: 3, retryBaseMs: 200, retryMaxMs: 1000 },
  });
  host.page('/', hostPage(gw.origin, { body: '<p id="wwwchannelme" data-code="acme">NNNN</p>' }));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

describe('session cap', () => {
  test('no code when the gateway is full: retry with backoff, then error after retry.max tries', T, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(host.origin + '/');
    const error = await recorded(page, '~/site_connect/error');
    assert.equal(error.reason, 'session-cap');
    const retries = await recordedAll(page, '~/site_connect/retry');
    assert.deepEqual(retries.map((r) => r.attempt), [1, 2, 3]);
    const caps = [200, 400, 800];
    retries.forEach((r, i) => {
      assert.ok(r.retry_in_ms >= caps[i] / 2 && r.retry_in_ms <= caps[i], `attempt ${i + 1}: ${r.retry_in_ms} ms`);
    });
    assert.equal((await recordedAll(page, '~/site_connect/ready')).length, 0, 'no ready');
    assert.equal(await page.textContent('#wwwchannelme'), 'NNNN', 'no code shown');
    await context.close();
  });
});
