// Conversation tools (issue 19 part 4, docs/CONSOLE.md "Transfer and canned responses"): agent A transfers a chat to
// agent B with a note — B's workspace opens it with the note and the history, the visitor's widget says who they
// are talking to now; an agent types "/he" and inserts a canned response with the keyboard; an admin manages canned
// responses on the administration page. Screenshots go to target/screenshots/tools-*.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, launch, startHost } from './helpers.mjs';
import {
  chatButtonPage, consoleLogin, createAgent, openAdmin, openConsole, rest, restLogin, setAvailable,
} from './agent-helpers.mjs';
import { acceptFirst, consoleLines, requestChat, startChatGateway } from './chat-helpers.mjs';

const T = { timeout: 120_000 };
const SHOTS = join(ROOT, 'target/screenshots');
const ANNA = { login: 'anna', name: 'Anna Agent', password: 'anna-secret-password', buttons: ['acme/sales'] };
const BEN = { login: 'ben', name: 'Ben Agent', password: 'ben-secret-password', buttons: ['acme/sales'] };
const pane = (id) => `[data-testid="chat-pane"][data-chat="${id}"]`;
const shot = (page, name) => page.screenshot({ path: join(SHOTS, `tools-${name}.png`) });

let host, gw, browser, anna, ben, adminToken;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startHost();
  gw = await startChatGateway({ hostOrigin: host.origin });
  await createAgent(gw, ANNA);
  await createAgent(gw, BEN);
  adminToken = await restLogin(gw, 'admin', gw.adminPassword);
  for (const [shortcut, text] of [['hello', 'Hello! How can I help you today?'], ['help', 'Our help pages: https://example.org/help'],
    ['bye', 'Thanks for chatting with us. Goodbye!']]) {
    const r = await rest(gw, 'POST', '/canned', { site: 'acme', shortcut, text }, adminToken);
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  host.page('/shop', chatButtonPage(gw));
  browser = await launch();
  anna = await openConsole(browser, gw);
  await consoleLogin(anna.page, ANNA.login, ANNA.password);
  await setAvailable(anna.page, 'acme/sales', true);
  ben = await openConsole(browser, gw);
  await consoleLogin(ben.page, BEN.login, BEN.password);
  await setAvailable(ben.page, 'acme/sales', true);
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

async function startChat() {
  const { v, frame } = await requestChat(browser, host.origin + '/shop');
  const id = await acceptFirst(anna.page);
  await frame.waitForSelector('[data-testid="chat-with"]:has-text("Anna Agent")');
  return { v, frame, id };
}

describe('conversation tools', () => {
  test('canned: "/he" shows the matching responses, ↓ + Enter inserts one, Esc closes the list, Tab inserts', T, async () => {
    const { frame, id } = await startChat();
    const input = anna.page.locator(`${pane(id)} [data-testid="chat-input"]`);
    await input.click();
    await anna.page.keyboard.type('/he');
    const list = anna.page.locator(`${pane(id)} [data-testid="canned-list"]`);
    await list.waitFor({ state: 'visible' });
    const shortcuts = await list.locator('[data-testid="canned-item"]').evaluateAll((li) => li.map((x) => x.getAttribute('data-shortcut')));
    assert.deepEqual(shortcuts, ['hello', 'help'], 'filtered by what follows the slash');
    await shot(anna.page, 'canned-list');
    await anna.page.keyboard.press('ArrowDown');
    assert.equal(await list.locator('[aria-selected="true"]').getAttribute('data-shortcut'), 'help');
    await anna.page.keyboard.press('ArrowUp');
    await anna.page.keyboard.press('Enter');
    await list.waitFor({ state: 'hidden' });
    assert.equal(await input.inputValue(), 'Hello! How can I help you today?', 'inserted, not sent');
    assert.equal((await consoleLines(anna.page, id)).filter((l) => l.from === 'agent').length, 0, 'Enter did not send');

    // Esc closes the list and keeps what was typed; Tab inserts too, after other text.
    await anna.page.keyboard.type(' /b');
    await list.waitFor({ state: 'visible' });
    await anna.page.keyboard.press('Escape');
    await list.waitFor({ state: 'hidden' });
    assert.equal(await input.inputValue(), 'Hello! How can I help you today? /b');
    await anna.page.keyboard.type('y');
    await list.waitFor({ state: 'visible' });
    await anna.page.keyboard.press('Tab');
    assert.equal(await input.inputValue(), 'Hello! How can I help you today? Thanks for chatting with us. Goodbye!');
    await anna.page.keyboard.press('Enter'); // the list is closed: Enter sends
    await frame.waitForSelector('[data-testid="chat-log"] > li[data-from="agent"]:has-text("Goodbye!")');
    await anna.page.click(`${pane(id)} [data-testid="chat-end"]`);
    await anna.page.waitForSelector(`${pane(id)}[data-state="ended"]`);
    await anna.page.click(`${pane(id)} [data-testid="chat-close"]`);
  });

  test('transfer: Anna hands the chat to Ben with a note; Ben sees note and history, the visitor sees who answers now', T, async () => {
    const { frame, id } = await startChat();
    await anna.page.fill(`${pane(id)} [data-testid="chat-input"]`, 'Let me find a colleague for billing.');
    await anna.page.press(`${pane(id)} [data-testid="chat-input"]`, 'Enter');
    await frame.waitForSelector('[data-testid="chat-log"] > li[data-from="agent"]:has-text("colleague for billing")');

    await anna.page.click(`${pane(id)} [data-testid="chat-transfer"]`);
    const target = anna.page.locator(`${pane(id)} [data-testid="transfer-target"]`);
    await anna.page.waitForSelector(`${pane(id)} [data-testid="transfer-target"] option[value="agent:ben"]`, { state: 'attached' });
    await target.selectOption('agent:ben');
    await anna.page.fill(`${pane(id)} [data-testid="transfer-note"]`, 'Asks about invoice 2041; already verified the e-mail.');
    await shot(anna.page, 'transfer-panel');
    await anna.page.click(`${pane(id)} [data-testid="transfer-submit"]`);
    await anna.page.waitForSelector(`${pane(id)}[data-state="transferred"] [data-testid="chat-state"]:has-text("Transferred to Ben Agent")`);
    assert.equal(await anna.page.locator(`${pane(id)} [data-testid="chat-input"]`).isVisible(), false, 'Anna no longer writes in it');

    // Ben: the conversation opens with the note above the history.
    await ben.page.waitForSelector(`${pane(id)}[data-state="active"]`, { timeout: 15_000 });
    await ben.page.click(`[data-testid="chat-tab"][data-chat="${id}"]`);
    const note = ben.page.locator(`${pane(id)} [data-testid="transfer-note-shown"]`);
    await note.waitFor({ state: 'visible' });
    assert.match(await note.textContent(), /Transferred by Anna Agent/);
    assert.match(await note.textContent(), /invoice 2041/);
    await ben.page.waitForSelector(`${pane(id)} [data-testid="chat-log"] li[data-from="agent"]:has-text("colleague for billing")`);
    await shot(ben.page, 'transfer-received');

    // The visitor: a line saying who they are talking to, and the header follows; the note is not shown.
    await frame.waitForSelector('[data-testid="chat-log"] > li[data-from="system"]:has-text("You are now talking to Ben Agent")');
    await frame.waitForSelector('[data-testid="chat-with"]:has-text("Ben Agent")');
    assert.equal(await frame.locator('text=invoice 2041').count(), 0, 'the note stays with the agents');
    await shot(await frame.page(), 'transfer-visitor');

    // Ben answers; the visitor gets it.
    await ben.page.fill(`${pane(id)} [data-testid="chat-input"]`, 'Hi, Ben from billing here.');
    await ben.page.press(`${pane(id)} [data-testid="chat-input"]`, 'Enter');
    await frame.waitForSelector('[data-testid="chat-log"] > li[data-from="agent"]:has-text("Ben from billing")');

    const audit = await rest(gw, 'GET', '/audit?action=chat-transferred', undefined, adminToken);
    assert.equal(audit.body.length, 1);
    assert.equal(audit.body[0].actor, 'anna');
  });

  test('admin page: add, change and delete a canned response', T, async () => {
    const page = anna.page; // Anna is no admin: use a console of the admin
    assert.ok(page);
    const admin = await openConsole(browser, gw);
    await consoleLogin(admin.page, 'admin', gw.adminPassword);
    await openAdmin(admin.page);
    const section = admin.page.locator('[data-testid="canned-section"]');
    await section.locator('[data-testid="canned-row"][data-shortcut="hello"]').waitFor();
    await section.locator('[data-testid="canned-shortcut"]').fill('refund');
    await section.locator('[data-testid="canned-text"]').fill('Refunds take 5 working days.');
    await section.locator('[data-testid="canned-save"]').click();
    await section.locator('[data-testid="canned-row"][data-shortcut="refund"]').waitFor();
    await section.locator('[data-testid="canned-row"][data-shortcut="refund"] [data-testid="canned-edit"]').click();
    await section.locator('[data-testid="canned-text"]').fill('Refunds take 3 working days.');
    await section.locator('[data-testid="canned-save"]').click();
    await section.locator('[data-testid="canned-row"][data-shortcut="refund"]:has-text("3 working days")').waitFor();
    // A shortcut with a space does not pass the form; one that is taken is refused with the server's words.
    await section.locator('[data-testid="canned-shortcut"]').fill('two words');
    await section.locator('[data-testid="canned-text"]').fill('x');
    assert.equal(await section.locator('[data-testid="canned-shortcut"]').evaluate((x) => x.validity.patternMismatch), true);
    await section.locator('[data-testid="canned-shortcut"]').fill('hello');
    await section.locator('[data-testid="canned-save"]').click();
    await section.locator('[data-testid="canned-error"]:has-text("already has the shortcut /hello")').waitFor();
    await section.scrollIntoViewIfNeeded();
    await shot(admin.page, 'canned-admin');
    await section.locator('[data-testid="canned-row"][data-shortcut="refund"] [data-testid="canned-delete"]').click();
    await section.locator('[data-testid="canned-row"][data-shortcut="refund"]').waitFor({ state: 'detached' });
    await admin.context.close();
  });
});
