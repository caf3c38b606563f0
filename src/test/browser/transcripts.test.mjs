// Transcripts and e-mail (issue 19 part 5): a visitor on a customer's page chats with an agent, ends the chat and asks
// for the transcript by e-mail from the widget; a real SMTP server (npm smtp-server, src/test/smtp/sink.mjs) receives
// it. The agent's HTML transcript renders escaped. Screenshots: target/screenshots/transcripts-*.png (1280×800).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startSink } from '../smtp/sink.mjs';
import { launch, recorded, startHost } from './helpers.mjs';
import {
  chatButtonPage, consoleLogin, createAgent, openAdmin, openConsole, restLogin, setAvailable, shot1920, waitWiredButton,
} from './agent-helpers.mjs';
import { acceptFirst, frameSend, openVisitor, startChatGateway, waitConsoleTexts, waitDisplay } from './chat-helpers.mjs';

const T = { timeout: 150_000 };
const SHOTS = new URL('../../../target/screenshots/', import.meta.url);
const CAROL = { login: 'carol', name: 'Carol Agent', password: 'carol-secret-password', buttons: ['acme/sales'] };
const HOSTILE = '<img src=x onerror=alert(1)> & <script>alert(2)</script>';

/** @type {any[]} */
const mails = [];
/** @type {(() => void) | null} */
let onMail = null;
let host, gw, browser, agent, sink;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  sink = await startSink((m) => { mails.push(m); onMail?.(); });
  host = await startHost();
  gw = await startChatGateway({
    hostOrigin: host.origin,
    conf: { mail: { host: '127.0.0.1', port: sink.port, tls: 'none', from: 'chat@acme.test', retries: 1, retryDelayMs: 100 } },
  });
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
  await sink?.close();
});

/** Resolves once `n` messages have arrived (the SMTP server's callback, no polling). */
function mailCount(n, timeout = 20_000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${mails.length} of ${n} e-mails arrived`)), timeout);
    const check = () => { if (mails.length >= n) { clearTimeout(t); onMail = null; resolve(mails); } };
    onMail = check;
    check();
  });
}

describe('transcripts by e-mail', () => {
  test('the visitor ends the chat, asks for the transcript by e-mail, and the SMTP server receives it', T, async () => {
    await setAvailable(agent.page, 'acme/sales', true);
    const v = await openVisitor(browser, host.origin + '/shop');
    await recorded(v.page, '~/site_connect/ready');
    await waitWiredButton(v.page, true, 'sales', 15_000);
    await v.page.click('[data-site-connect-chat-button="sales"]');
    await waitDisplay(v.page, 'shown');
    const frame = await v.frame();
    await frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible' });
    const id = await acceptFirst(agent.page);
    await frame.waitForSelector('#sc-panel-chat[data-view="chat"]');
    await frameSend(frame, `Where is my order? ${HOSTILE}`);
    await waitConsoleTexts(agent.page, id, [`Where is my order? ${HOSTILE}`]);

    await frame.click('[data-testid="chat-end"]');
    await frame.waitForSelector('#sc-panel-chat[data-view="rating"]');
    await frame.click('[data-testid="transcript-email-open"]');
    await frame.fill('[data-testid="transcript-email-address"]', 'not an address');
    await frame.click('[data-testid="transcript-email-send"]');
    assert.equal(await frame.textContent('[data-testid="transcript-email-status"]'), 'Please enter a valid e-mail address.');
    await frame.fill('[data-testid="transcript-email-address"]', 'ann@example.org');
    await v.page.screenshot({ path: new URL('transcripts-widget-ask.png', SHOTS).pathname });
    await frame.click('[data-testid="transcript-email-send"]');
    await frame.waitForFunction(() => document.querySelector('[data-testid="transcript-email-status"]')?.textContent
      === 'We have e-mailed this conversation to you.');
    await v.page.screenshot({ path: new URL('transcripts-widget-sent.png', SHOTS).pathname });

    const [mail] = await mailCount(1);
    assert.deepEqual(mail.to, ['ann@example.org']);
    assert.equal(mail.from, 'chat@acme.test');
    assert.equal(mail.subject, 'Your conversation with acme');
    assert.ok(mail.text.includes(`Where is my order? ${HOSTILE}`), mail.text);
    assert.ok(mail.text.includes('Carol Agent'), 'the agent\'s joined line is in');
    assert.ok(mail.html.includes('&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;'), mail.html);
    assert.ok(!/<script|<img/i.test(mail.html), 'nothing of the visitor\'s line is markup');

    // Asking again for the same chat is refused once mail.perChat (2) is used up: one more goes, then a refusal.
    await frame.click('[data-testid="transcript-email-open"]'); // "Send it again": the address is still there
    await frame.click('[data-testid="transcript-email-send"]');
    await mailCount(2);
    await frame.waitForFunction(() => document.querySelector('[data-testid="transcript-email-open"]')?.hidden === false);
    await frame.click('[data-testid="transcript-email-open"]');
    await frame.click('[data-testid="transcript-email-send"]');
    await frame.waitForFunction(() => document.querySelector('[data-testid="transcript-email-status"]')?.textContent
      === 'This conversation was already sent.'); // code rate-limited, limit chat: said from the catalogue (docs/I18N.md)

    // The agent downloads the conversation's transcript from its header.
    const [file] = await Promise.all([agent.page.waitForEvent('download'),
      agent.page.click(`[data-testid="chat-pane"][data-chat="${id}"] [data-testid="chat-transcript"]`)]);
    assert.match(file.suggestedFilename(), /^transcript-[A-Za-z0-9_-]+\.html$/);
    assert.match(readFileSync(await file.path(), 'utf8'), /Where is my order\? &lt;img src=x/);

    // The agent's HTML transcript of the same chat: escaped, served as an attachment under a strict CSP.
    const token = await restLogin(gw, CAROL.login, CAROL.password);
    const r = await fetch(`${gw.origin}/api/v1/chats/${id}/transcript?format=html`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-disposition'), /^attachment; filename="transcript-/);
    assert.match(r.headers.get('content-security-policy'), /default-src 'none'.*sandbox/);
    const html = await r.text();
    const view = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    let dialogs = 0;
    view.on('dialog', (d) => { dialogs++; d.dismiss().catch(() => {}); });
    await view.setContent(html);
    assert.equal(await view.evaluate(() => document.querySelectorAll('script, img').length), 0);
    assert.match(await view.textContent('body'), /Where is my order\? <img src=x onerror=alert\(1\)> & <script>alert\(2\)<\/script>/);
    assert.equal(dialogs, 0, 'no alert ran');
    await view.screenshot({ path: new URL('transcripts-html.png', SHOTS).pathname });
    await view.close();
    await v.context.close();

    // The admin downloads the day's transcripts from the admin page: one JSON file holding this chat's lines.
    const admin = await openConsole(browser, gw);
    await consoleLogin(admin.page, 'admin', gw.adminPassword);
    await openAdmin(admin.page);
    const p = admin.page;
    await p.waitForSelector('[data-testid="transcripts"]', { state: 'visible' });
    await p.locator('[data-testid="transcripts"]').scrollIntoViewIfNeeded();
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid="transcripts-download"]')]);
    assert.match(download.suggestedFilename(), /^transcripts-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.json$/);
    const doc = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.deepEqual(doc.transcripts.map((t) => t.chat.id), [id]);
    assert.ok(doc.transcripts[0].messages.some((m) => m.text === `Where is my order? ${HOSTILE}`));
    assert.equal(await p.textContent('[data-testid="transcripts-result"]'), 'Downloaded 1 chat.');
    await p.screenshot({ path: new URL('transcripts-admin.png', SHOTS).pathname });
    await shot1920(p, 'transcripts-admin', '[data-testid="transcripts"]');

    // Every download is in the audit log the admin page shows: who, which chat or days, which format.
    const audited = async (action) => {
      await p.selectOption('[data-testid="audit-action"]', action);
      await p.click('[data-testid="audit-apply"]');
      await p.waitForSelector(`[data-testid="audit-entry"][data-action="${action}"]`, { timeout: 15_000 });
      return p.$$eval(`[data-testid="audit-entry"][data-action="${action}"]`, (rows) =>
        rows.map((r) => Array.from(r.children).slice(1, 5).map((td) => td.textContent).join(' | ')));
    };
    const perChat = await audited('transcript-downloaded');
    assert.deepEqual(perChat, [`carol | transcript-downloaded | chat ${id} | format html`,
      `carol | transcript-downloaded | chat ${id} | format html`], 'the console download and the REST one');
    const bulk = await audited('transcripts-exported');
    assert.equal(bulk.length, 1);
    assert.match(bulk[0], /^admin \| transcripts-exported \| transcripts \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} \| format json, 1 chat$/);
    await p.locator('[data-testid="audit-body"]').scrollIntoViewIfNeeded();
    await p.screenshot({ path: new URL('transcripts-audit.png', SHOTS).pathname });
    await shot1920(p, 'transcripts-audit', '[data-testid="audit-body"]');
    await admin.context.close();
  });
});
