// The agent console (/agent/ on the gateway origin) driven like an agent would: log in, errors, log out,
// the admin's agent form, live pages with an invitation, the co-browse form.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, startHost } from './helpers.mjs';
import {
  CONSOLE_VIEWPORT, chatButtonPage, consoleLogin, createAgent, eventAfter, openAdmin, openConsole, rest, startAgentGateway, submitLogin,
  showLivePages, waitConnected,
} from './agent-helpers.mjs';

const T = { timeout: 60_000 };
const TOKEN_KEY = 'siteconnect.agent.token';
const CAROL = { login: 'carol', name: 'Carol Agent', password: 'carol-secret-password', buttons: ['acme/sales'] };

let host, gw, browser;

before(async () => {
  host = await startHost();
  gw = await startAgentGateway({ hostOrigin: host.origin });
  await createAgent(gw, CAROL);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

const storedToken = (page) => page.evaluate((k) => sessionStorage.getItem(k), TOKEN_KEY);

describe('agent console', () => {
  test('is served from the gateway with frame-ancestors \'none\' and starts on the login form', T, async () => {
    const { context, page, response } = await openConsole(browser, gw);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-security-policy'] ?? '', /frame-ancestors 'none'/);
    await page.waitForSelector('#login-form', { state: 'visible' });
    assert.equal(await page.isVisible('#console-view'), false);
    await context.close();
  });

  test('a wrong password shows the server\'s error and keeps the login form', T, async () => {
    // The answer never tells whether a login exists, so an unknown login gives the same message.
    const expected = await rest(gw, 'POST', '/login', { login: 'nobody-here', password: 'not-the-password' });
    assert.equal(expected.status, 401);
    const { context, page } = await openConsole(browser, gw);
    await page.waitForSelector('#login-form', { state: 'visible' });
    await submitLogin(page, 'admin', 'not-the-password');
    await page.waitForSelector('#login-error', { state: 'visible' });
    assert.equal((await page.textContent('#login-error')).trim(), expected.body.error.message);
    assert.equal(await page.isVisible('#console-view'), false);
    assert.equal(await storedToken(page), null, 'no token kept');
    assert.equal(await page.inputValue('#login-login'), 'admin', 'the login stays filled in');
    await context.close();
  });

  test('after too many failed logins the console shows the server\'s rate-limit message', T, async () => {
    let refused;
    for (let i = 0; i < 10; i++) { // loginMaxFailures (5 by default) straight failures lock the login
      refused = await rest(gw, 'POST', '/login', { login: 'dave', password: `wrong-password-${i}` });
      if (refused.status === 429) break;
    }
    assert.equal(refused.status, 429, 'the gateway locks the login after repeated failures');
    const { context, page } = await openConsole(browser, gw);
    await page.waitForSelector('#login-form', { state: 'visible' });
    await submitLogin(page, 'dave', 'wrong-password-again');
    await page.waitForSelector('#login-error', { state: 'visible' });
    const shown = (await page.textContent('#login-error')).trim();
    const digitless = (t) => t.replace(/\d+/g, 'N'); // the seconds left count down
    assert.equal(digitless(shown), digitless(refused.body.error.message));
    await context.close();
  });

  test('logout returns to the login form, closes the console\'s socket and revokes the token', T, async () => {
    const { context, page, sockets } = await openConsole(browser, gw);
    await consoleLogin(page, 'admin', gw.adminPassword);
    const token = await storedToken(page);
    assert.ok(token, 'the token is kept in sessionStorage');
    const socket = sockets.find((ws) => !ws.isClosed());
    assert.ok(socket, 'the console has an open bridge WebSocket');
    const closed = socket.isClosed() ? Promise.resolve() : socket.waitForEvent('close');

    const logout = page.waitForResponse((r) => r.url().endsWith('/api/v1/logout'));
    await page.click('#logout');
    await page.waitForSelector('#login-form', { state: 'visible' });
    await closed;
    assert.equal(await page.isVisible('#console-view'), false);
    assert.equal(await storedToken(page), null, 'the token is gone from sessionStorage');
    assert.equal(await page.getAttribute('#conn-state', 'data-state'), 'offline');
    // The console told the server: the old token no longer works.
    assert.equal((await logout).status(), 204, 'POST /api/v1/logout');
    assert.equal((await rest(gw, 'GET', '/me', undefined, token)).status, 401, 'GET /me with the logged-out token');
    await context.close();
  });

  test('a token revoked elsewhere sends the console back to the login form', T, async () => {
    const { context, page } = await openConsole(browser, gw);
    await consoleLogin(page, CAROL.login, CAROL.password);
    const token = await storedToken(page);
    const out = await rest(gw, 'POST', '/logout', undefined, token);
    assert.equal(out.status, 204);
    await page.waitForSelector('#login-form', { state: 'visible', timeout: 15_000 });
    assert.match(await page.textContent('#login-notice'), /session has ended/i);
    assert.equal(await storedToken(page), null);
    await context.close();
  });

  test('an admin adds an agent with the form; that agent sees its button and no admin section', T, async () => {
    const admin = await openConsole(browser, gw);
    await consoleLogin(admin.page, 'admin', gw.adminPassword);
    await openAdmin(admin.page); // administration is its own page (/agent/admin.html)
    await admin.page.waitForSelector('[data-testid="agent"][data-login="admin"]');

    await admin.page.fill('#agent-login', 'bob');
    await admin.page.fill('#agent-fullname', 'Bob Builder');
    await admin.page.fill('#agent-password', 'bob-secret-password');
    await admin.page.fill('#agent-buttons', ' acme/sales ');
    await admin.page.press('#agent-buttons', 'Enter');
    await admin.page.waitForSelector('#agent-form-result[data-kind]');
    assert.equal(await admin.page.getAttribute('#agent-form-result', 'data-kind'), 'ok',
      await admin.page.textContent('#agent-form-result'));
    const row = admin.page.locator('[data-testid="agent"][data-login="bob"]');
    await row.waitFor();
    assert.match(await row.textContent(), /Bob Builder.*agent.*acme\/sales/);

    const bob = await openConsole(browser, gw);
    await consoleLogin(bob.page, 'bob', 'bob-secret-password');
    await bob.page.waitForSelector('[data-testid="my-button"][data-button="acme/sales"]');
    assert.match(await bob.page.textContent('[data-testid="my-button"][data-button="acme/sales"]'), /Sales/);
    assert.equal(await bob.page.isVisible('[data-testid="admin-link"]'), false, 'no administration for an agent');
    assert.equal(await bob.page.textContent('#agent-name'), 'Bob Builder');
    await bob.context.close();
    await admin.context.close();
  });

  test('the admin form shows the server\'s error for a bad agent', T, async () => {
    const admin = await openConsole(browser, gw);
    await consoleLogin(admin.page, 'admin', gw.adminPassword);
    await openAdmin(admin.page); // administration is its own page (/agent/admin.html)
    await admin.page.fill('#agent-login', 'carol'); // exists already
    await admin.page.fill('#agent-fullname', 'Another Carol');
    await admin.page.fill('#agent-password', 'carol-other-password');
    await admin.page.press('#agent-password', 'Enter');
    await admin.page.waitForSelector('#agent-form-result[data-kind]');
    assert.equal(await admin.page.getAttribute('#agent-form-result', 'data-kind'), 'error');
    assert.ok((await admin.page.textContent('#agent-form-result')).trim().length > 0, 'the error has a message');
    await admin.context.close();
  });

  test('live pages lists the customer\'s page; an invitation reaches it as ~pagesession/proactive/trigger', T, async () => {
    // The page subscribes to the invitation topic (through its frame to the gateway) and records it.
    host.page('/invite', chatButtonPage(gw, `<script>
window.__proactive = false;
site_connect.subscribe('~pagesession/proactive/trigger', function (msg, info) {
  window.__events.push({ topic: info.topic, msg: msg });
}, function (ack) { window.__proactive = ack.granted; });
</script>`));
    const visitorContext = await browser.newContext();
    const visitor = await visitorContext.newPage();
    await visitor.goto(host.origin + '/invite');
    await visitor.waitForFunction(() => window.__proactive === true, null, { timeout: 20_000 });

    const { context, page } = await openConsole(browser, gw);
    await consoleLogin(page, CAROL.login, CAROL.password);
    await showLivePages(page);
    const row = page.locator('[data-testid="session"][data-connected="true"]');
    await row.first().waitFor({ timeout: 15_000 });
    assert.equal(await row.count(), 1, 'one live page: the customer\'s');
    assert.equal(await row.locator('td').nth(1).textContent(), 'acme');

    await row.locator('[data-testid="invite"]').click();
    await page.waitForSelector('#invite-dialog[open]');
    assert.equal(await page.inputValue('#invite-button'), 'sales');
    await page.fill('#invite-text', 'Need a hand with your order?');
    await page.press('#invite-text', 'Enter');
    await page.waitForSelector('#sessions-result[data-kind="ok"]');
    assert.equal(await page.isVisible('#invite-dialog'), false, 'the dialog closes');

    const got = await eventAfter(visitor, '~pagesession/proactive/trigger', 0);
    assert.deepEqual(got.msg, { button_id: 'sales', text: 'Need a hand with your order?' });
    await context.close();
    await visitorContext.close();
  });

  test('the co-browse form shows the gateway\'s answer or error', T, async () => {
    const { context, page } = await openConsole(browser, gw);
    await consoleLogin(page, CAROL.login, CAROL.password);
    await page.fill('#cobrowse-code', '123456');
    await page.press('#cobrowse-code', 'Enter');
    await page.waitForSelector('#cobrowse-result[data-kind="ok"], #cobrowse-result[data-kind="error"]');
    assert.ok((await page.textContent('#cobrowse-result')).trim().length > 0);
    await context.close();
  });

  test('works under a strict Content-Security-Policy (no inline script or style, no eval)', T, async () => {
    const context = await browser.newContext({ viewport: CONSOLE_VIEWPORT });
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const strict = `default-src 'self'; connect-src 'self' ws://127.0.0.1:${gw.port}; frame-ancestors 'none'`;
    await page.route(gw.consoleUrl, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': strict } });
    });
    await page.goto(gw.consoleUrl);
    await consoleLogin(page, CAROL.login, CAROL.password);
    await page.waitForSelector('[data-testid="button-state"][data-button="acme/sales"][data-state]');
    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
    await context.close();
  });

  test('a dropped connection shows "reconnecting" and comes back live on its own (new agent-hello)', T, async () => {
    const routed = []; // every bridge WebSocket, passed through to the gateway
    const { context, page } = await openConsole(browser, gw, {
      beforeGoto: (p) => p.routeWebSocket(/\/eventbus\//, (ws) => routed.push({ ws, server: ws.connectToServer() })),
    });
    await consoleLogin(page, CAROL.login, CAROL.password);
    assert.equal(routed.length, 1);
    await routed[0].server.close();
    await routed[0].ws.close({ code: 4000, reason: 'network drop (test)' });
    await page.waitForSelector('#conn-state[data-state="reconnecting"]');
    await waitConnected(page); // "live" = the gateway answered a new agent-hello with agent-session
    assert.equal(routed.length, 2, 'one new connection');
    assert.equal(await page.isVisible('#console-view'), true);
    await context.close();
  });

  test('a reload keeps the login (sessionStorage) and reconnects the bridge', T, async () => {
    const { context, page } = await openConsole(browser, gw);
    await consoleLogin(page, CAROL.login, CAROL.password);
    await page.reload();
    await page.waitForSelector('#console-view', { state: 'visible' });
    await waitConnected(page);
    assert.equal(await page.textContent('#agent-name'), CAROL.name);
    await context.close();
  });
});
