// Single sign-on for agents (docs/SSO.md) through a REAL OpenID provider (npm oidc-provider) in headless Chromium:
// the console's button, the provider's login form, back to the console as the mapped agent; a user in no mapped
// group, a sign-in cancelled at the provider, a replayed or forged callback; local passwords switched off; the
// bound on sign-ins in progress under a concurrent burst.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { SITE, freePort, launch } from './helpers.mjs';
import { openConsole, rest, restLogin, startAgentGateway, waitConnected } from './agent-helpers.mjs';
import { eventually } from './cluster-helpers.mjs';
import { signInAtProvider, startProvider } from './oidc-helpers.mjs';

const USERS = {
  alice: { name: 'Alice Admin', groups: ['sc-admins', 'staff'] },
  bob: { name: 'Bob Sales', groups: ['sc-sales'] },
  eve: { name: 'Eve Elsewhere', groups: ['marketing'] },
};
const MAPPINGS = [
  { value: 'sc-admins', roles: ['admin', 'agent'], buttons: [`${SITE}/sales`] },
  { value: 'sc-sales', roles: ['agent'], buttons: [`${SITE}/sales`] },
];

describe('single sign-on through an OpenID provider', { timeout: 240_000 }, () => {
  let browser, provider, gw, closed;
  const HOST = 'http://localhost:9'; // the site's origin: no host page is needed here

  before(async () => {
    const port = await freePort();
    const closedPort = await freePort();
    provider = await startProvider({
      users: USERS,
      redirectUris: [port, closedPort].map((p) => `http://127.0.0.1:${p}/api/v1/sso/callback`),
    });
    const sso = {
      providerName: 'Test IdP', issuer: provider.issuer, clientId: provider.clientId,
      clientSecret: provider.clientSecret, scopes: ['openid', 'profile', 'groups'], mappings: MAPPINGS,
    };
    [gw, closed] = await Promise.all([
      startAgentGateway({ hostOrigin: HOST, port, extra: { sso } }),
      startAgentGateway({
        hostOrigin: HOST, port: closedPort,
        // a public client (no secret), few sign-ins open at once, the shortest sign-in time
        extra: {
          sso: { ...sso, clientId: provider.publicClientId, clientSecret: undefined, maxPendingLogins: 5, maxPendingLoginsPerAddress: 3, loginTtlSeconds: 30 },
          agents: { localPasswords: false },
        },
      }),
    ]);
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await Promise.all([gw?.stop(), closed?.stop()]);
    await provider?.close();
  });

  /** Opens the console, clicks the SSO button and signs in at the provider as `login`. */
  async function signIn(gateway, login) {
    const c = await openConsole(browser, gateway);
    const violations = [];
    c.page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    const urls = [];
    c.page.on('request', (r) => urls.push(r.url()));
    await c.page.getByTestId('sso-button').click();
    await c.page.waitForURL((u) => u.href.startsWith(provider.issuer), { timeout: 15_000 });
    await signInAtProvider(c.page, login, gateway.origin);
    await c.page.waitForURL((u) => u.href.startsWith(gateway.consoleUrl), { timeout: 15_000 });
    return { ...c, urls, violations };
  }

  test('an agent in a mapped group lands in the console with the mapped role and buttons; no token in any URL', async () => {
    const { context, page, urls, violations, response } = await signIn(gw, 'bob');
    try {
      await page.getByTestId('console-view').waitFor({ state: 'visible', timeout: 15_000 });
      await waitConnected(page);
      assert.equal(await page.getByTestId('agent-name').textContent(), 'Bob Sales');
      assert.equal(await page.getByTestId('agent-roles').textContent(), '(agent)');
      assert.equal(await page.getByTestId('admin-link').isVisible(), false, 'an agent gets no Administration link');
      assert.deepEqual(
        await page.getByTestId('my-button').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-button'))),
        [`${SITE}/sales`]);
      const token = await page.evaluate(() => sessionStorage.getItem('siteconnect.agent.token'));
      assert.ok(token && token.length >= 40, 'the console holds an agent token');
      assert.ok(urls.every((u) => !u.includes(token)), 'the token was never in a URL');
      assert.equal(new URL(page.url()).hash, '', 'the one-time code left the address bar');
      // The token works on the REST API as this agent, and the audit log has the sign-in.
      const me = await rest(gw, 'GET', '/me', undefined, token);
      assert.equal(me.body.login, 'sso:bob');
      const adminToken = await restLogin(gw, 'admin', gw.adminPassword);
      const audit = await rest(gw, 'GET', '/audit?action=login&actor=sso:bob', undefined, adminToken);
      assert.ok(audit.body.some((e) => /sso/.test(e.detail ?? '')), JSON.stringify(audit.body));
      // The console's policy still holds: no eval, scripts from the gateway only, and nothing was refused.
      const csp = response.headers()['content-security-policy'];
      assert.match(csp, /script-src 'self';/);
      assert.doesNotMatch(csp, /unsafe-eval/);
      assert.deepEqual(violations, []);
      // Logout works as with a password.
      // The console shows the login view at once and tells the gateway after: wait for that answer.
      const loggedOut = page.waitForResponse((r) => r.url().endsWith('/api/v1/logout'));
      await page.getByTestId('logout').click();
      await page.getByTestId('login-view').waitFor({ state: 'visible' });
      await loggedOut;
      await assert.rejects(async () => {
        const r = await rest(gw, 'GET', '/me', undefined, token);
        if (r.status === 401) throw new Error('logged out');
      });
    } finally {
      await context.close();
    }
  });

  test('a user whose group maps to admin sees the Admin panel', async () => {
    const { context, page } = await signIn(gw, 'alice');
    try {
      await page.getByTestId('console-view').waitFor({ state: 'visible', timeout: 15_000 });
      assert.equal(await page.getByTestId('agent-roles').textContent(), '(admin, agent)');
      await page.getByTestId('admin-link').waitFor({ state: 'visible' }); // administration is its own page
    } finally {
      await context.close();
    }
  });

  test('a user in no mapped group is refused with a clear message, and the refusal is audited', async () => {
    const { context, page } = await signIn(gw, 'eve');
    try {
      await page.getByTestId('login-error').waitFor({ state: 'visible' });
      assert.match(await page.getByTestId('login-error').textContent(), /Test IdP account is not in any group allowed/);
      assert.equal(await page.getByTestId('console-view').isVisible(), false);
      const adminToken = await restLogin(gw, 'admin', gw.adminPassword);
      const audit = await rest(gw, 'GET', '/audit?action=login-failed&actor=sso:eve', undefined, adminToken);
      assert.equal(audit.body.length, 1, JSON.stringify(audit.body));
      assert.equal((await rest(gw, 'GET', '/agents', undefined, adminToken)).body.some((a) => a.login === 'sso:eve'), false);
    } finally {
      await context.close();
    }
  });

  test('a sign-in cancelled at the provider lands on the console with a message', async () => {
    const { context, page } = await openConsole(browser, gw);
    try {
      await page.getByTestId('sso-button').click();
      await page.waitForURL((u) => u.href.startsWith(provider.issuer));
      await page.getByText('[ Cancel ]').click();
      await page.getByTestId('login-error').waitFor({ state: 'visible' });
      assert.equal(await page.getByTestId('login-error').textContent(), 'Sign-in was cancelled at Test IdP.');
    } finally {
      await context.close();
    }
  });

  test('a replayed callback and a forged state are refused', async () => {
    let callback = null;
    const c = await openConsole(browser, gw);
    c.page.on('request', (r) => { if (r.url().includes('/api/v1/sso/callback')) callback = r.url(); });
    try {
      await c.page.getByTestId('sso-button').click();
      await c.page.waitForURL((u) => u.href.startsWith(provider.issuer));
      await signInAtProvider(c.page, 'bob', gw.origin);
      await c.page.getByTestId('console-view').waitFor({ state: 'visible', timeout: 15_000 });
      assert.ok(callback, 'the provider sent the browser to the callback');
      // The same browser opens the provider's answer again.
      const again = await c.context.newPage();
      await again.goto(callback);
      await again.getByTestId('login-error').waitFor({ state: 'visible' });
      assert.equal(await again.getByTestId('login-error').textContent(), 'This sign-in was already used. Please sign in again.');
      // A state the gateway never issued.
      const forged = new URL(callback);
      forged.searchParams.set('state', `${'A'.repeat(32)}.${Math.floor(Date.now() / 1000) + 300}`);
      await again.goto(forged.href);
      await again.getByTestId('login-error').waitFor({ state: 'visible' });
      assert.match(await again.getByTestId('login-error').textContent(), /not started from this browser/);
      // A one-time code cannot be traded twice, nor without the browser's cookie.
      const r = await rest(gw, 'POST', '/sso/exchange', { code: 'x'.repeat(43) });
      assert.equal(r.status, 401);
      assert.equal(r.body.error.code, 'sso-code-invalid');
    } finally {
      await c.context.close();
    }
  });

  test('with local passwords off the console shows only the SSO button, POST /login answers 403, SSO admins work (public client)', async () => {
    const refused = await rest(closed, 'POST', '/login', { login: 'admin', password: closed.adminPassword });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'local-login-disabled');
    const { context, page } = await openConsole(browser, closed);
    try {
      await page.getByTestId('sso-button').waitFor({ state: 'visible' });
      assert.equal(await page.getByTestId('sso-button').textContent(), 'Sign in with Test IdP');
      assert.equal(await page.getByTestId('local-login').isVisible(), false, 'no password form');
      assert.equal(await page.getByTestId('login-submit').isVisible(), false, 'no password Log in button');
      await page.getByTestId('sso-button').click();
      await page.waitForURL((u) => u.href.startsWith(provider.issuer));
      await signInAtProvider(page, 'alice', closed.origin);
      await page.getByTestId('admin-link').waitFor({ state: 'visible', timeout: 15_000 });
    } finally {
      await context.close();
    }
  });

  test('an error the callback carries is logged only when it is an error code (RFC 6749 characters)', async () => {
    const marker = `mallory-${Date.now()}`;
    for (const error of ['server_error', `not a code ü ${marker}`]) {
      const start = await fetch(`${gw.origin}/api/v1/sso/login`, { redirect: 'manual' });
      const state = new URL(start.headers.get('location')).searchParams.get('state');
      const cookie = start.headers.get('set-cookie').split(';')[0];
      const back = await fetch(`${gw.origin}/api/v1/sso/callback?state=${state}&error=${encodeURIComponent(error)}`,
        { redirect: 'manual', headers: { cookie } });
      assert.equal(back.headers.get('location'), `${gw.consoleUrl}#sso-error=provider`, `${error}: ${back.status}`);
    }
    // The log line is written before the answer, but reaches this process through a pipe.
    await eventually(() => assert.ok(gw.output().includes('the callback carried an error that is not an error code')));
    assert.ok(gw.output().includes('the provider answered server_error'), 'a real code is named');
    assert.ok(!gw.output().includes(marker), 'what is not a code stays out of the log');
  });

  test('sign-ins in progress are bounded per client address and per node, counted as they arrive', async () => {
    /** Where a burst of `n` sign-in starts from `localAddress` is sent. */
    const burst = (n, localAddress) => Promise.all(Array.from({ length: n }, () => new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: new URL(closed.origin).port, path: '/api/v1/sso/login', localAddress },
        (r) => { r.resume(); resolve(r.headers.location ?? ''); }).on('error', reject);
    })));
    const fromOne = await burst(20, '127.0.0.1'); // 3 a client address
    const fromAnother = await burst(5, '127.0.0.2'); // 5 on the node: 2 more
    const locations = [...fromOne, ...fromAnother];
    const toProvider = locations.filter((l) => l.startsWith(provider.issuer));
    const busy = locations.filter((l) => l.endsWith('/agent/#sso-error=busy'));
    assert.equal(fromOne.filter((l) => l.startsWith(provider.issuer)).length, 3, fromOne.join('\n'));
    assert.equal(fromAnother.filter((l) => l.startsWith(provider.issuer)).length, 2, fromAnother.join('\n'));
    assert.equal(toProvider.length, 5, locations.join('\n'));
    assert.equal(busy.length, 20);
    for (const l of toProvider) {
      const q = new URL(l).searchParams;
      assert.equal(q.get('code_challenge_method'), 'S256');
      assert.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
      assert.ok(q.get('nonce') && q.get('state'));
    }
    assert.equal(new Set(toProvider.map((l) => new URL(l).searchParams.get('state'))).size, 5, 'states differ');

    // A sign-in that comes back after sso.loginTtlSeconds (30 s here) is refused as expired, and its place is free.
    const state = new URL(toProvider[0]).searchParams.get('state');
    const expiresAt = Number(state.split('.')[1]) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 1_000)); // the state's own expiry
    const late = await fetch(`${closed.origin}/api/v1/sso/callback?state=${state}&code=x`, { redirect: 'manual' });
    assert.equal(late.headers.get('location'), `${closed.consoleUrl}#sso-error=expired`);
    const again = await fetch(`${closed.origin}/api/v1/sso/login`, { redirect: 'manual' });
    assert.ok(again.headers.get('location').startsWith(provider.issuer), 'expired sign-ins no longer count');
  });
});
