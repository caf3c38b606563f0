// Issue 20 part 3: the agent console and the administration page against WCAG 2.1 AA (docs/ACCESSIBILITY.md).
// One gateway, one agent console walked through every view — login, empty workspace, a waiting chat, two chats,
// the visitor's context, the transfer panel, the live pages, co-browse beside the chat, the shortcuts dialog, an
// ended chat and its transcript — and the admin page (every section, a privacy search): axe finds no serious or
// critical violation in the light and the dark colour scheme. The keyboard alone switches tabs (arrow keys, Home,
// End), closes dialogs with Esc, and always shows where the focus is; the visitor's new lines reach a live region;
// with reduced motion nothing moves.
// Screenshots: target/screenshots/a11y-console-{light,dark}-*.png (1280×800).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RECORDER, hostPage, launch, recorded, startHost } from './helpers.mjs';
import { consoleLogin, createAgent, openAdmin, openConsole, setAvailable } from './agent-helpers.mjs';
import { acceptFirst, consoleSend, frameSend, requestChat, startChatGateway } from './chat-helpers.mjs';
import { agentState, enterCode } from './cobrowse-helpers.mjs';
import { bothSchemes, focusRing } from './a11y-helpers.mjs';

const T = { timeout: 180_000 }; // ~60 s on a quiet machine
// An agent who is an admin too: one login for the workspace and the administration page.
const CAROL = { login: 'carol', name: 'Carol Agent', password: 'carol-secret-password', buttons: ['acme/sales'], roles: ['agent', 'admin'] };
const SHOTS = new Set(['login', 'chat', 'cobrowse', 'admin']);

let host, gw, browser;

before(async () => {
  host = await startHost();
  gw = await startChatGateway({ hostOrigin: host.origin });
  await createAgent(gw, CAROL);
  host.page('/shop', hostPage(gw.origin, {
    body: '<main><button type="button" data-site-connect-chat-button="sales">Chat with sales</button></main>',
    after: RECORDER,
  }).replace('<html>', '<html lang="en">'));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

const both = (page, view) => bothSchemes(page, view, 'console', SHOTS);


const selected = (page, sel) => page.getAttribute(sel, 'aria-selected');
const active = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('data-testid'));

describe('the console meets WCAG 2.1 AA', () => {
  test('every view: no serious or critical axe violation, light and dark; keyboard only; new lines announced', T, async () => {
    const { context, page } = await openConsole(browser, gw);
    const found = [];
    await page.waitForSelector('#login-form', { state: 'visible' });
    found.push(...await both(page, 'login'));
    await consoleLogin(page, CAROL.login, CAROL.password);
    found.push(...await both(page, 'workspace-empty'));

    // The list tabs: arrow keys, with a visible focus ring.
    await page.focus('#side-tab-chats');
    await page.keyboard.press('ArrowRight');
    assert.equal(await selected(page, '#side-tab-pages'), 'true');
    assert.equal(await active(page), 'side-tab-pages');
    assert.ok(await focusRing(page), 'the focused tab shows a focus ring');
    found.push(...await both(page, 'live-pages'));
    await page.keyboard.press('Home');
    assert.equal(await selected(page, '#side-tab-chats'), 'true');

    // The shortcuts dialog: "?" opens it, Esc closes it.
    await page.focus('#side-tab-chats');
    await page.keyboard.press('?');
    await page.waitForSelector('#shortcuts-dialog[open]');
    found.push(...await both(page, 'shortcuts'));
    await page.keyboard.press('Escape');
    await page.waitForSelector('#shortcuts-dialog:not([open])', { state: 'attached' });

    await setAvailable(page, 'acme/sales', true);
    const one = await requestChat(browser, host.origin + '/shop');
    await page.waitForSelector('[data-testid="queued-chat"]');
    found.push(...await both(page, 'waiting-chat'));
    const first = await acceptFirst(page);
    const two = await requestChat(browser, host.origin + '/shop');
    const second = await acceptFirst(page);

    // The conversation tabs (a vertical tab list): ↓/↑ switch the conversation; the visitor's line is read out.
    const tab = (id) => `[data-testid="chat-tab"][data-chat="${id}"]`;
    await page.focus(tab(second));
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector(`${tab(first)}[aria-selected="true"]`);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-chat')), first, 'the focus moved with the selection');
    await page.keyboard.press('ArrowUp');
    await page.waitForSelector(`${tab(second)}[aria-selected="true"]`);
    await page.click(tab(first));
    await consoleSend(page, first, 'Hello, how can I help?');
    await frameSend(one.frame, 'My order is late');
    const region = `[data-testid="chat-pane"][data-chat="${first}"] [data-testid="chat-announce"]`;
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'Visitor: My order is late', region);
    assert.equal(await page.getAttribute(region, 'aria-live'), 'polite');
    found.push(...await both(page, 'chat'));

    // Transfer: the panel opens from the keyboard and Esc closes it.
    await page.focus(`[data-testid="chat-pane"][data-chat="${first}"] [data-testid="chat-transfer"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="transfer-panel"]', { state: 'visible' });
    found.push(...await both(page, 'transfer'));
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="transfer-panel"]', { state: 'hidden' });

    // Co-browse beside the conversation.
    await enterCode({ page }, (await recorded(one.v.page, '~/site_connect/ready')).code);
    await agentState({ page }, 'waiting-consent');
    await one.frame.click('[data-testid="cobrowse-allow"]:not([disabled])');
    await page.waitForSelector('body[data-cobrowse="on"] [data-testid="cobrowse-view"]', { state: 'visible' });
    found.push(...await both(page, 'cobrowse'));
    await page.click('[data-testid="cobrowse-stop"]');
    await page.waitForSelector('body[data-cobrowse="off"]');

    // Ended: the chat and its transcript.
    await page.click(`[data-testid="chat-pane"][data-chat="${first}"] [data-testid="chat-end"]`);
    await page.waitForSelector(`[data-testid="chat-pane"][data-chat="${first}"][data-state="ended"]`);
    found.push(...await both(page, 'chat-ended'));
    const open = page.locator(`[data-testid="past-chat"][data-chat="${first}"] [data-testid="transcript-open"]`);
    if (await open.isVisible()) {
      await open.click();
      await page.waitForSelector('[data-testid="transcript"]:not([hidden])');
      found.push(...await both(page, 'transcript'));
    }
    await Promise.all([one.v.context.close(), two.v.context.close()]);

    // The administration page: every section, then a privacy search.
    await openAdmin(page);
    await page.waitForSelector('[data-testid="stat-pages"]');
    found.push(...await both(page, 'admin'));
    await page.selectOption('[data-testid="privacy-kind"]', 'email');
    await page.fill('[data-testid="privacy-value"]', 'ann@example.org');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="privacy-found"]:not(:empty)');
    found.push(...await both(page, 'privacy'));

    // Reduced motion: nothing on the page animates or transitions.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    assert.deepEqual(await page.evaluate(() => Array.from(document.querySelectorAll('*')).filter((e) => {
      const s = getComputedStyle(e);
      return s.animationName !== 'none' || parseFloat(s.transitionDuration) > 0.01;
    }).map((e) => e.className || e.tagName)), []);

    assert.deepEqual(found, [], found.join('\n'));
    await context.close();
  });
});
