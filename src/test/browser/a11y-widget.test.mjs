// Issue 20 part 3: the visitor's widget against WCAG 2.1 AA (docs/ACCESSIBILITY.md). One gateway, one agent console
// (to accept, answer and end chats, and to ask for a co-browse), one visitor tab whose widget walks through every
// state: closed, minimised, open, waiting, chatting, co-browse consent, rating, leave-a-message. In each state axe
// (the host page and the cross-origin frame) finds no serious or critical violation, in the light and the dark
// colour scheme; the keyboard alone opens, uses, minimises and closes the widget; new lines reach the live region.
// Screenshots: target/screenshots/a11y-widget-{light,dark}-*.png (1280×800).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RECORDER, hostPage, launch, recorded, startHost } from './helpers.mjs';
import { consoleLogin, createAgent, openConsole, rest, restLogin, setAvailable, waitWiredButton } from './agent-helpers.mjs';
import { acceptFirst, consoleSend, openVisitor, startChatGateway, waitDisplay, waitWidget } from './chat-helpers.mjs';
import { agentState, enterCode } from './cobrowse-helpers.mjs';
import { bothSchemes, focusRing, focused } from './a11y-helpers.mjs';

const T = { timeout: 180_000 }; // ~45 s on a quiet machine
const CAROL = { login: 'carol', name: 'Carol Agent', password: 'carol-secret-password', buttons: ['acme/sales'] };

let host, gw, browser, agent;

before(async () => {
  host = await startHost();
  gw = await startChatGateway({ hostOrigin: host.origin });
  await createAgent(gw, CAROL);
  // A customer's page as an accessible site writes it: a language, a title, landmarks, a labelled chat button.
  host.page('/shop', hostPage(gw.origin, {
    body: '<main><p>Our shop.</p><button type="button" data-site-connect-chat-button="sales">Chat with sales</button>'
      + '<p><a href="#top">Back to top</a></p><input id="search" aria-label="Search the shop"></main>',
    after: RECORDER,
  }).replace('<html>', '<html lang="en">'));
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

const SHOTS = new Set(['open', 'chatting', 'consent', 'rating', 'leave-message']);

const both = (page, view) => bothSchemes(page, view, 'widget', SHOTS);

const publish = (page, topic) => page.evaluate((t) => window.site_connect.publish(t, {}), topic);

describe('the widget meets WCAG 2.1 AA', () => {
  test('every state: no serious or critical axe violation, light and dark; keyboard only; new lines announced', T, async () => {
    const v = await openVisitor(browser, host.origin + '/shop');
    const { page } = v;
    await recorded(page, '~/site_connect/ready');
    await waitWiredButton(page, true, 'sales', 15_000);
    const frame = await v.frame();
    const found = [];

    found.push(...await both(page, 'closed'));
    await publish(page, '~pagesession/minimize_frame');
    await waitDisplay(page, 'minimised');
    found.push(...await both(page, 'minimised'));
    await publish(page, '~pagesession/show_frame');
    await waitDisplay(page, 'shown');
    found.push(...await both(page, 'open'));
    await publish(page, '~pagesession/hide_frame');
    await waitDisplay(page, 'hidden');

    // Keyboard only: Tab to the chat button, Enter — the focus moves into the widget.
    const onButton = () => page.evaluate(() => !!document.activeElement?.hasAttribute('data-site-connect-chat-button'));
    for (let i = 0; i < 5 && !await onButton(); i++) await page.keyboard.press('Tab');
    assert.ok(await onButton(), 'Tab reaches the chat button');
    await page.keyboard.press('Enter');
    await frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible' });
    await page.waitForFunction(() => document.activeElement?.tagName === 'IFRAME');
    await frame.waitForFunction(() => document.activeElement && document.activeElement !== document.body);
    assert.equal(await focused(page, frame), 'frame:chat-cancel', 'the focus moved into the widget');
    assert.ok(await focusRing(frame), 'a visible focus ring in the widget');
    found.push(...await both(page, 'waiting'));

    // Esc minimises; Enter on the bar opens it again.
    await page.keyboard.press('Escape');
    await waitDisplay(page, 'minimised');
    assert.equal(await focused(page, frame), 'frame:#sc-open', 'the focus stays on the minimised bar');
    await page.keyboard.press('Enter');
    await waitDisplay(page, 'shown');

    // Chatting: the agent's line reaches the live region.
    const id = await acceptFirst(agent.page);
    await frame.waitForSelector('#sc-panel-chat[data-view="chat"]');
    await consoleSend(agent.page, id, 'Hello, how can I help?');
    await frame.waitForFunction(() => document.querySelector('[data-testid="chat-announce"]')?.textContent
      .includes('Hello, how can I help?'));
    assert.equal(await frame.getAttribute('[data-testid="chat-announce"]', 'aria-live'), 'polite');
    await frame.focus('[data-testid="chat-input"]');
    await page.keyboard.type('I need a hand');
    await page.keyboard.press('Enter');
    await agent.page.waitForSelector(`[data-testid="chat-pane"][data-chat="${id}"] [data-testid="chat-log"] > li:has-text("I need a hand")`);
    found.push(...await both(page, 'chatting'));
    await publish(page, '~pagesession/minimize_frame');
    await waitDisplay(page, 'minimised');
    await consoleSend(agent.page, id, 'Still there?');
    await frame.waitForSelector('[data-testid="unread-badge"]:has-text("1")'); // the launcher's badge (box.js)
    found.push(...await both(page, 'minimised-unread'));
    await publish(page, '~pagesession/show_frame');
    await waitDisplay(page, 'shown');

    // The co-browse consent prompt; Esc declines it.
    const code = (await recorded(page, '~/site_connect/ready')).code;
    await enterCode(agent, code);
    await agentState(agent, 'waiting-consent');
    await frame.waitForSelector('[data-testid="cobrowse-consent"]', { state: 'visible' });
    found.push(...await both(page, 'consent'));
    await frame.focus('[data-testid="chat-input"]');
    await page.keyboard.press('Escape');
    await agentState(agent, 'declined').catch(() => agentState(agent, 'ended'));
    await frame.waitForSelector('[data-testid="cobrowse-consent"]', { state: 'hidden' });
    assert.equal(await page.getAttribute('#channelme-siteconnect-container', 'data-state-display'), 'shown',
      'Esc answered the prompt, it did not also minimise');

    // Ended: the focus moves on to the rating; the keyboard rates and the focus goes back to the chat button on the page.
    await agent.page.click(`[data-testid="chat-pane"][data-chat="${id}"] [data-testid="chat-end"]`);
    await frame.waitForSelector('[data-testid="chat-rating"]', { state: 'visible' });
    await frame.waitForFunction(() => document.activeElement?.getAttribute('data-rating') === '1');
    found.push(...await both(page, 'rating'));
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab'); // the focus went on to the first star: Tab to the 4th
    assert.equal(await frame.evaluate(() => document.activeElement?.getAttribute('data-rating')), '4');
    await page.keyboard.press('Enter');
    await waitDisplay(page, 'hidden');
    await page.waitForFunction(() => document.activeElement?.hasAttribute('data-site-connect-chat-button'));

    // Nobody available: the leave-a-message form.
    await setAvailable(agent.page, 'acme/sales', false);
    await waitWiredButton(page, false, 'sales', 15_000);
    await page.evaluate(() => window.site_connect.publish('~pagesession/chat/trigger', { button_id: 'sales' }));
    await frame.waitForSelector('[data-testid="leave-form"]', { state: 'visible' });
    found.push(...await both(page, 'leave-message'));
    await frame.fill('#sc-lm-text', 'Please call me back');
    await frame.click('[data-testid="leave-send"]');
    await frame.waitForSelector('[data-testid="leave-done"]', { state: 'visible' });
    found.push(...await both(page, 'left'));
    await setAvailable(agent.page, 'acme/sales', true);

    assert.deepEqual(found, [], found.join('\n'));
    await v.context.close();
  });

  test('an agent\'s invitation shows the widget but leaves the focus where the visitor is typing', T, async () => {
    const v = await openVisitor(browser, host.origin + '/shop');
    await recorded(v.page, '~/site_connect/ready');
    await v.page.focus('#search');
    await v.page.keyboard.type('red');
    const token = await restLogin(gw, CAROL.login, CAROL.password);
    const sessions = (await rest(gw, 'GET', '/sessions', undefined, token)).body.filter((s) => s.connected);
    for (const s of sessions) {
      await rest(gw, 'POST', `/sessions/${s.handle}/proactive`, { button_id: 'sales', text: 'Can we help?' }, token);
    }
    await waitWidget(v.page, 'proactive', 'sales');
    await waitDisplay(v.page, 'shown');
    await v.page.keyboard.type(' shoes');
    assert.equal(await v.page.inputValue('#search'), 'red shoes');
    assert.equal(await v.page.evaluate(() => document.activeElement?.id), 'search');
    await v.context.close();
  });

  test('reduced motion: nothing in the widget animates', T, async () => {
    const v = await openVisitor(browser, host.origin + '/shop');
    await v.page.emulateMedia({ reducedMotion: 'reduce' });
    await recorded(v.page, '~/site_connect/ready');
    await waitWiredButton(v.page, true, 'sales', 15_000);
    await v.page.click('[data-site-connect-chat-button="sales"]');
    const frame = await v.frame();
    await frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible' });
    const moving = await frame.evaluate(() => Array.from(document.querySelectorAll('*')).filter((e) => {
      const s = getComputedStyle(e);
      return s.animationName !== 'none' || parseFloat(s.transitionDuration) > 0.01;
    }).map((e) => e.className || e.tagName));
    assert.deepEqual(moving, []);
    await frame.click('[data-testid="chat-cancel"]');
    await waitDisplay(v.page, 'hidden');
    await v.context.close();
  });
});
