// The admin view of the agent console (issue 10): live figures, the audit log with filters, agent management.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hostPage, launch, recorded, startHost } from './helpers.mjs';
import { consoleLogin, createAgent, openAdmin, openConsole, rest, restLogin } from './agent-helpers.mjs';
import { startChatGateway } from './chat-helpers.mjs';

const T = { timeout: 90_000 };
const CAROL = { login: 'carol', name: 'Carol Agent', password: 'carol-secret-password', buttons: ['acme/sales'] };

let host, gw, browser;

before(async () => {
  host = await startHost();
  gw = await startChatGateway({ hostOrigin: host.origin });
  await createAgent(gw, CAROL);
  host.page('/', hostPage(gw.origin));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

async function adminConsole() {
  const c = await openConsole(browser, gw);
  await consoleLogin(c.page, 'admin', gw.adminPassword);
  await openAdmin(c.page); // administration is its own page (/agent/admin.html)
  await c.page.waitForSelector('[data-testid="stat-pages"]');
  return c;
}

const figure = (page, key) => page.textContent(`[data-testid="stat-${key}"]`);

async function waitFigure(page, key, value, timeout = 15_000) {
  try {
    await page.waitForFunction(([k, v]) => document.querySelector(`[data-testid="stat-${k}"]`)?.textContent === v,
      [key, String(value)], { timeout });
  } catch {
    throw new Error(`the admin view shows ${key} = ${await figure(page, key)}, expected ${value}`);
  }
}

/** The audit rows shown now: [{action, actor}]. */
const auditRows = (page) => page.$$eval('[data-testid="audit-entry"]', (rows) =>
  rows.map((r) => ({ action: r.dataset.action, actor: r.dataset.actor })));

describe('admin view', () => {
  test('live figures move: a page connects and the pages count rises, it leaves and the count falls', T, async () => {
    const admin = await adminConsole();
    await admin.page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-testid="stat-pages"]').textContent));
    const pages = Number(await figure(admin.page, 'pages'));
    // An agent's workspace is a connected agent (the admin page itself opens no bridge connection).
    const carol = await openConsole(browser, gw);
    await consoleLogin(carol.page, CAROL.login, CAROL.password);
    await admin.page.waitForFunction(() => Number(document.querySelector('[data-testid="stat-agents"]').textContent) >= 1,
      null, { timeout: 10_000 });
    await carol.context.close();

    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(host.origin + '/');
    await recorded(visitor, '~/site_connect/ready');
    await waitFigure(admin.page, 'pages', pages + 1);
    await visitor.context().close();
    await waitFigure(admin.page, 'pages', pages);
    await admin.context.close();
  });

  test('the audit log shows a login as it happens and filters by action and actor', T, async () => {
    const admin = await adminConsole();
    await restLogin(gw, CAROL.login, CAROL.password);
    assert.equal((await rest(gw, 'POST', '/login', { login: CAROL.login, password: 'not-her-password' })).status, 401);

    // The log refreshes by itself: Carol's login shows up without a click.
    await admin.page.waitForSelector('[data-testid="audit-entry"][data-action="login"][data-actor="carol"]', { timeout: 15_000 });

    await admin.page.selectOption('[data-testid="audit-action"]', 'login-failed');
    await admin.page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll('[data-testid="audit-entry"]'));
      return rows.length > 0 && rows.every((r) => r.dataset.action === 'login-failed');
    });
    const failed = await auditRows(admin.page);
    assert.ok(failed.some((r) => r.actor === 'carol'), JSON.stringify(failed));

    await admin.page.selectOption('[data-testid="audit-action"]', 'login');
    await admin.page.fill('[data-testid="audit-actor"]', 'carol');
    await admin.page.click('[data-testid="audit-apply"]');
    await admin.page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll('[data-testid="audit-entry"]'));
      return rows.length > 0 && rows.every((r) => r.dataset.action === 'login' && r.dataset.actor === 'carol');
    });

    // Since a moment in the future: nothing.
    await admin.page.fill('[data-testid="audit-since"]', '2999-01-01T00:00:00');
    await admin.page.click('[data-testid="audit-apply"]');
    await admin.page.waitForSelector('[data-testid="audit-empty"]', { state: 'visible' });
    assert.equal((await auditRows(admin.page)).length, 0);
    await admin.context.close();
  });

  test('agents: add, edit name, roles, buttons and password, delete — all through the admin view', T, async () => {
    const admin = await adminConsole();
    const { page } = admin;
    await page.fill('#agent-login', 'dave');
    await page.fill('#agent-fullname', 'Dave Agent');
    await page.fill('#agent-password', 'dave-first-password');
    await page.fill('#agent-buttons', 'acme/sales');
    await page.click('#agent-submit');
    await page.waitForSelector('#agent-form-result[data-kind="ok"]');
    const row = page.locator('[data-testid="agent"][data-login="dave"]');
    await row.waitFor();

    await row.locator('[data-testid="agent-edit"]').click();
    const form = page.locator('[data-testid="agent-edit-form"][data-login="dave"]');
    await form.locator('input[name="name"]').fill('Dave <b>Admin</b>');
    await form.locator('input[name="password"]').fill('dave-second-password');
    await form.locator('input[name="roles"][value="admin"]').check();
    await form.locator('input[name="buttons"]').fill('');
    await form.locator('[data-testid="agent-save"]').click();
    await page.waitForSelector('[data-testid="agents-result"][data-kind="ok"], [data-testid="agent-edit-result"][data-kind="error"]');
    assert.equal(await page.locator('[data-testid="agent-edit-result"][data-kind="error"]').count(), 0,
      await page.locator('[data-testid="agent-edit-result"]').textContent().catch(() => ''));
    await page.waitForFunction(() => {
      const r = document.querySelector('[data-testid="agent"][data-login="dave"]');
      return r && /Dave <b>Admin<\/b>/.test(r.textContent) && /admin, agent|agent, admin/.test(r.textContent);
    });
    assert.equal(await row.locator('b').count(), 0, 'the name is text');

    assert.equal((await rest(gw, 'POST', '/login', { login: 'dave', password: 'dave-first-password' })).status, 401);
    const dave = await rest(gw, 'POST', '/login', { login: 'dave', password: 'dave-second-password' });
    assert.equal(dave.status, 200, 'the new password works');
    assert.deepEqual(dave.body.agent.roles.slice().sort(), ['admin', 'agent']);
    assert.deepEqual(dave.body.agent.buttons, []);

    await row.locator('[data-testid="agent-delete"]').click();
    await row.locator('[data-testid="agent-delete"][data-armed]').click(); // the second click confirms
    await row.waitFor({ state: 'detached' });
    assert.equal((await rest(gw, 'POST', '/login', { login: 'dave', password: 'dave-second-password' })).status, 401);
    await admin.context.close();
  });

  test('an agent who is not an admin gets no admin view, and the admin API refuses it', T, async () => {
    const carol = await openConsole(browser, gw);
    await consoleLogin(carol.page, CAROL.login, CAROL.password);
    await carol.page.waitForSelector('[data-testid="my-button"][data-button="acme/sales"]');
    assert.equal(await carol.page.isVisible('[data-testid="admin-link"]'), false);
    assert.equal(await carol.page.locator('[data-testid="admin-module"]').count(), 0);
    const token = await restLogin(gw, CAROL.login, CAROL.password);
    assert.equal((await rest(gw, 'GET', '/admin/stats', undefined, token)).status, 403);
    assert.equal((await rest(gw, 'GET', '/audit', undefined, token)).status, 403);
    await carol.context.close();
  });
});
