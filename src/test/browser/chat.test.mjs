// Chat end to end (issue 5): a customer's page on another origin than the gateway, the site-connect frame's chat
// UI, and the agent console's chat inbox in a second browser context.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, recorded, startHost } from './helpers.mjs';
import {
  chatButtonPage, consoleLogin, createAgent, openConsole, rest, restLogin, setAvailable, showLivePages, waitWiredButton,
} from './agent-helpers.mjs';
import {
  acceptFirst, consoleSend, frameLines, frameSend, openVisitor, startChatGateway, waitConsoleTexts,
  waitDisplay, waitFrameTexts, waitWidget,
} from './chat-helpers.mjs';

const T = { timeout: 120_000 };
const CAROL = { login: 'carol', name: 'Carol Agent', password: 'carol-secret-password', buttons: ['acme/sales'] };
const DAN = { login: 'dan', name: 'Dan Agent', password: 'dan-secret-password', buttons: ['acme/sales'] };
const HTML = '<img src=x onerror="window.__xss=1"><b>bold</b> & <script>window.__xss=2</script>';

let host, gw, browser, agent;

before(async () => {
  host = await startHost();
  gw = await startChatGateway({ hostOrigin: host.origin });
  await createAgent(gw, CAROL);
  await createAgent(gw, DAN);
  host.page('/shop', chatButtonPage(gw));
  host.page('/shop/cart', chatButtonPage(gw));
  host.page('/invite', chatButtonPage(gw));
  browser = await launch();
  // One agent console for the whole file: Carol, available for acme/sales.
  agent = await openConsole(browser, gw);
  await consoleLogin(agent.page, CAROL.login, CAROL.password);
  await setAvailable(agent.page, 'acme/sales', true);
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

/** A visitor on /shop whose wired chat button is enabled. */
async function visitor(path = '/shop') {
  const v = await openVisitor(browser, host.origin + path);
  await recorded(v.page, '~/site_connect/ready');
  await waitWiredButton(v.page, true, 'sales', 15_000);
  return v;
}

/** The visitor clicks the chat button, the agent accepts: returns the chat id and the frame. */
async function startChat(v) {
  await v.page.click('[data-site-connect-chat-button="sales"]');
  const frame = await v.frame();
  await frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible' });
  const id = await acceptFirst(agent.page);
  await frame.waitForSelector('#sc-panel-chat[data-view="chat"]');
  return { id, frame };
}

const transcript = async (id) => {
  const token = await restLogin(gw, CAROL.login, CAROL.password);
  const r = await rest(gw, 'GET', `/chats/${id}/messages`, undefined, token);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.messages.filter((m) => m.from !== 'system').map((m) => m.text);
};

describe('chat', () => {
  test('trigger → accept → three lines each way in order, typing both ways → end → rating → frame hidden', T, async () => {
    const v = await visitor();
    assert.equal(await v.page.getAttribute('#channelme-siteconnect-container', 'data-state-widget-type'), null);
    await v.page.click('[data-site-connect-chat-button="sales"]');
    await waitDisplay(v.page, 'shown');
    await waitWidget(v.page, 'chat-request', 'sales');
    const frame = await v.frame();
    await frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible' });

    const id = await acceptFirst(agent.page);
    await waitWidget(v.page, 'chat', 'sales');
    await frame.waitForSelector('[data-testid="chat-with"]:has-text("Carol Agent")');
    await frame.waitForSelector('[data-testid="chat-log"] > li[data-from="system"]:has-text("Carol Agent joined")');

    const want = [];
    for (let i = 1; i <= 3; i++) {
      await frameSend(frame, `visitor ${i}`);
      want.push(`visitor ${i}`);
      await waitConsoleTexts(agent.page, id, want);
      const line = i === 2 ? `agent ${i} ${HTML}` : `agent ${i}`;
      await consoleSend(agent.page, id, line);
      want.push(line);
      await waitFrameTexts(frame, want);
    }
    await waitConsoleTexts(agent.page, id, want);

    // HTML in a line is text on both sides: no element made from it, no script run.
    const frameHtml = await frame.$$eval('[data-testid="chat-log"] img, [data-testid="chat-log"] b, [data-testid="chat-log"] script', (x) => x.length);
    assert.equal(frameHtml, 0, 'no element from a line in the frame');
    const consoleHtml = await agent.page.$$eval('[data-testid="chat-log"] img, [data-testid="chat-log"] b, [data-testid="chat-log"] script', (x) => x.length);
    assert.equal(consoleHtml, 0, 'no element from a line in the console');
    assert.equal(await frame.evaluate(() => window.__xss), 0, 'no script from a line ran in the frame');
    assert.equal(await agent.page.evaluate(() => window.__xss), undefined, 'no script from a line ran in the console');
    assert.deepEqual(await transcript(id), want, 'the transcript, in order, with no duplicates');

    // Typing, both ways.
    await frame.fill('[data-testid="chat-input"]', 'I am typ');
    await frame.type('[data-testid="chat-input"]', 'ing');
    await agent.page.waitForSelector(`[data-testid="chat-pane"][data-chat="${id}"] [data-testid="visitor-typing"]`, { state: 'visible' });
    await frame.fill('[data-testid="chat-input"]', '');
    await agent.page.type(`[data-testid="chat-pane"][data-chat="${id}"] [data-testid="chat-input"]`, 'hm');
    await frame.waitForSelector('[data-testid="chat-typing"]:has-text("Carol Agent is typing")');
    await agent.page.fill(`[data-testid="chat-pane"][data-chat="${id}"] [data-testid="chat-input"]`, '');

    // Minimise and restore keep the conversation.
    await frame.click('#sc-min');
    await waitDisplay(v.page, 'minimised');
    await frame.click('#sc-open');
    await waitDisplay(v.page, 'shown');
    await waitFrameTexts(frame, want);

    await agent.page.click(`[data-testid="chat-pane"][data-chat="${id}"] [data-testid="chat-end"]`);
    await frame.waitForSelector('[data-testid="chat-rating"]', { state: 'visible' });
    await waitWidget(v.page, 'chat-rating', 'sales');
    await agent.page.waitForSelector(`[data-testid="chat-pane"][data-chat="${id}"][data-state="ended"]`);

    await frame.click('[data-testid="chat-star"][data-rating="4"]');
    await waitDisplay(v.page, 'hidden');
    await waitWidget(v.page, null);
    const token = await restLogin(gw, CAROL.login, CAROL.password);
    await assertEventually(async () => {
      const chats = (await rest(gw, 'GET', '/chats', undefined, token)).body;
      const c = chats.find((x) => x.id === id);
      assert.equal(c?.state, 'ended');
      assert.equal(c?.rating, 4);
    });
    await v.context.close();
  });

  test('a proactive invitation from the console, accepted by the visitor, starts a chat', T, async () => {
    // The earlier tests' pages are closed, but the console's list (polled every 5 s) may still show one of them
    // connected: wait until it shows none, so that the one connected page after the visitor opens is the visitor's.
    const connectedRows = (n) => agent.page.waitForFunction((count) =>
      document.querySelectorAll('[data-testid="session"][data-connected="true"]').length === count, n, { timeout: 20_000 });
    await connectedRows(0);
    const v = await visitor('/invite');
    const row = agent.page.locator('[data-testid="session"][data-connected="true"]');
    await connectedRows(1);
    await showLivePages(agent.page);
    await row.locator('[data-testid="invite"]').click();
    await agent.page.fill('#invite-text', 'Need a hand with <b>your</b> order?');
    await agent.page.press('#invite-text', 'Enter');
    await agent.page.waitForSelector('#sessions-result[data-kind="ok"]');

    const frame = await v.frame();
    await waitDisplay(v.page, 'shown');
    await waitWidget(v.page, 'proactive', 'sales');
    assert.equal(await frame.textContent('[data-testid="chat-invite-text"]'), 'Need a hand with <b>your</b> order?',
      'the invitation, as text');
    await frame.click('[data-testid="chat-invite-accept"]');
    await waitWidget(v.page, 'chat-request', 'sales');
    const id = await acceptFirst(agent.page);
    await waitWidget(v.page, 'chat', 'sales');
    await frameSend(frame, 'thanks for asking');
    await waitConsoleTexts(agent.page, id, ['thanks for asking']);

    // The visitor ends it and skips the rating.
    await frame.click('[data-testid="chat-end"]');
    await frame.waitForSelector('[data-testid="chat-rating"]', { state: 'visible' });
    await agent.page.waitForSelector(`[data-testid="chat-pane"][data-chat="${id}"][data-state="ended"]`);
    await frame.click('[data-testid="chat-rate-skip"]');
    await waitDisplay(v.page, 'hidden');
    await waitWidget(v.page, null);
    await v.context.close();
  });

  test('an invitation sent over REST can be dismissed: the widget goes away again', T, async () => {
    const v = await visitor('/invite');
    const token = await restLogin(gw, CAROL.login, CAROL.password);
    const sessions = (await rest(gw, 'GET', '/sessions', undefined, token)).body.filter((s) => s.connected);
    // Invite every live page of the site (the visitor's is among them); only this visitor's frame is checked.
    for (const s of sessions) {
      await rest(gw, 'POST', `/sessions/${s.handle}/proactive`, { button_id: 'sales', text: 'Hello from REST' }, token);
    }
    const frame = await v.frame();
    await waitWidget(v.page, 'proactive', 'sales');
    assert.equal(await frame.textContent('[data-testid="chat-invite-text"]'), 'Hello from REST');
    await frame.click('[data-testid="chat-invite-dismiss"]');
    await waitDisplay(v.page, 'hidden');
    await waitWidget(v.page, null);
    await v.context.close();
  });

  test('the visitor\'s connection cut mid-chat, lines sent on both sides meanwhile: nothing lost, nothing doubled', T, async () => {
    const v = await visitor();
    const { id, frame } = await startChat(v);
    await frameSend(frame, 'before the cut');
    await waitConsoleTexts(agent.page, id, ['before the cut']);

    await v.cut();
    await frame.waitForFunction(() => ['reconnecting', 'connecting'].includes(document.body.dataset.status));
    await frameSend(frame, 'sent offline 1');
    await frameSend(frame, 'sent offline 2');
    await consoleSend(agent.page, id, 'agent while you were away');
    await waitConsoleTexts(agent.page, id, ['before the cut', 'agent while you were away']);
    const offline = await frameLines(frame);
    assert.deepEqual(offline.filter((l) => l.state === 'sending').map((l) => l.text), ['sent offline 1', 'sent offline 2'],
      'the offline lines wait, marked as sending');

    v.restore();
    const all = ['before the cut', 'agent while you were away', 'sent offline 1', 'sent offline 2'];
    await waitFrameTexts(frame, all);
    await waitConsoleTexts(agent.page, id, all);
    assert.deepEqual(await transcript(id), all, 'stored once each, in order');

    // Live again: a line each way still flows.
    await frameSend(frame, 'back online');
    // stored before the agent answers: sent at the same moment, the two lines may be stored in either order
    await waitConsoleTexts(agent.page, id, [...all, 'back online']);
    await consoleSend(agent.page, id, 'welcome back');
    await waitFrameTexts(frame, [...all, 'back online', 'welcome back']);
    await waitConsoleTexts(agent.page, id, [...all, 'back online', 'welcome back']);
    const seqs = (await frameLines(frame)).map((l) => l.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'shown by seq');
    assert.equal(new Set(seqs).size, seqs.length, 'no line twice');
    await frame.click('[data-testid="chat-end"]');
    await frame.click('[data-testid="chat-rate-skip"]');
    await v.context.close();
  });

  test('an agent\'s line whose answer is lost is sent again with the same cid: stored and shown once', T, async () => {
    const v = await visitor();
    const { id, frame } = await startChat(v);
    // The first POST never reaches the gateway; the second does (stored), but its answer is lost.
    let posts = 0;
    await agent.page.route(`**/api/v1/chats/${id}/messages`, async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      posts++;
      if (posts === 1) return route.abort('connectionreset');
      if (posts === 2) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.fallback();
    });
    await consoleSend(agent.page, id, 'said once');
    await waitFrameTexts(frame, ['said once']);
    await waitConsoleTexts(agent.page, id, ['said once']);
    await agent.page.waitForFunction(() => !document.querySelector('[data-testid="chat-log"] > li[data-state]'));
    await agent.page.unroute(`**/api/v1/chats/${id}/messages`);
    assert.ok(posts >= 2, 'sent again after the failure');
    assert.deepEqual(await transcript(id), ['said once']);
    await frame.click('[data-testid="chat-end"]');
    await frame.click('[data-testid="chat-rate-skip"]');
    await v.context.close();
  });

  test('a link to another page of the site mid-chat: the next page shows the history and the chat goes on', T, async () => {
    const v = await visitor();
    const { id, frame } = await startChat(v);
    await frameSend(frame, 'on the first page');
    await consoleSend(agent.page, id, 'answer on the first page');
    await waitFrameTexts(frame, ['on the first page', 'answer on the first page']);

    await v.page.goto(host.origin + '/shop/cart');
    const next = await v.frame();
    await waitWidget(v.page, 'chat', 'sales');
    await waitFrameTexts(next, ['on the first page', 'answer on the first page']);
    await frameSend(next, 'on the second page');
    await waitConsoleTexts(agent.page, id, ['on the first page', 'answer on the first page', 'on the second page']);
    await consoleSend(agent.page, id, 'still here');
    await waitFrameTexts(next, ['on the first page', 'answer on the first page', 'on the second page', 'still here']);
    await next.click('[data-testid="chat-end"]');
    await next.click('[data-testid="chat-rate-skip"]');
    await waitDisplay(v.page, 'hidden');
    await v.context.close();
  });

  test('two agents accept the same chat: the one who is second is told another agent took it', T, async () => {
    const v = await visitor();
    await v.page.click('[data-site-connect-chat-button="sales"]');
    const item = agent.page.locator('[data-testid="queued-chat"]').first();
    await item.waitFor();
    const id = await item.getAttribute('data-chat');
    // Dan (over REST) gets there just before Carol's click reaches the gateway.
    const dan = await restLogin(gw, DAN.login, DAN.password);
    await agent.page.route(`**/api/v1/chats/${id}/accept`, async (route) => {
      assert.equal((await rest(gw, 'POST', `/chats/${id}/accept`, undefined, dan)).status, 200);
      await route.continue();
    }, { times: 1 });
    await item.locator('[data-testid="chat-accept"]').click();
    await agent.page.waitForSelector('[data-testid="queue-error"]:has-text("Another agent took this chat")');
    assert.equal(await agent.page.locator(`[data-testid="chat-pane"][data-chat="${id}"]`).count(), 0, 'no pane for Carol');
    const frame = await v.frame();
    await frame.waitForSelector('[data-testid="chat-with"]:has-text("Dan Agent")');
    await rest(gw, 'POST', `/chats/${id}/end`, undefined, dan);
    await frame.click('[data-testid="chat-rate-skip"]');
    await waitDisplay(v.page, 'hidden');
    await v.context.close();
  });

  test('a visitor who stops waiting: the request leaves the queue, the frame closes without asking for a rating', T, async () => {
    const v = await visitor();
    await v.page.click('[data-site-connect-chat-button="sales"]');
    const frame = await v.frame();
    await frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible' });
    const item = agent.page.locator('[data-testid="queued-chat"]');
    await item.first().waitFor();
    const id = await item.first().getAttribute('data-chat');
    await frame.click('[data-testid="chat-cancel"]');
    await waitDisplay(v.page, 'hidden');
    await waitWidget(v.page, null);
    await agent.page.waitForSelector(`[data-testid="queued-chat"][data-chat="${id}"]`, { state: 'detached' });
    assert.equal(await agent.page.textContent('[data-testid="queue-count"]'), '0');
    await v.context.close();
  });

  test('empty and oversize lines are refused next to the input, on both sides', T, async () => {
    const v = await visitor();
    const { id, frame } = await startChat(v);
    await frameSend(frame, '   ');
    await frame.waitForSelector('[data-testid="chat-error"]:has-text("Type a message")');
    await frameSend(frame, 'é'.repeat(2049)); // 4098 bytes
    await frame.waitForSelector('[data-testid="chat-error"]:has-text("too long")');
    assert.equal((await frame.inputValue('[data-testid="chat-input"]')).length, 2049, 'the text stays for editing');
    const p = `[data-testid="chat-pane"][data-chat="${id}"]`;
    await consoleSend(agent.page, id, 'x'.repeat(4097));
    await agent.page.waitForSelector(`${p} [data-testid="chat-error"]:has-text("too long")`);
    await frameSend(frame, 'fine');
    await waitConsoleTexts(agent.page, id, ['fine']);
    await frame.waitForSelector('[data-testid="chat-error"]', { state: 'hidden' });
    assert.deepEqual(await transcript(id), ['fine']);
    await agent.page.click(`${p} [data-testid="chat-end"]`);
    await frame.click('[data-testid="chat-rate-skip"]');
    await v.context.close();
  });

  test('nobody available: the visitor is told so, leaves a message, and the console lists it as text', T, async () => {
    await setAvailable(agent.page, 'acme/sales', false);
    try {
      const v = await openVisitor(browser, host.origin + '/shop');
      await recorded(v.page, '~/site_connect/ready');
      await waitWiredButton(v.page, false, 'sales', 15_000);
      await v.page.evaluate(() => window.site_connect.publish('~pagesession/chat/trigger', { button_id: 'sales' }));
      await waitDisplay(v.page, 'shown');
      const frame = await v.frame();
      await frame.waitForSelector('[data-testid="chat-unavailable"]', { state: 'visible' });
      await frame.fill('#sc-lm-name', 'Vi <i>Visitor</i>');
      await frame.fill('#sc-lm-contact', 'vi@example.org');
      await frame.fill('#sc-lm-text', `please call back ${HTML}`);
      await frame.click('[data-testid="leave-send"]');
      await frame.waitForSelector('[data-testid="leave-done"]', { state: 'visible' });
      await frame.click('[data-testid="chat-close"]');
      await waitDisplay(v.page, 'hidden');
      await waitWidget(v.page, null);

      await agent.page.click('[data-testid="left-panel"] > summary');
      const item = agent.page.locator('[data-testid="left-message"]').filter({ hasText: 'please call back' });
      await item.waitFor({ timeout: 10_000 });
      assert.equal(await item.locator('[data-testid="left-text"]').textContent(), `please call back ${HTML}`);
      assert.match(await item.textContent(), /Vi <i>Visitor<\/i>.*vi@example\.org/);
      assert.equal(await agent.page.$$eval('[data-testid="left-messages"] img, [data-testid="left-messages"] i', (x) => x.length), 0);
      await v.context.close();
    } finally {
      await setAvailable(agent.page, 'acme/sales', true);
    }
  });
});

async function assertEventually(check, timeout = 10_000) {
  const until = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
