// Data rights in the admin view (issue 18 part 4): two visitors on a customer's page on another origin leave
// messages and chat; the admin finds one by e-mail address, downloads the export, and erases it after confirming.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { launch, recorded, startHost } from './helpers.mjs';
import {
  chatButtonPage, consoleLogin, createAgent, openAdmin, openConsole, rest, restLogin, setAvailable, shot1920,
  waitWiredButton,
} from './agent-helpers.mjs';
import { acceptFirst, frameSend, openVisitor, startChatGateway, waitConsoleTexts, waitDisplay, waitWidget } from './chat-helpers.mjs';

const T = { timeout: 150_000 };
const CAROL = { login: 'carol', name: 'Carol Agent', password: 'carol-secret-password', buttons: ['acme/sales'] };

let host, gw, browser, agent;

before(async () => {
  host = await startHost();
  gw = await startChatGateway({ hostOrigin: host.origin });
  await createAgent(gw, CAROL);
  host.page('/shop', chatButtonPage(gw));
  browser = await launch();
  agent = await openConsole(browser, gw);
  await consoleLogin(agent.page, CAROL.login, CAROL.password);
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

/** A visitor who finds nobody there and leaves a message (name, contact, text) through the frame's form. */
async function leaveMessage(contact, text) {
  await setAvailable(agent.page, 'acme/sales', false);
  const v = await openVisitor(browser, host.origin + '/shop');
  await recorded(v.page, '~/site_connect/ready');
  await waitWiredButton(v.page, false, 'sales', 15_000);
  await v.page.evaluate(() => window.site_connect.publish('~pagesession/chat/trigger', { button_id: 'sales' }));
  await waitDisplay(v.page, 'shown');
  const frame = await v.frame();
  await frame.waitForSelector('[data-testid="chat-unavailable"]', { state: 'visible' });
  await frame.fill('#sc-lm-name', contact.split('@')[0]);
  await frame.fill('#sc-lm-contact', contact);
  await frame.fill('#sc-lm-text', text);
  await frame.click('[data-testid="leave-send"]');
  await frame.waitForSelector('[data-testid="leave-done"]', { state: 'visible' });
  await frame.click('[data-testid="chat-close"]');
  await waitDisplay(v.page, 'hidden');
  return { ...v, frame };
}

/** The same visitor (same tab) then chats with Carol: one line each way; the chat stays active. */
async function chat(v, line) {
  await setAvailable(agent.page, 'acme/sales', true);
  await waitWiredButton(v.page, true, 'sales', 15_000);
  await v.page.click('[data-site-connect-chat-button="sales"]');
  await v.frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible' });
  const id = await acceptFirst(agent.page);
  await v.frame.waitForSelector('#sc-panel-chat[data-view="chat"]');
  await frameSend(v.frame, line);
  await waitConsoleTexts(agent.page, id, [line]);
  return id;
}

const count = (page, kind) => page.textContent(`[data-testid="privacy-count-${kind}"]`);

describe('data rights in the admin view', () => {
  test('search by e-mail shows the counts, the download holds that visitor only, erase needs a confirmation and '
    + 'leaves the other visitor intact', T, async () => {
    const ann = await leaveMessage('ann@example.org', 'please call Ann back');
    const annChat = await chat(ann, 'Ann here, about my order');
    const bob = await leaveMessage('bob@example.org', 'Bob would like a call');

    const admin = await openConsole(browser, gw);
    await consoleLogin(admin.page, 'admin', gw.adminPassword);
    const p = admin.page;
    await openAdmin(p); // administration is its own page (/agent/admin.html)
    await p.waitForSelector('[data-testid="privacy"]', { state: 'visible' });
    await p.selectOption('[data-testid="privacy-kind"]', 'email');
    await p.fill('[data-testid="privacy-value"]', 'Ann@Example.org');
    await p.click('[data-testid="privacy-search"]');
    await p.waitForSelector('[data-testid="privacy-count-chats"]');
    assert.equal(await count(p, 'chats'), '1');
    assert.equal(await count(p, 'messages'), '2', 'Carol joined + Ann\'s line');
    assert.equal(await count(p, 'leftMessages'), '1');
    await p.waitForFunction(() => document.querySelector('[data-testid="privacy-found"]').textContent.startsWith('Found 1 chat'));
    await shot1920(p, 'privacy-found', '[data-testid="privacy-found"]');

    // The download: the whole export as one JSON file.
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid="privacy-download"]')]);
    assert.match(download.suggestedFilename(), /^visitor-export-\d{4}-\d{2}-\d{2}\.json$/);
    const doc = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(doc.format, 'siteconnect-visitor-export/1');
    assert.equal(doc.records.chats[0].id, annChat);
    assert.deepEqual(doc.records.messages.filter((m) => m.from === 'visitor').map((m) => m.text), ['Ann here, about my order']);
    assert.equal(doc.records.leftMessages[0].text, 'please call Ann back');
    const text = JSON.stringify(doc);
    assert.ok(!text.includes('bob@') && !text.includes('Bob would'), 'nothing of Bob in the file');

    // Erase asks first: nothing happens until the admin ticks the box and confirms.
    await p.click('[data-testid="privacy-erase"]');
    await p.waitForSelector('[data-testid="privacy-confirm-panel"]', { state: 'visible' });
    assert.equal(await p.isDisabled('[data-testid="privacy-confirm"]'), true);
    await p.click('[data-testid="privacy-cancel"]');
    await p.waitForSelector('[data-testid="privacy-confirm-panel"]', { state: 'hidden' });
    assert.equal(await count(p, 'chats'), '1', 'cancel erased nothing');
    await p.click('[data-testid="privacy-erase"]');
    await p.check('[data-testid="privacy-understood"]');
    await p.click('[data-testid="privacy-confirm"]');
    await p.waitForSelector('[data-testid="privacy-erased"]:not([hidden])', { timeout: 15_000 });
    assert.match(await p.textContent('[data-testid="privacy-erased"]'),
      /^Erased 1 chat, 2 chat lines, 0 attachments, 1 left message, 1 audit entry, 0 transfer notes\. 1 live chat ended\./);
    assert.equal(await count(p, 'chats'), '0', 'a fresh search after the erasure finds nothing');
    assert.equal(await count(p, 'leftMessages'), '0');
    assert.equal(await p.isDisabled('[data-testid="privacy-erase"]'), true, 'nothing left to erase');

    // Ann's live chat ended: her frame forgot it, and Carol's console shows it ended by the erasure.
    await waitWidget(ann.page, null);
    const pane = `[data-testid="chat-pane"][data-chat="${annChat}"]`;
    await agent.page.waitForSelector(`${pane}[data-state="ended"]`, { timeout: 15_000 });
    assert.match(await agent.page.textContent(pane), /Ended by erasure/);
    // Bob is intact.
    const carol = await restLogin(gw, CAROL.login, CAROL.password);
    const left = await rest(gw, 'GET', '/messages', undefined, carol);
    assert.deepEqual(left.body.map((m) => m.text), ['Bob would like a call']);
    await p.fill('[data-testid="privacy-value"]', 'bob@example.org');
    await p.click('[data-testid="privacy-search"]');
    await p.waitForFunction(() => document.querySelector('[data-testid="privacy-count-leftMessages"]')?.textContent === '1');
    await Promise.all([ann.context.close(), bob.context.close(), admin.context.close()]);
  });
});
