// The demo shop as shipped (webroot/demo/, issue 20 part 6; docs/DEMO.md), served by the gateway on its own origin
// for the site `demo` (sales, support) as conf/config.json has it: a visitor browses, fills the cart and checks out;
// the invitation on checkout starts a chat an agent answers; the agent co-browses the checkout and sees the card
// masked and the visitor's page changes; the developer panel's seed buttons all work. Screenshots of every page at
// 1280×800 and 390×844 go to target/screenshots/demo-*.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ROOT, freePort, launch, siteFrame } from './helpers.mjs';
import { consoleLogin, createAgent, openConsole, rest, restLogin, setAvailable, startAgentGateway } from './agent-helpers.mjs';
import { acceptFirst, consoleSend, waitDisplay, waitFrameTexts, waitWidget } from './chat-helpers.mjs';
import { agentState, enterCode, mirrorWait } from './cobrowse-helpers.mjs';

const T = { timeout: 90_000 };
const SHOTS = `${ROOT}target/screenshots`;
const BEA = { login: 'bea', name: 'Bea Barista', password: 'bea-secret-password', buttons: ['demo/sales', 'demo/support'] };
const CODE = /^\d{6}$/;

let gw, browser, agent;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  gw = await startAgentGateway({
    port, hostOrigin: origin,
    extra: {
      sites: [{ key: 'demo', origins: [origin], buttons: [{ id: 'sales', name: 'Sales' }, { id: 'support', name: 'Support' }] }],
      agents: { disconnectGraceSeconds: 2, passwordIterations: 10_000 }, // logins in milliseconds, not seconds
    },
  });
  await createAgent(gw, BEA);
  browser = await launch();
  agent = await openConsole(browser, gw);
  await consoleLogin(agent.page, BEA.login, BEA.password);
  await setAvailable(agent.page, 'demo/sales', true);
  await setAvailable(agent.page, 'demo/support', true);
});
after(async () => {
  await browser?.close();
  await gw?.stop();
});

/**
 * A visitor on the demo shop: every frame the page's sockets receive and every console warning or error is kept
 * (the seed buttons must cause none).
 */
async function visitor(viewport, path) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const received = [];
  const problems = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => received.push(String(f.payload))));
  page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(gw.origin + path);
  await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('.demo-foot [data-demo-code]').textContent),
    CODE.source, { timeout: 30_000 });
  return { context, page, received, problems, code: () => page.textContent('.demo-foot [data-demo-code]') };
}

const visible = (page, name) => page.waitForSelector(`section[data-page="${name}"]:not([hidden])`);
const shot = (page, name) => page.screenshot({ path: `${SHOTS}/demo-${name}.png`, fullPage: false });
const errorFrames = (received) => {
  assert.ok(received.length > 10, `only ${received.length} frames of the widget's socket were seen`);
  return received.filter((f) => /"type":"err"|"op":"err"|site_connect\/error|chat\/error/.test(f));
};

describe('the demo shop', () => {
  test('browse → cart → checkout; the invitation starts a chat the agent answers; a co-browse masks the card', T, async () => {
    const v = await visitor({ width: 1280, height: 800 }, '/demo/?invite=1');
    const { page } = v;
    // The shop: four products, the chat button enabled (the agent serves sales), the code from the topics.
    assert.equal(await page.locator('.demo-product').count(), 4);
    await page.waitForSelector('.demo-hero [data-site-connect-chat-button="sales"].site-connect-chat-button-enabled:not([disabled])');
    assert.equal(await page.textContent('#wwwchannelme'), await v.code(), 'the code read from ~/site_connect/ready');
    await page.click('[data-add="kettle"]');
    await page.click('[data-add="beans"]');
    await page.click('[data-add="beans"]');
    assert.equal(await page.textContent('#demo-cart-count'), '3');
    assert.match(await page.textContent('#demo-added'), /House blend, 250 g added/);
    await shot(page, 'shop');

    // The cart: a page of its own (a history entry), quantities, the total (free shipping from €50).
    await page.click('nav a[data-route="cart"]');
    await visible(page, 'cart');
    assert.equal(new URL(page.url()).pathname, '/demo/cart');
    assert.equal(await page.title(), 'Cart · Kettle & Crema');
    await page.click('button[aria-label="One less House blend, 250 g"]');
    assert.deepEqual(await page.$$eval('#demo-cart-lines li', (lis) => lis.map((li) => li.dataset.sku)), ['kettle', 'beans']);
    assert.equal(await page.textContent('#demo-cart-total [data-testid="demo-total"]'), '€71.00');
    await shot(page, 'cart');

    // Checkout: the visitor context follows the page (the agent's live pages show its path) and the invitation
    // comes after the ?invite=1 second.
    await page.click('#demo-to-checkout');
    await visible(page, 'checkout');
    const token = await restLogin(gw, BEA.login, BEA.password);
    for (const deadline = Date.now() + 15_000; ;) {
      const r = await rest(gw, 'GET', '/sessions', undefined, token);
      if (r.body.some?.((s) => s.path === '/demo/checkout')) break;
      if (Date.now() > deadline) assert.fail(`the live pages do not show /demo/checkout: ${JSON.stringify(r.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await waitWidget(page, 'proactive', 'sales');
    const frame = await siteFrame(page);
    assert.match(await frame.textContent('[data-testid="chat-invite-text"]'), /Questions about your order/);
    await shot(page, 'invitation');
    await frame.click('[data-testid="chat-invite-accept"]');
    await frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible' });
    const chat = await acceptFirst(agent.page);
    await consoleSend(agent.page, chat, 'Hi, I am Bea. Happy to help with your order!');
    await waitFrameTexts(frame, ['Hi, I am Bea. Happy to help with your order!']);
    await shot(page, 'chat');

    // The visitor fills the form; the agent co-browses with the code the page shows.
    await page.fill('#demo-checkout input[name="name"]', 'Vera Visitor');
    await page.fill('#demo-checkout input[name="email"]', 'vera@example.com');
    await page.fill('#demo-checkout input[name="street"]', 'Main Street 1');
    await page.fill('#demo-checkout input[name="postcode"]', '1011');
    await page.fill('#demo-checkout input[name="city"]', 'Amsterdam');
    await page.fill('#demo-card', '4242 4242 4242 4242');
    await page.fill('#demo-checkout input[name="expiry"]', '12/29');
    await page.fill('#demo-checkout input[name="cvc"]', '123');
    const code = await v.code();
    await enterCode({ page: agent.page }, code);
    await agentState({ page: agent.page }, 'waiting-consent');
    await frame.click('[data-testid="cobrowse-allow"]');
    await agentState({ page: agent.page }, 'active');
    const seen = await mirrorWait({ page: agent.page }, (doc) => {
      const card = doc.getElementById('demo-card');
      const name = doc.querySelector('#demo-checkout input[name="name"]');
      return card && name?.value === 'Vera Visitor' && card.value
        ? { card: card.value, cvc: doc.querySelector('input[name="cvc"]').value, name: name.value } : null;
    });
    assert.deepEqual(seen, { card: '*'.repeat(19), cvc: '***', name: 'Vera Visitor' }, 'the card is masked, the address is not');
    const mirror = agent.page.locator('[data-testid="cobrowse-mirror"]');
    await mirror.screenshot({ path: `${SHOTS}/demo-agent-mirror.png` });
    // The mirror follows the visitor's page changes (a history entry each).
    await page.click('nav a[data-route="help"]');
    await visible(page, 'help');
    await mirrorWait({ page: agent.page }, (doc) => doc.querySelector('section[data-page="help"]')?.hidden === false);
    await page.goBack();
    await visible(page, 'checkout');
    await mirrorWait({ page: agent.page }, (doc) => doc.querySelector('section[data-page="checkout"]')?.hidden === false);
    // Sign in: the e-mail masked, the password never sent (not even its length).
    await page.click('nav a[data-route="login"]');
    await page.fill('#demo-login input[name="email"]', 'vera@example.com');
    await page.fill('#demo-login input[name="password"]', 'hunter2hunter2');
    const login = await mirrorWait({ page: agent.page }, (doc) => {
      const email = doc.querySelector('#demo-login input[name="email"]');
      return doc.querySelector('section[data-page="login"]')?.hidden === false && email?.value
        ? { email: email.value, password: doc.getElementById('demo-login').outerHTML.includes('hunter2') } : null;
    });
    assert.deepEqual(login, { email: '*'.repeat(16), password: false }, 'the e-mail masked, the password nowhere');
    await page.goBack();
    await visible(page, 'checkout');
    // The agent stops: the old code is dead, and the page shows the new one (~/site_connect/new_code).
    await agent.page.click('[data-testid="cobrowse-stop"]');
    await page.waitForFunction(([old, re]) => {
      const t = document.querySelector('.demo-foot [data-demo-code]').textContent;
      return t !== old && new RegExp(re).test(t);
    }, [code, CODE.source]);
    await page.waitForFunction(() => /new_code/.test(document.getElementById('demo-log').textContent));

    // The order: the thank-you page, the cart empty.
    await page.fill('#demo-checkout input[name="expiry"]', '12/29'); // kept: the form was not submitted yet
    await page.click('#demo-checkout button[type="submit"]');
    await visible(page, 'thanks');
    assert.match(await page.textContent('#demo-order-id'), /^KC-\d{5}$/);
    assert.equal(await page.textContent('#demo-cart-count'), '0');
    assert.equal(new URL(page.url()).pathname, '/demo/thanks');
    assert.deepEqual(errorFrames(v.received), []);
    await v.context.close();
  });

  test('390×844: every page fits; the developer panel is closed and its seed buttons all succeed', T, async () => {
    const v = await visitor({ width: 390, height: 844 }, '/demo/help?invite=1');
    const { page } = v;
    await visible(page, 'help');
    assert.equal(await page.textContent('.demo-code-box [data-demo-code]'), await v.code());
    await shot(page, 'mobile-help');
    // The help page's invitation is for support; "No, thanks" closes it, and it does not come again in this tab.
    await waitWidget(page, 'proactive', 'support');
    await shot(page, 'mobile-invitation');
    await (await siteFrame(page)).click('[data-testid="chat-invite-dismiss"]');
    await waitWidget(page, null);
    for (const name of ['shop', 'cart', 'checkout', 'login']) {
      if (name === 'cart') await page.click('[data-add="grinder"]');
      await page.click(name === 'shop' ? '.demo-brand' : name === 'checkout' ? '#demo-to-checkout' : `nav a[data-route="${name}"]`);
      await visible(page, name);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 390, `${name}: the page is ${wide} px wide`);
      await shot(page, `mobile-${name}`);
    }
    // A reload of a page's own path serves the shop on that page, with the demo's own headers; others stay 404.
    await page.reload();
    await visible(page, 'login');
    const help = await fetch(`${gw.origin}/demo/help`);
    assert.equal(help.status, 200);
    assert.equal(help.headers.get('content-security-policy'), "frame-ancestors 'self'");
    assert.equal((await fetch(`${gw.origin}/demo/helpdesk`)).status, 404);

    // The developer panel: closed by default, every seed button does what it says without an error.
    assert.equal(await page.getAttribute('#demo-dev', 'open'), null);
    assert.equal(await page.isVisible('#demo-dev button[data-topic]'), false);
    await page.click('#demo-dev summary');
    await page.locator('#demo-dev').scrollIntoViewIfNeeded();
    await shot(page, 'mobile-developer-panel');
    // On a phone the open widget is a full-screen sheet (docs/EMBEDDING.md) over the panel: its buttons are pressed
    // by script, as the panel itself would be; that the sheet covers the page is the point of the sheet.
    const seed = (topic) => page.locator(`#demo-dev button[data-topic="${topic}"]`).evaluate((b) => b.click());
    await seed('~pagesession/show_frame');
    await waitDisplay(page, 'shown');
    await seed('~pagesession/minimize_frame');
    await waitDisplay(page, 'minimised');
    await seed('~pagesession/hide_frame');
    await waitDisplay(page, 'hidden');
    await seed('~pagesession/proactive/trigger');
    await waitWidget(page, 'proactive', 'sales');
    await seed('~pagesession/chat/trigger');
    await waitWidget(page, 'chat-request', 'sales');
    assert.equal(await page.textContent('#demo-widget'), 'chat-request / sales', 'the panel shows the status attributes');
    const frame = await siteFrame(page);
    await frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible' });
    await seed('~/site_connect/chat_button/sales/disabled');
    await page.waitForFunction(() => /chat_button\/sales\/disabled/.test(document.getElementById('demo-log').textContent));
    await seed('~/site_connect/chat_button/sales/enabled');
    await page.waitForFunction(() => /chat_button\/sales\/enabled {2}\{\}/.test(document.getElementById('demo-log').textContent));
    await seed('~pagesession/cobrowsing/start');
    await seed('~pagesession/cobrowsing/stop');
    await page.waitForFunction(() => /cobrowsing\/stop {2}\{"reason":"demo"\}/.test(document.getElementById('demo-log').textContent));
    await page.locator('#demo-stop').evaluate((b) => b.click());
    await page.waitForFunction(() => /cobrowsing\/end {2}\{"reason":"visitor"\}/.test(document.getElementById('demo-log').textContent));
    assert.deepEqual(errorFrames(v.received), []);
    assert.deepEqual(v.problems, []);
    await v.context.close();
  });
});
