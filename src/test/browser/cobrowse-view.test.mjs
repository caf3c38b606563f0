// The co-browse view (issue 16 item 4, and the single-tab parts of item 3): a customer page on another origin than the
// gateway, the real agent console at 1280×800. The view fills the console with the chat beside it, the page scaled
// to fit (also after the visitor resizes), the visitor's window outlined with its scroll position, the visitor's
// pointer and clicks, the chat widget as a labelled box, which tab it is, and how fresh the mirror is: "N s behind"
// while the visitor's page is stuck (its main thread paused in the debugger), "Live" again after.
// SC_VIEW_SHOTS=dir keeps screenshots (1280×800 and 390 px wide) there.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, startHost } from './helpers.mjs';
import { createAgent, setAvailable, startAgentGateway, waitWiredButton } from './agent-helpers.mjs';
import { acceptFirst, frameSend } from './chat-helpers.mjs';
import { ANN, mirrorWait, openAgent, openVisitor, startCobrowse, visitorPage } from './cobrowse-helpers.mjs';

const T = { timeout: 150_000 };
const SHOTS = process.env.SC_VIEW_SHOTS || '';
const LONG = `<button type="button" id="chat-sales" data-site-connect-chat-button="sales">Chat with sales</button>
<div id="long" style="height:3000px;background:linear-gradient(#fff,#cde)">a long page</div><p id="bottom">the end</p>`;
const TITLE = (t) => `<script>document.title = ${JSON.stringify(t)};</script>`;

let host, gw, browser;

before(async () => {
  host = await startHost();
  gw = await startAgentGateway({ hostOrigin: host.origin });
  await createAgent(gw, ANN);
  host.page('/', visitorPage(gw, { body: LONG, after: TITLE('Checkout · Acme') }));
  host.page('/next', visitorPage(gw, { body: '<p id="next-marker">the next page</p>', after: TITLE('Order placed · Acme') }));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

/**
 * Polls fn(arg) in the console until it returns something truthy. Not waitForFunction: the console's CSP allows no
 * eval, and Playwright compiles a waitForFunction predicate in the page; page.evaluate goes over DevTools.
 */
async function until(page, fn, arg = null, { timeout = 15_000 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn, arg);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${fn.toString().slice(0, 160)}`);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  }
}

const box = (page, sel) => page.$eval(sel, (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; });
const freshness = (page) => page.$eval('[data-testid="cobrowse-freshness"]', (e) => ({ kind: e.dataset.freshness, text: e.textContent }));

async function waitFreshness(page, kind, timeout = 20_000) {
  try {
    await page.waitForSelector(`[data-testid="cobrowse-freshness"][data-freshness="${kind}"]`, { timeout });
  } catch {
    throw new Error(`freshness is not ${kind}: ${JSON.stringify(await freshness(page))}`);
  }
  return freshness(page);
}

/** The stage (the visitor's window, scaled) fits inside the free area, and fills it in one direction. */
async function fits(page, vw, vh) {
  await until(page, ([w, h]) => {
    const stage = document.querySelector('.sc-cbv-area .sc-cb-stage');
    const area = document.querySelector('.sc-cbv-area');
    if (!stage || !area) return false;
    const s = stage.getBoundingClientRect();
    const a = area.getBoundingClientRect();
    const ratio = Math.abs(s.width / s.height - w / h) < 0.02;
    const inside = s.left >= a.left - 1 && s.right <= a.right + 1 && s.top >= a.top - 1 && s.bottom <= a.bottom + 1;
    const fills = s.width >= (a.width - 60) * 0.9 || s.height >= (a.height - 70) * 0.9;
    return ratio && inside && fills;
  }, [vw, vh], { timeout: 15_000 });
}

describe('co-browse view', () => {
  test('fills the console with the chat beside it; scaled, outlined, pointer, widget box, tab, freshness', T, async (t) => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, ANN);
    t.after(() => Promise.all([visitor.context.close(), agent.context.close()]));
    await visitor.page.setViewportSize({ width: 1440, height: 900 });

    // Co-browse first, no chat yet: the note says so.
    await startCobrowse(visitor, agent);
    const page = agent.page;
    await page.waitForSelector('body[data-cobrowse="on"] [data-testid="cobrowse-view"]', { state: 'visible' });
    await page.waitForSelector('[data-testid="cobrowse-chat-note"][data-kind="none"]', { state: 'visible' });
    assert.match(await page.textContent('[data-testid="cobrowse-chat-note"]'), /No chat with this visitor/);

    // One screen at 1280×800: the view on the left, the chat panel beside it, nothing below the fold.
    const view = await box(page, '[data-testid="cobrowse-view"]');
    const chats = await box(page, '#chats-panel');
    assert.ok(view.w >= 760, `the view is ${view.w} px wide`);
    assert.ok(chats.x >= view.x + view.w - 1 && Math.abs(chats.y - view.y) < 2, 'the chat is beside the view');
    assert.ok(view.y + view.h <= 800 && chats.y + chats.h <= 800, 'both end above the fold');
    assert.ok(await page.evaluate(() => document.scrollingElement.scrollHeight <= innerHeight + 1), 'no page scroll');
    await fits(page, 1440, 900);

    // The visitor resizes: the outline follows and the page is scaled again.
    await visitor.page.setViewportSize({ width: 900, height: 1000 });
    await until(page, () => /Visitor's window 900 × 1000/.test(document.querySelector('[data-testid="cobrowse-outline-label"]').textContent));
    await fits(page, 900, 1000);
    // The agent's window changes: scaled again too.
    await page.setViewportSize({ width: 1100, height: 700 });
    await fits(page, 900, 1000);
    await page.setViewportSize({ width: 1280, height: 800 });
    await fits(page, 900, 1000);

    // Scroll followed: the mirror scrolls with the visitor, the gauge and the label say where.
    await visitor.page.evaluate(() => window.scrollTo(0, 1200));
    await until(page, () => {
      const g = document.querySelector('[data-testid="cobrowse-scroll"]');
      return g && !g.hidden && Math.abs(Number(g.dataset.scrollTop) - 1200) <= 2;
    }, null, { timeout: 10_000 }).catch(async (e) => {
      throw new Error(`the scroll gauge: ${await page.evaluate(() => {
        const g = document.querySelector('[data-testid="cobrowse-scroll"]');
        const doc = document.querySelector('[data-testid="cobrowse-iframe"]').contentDocument;
        return JSON.stringify({ hidden: g.hidden, top: g.dataset.scrollTop, se: doc.scrollingElement?.tagName,
          st: doc.scrollingElement?.scrollTop, sh: doc.scrollingElement?.scrollHeight, label: document.querySelector('[data-testid="cobrowse-outline-label"]').textContent });
      })}`);
    });
    const scrolledTo = /scrolled (\d+) of \d+ px/.exec(await page.textContent('[data-testid="cobrowse-outline-label"]'));
    assert.ok(scrolledTo && Math.abs(Number(scrolledTo[1]) - 1200) <= 2, `the label says ${scrolledTo?.[0]}`);

    // The visitor's pointer and a click: rrweb's cursor moves there and ripples.
    await visitor.page.mouse.move(200, 150);
    await visitor.page.mouse.move(300, 220, { steps: 5 });
    await visitor.page.waitForTimeout(120); // rrweb samples moves every 50 ms and drops the trailing one: move once more
    await visitor.page.mouse.move(300, 220);
    await until(page, () => {
      const m = document.querySelector('.sc-cbv-area .replayer-mouse');
      return m && Math.abs(parseFloat(m.style.left) - 300) <= 2 && Math.abs(parseFloat(m.style.top) - 220) <= 2;
    }, null, { timeout: 10_000 }).catch(async () => {
      throw new Error(`the mirror's cursor: ${await page.evaluate(() => document.querySelector('.replayer-mouse')?.outerHTML)}`);
    });
    await visitor.page.mouse.click(300, 220);
    await page.waitForSelector('.sc-cbv-area .replayer-mouse.active', { timeout: 10_000 }).catch(async () => {
      const clicks = visitor.traffic.sent.filter((f) => f.includes('\\"source\\":2')).map((f) => f.slice(0, 600));
      throw new Error(`no click in the mirror: ${await page.evaluate(() => document.querySelector('.replayer-mouse')?.outerHTML)} ${clicks.join('\n')}`);
    });
    const cursor = await page.$eval('.sc-cbv-area .replayer-mouse', (m) => {
      const r = m.getBoundingClientRect();
      const before = getComputedStyle(m, '::before');
      return { visible: getComputedStyle(m).display !== 'none', arrow: before.width, x: r.x, y: r.y };
    });
    assert.ok(cursor.visible && cursor.arrow === '16px', JSON.stringify(cursor));

    // Which tab, and fresh.
    await until(page, () => document.querySelector('[data-testid="cobrowse-tab"]')?.textContent === 'Tab: Checkout · Acme');
    assert.equal(await page.textContent('[data-testid="cobrowse-tab-count"]'), 'tab 1 of 1');
    assert.equal((await waitFreshness(page, 'live')).text, 'Live');

    // The visitor opens the chat: the view finds it (GET /cobrowse/{id} → chat_id) and shows it beside the mirror.
    // The agent's availability switch is on the dashboard: "Dashboard" shows it (the view's header stays), and back.
    await page.click('[data-testid="cobrowse-dashboard"]');
    await page.waitForSelector('body[data-cobrowse="dashboard"] #buttons-panel', { state: 'visible' });
    assert.equal(await page.isVisible('[data-testid="cobrowse-area"]'), false);
    await setAvailable(page, 'acme/sales', true);
    await page.click('[data-testid="cobrowse-dashboard"]');
    await page.waitForSelector('body[data-cobrowse="on"] [data-testid="cobrowse-area"]', { state: 'visible' });
    await fits(page, 900, 1000);
    await visitor.page.evaluate(() => window.scrollTo(0, 0));
    await waitWiredButton(visitor.page, true, 'sales', 15_000);
    await visitor.page.click('#chat-sales');
    const chatId = await acceptFirst(page);
    await visitor.frame.waitForSelector('[data-testid="chat-input"]', { state: 'visible' });
    await frameSend(visitor.frame, 'I cannot find the pay button');
    await until(page, (id) => Array.from(document.querySelectorAll(`[data-testid="chat-pane"][data-chat="${id}"] [data-testid="chat-text"]`))
      .some((t) => t.textContent === 'I cannot find the pay button'), chatId);
    await page.waitForSelector(`[data-testid="cobrowse-chat-note"][data-kind="chat"]`, { timeout: 15_000 });
    // The conversation list is folded away beside the mirror at 1280 px: its entry is marked, not shown.
    await page.waitForSelector(`[data-testid="chat-tab"][data-chat="${chatId}"][data-cobrowsing][aria-selected="true"]`, { state: 'attached' });
    assert.ok(await page.isVisible(`[data-testid="chat-pane"][data-chat="${chatId}"] [data-testid="chat-input"]`));
    const pane = await box(page, `[data-testid="chat-pane"][data-chat="${chatId}"]`);
    assert.ok(pane.y + pane.h <= 800, `the chat pane ends at ${pane.y + pane.h}, above the fold`);

    // The visitor's chat widget (cross-origin, blank in a mirror) is a labelled box.
    const widget = await mirrorWait(agent, (doc) => {
      const c = doc.getElementById('channelme-siteconnect-container');
      if (!c || c.getBoundingClientRect().width < 100) return null;
      return { label: getComputedStyle(c, '::after').content, frame: getComputedStyle(c.querySelector('iframe')).visibility };
    });
    assert.equal(widget.label, '"Visitor\'s chat widget"');
    assert.equal(widget.frame, 'hidden');

    if (SHOTS) {
      await page.waitForTimeout(300); // the cursor's transition
      await page.screenshot({ path: `${SHOTS}/cobrowse-view-1280x800.png` });
    }

    // Freshness: the visitor's page stops (its main thread held in the debugger): "N s behind", then "Live".
    const cdp = await visitor.context.newCDPSession(visitor.page);
    await cdp.send('Debugger.enable');
    await cdp.send('Debugger.pause');
    const behind = await waitFreshness(page, 'behind', 20_000);
    assert.match(behind.text, /^\d+ s behind$/);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/cobrowse-view-behind.png` });
    await cdp.send('Debugger.resume');
    await cdp.send('Debugger.disable');
    assert.equal((await waitFreshness(page, 'live', 15_000)).text, 'Live');

    // The visitor switches to another window (the page reports itself hidden): "in another tab or window", not behind.
    const visibility = (state) => visitor.page.evaluate((v) => {
      Object.defineProperty(document, 'visibilityState', { value: v, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }, state);
    await visibility('hidden');
    assert.match((await waitFreshness(page, 'away', 5_000)).text, /the visitor is in another tab or window/);
    await visibility('visible');
    await waitFreshness(page, 'live', 5_000);

    // "Re-syncing" while the mirror says it is out of step (cobrowse.js marks its stage data-sync="resyncing").
    await page.$eval('.sc-cbv-area .sc-cb-stage', (s) => s.setAttribute('data-sync', 'resyncing'));
    assert.equal((await waitFreshness(page, 'resyncing', 2_000)).text, 'Re-syncing…');
    await page.$eval('.sc-cbv-area .sc-cb-stage', (s) => s.setAttribute('data-sync', 'live'));
    await waitFreshness(page, 'live', 2_000);

    if (SHOTS) {
      await page.setViewportSize({ width: 390, height: 844 });
      await fits(page, 900, 1000);
      await page.screenshot({ path: `${SHOTS}/cobrowse-view-390.png`, fullPage: true });
      await page.setViewportSize({ width: 1280, height: 800 });
    }

    // Stop from the view: the console is the dashboard again.
    await page.click('[data-testid="cobrowse-stop"]');
    await page.waitForSelector('body[data-cobrowse="off"]');
    assert.equal(await page.isVisible('[data-testid="cobrowse-view"]'), false);
    assert.ok(await page.isVisible('#inbox-panel'));
  });

  test('the next page in the same tab: the notice shows again, the view names the new page, still tab 1 of 1', T, async (t) => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, ANN);
    t.after(() => Promise.all([visitor.context.close(), agent.context.close()]));
    await startCobrowse(visitor, agent);
    const page = agent.page;
    await until(page, () => document.querySelector('[data-testid="cobrowse-tab"]')?.textContent === 'Tab: Checkout · Acme');
    const tabId = await page.getAttribute('[data-testid="cobrowse-tab"]', 'data-tab');
    await visitor.frame.waitForSelector('[data-testid="cobrowse-active"]', { state: 'visible' });

    await visitor.page.goto(host.origin + '/next');
    await mirrorWait(agent, (doc) => doc.getElementById('next-marker')?.textContent === 'the next page', null, 30_000);
    await until(page, () => document.querySelector('[data-testid="cobrowse-tab"]')?.textContent === 'Tab: Order placed · Acme');
    assert.equal(await page.getAttribute('[data-testid="cobrowse-tab"]', 'data-tab'), tabId, 'the same tab');
    assert.equal(await page.textContent('[data-testid="cobrowse-tab-count"]'), 'tab 1 of 1');
    const frame = await (await visitor.page.waitForSelector('#channelme-siteconnect-container iframe', { state: 'attached' })).contentFrame();
    await frame.waitForSelector('[data-testid="cobrowse-active"]', { state: 'visible', timeout: 15_000 });
    assert.match(await frame.textContent('[data-testid="cobrowse-active"]'), /can see this tab/);
    assert.ok(await frame.isVisible('[data-testid="cobrowse-stop"]'));
    await waitFreshness(page, 'live');
  });

  test('a second tab joins without a second consent; the mirror follows the tab in use; a forged ticket joins nothing', T, async (t) => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, ANN);
    const other = await browser.newContext(); // another browser: the site's page, but never the ticket
    t.after(() => Promise.all([visitor.context.close(), agent.context.close(), other.close()]));
    await startCobrowse(visitor, agent);
    const page = agent.page;
    const tabA = visitor.page;
    const entry = await tabA.evaluate(() => JSON.parse(localStorage.getItem('site_connect.cobrowse.acme')));
    assert.match(entry.ticket, /^[A-Za-z0-9_-]{32}$/);
    await until(page, () => document.querySelector('[data-testid="cobrowse-tab-count"]')?.textContent === 'tab 1 of 1');

    // Another browser with a forged ticket (and one in the right format): no co-browse there, still one tab.
    const forger = await other.newPage();
    await forger.addInitScript(() => localStorage.setItem('site_connect.cobrowse.acme',
      JSON.stringify({ ticket: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', active: 'x', at: Date.now() })));
    await forger.goto(host.origin + '/next');
    const forgerFrame = await (await forger.waitForSelector('#channelme-siteconnect-container iframe', { state: 'attached' })).contentFrame();
    await forger.waitForFunction(() => window.__events.some((e) => e.topic === '~/site_connect/ready'));
    await forger.evaluate(() => site_connect.publish('~pagesession/cobrowsing/join', { ticket: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }));

    // A second tab of the visitor's browser: it joins at once, no consent asked, the notice with Stop shows there.
    const tabB = await visitor.context.newPage();
    await tabB.goto(host.origin + '/next');
    const frameB = await (await tabB.waitForSelector('#channelme-siteconnect-container iframe', { state: 'attached' })).contentFrame();
    await frameB.waitForSelector('[data-testid="cobrowse-active"]', { state: 'visible', timeout: 20_000 });
    assert.match(await frameB.textContent('[data-testid="cobrowse-active"]'), /Ann Agent can see this tab/);
    assert.ok(await frameB.isVisible('[data-testid="cobrowse-stop"]'));
    assert.equal(await frameB.isVisible('[data-testid="cobrowse-consent"]'), false, 'no second consent');
    assert.equal(await tabB.evaluate(() => window.__events.filter((e) => e.topic === '~pagesession/cobrowsing/consent_request').length), 0);

    // The mirror follows the new tab (it is the one in use): its page, its title, "tab 2 of 2".
    await mirrorWait(agent, (doc) => doc.getElementById('next-marker')?.textContent === 'the next page', null, 20_000);
    await until(page, () => document.querySelector('[data-testid="cobrowse-tab"]')?.textContent === 'Tab: Order placed · Acme');
    await until(page, () => document.querySelector('[data-testid="cobrowse-tab-count"]')?.textContent === 'tab 2 of 2');
    assert.equal(await page.getAttribute('[data-testid="cobrowse-state"]', 'data-state'), 'active');
    if (SHOTS) {
      await page.screenshot({ path: `${SHOTS}/cobrowse-view-tab2of2.png` });
      await tabB.screenshot({ path: `${SHOTS}/visitor-tab2-notice.png` });
    }

    // The visitor goes back to the first tab: the mirror follows it; the notice is still in both tabs.
    await tabA.evaluate(() => window.dispatchEvent(new Event('focus')));
    await mirrorWait(agent, (doc) => doc.getElementById('title')?.textContent === 'Order 4711' && !doc.getElementById('next-marker'), null, 20_000);
    await until(page, () => document.querySelector('[data-testid="cobrowse-tab-count"]')?.textContent === 'tab 1 of 2');
    assert.ok(await visitor.frame.isVisible('[data-testid="cobrowse-active"]'));
    assert.ok(await frameB.isVisible('[data-testid="cobrowse-active"]'));
    // The forged ticket joined nothing.
    assert.equal(await forgerFrame.isVisible('[data-testid="cobrowse-active"]'), false);
    assert.equal(await forger.evaluate(() => window.__events.filter((e) => e.topic.startsWith('~pagesession/cobrowsing/start')).length), 0);

    // Stop in the second tab: the co-browse ends in both tabs and for the agent; the ticket is gone.
    await frameB.click('[data-testid="cobrowse-stop"]');
    await page.waitForSelector('[data-testid="cobrowse-state"][data-state="ended"]', { state: 'attached', timeout: 15_000 });
    await visitor.frame.waitForSelector('[data-testid="cobrowse-panel"]', { state: 'hidden' });
    await frameB.waitForSelector('[data-testid="cobrowse-panel"]', { state: 'hidden' });
    assert.equal(await tabA.evaluate(() => localStorage.getItem('site_connect.cobrowse.acme')), null);

    // The old ticket is dead: a tab opened now (with it put back) joins nothing.
    await tabA.evaluate((e) => localStorage.setItem('site_connect.cobrowse.acme', JSON.stringify({ ...e, at: Date.now() })), entry);
    const tabC = await visitor.context.newPage();
    await tabC.goto(host.origin + '/next');
    await tabC.waitForFunction(() => window.__events.some((e) => e.topic === '~/site_connect/ready'));
    await tabC.evaluate(() => new Promise((r) => setTimeout(r, 1500)));
    assert.equal(await tabC.evaluate(() => window.__events.filter((e) => e.topic === '~pagesession/cobrowsing/start').length), 0);
  });
});
