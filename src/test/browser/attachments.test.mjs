// Attachments (issue 19 part 4, docs/ATTACHMENTS.md): the visitor attaches an image in the widget, the agent sees
// a preview and downloads it; the agent sends a PDF, the visitor gets it; a page named .png is refused.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ROOT, launch, recorded, startHost } from './helpers.mjs';
import { chatButtonPage, consoleLogin, createAgent, openConsole, setAvailable, waitWiredButton } from './agent-helpers.mjs';
import { acceptFirst, openVisitor, startChatGateway } from './chat-helpers.mjs';

const T = { timeout: 120_000 };
const CAROL = { login: 'carol', name: 'Carol Agent', password: 'carol-secret-password', buttons: ['acme/sales'] };
const SHOTS = ROOT + 'target/screenshots/';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

let host, gw, browser, agent;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startHost();
  gw = await startChatGateway({ hostOrigin: host.origin });
  await createAgent(gw, CAROL);
  host.page('/shop', chatButtonPage(gw));
  host.page('/checkout', chatButtonPage(gw, '<h2 id="ck">Checkout details</h2><form>'
    + '<label>Password <input type="password" id="pw" autocomplete="current-password"></label>'
    + '<label>Card number <input id="card" name="cardnumber" autocomplete="cc-number"></label></form>'));
  browser = await launch();
  agent = await openConsole(browser, gw);
  await consoleLogin(agent.page, CAROL.login, CAROL.password);
  await setAvailable(agent.page, 'acme/sales', true);
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

const pane = (id) => `[data-testid="chat-pane"][data-chat="${id}"]`;

async function readDownload(download) {
  return readFileSync(await download.path());
}

describe('attachments', () => {
  test('visitor image → agent preview and download; agent PDF → visitor download; HTML named .png refused', T, async () => {
    const v = await openVisitor(browser, host.origin + '/shop');
    await recorded(v.page, '~/site_connect/ready');
    await waitWiredButton(v.page, true, 'sales', 15_000);
    await v.page.click('[data-site-connect-chat-button="sales"]');
    const frame = await v.frame();
    await frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible' });
    const id = await acceptFirst(agent.page);
    await frame.waitForSelector('#sc-panel-chat[data-view="chat"]');

    // A real PNG: a screenshot of the host page.
    const png = await v.page.screenshot({ clip: { x: 0, y: 0, width: 240, height: 120 } });
    await frame.setInputFiles('[data-testid="chat-file"]', { name: 'screen.png', mimeType: 'image/png', buffer: png });
    const preview = agent.page.locator(`${pane(id)} [data-testid="attachment-preview"]`);
    await preview.waitFor({ timeout: 20_000 });
    await agent.page.waitForFunction((sel) => {
      const img = document.querySelector(sel);
      return img && img.complete && img.naturalWidth === 240 && img.src.startsWith('blob:');
    }, `${pane(id)} [data-testid="attachment-preview"]`);
    await frame.waitForSelector('[data-testid="attachment-preview"]'); // the visitor sees their own file too
    const [got] = await Promise.all([
      agent.page.waitForEvent('download'),
      agent.page.click(`${pane(id)} [data-testid="attachment-download"]`),
    ]);
    assert.equal(got.suggestedFilename(), 'screen.png');
    assert.deepEqual(await readDownload(got), png);

    // The agent sends a PDF from the composer; the visitor downloads it.
    await agent.page.setInputFiles(`${pane(id)} [data-testid="chat-file"]`,
      { name: 'quote.pdf', mimeType: 'application/pdf', buffer: PDF });
    const pdfButton = frame.locator('[data-testid="chat-log"] > li[data-from="agent"] [data-testid="attachment-download"]');
    await pdfButton.waitFor({ timeout: 20_000 });
    assert.match(await pdfButton.textContent(), /quote\.pdf/);
    const [pdf] = await Promise.all([v.page.waitForEvent('download'), pdfButton.click()]);
    assert.equal(pdf.suggestedFilename(), 'quote.pdf');
    assert.deepEqual(await readDownload(pdf), PDF);

    // A page named .png: the gateway sniffs it and refuses it; the visitor is told.
    await frame.setInputFiles('[data-testid="chat-file"]',
      { name: 'cat.png', mimeType: 'image/png', buffer: Buffer.from('<!doctype html><script>alert(1)</script>') });
    await frame.waitForSelector('[data-testid="chat-error"]:has-text("cannot be sent")');
    assert.equal(await agent.page.locator(`${pane(id)} [data-testid="attachment"]`).count(), 2);

    await agent.page.screenshot({ path: SHOTS + 'attachments-agent.png' });
    await v.page.screenshot({ path: SHOTS + 'attachments-visitor.png' });
    await v.context.close();
  });

  test('"show the agent this page": the agent opens a still copy with the password and card fields masked', T, async () => {
    const v = await openVisitor(browser, host.origin + '/checkout');
    await recorded(v.page, '~/site_connect/ready');
    await waitWiredButton(v.page, true, 'sales', 15_000);
    await v.page.fill('#pw', 'hunter2-very-secret');
    await v.page.fill('#card', '4111 1111 1111 1111');
    await v.page.click('[data-site-connect-chat-button="sales"]');
    const frame = await v.frame();
    await frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible' });
    const id = await acceptFirst(agent.page);
    await frame.waitForSelector('#sc-panel-chat[data-view="chat"]');

    await frame.click('[data-testid="chat-show-page"]');
    const open = agent.page.locator(`${pane(id)} [data-testid="attachment-open"]`);
    await open.waitFor({ timeout: 20_000 });
    assert.equal(await agent.page.locator(`${pane(id)} li[data-from="visitor"] .scc-text`).last().textContent(),
      'Page snapshot: ' + await v.page.title());
    await open.click();
    const mirror = agent.page.frameLocator('[data-testid="snapshot-stage"] iframe');
    await mirror.locator('#ck').waitFor({ timeout: 20_000 });
    assert.equal(await mirror.locator('#ck').textContent(), 'Checkout details');
    const sandbox = await agent.page.getAttribute('[data-testid="snapshot-stage"] iframe', 'sandbox');
    assert.equal(sandbox, 'allow-same-origin', 'no script runs in the still page');
    const values = await mirror.locator('input').evaluateAll((ins) => ins.map((i) => i.value));
    const html = await mirror.locator('html').evaluate((h) => h.outerHTML);
    for (const secret of ['hunter2', '4111']) {
      assert.ok(!values.some((x) => x.includes(secret)), `${secret} is masked: ${JSON.stringify(values)}`);
      assert.ok(!html.includes(secret), `${secret} is nowhere in the copy`);
    }
    // The file itself (what the gateway stores) holds neither.
    const token = await agent.page.evaluate(() => sessionStorage.getItem('siteconnect.agent.token'));
    const list = await (await fetch(`${gw.origin}/api/v1/chats/${id}/attachments`,
      { headers: { Authorization: 'Bearer ' + token } })).json();
    const snap = list.find((a) => a.type === 'application/vnd.siteconnect.snapshot+json');
    const body = await (await fetch(`${gw.origin}/api/v1/chats/${id}/attachments/${snap.id}`,
      { headers: { Authorization: 'Bearer ' + token } })).text();
    assert.ok(body.includes('Checkout details') && !body.includes('hunter2') && !body.includes('4111'));
    await agent.page.screenshot({ path: SHOTS + 'attachments-snapshot.png' });
    await agent.page.click('[data-testid="snapshot-close"]');
    await v.context.close();
  });
});
