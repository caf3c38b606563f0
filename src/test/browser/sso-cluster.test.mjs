// Single sign-on across a cluster (docs/SSO.md): the sign-in starts on one node and comes back through the load
// balancer to another. State, nonce and verifier, then the one-time code, live in cluster-wide maps; the agent
// service (on the leader) issues the token. Needs the test PostgreSQL (src/test/pg.sh), as cluster.test.mjs does.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SITE, freePort, launch } from './helpers.mjs';
import { rest } from './agent-helpers.mjs';
import { createDatabase, dropDatabase, startCluster, startProxy, testPostgres } from './cluster-helpers.mjs';
import { signInAtProvider, startProvider } from './oidc-helpers.mjs';

const PG = testPostgres();
const NO_PG = 'no test PostgreSQL: run `eval "$(bash src/test/pg.sh start)"` first (SC_TEST_PG_* unset)';

if (!PG && process.env.CI) {
  test('sso across a cluster needs the test PostgreSQL', () => {
    throw new Error(`${NO_PG}; CI runs src/test/run.sh, which must provide it`);
  });
}

describe('single sign-on across two cluster nodes', { skip: PG ? false : NO_PG, timeout: 180_000 }, () => {
  let db, proxy, cluster, browser, provider, httpPorts;

  before(async () => {
    db = createDatabase(PG);
    httpPorts = [await freePort(), await freePort()];
    // The load balancer sends every connection to node 1; the console is opened on node 0 directly.
    proxy = await startProxy(await freePort(), [httpPorts[1], httpPorts[0]]);
    provider = await startProvider({
      users: { bob: { name: 'Bob Sales', groups: ['sc-sales'] } },
      redirectUris: [`${proxy.origin}/api/v1/sso/callback`],
    });
    cluster = await startCluster({
      count: 2, httpPorts, hostOrigin: 'http://localhost:9', publicOrigin: proxy.origin, db,
      adminPassword: `adm-${randomBytes(12).toString('base64url')}`,
      extra: {
        sso: {
          providerName: 'Test IdP', issuer: provider.issuer, clientId: provider.clientId,
          clientSecret: provider.clientSecret, scopes: ['openid', 'profile', 'groups'],
          mappings: [{ value: 'sc-sales', roles: ['agent'], buttons: [`${SITE}/sales`] }],
        },
      },
    });
    browser = await launch();
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await cluster?.stop().catch(() => {});
    await proxy?.close();
    await provider?.close();
    if (db) dropDatabase(PG, db);
  });

  test('a sign-in started on node 0 comes back to node 1 and opens the console', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const started = [];
      page.on('request', (r) => { if (r.url().includes('/api/v1/sso/')) started.push(new URL(r.url()).origin + new URL(r.url()).pathname); });
      await page.goto(`http://127.0.0.1:${httpPorts[0]}/agent/`);
      await page.getByTestId('sso-button').click();
      await page.waitForURL((u) => u.href.startsWith(provider.issuer), { timeout: 15_000 });
      await signInAtProvider(page, 'bob', proxy.origin);
      await page.getByTestId('console-view').waitFor({ state: 'visible', timeout: 20_000 });
      assert.equal(await page.getByTestId('agent-name').textContent(), 'Bob Sales');
      assert.deepEqual(started, [
        `http://127.0.0.1:${httpPorts[0]}/api/v1/sso/login`,
        `${proxy.origin}/api/v1/sso/callback`,
        `${proxy.origin}/api/v1/sso/exchange`,
      ]);
      assert.ok(proxy.picks.length > 0 && proxy.picks.every((i) => i === 0), 'node 1 answered through the load balancer');
      const token = await page.evaluate(() => sessionStorage.getItem('siteconnect.agent.token'));
      const me = await rest({ origin: `http://127.0.0.1:${httpPorts[0]}` }, 'GET', '/me', undefined, token);
      assert.equal(me.body.login, 'sso:bob', 'the token works on node 0 too');
    } finally {
      await context.close();
    }
  });
});
