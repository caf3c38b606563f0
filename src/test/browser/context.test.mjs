// The visitor context (issue 19 part 2, docs/CONTEXT.md): a visitor on a customer page on another origin than the
// gateway asks for a chat from /pricing?coupon=… and then navigates to /account (whose <head> is masked for
// co-browse, so its title is not sent). The agent's console (1280×800) labels the waiting chat, the conversation
// and the live page "Visitor on /…", and its context column shows the page, its title (none for /account), the
// pages visited, device, language and the visitor's local time; no query string is shown (the default leaves it out).
// Screenshots: target/screenshots/context-conversation-1280.png, context-pages-1280.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, launch, startHost, hostPage } from './helpers.mjs';
import { consoleLogin, createAgent, openConsole, setAvailable, startAgentGateway, waitWiredButton } from './agent-helpers.mjs';

const T = { timeout: 180_000 };
const SHOTS = join(ROOT, 'target/screenshots');
const CAROL = { login: 'carol', name: 'Carol Agent', password: 'carol-secret-password', buttons: ['acme/sales'] };
const READY = `<script>
window.__ready = false;
site_connect.subscribe('~/site_connect/ready', function () { window.__ready = true; });
</script>`;

let host, gw, browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startHost();
  gw = await startAgentGateway({
    hostOrigin: host.origin,
    extra: { sites: [{ key: 'acme', origins: [host.origin], buttons: [{ id: 'sales', name: 'Sales' }],
      context: ['path', 'title', 'referrer', 'device', 'language', 'localTime'], rememberVisitorDays: 30 }] },
  });
  await createAgent(gw, CAROL);
  const page = (title, body) => hostPage(gw.origin, {
    body: `<script>document.title = ${JSON.stringify(title)};</script>${body}`, after: READY });
  host.page('/pricing', page('Pricing plans',
    '<h1>Pricing</h1><button type="button" id="chat-sales" data-site-connect-chat-button="sales">Chat with sales</button>'));
  // The account page masks its <head> for co-browse: its title (the visitor's name) is not sent.
  host.page('/account', page('Account of Jane Doe',
    '<script>document.head.setAttribute("data-site-connect-mask", "");</script><h1>Your account</h1>'));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

/** Polls fn(arg) in the page until it is truthy (the console's CSP forbids the eval waitForFunction needs). */
async function until(page, fn, arg = null, what = '', timeout = 20_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn, arg);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms: ${what || fn.toString().slice(0, 160)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const text = (page, sel) => until(page, (s) => document.querySelector(s)?.textContent || '', sel, sel);
const textIs = (page, sel, want) => until(page, ([s, w]) => document.querySelector(s)?.textContent === w, [sel, want],
  `${sel} reads "${want}"`);

describe('visitor context', () => {
  test('two pages on another origin: labels, page, title, pages visited, device, language, local time; no query', T, async (t) => {
    const visitor = await browser.newContext({ viewport: { width: 1024, height: 700 }, locale: 'de-CH',
      timezoneId: 'Asia/Tokyo' });
    const { context: agentCtx, page } = await openConsole(browser, gw);
    t.after(() => Promise.all([visitor.close(), agentCtx.close()]));
    await consoleLogin(page, CAROL.login, CAROL.password);
    await setAvailable(page, 'acme/sales', true);

    const v = await visitor.newPage();
    await v.goto(host.origin + '/pricing?coupon=SECRET42#plans');
    await v.waitForFunction(() => window.__ready, null, { timeout: 30_000 });
    await waitWiredButton(v, true, 'sales', 15_000);
    await v.click('#chat-sales');

    // The waiting entry is labelled by the page, then the accepted conversation.
    await textIs(page, '[data-testid="queued-chat"] .scc-q-name', 'Visitor on /pricing · Sales');
    await page.click('[data-testid="chat-accept"]');
    await page.waitForSelector('[data-testid="chat-pane"][data-state="active"]');
    await textIs(page, '[data-testid="chat-tab"] .scc-tab-name', 'Visitor on /pricing · Sales');
    await textIs(page, '.scc-who', 'Visitor on /pricing · Sales');
    await textIs(page, '[data-testid="context-path"]', '/pricing');
    await textIs(page, '[data-testid="context-title"]', 'Pricing plans');
    assert.equal(await text(page, '[data-testid="context-device"]'), 'Desktop');
    assert.equal(await text(page, '[data-testid="context-language"]'), 'de-CH');
    const local = await text(page, '[data-testid="context-local-time"]');
    // the visitor's clock, as the agent's browser writes a Tokyo time now (or a minute ago, at a minute's turn)
    const tokyo = await page.evaluate(() => [0, 60_000].map((ago) => new Date(Date.now() - ago)
      .toLocaleTimeString([], { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit' }) + ' (Asia/Tokyo)'));
    assert.ok(tokyo.includes(local), `the visitor's local time: ${local}, expected one of ${tokyo}`);
    assert.match(await text(page, '[data-testid="context-time-on-site"]'), /^\d+ s$/);

    // The visitor moves on to /account (same tab: the page session resumes): the column follows.
    await v.goto(host.origin + '/account?token=abc123');
    await v.waitForFunction(() => window.__ready, null, { timeout: 30_000 });
    await textIs(page, '[data-testid="context-path"]', '/account');
    // its <head> is masked for co-browse: the title (the visitor's name) is not sent at all
    await until(page, () => !document.querySelector('[data-testid="context-title"]'), null, 'no title for a masked page');
    await until(page, () => document.querySelectorAll('[data-testid="context-pages"] li').length === 2, null, 'two pages visited');
    const visited = await page.$$eval('[data-testid="context-pages"] .ctx-path', (els) => els.map((e) => e.textContent));
    assert.deepEqual(visited, ['/pricing', '/account']);
    await textIs(page, '[data-testid="chat-tab"] .scc-tab-name', 'Visitor on /account · Sales');
    const column = await page.textContent('#context-panel');
    for (const never of ['SECRET42', 'coupon', 'token', 'abc123', '#plans', '?', 'Jane']) {
      assert.ok(!column.includes(never), `"${never}" is not shown: ${column}`);
    }
    await page.screenshot({ path: join(SHOTS, 'context-conversation-1280.png') });

    // The live pages list: "Visitor on /account" instead of the handle.
    await page.keyboard.press('Alt+KeyL');
    await textIs(page, '[data-testid="session-label"]', 'Visitor on /account');
    await page.screenshot({ path: join(SHOTS, 'context-pages-1280.png') });
  });

  // Issue 19 part 2, docs/CONTEXT.md "Chats before": the site keeps a visitor id (rememberVisitorDays), so a chat
  // from a second tab lists the first tab's chat, though each tab has its own page session.
  test('two tabs on a site that remembers the visitor: the second chat lists the first as a chat before', T, async (t) => {
    const visitor = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const { context: agentCtx, page } = await openConsole(browser, gw);
    t.after(() => Promise.all([visitor.close(), agentCtx.close()]));
    await consoleLogin(page, CAROL.login, CAROL.password);
    await setAvailable(page, 'acme/sales', true);

    const chatFrom = async (tab) => {
      await tab.goto(host.origin + '/pricing');
      await tab.waitForFunction(() => window.__ready, null, { timeout: 30_000 });
      await waitWiredButton(tab, true, 'sales', 15_000);
      await tab.click('#chat-sales');
      await page.waitForSelector('[data-testid="queued-chat"] [data-testid="chat-accept"]');
      await page.click('[data-testid="queued-chat"] [data-testid="chat-accept"]');
    };
    const one = await visitor.newPage();
    await chatFrom(one);
    await page.waitForSelector('[data-testid="chat-pane"][data-state="active"]');
    // The frame's own (third-party) storage is refused in this private browser context: the host page keeps the id
    // in its localStorage, with its expiry.
    const frame = one.frames().find((f) => f.url().startsWith(gw.origin));
    assert.ok(frame, 'the gateway frame');
    await assert.rejects(frame.evaluate(() => localStorage.length), /SecurityError|denied/);
    const kept = await until(one, () => JSON.parse(localStorage.getItem('site_connect.kept.acme') || '{}').visitor,
      null, 'the visitor id kept by the host page');
    assert.match(kept.id, /^[A-Za-z0-9_-]{21}[AQgw]$/, JSON.stringify(kept));
    assert.ok(Math.abs(kept.until - Date.now() - 30 * 864e5) < 60_000, `expires in 30 days: ${kept.until}`);

    const two = await visitor.newPage();
    await chatFrom(two);
    await until(page, () => document.querySelectorAll('[data-testid="context-chats-before"] li').length === 1, null,
      'the first tab\'s chat listed as a chat before');
    assert.match(await text(page, '[data-testid="context-chats-before"] li'), /Carol Agent/);
    // In one step: the context column may re-render (the visitor's pages keep coming) between two locator steps.
    await page.evaluate(() => document.querySelector('[data-testid="context-chats-before"]')?.scrollIntoView({ block: 'nearest' }));
    await page.screenshot({ path: join(SHOTS, 'context-visitorid-1280.png') });
  });
});
