// The agent's workspace (issue 19 parts 1 and 7): a customer page on another origin than the gateway, the real
// console at 1280×800 (and 1920×1080). Driven as an agent would: a visitor starts a chat and the waiting count, the
// title badge and the opt-in alert follow; the keyboard accepts, sends, ends and moves between conversations (and
// does nothing while the agent types); a background conversation counts its unread lines; a colleague's chat shows
// as such; administration is its own page, for admins only; co-browse opens beside the conversation.
// Screenshots of the main views go to target/screenshots/workspace-*.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, launch, startHost } from './helpers.mjs';
import { consoleLogin, createAgent, openConsole, rest, restLogin, setAvailable, startAgentGateway, waitWiredButton } from './agent-helpers.mjs';
import { frameSend, waitConsoleTexts, waitFrameTexts } from './chat-helpers.mjs';
import { openVisitor, startCobrowse, visitorPage } from './cobrowse-helpers.mjs';

const T = { timeout: 180_000 };
const SHOTS = join(ROOT, 'target/screenshots');
const CAROL = { login: 'carol', name: 'Carol Agent', password: 'carol-secret-password', buttons: ['acme/sales'] };
const DAN = { login: 'dan', name: 'Dan Agent', password: 'dan-secret-password', buttons: ['acme/sales'] };
const BUTTON = '<button type="button" id="chat-sales" data-site-connect-chat-button="sales">Chat with sales</button>';

let host, gw, browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startHost();
  gw = await startAgentGateway({ hostOrigin: host.origin });
  await createAgent(gw, CAROL);
  await createAgent(gw, DAN);
  host.page('/', visitorPage(gw, { body: BUTTON }));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

/**
 * Stands in for the browser's Notification and counts the tones the console starts (no sound card here).
 * `__alerts.front` stands for whether the console window has the focus (headless pages always report it).
 */
function alertProbe() {
  window.__alerts = { asked: 0, shown: [], tones: 0, front: true };
  document.hasFocus = () => window.__alerts.front;
  class FakeNotification {
    static permission = 'default';
    static async requestPermission() {
      window.__alerts.asked++;
      FakeNotification.permission = 'granted';
      return 'granted';
    }
    constructor(title, options) { window.__alerts.shown.push({ title, body: options && options.body }); }
    close() {}
  }
  window.Notification = FakeNotification;
  const Real = window.AudioContext;
  window.AudioContext = class extends Real {
    createOscillator() {
      const o = super.createOscillator();
      const start = o.start.bind(o);
      o.start = (...a) => { window.__alerts.tones++; return start(...a); };
      return o;
    }
  };
}

async function agentConsole(who, { probe = false } = {}) {
  const c = await openConsole(browser, gw, { beforeGoto: probe ? (p) => p.addInitScript(alertProbe) : undefined });
  await consoleLogin(c.page, who.login, who.password);
  return c;
}

/** Polls fn(arg) in the page until it is truthy (the console's CSP forbids the eval waitForFunction needs). */
async function until(page, fn, arg = null, what = '', timeout = 15_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn, arg);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms: ${what || fn.toString().slice(0, 160)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitTitle(page, title, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  while ((await page.title()) !== title) {
    if (Date.now() > deadline) throw new Error(`the title is "${await page.title()}", expected "${title}"`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A visitor clicks the chat button and waits in the queue. */
async function visitorWaits() {
  const v = await openVisitor(browser, host, '/');
  // `ready` can come before the button's retained state; a click before that is (rightly) ignored by the script.
  await waitWiredButton(v.page, true, 'sales', 15_000);
  await v.page.click('#chat-sales');
  await v.frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible', timeout: 15_000 });
  return v;
}

const shot = (page, name) => page.screenshot({ path: join(SHOTS, `workspace-${name}.png`) });
const box = (page, sel) => page.$eval(sel, (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; });
const selected = (page) => page.getAttribute('[data-testid="chat-tab"][aria-selected="true"]', 'data-chat');

describe('agent workspace', () => {
  test('three columns; a new waiting chat: count, title badge, alert; keyboard accept, send, next, end; unread', T, async (t) => {
    const carol = await agentConsole(CAROL, { probe: true });
    const { page } = carol;
    const visitors = [];
    t.after(() => Promise.all([carol.context.close(), ...visitors.map((v) => v.context.close())]));
    await setAvailable(page, 'acme/sales', true);
    await waitTitle(page, 'SiteConnect');

    // Side by side at 1280×800: the list, the conversation, the visitor; one screen, no page scroll.
    const list = await box(page, '#inbox-panel');
    const middle = await box(page, '#chats-panel');
    const context = await box(page, '#context-panel');
    assert.ok(list.x + list.w <= middle.x && middle.x + middle.w <= context.x, JSON.stringify({ list, middle, context }));
    assert.ok(Math.abs(list.y - middle.y) < 2 && Math.abs(middle.y - context.y) < 2, 'the three columns start level');
    assert.ok(middle.w >= 560, `the conversation is ${middle.w} px wide`);
    assert.ok(context.y + context.h <= 800, 'above the fold');
    assert.ok(await page.evaluate(() => document.scrollingElement.scrollHeight <= innerHeight + 1), 'no page scroll');
    assert.equal(await page.isVisible('[data-testid="admin-link"]'), false, 'an agent gets no admin link');
    await page.waitForSelector('[data-testid="conversation-empty"]', { state: 'visible' });
    await shot(page, 'empty-1280');

    // Alerts are off until the agent turns them on; the browser's permission is asked on that click only.
    assert.equal(await page.evaluate(() => window.__alerts.asked), 0, 'no permission asked before the click');
    await page.click('[data-testid="alerts-toggle"]');
    await page.waitForSelector('[data-testid="alerts-toggle"][aria-pressed="true"]');
    await until(page, () => window.__alerts.asked === 1, null, 'the permission is asked once');

    // A visitor starts a chat while the agent is in another window: the waiting count, the title badge, a
    // notification and a tone.
    await page.evaluate(() => { window.__alerts.front = false; });
    const ann = await visitorWaits();
    visitors.push(ann);
    await page.waitForSelector('[data-testid="waiting-total"]:not([hidden])');
    assert.equal(await page.textContent('[data-testid="waiting-total"]'), '1', 'the waiting count');
    await waitTitle(page, '(1) SiteConnect');
    const alerted = await until(page, () => window.__alerts.shown.length === 1 && window.__alerts.tones > 0 && window.__alerts);
    assert.equal(alerted.shown[0].title, 'A visitor is waiting', JSON.stringify(alerted));
    assert.match(alerted.shown[0].body, /Sales/);
    assert.equal(await page.textContent('[data-testid="waiting-accept"]'), '1 waiting · Accept', 'the header pill');
    await shot(page, 'waiting-1280');

    // Alt+L shows the live pages (Ann's page is there, with "Invite") and back.
    await page.keyboard.press('Alt+KeyL');
    await page.waitForSelector('[data-testid="session"][data-connected="true"]', { timeout: 15_000 });
    await shot(page, 'pages-1280');
    await page.keyboard.press('Alt+KeyL');
    await page.waitForSelector('[data-testid="queued-chat"]');

    // Alt+A accepts the oldest waiting chat, focus goes to the reply box; Enter sends.
    await page.keyboard.press('Alt+KeyA');
    await page.waitForSelector('[data-testid="chat-pane"][data-state="active"]');
    const first = await selected(page);
    await waitTitle(page, 'SiteConnect');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'chat-input', 'the focus after Alt+A');
    await page.keyboard.type('Hello, how can I help?');
    await page.keyboard.press('Enter');
    await waitFrameTexts(ann.frame, ['Hello, how can I help?']);

    // A second visitor waits while the console is in front: the queue and the badge say it, no notification, no tone.
    await page.evaluate(() => { window.__alerts.front = true; });
    const tones = await page.evaluate(() => window.__alerts.tones);
    const bob = await visitorWaits();
    visitors.push(bob);
    await waitTitle(page, '(1) SiteConnect');
    await page.waitForSelector('[data-testid="queued-chat"]', { state: 'attached' });
    assert.deepEqual(await page.evaluate(() => [window.__alerts.shown.length, window.__alerts.tones]), [1, tones],
      'no notification and no sound while the console is in front');
    // While the agent types, the single-key shortcuts are text, not commands.
    await page.focus(`[data-testid="chat-pane"][data-chat="${first}"] [data-testid="chat-input"]`);
    await page.keyboard.type('a?jk');
    assert.equal(await page.inputValue(`[data-testid="chat-pane"][data-chat="${first}"] [data-testid="chat-input"]`), 'a?jk');
    assert.equal(await page.locator('[data-testid="queued-chat"]').count(), 1, 'typing "a" accepted nothing');
    assert.equal(await page.isVisible('[data-testid="shortcuts-dialog"]'), false, 'typing "?" opened nothing');
    await page.fill(`[data-testid="chat-pane"][data-chat="${first}"] [data-testid="chat-input"]`, '');

    // Alt+A from the reply box: the modifier works while typing.
    await page.keyboard.press('Alt+KeyA');
    await page.waitForSelector('[data-testid="chat-pane"][data-state="active"]:not([data-chat="' + first + '"])');
    const second = await selected(page);
    assert.notEqual(second, first, 'the second chat is selected');
    assert.equal(await page.locator('[data-testid="chat-tab"]').count(), 2, 'two conversations listed');

    // Ann writes in the background conversation: its unread count, the total and the title say so.
    await frameSend(ann.frame, 'Are you still there?');
    await page.waitForSelector(`[data-testid="chat-tab"][data-chat="${first}"] [data-testid="chat-unread"]:not([hidden])`);
    assert.equal(await page.textContent(`[data-testid="chat-tab"][data-chat="${first}"] [data-testid="chat-unread"]`), '1', 'unread on the entry');
    assert.equal(await page.textContent('[data-testid="unread-total"]'), '1', 'unread in total');
    await waitTitle(page, '(1) SiteConnect');
    await frameSend(bob.frame, 'I have a question about my order');
    await waitConsoleTexts(page, second, ['I have a question about my order']);
    assert.equal(await page.textContent('[data-testid="unread-total"]'), '1', 'a line in the open conversation is read');
    await page.keyboard.type('Sure, which order?');
    await page.keyboard.press('Control+Enter');
    await waitFrameTexts(bob.frame, ['I have a question about my order', 'Sure, which order?']);
    await shot(page, 'conversation-1280');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await shot(page, 'conversation-1920');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Alt+↓ / Alt+↑: next and previous conversation; opening Ann's clears its unread count.
    await page.keyboard.press('Alt+ArrowDown');
    await until(page, (id) => document.querySelector('[data-testid="chat-tab"][aria-selected="true"]')?.dataset.chat === id, first);
    await page.waitForSelector('[data-testid="unread-total"][hidden]', { state: 'attached' });
    await waitTitle(page, 'SiteConnect');
    await page.keyboard.press('Alt+ArrowUp');
    await until(page, (id) => document.querySelector('[data-testid="chat-tab"][aria-selected="true"]')?.dataset.chat === id, second);
    await page.keyboard.press('Alt+ArrowUp');
    await until(page, (id) => document.querySelector('[data-testid="chat-tab"][aria-selected="true"]')?.dataset.chat === id, first);

    // Alt+E ends the open conversation: the visitor is asked for a rating.
    await page.keyboard.press('Alt+KeyE');
    await page.waitForSelector(`[data-testid="chat-pane"][data-chat="${first}"][data-state="ended"]`);
    await ann.frame.waitForSelector('#sc-panel-chat[data-view="rating"]', { timeout: 15_000 });
    await waitConsoleTexts(page, second, ['I have a question about my order', 'Sure, which order?']);

    // "?" outside a field lists the shortcuts.
    await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
    await page.keyboard.press('Shift+Slash');
    await page.waitForSelector('[data-testid="shortcuts-dialog"][open]');
    assert.match(await page.textContent('[data-testid="shortcuts-list"]'), /Alt\+A.*Accept/);
    await shot(page, 'shortcuts-1280');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="shortcuts-dialog"]:not([open])', { state: 'attached' });

    // A colleague on the same button sees Bob's chat as Carol's, read only, and not in the queue.
    const dan = await agentConsole(DAN);
    t.after(() => dan.context.close());
    const theirs = dan.page.locator(`[data-testid="colleague-chat"][data-chat="${second}"]`);
    await theirs.waitFor({ timeout: 15_000 });
    assert.match(await theirs.textContent(), /Carol Agent/);
    await theirs.click();
    await dan.page.waitForSelector(`[data-testid="transcript"][data-chat="${second}"]`);
    await until(dan.page, () => document.querySelectorAll('[data-testid="transcript-log"] > li').length >= 2);
    assert.equal(await dan.page.locator('[data-testid="transcript"] [data-testid="chat-input"]').count(), 0, 'read only');
  });

  test('administration is its own page: admins get a link, an agent gets no admin UI and the API says 403', T, async (t) => {
    const admin = await openConsole(browser, gw);
    t.after(() => admin.context.close());
    await consoleLogin(admin.page, 'admin', gw.adminPassword);
    assert.equal(await admin.page.locator('[data-testid="admin-module"]').count(), 0, 'no admin sections in the workspace');
    await admin.page.click('[data-testid="admin-link"]');
    await admin.page.waitForURL(/\/agent\/admin\.html$/);
    await admin.page.waitForSelector('[data-testid="admin-module"]');
    await until(admin.page, () => /^\d+$/.test(document.querySelector('[data-testid="stat-pages"]')?.textContent || ''));
    await admin.page.waitForSelector('[data-testid="agent"][data-login="carol"]');
    await shot(admin.page, 'admin-1280');
    await admin.page.setViewportSize({ width: 1920, height: 1080 });
    await shot(admin.page, 'admin-1920');
    await admin.page.setViewportSize({ width: 1280, height: 800 });
    await admin.page.click('[data-testid="console-link"]');
    await admin.page.waitForSelector('#console-view', { state: 'visible' });

    const carol = await agentConsole(CAROL);
    t.after(() => carol.context.close());
    assert.equal(await carol.page.isVisible('[data-testid="admin-link"]'), false);
    await carol.page.goto(gw.origin + '/agent/admin.html');
    await carol.page.waitForSelector('[data-testid="admin-notice"]', { state: 'visible' });
    assert.match(await carol.page.textContent('[data-testid="admin-notice"]'), /for admins/);
    assert.equal(await carol.page.locator('[data-testid="admin-module"]').count(), 0);
    const token = await restLogin(gw, CAROL.login, CAROL.password);
    for (const path of ['/admin/stats', '/audit', '/agents']) {
      assert.equal((await rest(gw, 'GET', path, undefined, token)).status, 403, path);
    }

    // Without a login the page sends the browser to the console's login.
    const stranger = await (await browser.newContext()).newPage();
    t.after(() => stranger.context().close());
    await stranger.goto(gw.origin + '/agent/admin.html');
    await stranger.waitForSelector('#login-form', { state: 'visible' });
    assert.match(stranger.url(), /\/agent\/$/);
  });

  test('co-browse opens beside the conversation', T, async (t) => {
    const carol = await agentConsole(CAROL);
    const { page } = carol;
    await setAvailable(page, 'acme/sales', true);
    const v = await visitorWaits();
    t.after(() => Promise.all([carol.context.close(), v.context.close()]));
    // Carol may still have the first test's conversations open: take this visitor's chat by its id.
    const chatId = await page.getAttribute('[data-testid="queued-chat"]', 'data-chat', { timeout: 15_000 });
    await page.keyboard.press('Alt+KeyA');
    await page.waitForSelector(`[data-testid="chat-pane"][data-chat="${chatId}"][data-state="active"]`);
    await until(page, (id) => document.activeElement?.closest('[data-testid="chat-pane"]')?.dataset.chat === id, chatId,
      'the reply box of the accepted chat has the focus');
    await page.keyboard.type('May I look at your page?');
    await page.keyboard.press('Enter');
    await waitFrameTexts(v.frame, ['May I look at your page?']);

    await startCobrowse(v, carol);
    await page.waitForSelector('body[data-cobrowse="on"] [data-testid="cobrowse-view"]', { state: 'visible' });
    await page.waitForSelector(`[data-testid="cobrowse-chat-note"][data-kind="chat"]`, { timeout: 15_000 });
    const view = await box(page, '[data-testid="cobrowse-view"]');
    const chat = await box(page, '#chats-panel');
    assert.ok(chat.x >= view.x + view.w - 1 && Math.abs(chat.y - view.y) < 2, `beside: ${JSON.stringify({ view, chat })}`);
    assert.ok(view.w >= 760, `the view is ${view.w} px wide`);
    assert.ok(await page.isVisible(`[data-testid="chat-pane"][data-chat="${chatId}"] [data-testid="chat-input"]`));
    assert.ok(await page.evaluate(() => document.scrollingElement.scrollHeight <= innerHeight + 1), 'no page scroll');
    await shot(page, 'cobrowse-1280');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForSelector('#inbox-panel', { state: 'visible' }); // wide enough for the list too
    const wide = await box(page, '[data-testid="cobrowse-view"]');
    const list = await box(page, '#inbox-panel');
    assert.ok(list.x + list.w <= wide.x, 'the list, then the view, then the conversation');
    await shot(page, 'cobrowse-1920');
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.click('[data-testid="cobrowse-stop"]');
    await page.waitForSelector('body[data-cobrowse="off"]');
    await page.waitForSelector('#inbox-panel', { state: 'visible' });
  });
});
