// Presence truth (docs/LIFECYCLE.md, issue 19 part 3): a request whose visitor's tab is gone leaves the console's
// waiting list; in an open chat the console shows whether the visitor is reading, away (tab hidden), typing or
// gone ("Visitor left", then "Visitor is back").
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, startHost } from './helpers.mjs';
import {
  chatButtonPage, consoleLogin, createAgent, openConsole, rest, restLogin, setAvailable,
} from './agent-helpers.mjs';
import { acceptFirst, requestChat as requestChatAt, startChatGateway } from './chat-helpers.mjs';

const T = { timeout: 120_000 };
const CAROL = { login: 'carol', name: 'Carol Agent', password: 'carol-secret-password', buttons: ['acme/sales'] };
const DAN = { login: 'dan', name: 'Dan Agent', password: 'dan-secret-password', buttons: ['acme/sales'] };
const GRACE_S = 2;

let host, gw, browser, agent;

before(async () => {
  host = await startHost();
  gw = await startChatGateway({ hostOrigin: host.origin, conf: { chat: { visitorGraceSeconds: GRACE_S } } });
  await createAgent(gw, CAROL);
  await createAgent(gw, DAN);
  host.page('/shop', chatButtonPage(gw));
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

const requestChat = () => requestChatAt(browser, host.origin + '/shop');

const queued = '[data-testid="queued-chat"]';
const presence = (id) => `[data-testid="chat-pane"][data-chat="${id}"] [data-testid="visitor-presence"]`;

/** The frame's document says it is hidden (or visible again), as the browser does when the tab is switched away. */
function setHidden(frame, hidden) {
  return frame.evaluate((h) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

describe('presence truth', () => {
  test('the visitor closes the tab: the request leaves the console\'s waiting list after the grace', T, async () => {
    const { v } = await requestChat();
    await agent.page.locator(queued).first().waitFor({ timeout: 15_000 });
    const id = await agent.page.locator(queued).first().getAttribute('data-chat');
    const closed = Date.now();
    await v.context.close();
    await agent.page.waitForSelector(`${queued}[data-chat="${id}"]`, { state: 'detached', timeout: 20_000 });
    const took = Date.now() - closed;
    assert.ok(took >= GRACE_S * 1000 - 500, `left the list after ${took} ms, not before the grace`);
  });

  test('in an open chat the console shows reading, away, typing, left and back', T, async () => {
    const { v, frame } = await requestChat();
    const id = await acceptFirst(agent.page);
    await frame.waitForSelector('#sc-panel-chat[data-view="chat"]');
    const p = agent.page.locator(presence(id));
    await agent.page.waitForSelector(`${presence(id)}[data-presence="reading"]`, { timeout: 10_000 });

    await setHidden(frame, true);
    await agent.page.waitForSelector(`${presence(id)}[data-presence="away"]`, { timeout: 10_000 });
    assert.match(await p.textContent(), /away/);
    await setHidden(frame, false);
    await agent.page.waitForSelector(`${presence(id)}[data-presence="reading"]`, { timeout: 10_000 });

    await frame.fill('[data-testid="chat-input"]', 'a question about');
    await frame.type('[data-testid="chat-input"]', ' the price');
    await agent.page.waitForSelector(`[data-testid="chat-pane"][data-chat="${id}"] [data-testid="visitor-typing"]`,
      { state: 'visible', timeout: 10_000 });

    // The visitor leaves the site in this tab, then comes back to it while the session still lives.
    await v.page.goto('about:blank');
    await agent.page.waitForSelector(`${presence(id)}[data-presence="left"]`, { timeout: 20_000 });
    assert.equal(await p.textContent(), 'Visitor left');
    await v.page.goto(host.origin + '/shop');
    await agent.page.waitForSelector(`${presence(id)}:is([data-presence="back"], [data-presence="reading"])`,
      { timeout: 30_000 });
    await v.context.close();
  });

  test('after a transfer the new agent sees at once that the visitor is away and typing', T, async (t) => {
    const dan = await openConsole(browser, gw);
    t.after(() => dan.context.close());
    await consoleLogin(dan.page, DAN.login, DAN.password);
    await setAvailable(dan.page, 'acme/sales', true);
    const token = await restLogin(gw, CAROL.login, CAROL.password);
    const { v, frame } = await requestChat();
    t.after(() => v.context.close());
    const id = await acceptFirst(agent.page);
    await frame.waitForSelector('#sc-panel-chat[data-view="chat"]');
    await setHidden(frame, true);
    await agent.page.waitForSelector(`${presence(id)}[data-presence="away"]`, { timeout: 10_000 });
    await frame.type('[data-testid="chat-input"]', 'one more thing');
    await agent.page.waitForSelector(`[data-testid="chat-pane"][data-chat="${id}"] [data-testid="visitor-typing"]`,
      { state: 'visible', timeout: 10_000 });

    // Carol hands the chat to Dan; the visitor changes nothing meanwhile (the frame says typing again only after 2.5 s).
    const started = Date.now();
    const moved = await rest(gw, 'POST', `/chats/${id}/transfer`, { toAgent: 'dan' }, token);
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    await dan.page.waitForSelector(`${presence(id)}[data-presence="away"]`, { timeout: 10_000 });
    await dan.page.waitForSelector(`[data-testid="chat-pane"][data-chat="${id}"] [data-testid="visitor-typing"]`,
      { state: 'visible', timeout: 10_000 });
    const took = Date.now() - started;
    assert.ok(took < 2500, `Dan saw away and typing ${took} ms after the transfer, before any repeat from the visitor`);
  });
});
