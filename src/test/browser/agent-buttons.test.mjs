// Chat-button availability end to end: an agent switches "sales" in the console (gateway origin) and a
// customer's page on ANOTHER origin sees ~/site_connect/chat_button/sales/… and its wired button follow.
// The tests run in order and share one gateway, one agent and one customer page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, recorded, startHost } from './helpers.mjs';
import {
  chatButtonPage, consoleButtonState, consoleLogin, createAgent, eventAfter, mark, openConsole, setAvailable,
  startAgentGateway, waitWiredButton, wiredButton,
} from './agent-helpers.mjs';

const T = { timeout: 60_000 };
const GRACE_S = 2;
const ENABLED = '~/site_connect/chat_button/sales/enabled';
const DISABLED = '~/site_connect/chat_button/sales/disabled';
const ALICE = { login: 'alice', name: 'Alice Agent', password: 'alice-secret-password', buttons: ['acme/sales'] };

let host, gw, browser;
let visitor; // the customer's page, open through all tests
let agent; // Alice's console {context, page}

before(async () => {
  host = await startHost();
  gw = await startAgentGateway({ hostOrigin: host.origin, graceSeconds: GRACE_S });
  await createAgent(gw, ALICE);
  browser = await launch();
  host.page('/shop', chatButtonPage(gw));
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

async function openVisitor() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(host.origin + '/shop');
  return { context, page };
}

describe('chat-button availability, console → customer page on another origin', () => {
  test('an agent switches "sales" available in the console → the page sees …/sales/enabled and its button is enabled', T, async () => {
    visitor = await openVisitor();
    // No agent is available yet: the retained state says disabled.
    await recorded(visitor.page, DISABLED, 20_000);
    await waitWiredButton(visitor.page, false);

    agent = await openConsole(browser, gw);
    await consoleLogin(agent.page, ALICE.login, ALICE.password);
    const from = await mark(visitor.page);
    await setAvailable(agent.page, 'acme/sales', true);

    await eventAfter(visitor.page, ENABLED, from);
    await waitWiredButton(visitor.page, true);
    const b = await wiredButton(visitor.page);
    assert.deepEqual(b.classes, ['site-connect-chat-button-enabled'], 'the wired button has the enabled class only');
    await consoleButtonState(agent.page, 'acme/sales', 'enabled');
  });

  test('a page loaded after the change sees the current state (enabled) first', T, async () => {
    const late = await openVisitor();
    const first = await late.page.waitForFunction(() => window.__events.find(
      (e) => e.topic.startsWith('~/site_connect/chat_button/sales/'))?.topic, null, { timeout: 20_000 });
    assert.equal(await first.jsonValue(), ENABLED, 'the first chat-button topic a late page sees');
    await waitWiredButton(late.page, true);
    await late.context.close();
  });

  test('switching "sales" off → the page sees …/sales/disabled and its button is disabled', T, async () => {
    const from = await mark(visitor.page);
    await setAvailable(agent.page, 'acme/sales', false);

    await eventAfter(visitor.page, DISABLED, from);
    await waitWiredButton(visitor.page, false);
    const b = await wiredButton(visitor.page);
    assert.deepEqual(b.classes, ['site-connect-chat-button-disabled'], 'the wired button has the disabled class only');
    await consoleButtonState(agent.page, 'acme/sales', 'disabled');
  });

  test(`closing the console while available → …/sales/disabled once the ${GRACE_S} s grace period is over`, T, async () => {
    let from = await mark(visitor.page);
    await setAvailable(agent.page, 'acme/sales', true);
    await eventAfter(visitor.page, ENABLED, from);
    await waitWiredButton(visitor.page, true);

    from = await mark(visitor.page);
    const closedAt = Date.now();
    await agent.context.close();
    await eventAfter(visitor.page, DISABLED, from, (GRACE_S + 20) * 1000);
    const after = Date.now() - closedAt;
    assert.ok(after >= GRACE_S * 1000 - 500,
      `disabled ${after} ms after the console closed: the ${GRACE_S} s grace period was not kept`);
    await waitWiredButton(visitor.page, false);
  });
});
