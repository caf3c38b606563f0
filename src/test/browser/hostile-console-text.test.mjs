// Hostile visitor text in the agent console: what a visitor (or a script on their own page) can type or send must
// not take over the console's own text or layout. A host page on another origin than the gateway, the visitor's
// strings sent through the real visitor path (the widget's forms, the frame's bridge, a 512-character URL), and the
// console (1280×800, then 390 wide) checked as an agent would see it:
//   - bidi controls (U+202E RLO, U+202D LRO, U+2066 LRI …) in a left message's name, a page path, a file name and a
//     chat line stay inside their own isolate (a <bdi>): the text after them (" · Sales", the time, "(1 KB)") keeps
//     its left-to-right order on screen;
//   - a 512-character page path: the waiting entry's Accept button stays inside its panel and takes the click, the
//     conversation header and the live pages row stay a few lines high;
//   - a 200-character file name: its download button stays inside the conversation;
//   - "zalgo" (a letter with 120 combining marks): the line paints inside its own bubble, the line before it is
//     left as it was (its pixels are compared).
// Screenshots: target/screenshots/hostile-console-text-1280.png, …-390.png, …-pages-1280.png, …-left-1280.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, launch, recorded, startHost } from './helpers.mjs';
import { chatButtonPage, consoleLogin, createAgent, openConsole, setAvailable, showLivePages, waitWiredButton } from './agent-helpers.mjs';
import { frameSend, openVisitor, startChatGateway, waitDisplay } from './chat-helpers.mjs';

const T = { timeout: 240_000 };
const SHOTS = join(ROOT, 'target/screenshots');
const CAROL = { login: 'carol', name: 'Carol Agent', password: 'carol-secret-password', buttons: ['acme/sales'] };
const RLO = '\u202E';
const LONG_PATH = '/shop/' + 'p'.repeat(512 - '/shop/'.length); // the gateway's limit
const RLO_PATH = '/' + RLO + 'nigol-nimda\u2066';
const FILE_NAME = RLO + 'gnp.' + 'W'.repeat(190) + '.png'; // 200 characters
const MARKS = Array.from({ length: 120 }, (_, i) => String.fromCharCode((i % 2 ? 0x0300 : 0x0316) + (i % 20))).join('');
const ZALGO = 'Z' + MARKS + ' ' + 'Z' + MARKS;

let host, gw, browser, agent;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startHost();
  gw = await startChatGateway({
    hostOrigin: host.origin,
    conf: { sites: [{ key: 'acme', origins: [host.origin], buttons: [{ id: 'sales', name: 'Sales' }], context: ['path', 'title'] }] },
  });
  await createAgent(gw, CAROL);
  host.page('/order', chatButtonPage(gw));
  host.page(LONG_PATH, chatButtonPage(gw));
  browser = await launch();
  agent = await openConsole(browser, gw);
  await consoleLogin(agent.page, CAROL.login, CAROL.password);
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

/** Polls fn(arg) in the page until it is truthy (the console's CSP forbids the eval waitForFunction needs). */
async function until(page, fn, arg = null, what = '', timeout = 20_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn, arg).catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms: ${what || fn.toString().slice(0, 160)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * In the page: how the word `after` (console text that follows a visitor's string inside `sel`; one word, so that
 * it is on one line) is laid out, and whether the visitor's string `marker` sits in an isolate. ltr: the word's
 * first character is left of its last, on the same line.
 */
function layoutOf([sel, after, marker]) {
  const root = document.querySelector(sel);
  if (!root) return null;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node, textNode = null, visitorNode = null;
  while ((node = walker.nextNode())) {
    if (!textNode && node.data.includes(after)) textNode = node;
    if (!visitorNode && node.data.includes(marker)) visitorNode = node;
  }
  if (!textNode || !visitorNode) return null;
  const at = textNode.data.indexOf(after);
  const visible = (i) => /\S/.test(textNode.data[i]);
  let first = at, last = at + after.length - 1;
  while (!visible(first)) first++;
  while (!visible(last)) last--;
  const rect = (i) => { const r = document.createRange(); r.setStart(textNode, i); r.setEnd(textNode, i + 1); return r.getBoundingClientRect(); };
  const [a, b] = [rect(first), rect(last)];
  // an isolate between the visitor's text and the console's: a <bdi>, or an inline box with unicode-bidi: isolate
  // (block boxes start a paragraph of their own anyway; browsers give div and p "isolate" by default)
  let isolated = false;
  for (let e = visitorNode.parentElement; e && !e.contains(textNode); e = e.parentElement) {
    const css = getComputedStyle(e);
    if (e.tagName === 'BDI' || (/isolate|plaintext/.test(css.unicodeBidi) && css.display.startsWith('inline'))) { isolated = true; break; }
  }
  return { ltr: a.left < b.left && Math.abs(a.top - b.top) < 2, isolated, first: a.left, last: b.left };
}
async function assertLtr(page, sel, after, marker, what) {
  const got = await until(page, layoutOf, [sel, after, marker], `${what}: "${after}" and the visitor's text in ${sel}`);
  assert.ok(got.isolated, `${what}: the visitor's text is in an isolate (<bdi> or unicode-bidi: isolate)`);
  assert.ok(got.ltr, `${what}: "${after}" still reads left to right after the visitor's text (${JSON.stringify(got)})`);
}

const rectOf = (page, sel) => page.evaluate((s) => {
  const e = document.querySelector(s);
  if (!e) return null;
  const r = e.getBoundingClientRect();
  return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
}, sel);
const inside = (inner, outer) => inner.left >= outer.left - 1 && inner.right <= outer.right + 1
  && inner.top >= outer.top - 1 && inner.bottom <= outer.bottom + 1;

describe('hostile visitor text in the agent console', () => {
  test('a left message whose name starts with U+202E: the line after it keeps its order', T, async (t) => {
    await setAvailable(agent.page, 'acme/sales', false);
    t.after(() => setAvailable(agent.page, 'acme/sales', true));
    const v = await openVisitor(browser, host.origin + '/order');
    await recorded(v.page, '~/site_connect/ready');
    await waitWiredButton(v.page, false, 'sales', 15_000);
    await v.page.evaluate(() => window.site_connect.publish('~pagesession/chat/trigger', { button_id: 'sales' }));
    await waitDisplay(v.page, 'shown');
    const frame = await v.frame();
    await frame.waitForSelector('[data-testid="chat-unavailable"]', { state: 'visible' });
    await frame.fill('#sc-lm-name', RLO + 'N'.repeat(150) + 'enaJ');
    await frame.fill('#sc-lm-contact', RLO + 'gro.elpmaxe@enaj');
    await frame.fill('#sc-lm-text', RLO + 'please call back');
    await frame.click('[data-testid="leave-send"]');
    await frame.waitForSelector('[data-testid="leave-done"]', { state: 'visible' });
    await v.context.close();

    await agent.page.click('[data-testid="left-panel"] > summary');
    const item = '[data-testid="left-message"]';
    await until(agent.page, (s) => document.querySelector(s), item, 'the left message');
    await assertLtr(agent.page, `${item} .scc-meta`, 'Sales', 'NNNN', 'left message, after the name');
    await assertLtr(agent.page, `${item} .scc-meta`, 'Sales', 'gro.elpmaxe', 'left message, after the contact');
    const meta = await rectOf(agent.page, `${item} .scc-meta`);
    const panel = await rectOf(agent.page, '#inbox-panel');
    assert.ok(meta.right <= panel.right + 1, `the name stays inside the panel: ${JSON.stringify({ meta, panel })}`);
    await agent.page.screenshot({ path: join(SHOTS, 'hostile-console-text-left-1280.png') });
    await agent.page.click('[data-testid="left-panel"] > summary');
  });

  test('a 512-character path, U+202E in a path, a file name and a line, zalgo: labels, buttons and lines hold', T, async () => {
    const page = agent.page;
    const v = await openVisitor(browser, host.origin + LONG_PATH);
    await recorded(v.page, '~/site_connect/ready');
    await waitWiredButton(v.page, true, 'sales', 15_000);
    await v.page.click('[data-site-connect-chat-button="sales"]');
    const frame = await v.frame();
    await frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible' });

    // Waiting: the entry is labelled by the long path, and its Accept button is inside the panel and takes a click.
    const entry = '[data-testid="queued-chat"]';
    await until(page, (s) => document.querySelector(s)?.textContent.includes('/shop/ppp'), `${entry} .scc-q-name`, 'the long label');
    const accept = await rectOf(page, `${entry} [data-testid="chat-accept"]`);
    const panel = await rectOf(page, '#inbox-panel');
    assert.ok(inside(accept, panel), `Accept is inside its panel: ${JSON.stringify({ accept, panel })}`);
    const hit = await page.evaluate((s) => {
      const b = document.querySelector(s);
      const r = b.getBoundingClientRect();
      return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === b;
    }, `${entry} [data-testid="chat-accept"]`);
    assert.ok(hit, 'nothing covers Accept');
    const entryRect = await rectOf(page, entry);
    assert.ok(entryRect.height <= 90, `the waiting entry is a few lines high: ${entryRect.height}px`);
    await page.click(`${entry} [data-testid="chat-accept"]`, { timeout: 5_000 });
    await page.waitForSelector('[data-testid="chat-pane"][data-state="active"]');
    const id = await page.getAttribute('[data-testid="chat-pane"][data-state="active"]', 'data-chat');
    const pane = `[data-testid="chat-pane"][data-chat="${id}"]`;
    await frame.waitForSelector('#sc-panel-chat[data-view="chat"]');

    // The conversation header stays a few lines high.
    await until(page, (s) => document.querySelector(s)?.textContent.includes('/shop/ppp'), `${pane} .scc-who`, 'the header label');
    const head = await rectOf(page, `${pane} .scc-pane-head`);
    assert.ok(head.height <= 130, `the conversation header is at most a few lines high: ${head.height}px`);

    // The live pages list: one row stays a few lines high.
    await showLivePages(page);
    const rowRect = await until(page, () => {
      const tr = Array.from(document.querySelectorAll('[data-testid="session"]')).find((r) => r.textContent.includes('/shop/ppp'));
      return tr && { height: tr.getBoundingClientRect().height };
    }, null, 'the long path in live pages');
    assert.ok(rowRect.height <= 70, `a live page row is at most a few lines high: ${rowRect.height}px`);
    await page.screenshot({ path: join(SHOTS, 'hostile-console-text-pages-1280.png') });
    await page.click('[data-testid="side-tab-chats"]');

    // The visitor's own frame tells another page, with U+202E in its path: the labels and the pages visited keep
    // " · Sales" and the time in order.
    await frame.evaluate((path) => window.scFrame.publish('~pagesession/context/page', { path, title: 'x' }), RLO_PATH);
    const tab = `[data-testid="chat-tab"][data-chat="${id}"] .scc-tab-name`;
    await until(page, ([s]) => document.querySelector(s)?.textContent.includes('nigol'), [`${pane} .scc-who`], 'the header follows', 30_000);
    await assertLtr(page, `${pane} .scc-who`, 'Sales', 'nigol', 'the conversation header');
    await until(page, (s) => document.querySelector(s)?.textContent.includes('nigol'), tab, 'the tab follows', 30_000);
    await assertLtr(page, tab, 'Sales', 'nigol', 'the conversation tab');
    const pages = '[data-testid="context-pages"] li:last-child';
    await until(page, (s) => document.querySelector(s)?.textContent.includes('nigol'), pages, 'pages visited', 30_000);
    const clock = await page.evaluate((s) => document.querySelector(s).lastElementChild.textContent, pages);
    await assertLtr(page, pages, clock.trim().split(' ')[0], 'nigol', 'pages visited, the time after the path');

    // A line with U+202E: the line itself and its preview under the tab are isolated too.
    await frameSend(frame, 'hello ' + RLO + 'efas si knil siht');
    for (const where of [`${pane} [data-testid="chat-log"]`, `[data-testid="chat-tab"][data-chat="${id}"] [data-testid="chat-preview"]`]) {
      const isolated = await until(page, ([s, m]) => {
        const walker = document.createTreeWalker(document.querySelector(s), NodeFilter.SHOW_TEXT);
        for (let n; (n = walker.nextNode());) {
          if (!n.data.includes(m)) continue;
          for (let e = n.parentElement; e; e = e.parentElement) {
            const css = getComputedStyle(e);
            if (e.tagName === 'BDI' || (/isolate|plaintext/.test(css.unicodeBidi) && css.display.startsWith('inline'))) return 'yes';
          }
          return 'no';
        }
        return null;
      }, [where, 'efas si knil'], `the line in ${where}`);
      assert.equal(isolated, 'yes', `the visitor's line is in an isolate in ${where}`);
    }

    // A file whose name (200 characters) has U+202E: its button keeps "(1 KB)" in order and stays in the conversation.
    const png = await v.page.screenshot({ clip: { x: 0, y: 0, width: 40, height: 40 } });
    await frame.setInputFiles('[data-testid="chat-file"]', { name: FILE_NAME, mimeType: 'image/png', buffer: png });
    const download = `${pane} [data-testid="attachment-download"]`;
    await until(page, (s) => document.querySelector(s), download, 'the download button');
    await assertLtr(page, download, 'KB)', 'gnp.', 'the download button, the size after the name');
    const button = await rectOf(page, download);
    const log = await rectOf(page, `${pane} [data-testid="chat-log"]`);
    assert.ok(button.right <= log.right + 1 && button.height <= 120,
      `the download button stays inside the conversation: ${JSON.stringify({ button, log })}`);

    // Zalgo: the line before it looks the same before and after it arrives.
    await frameSend(frame, 'before');
    await until(page, ([p]) => Array.from(document.querySelectorAll(`${p} .scc-text`)).some((e) => e.textContent === 'before'), [pane], 'before');
    const prev = await page.locator(`${pane} li[data-from="visitor"]`).last().elementHandle();
    await page.evaluate((s) => { const l = document.querySelector(s); l.scrollTop = l.scrollHeight; }, `${pane} [data-testid="chat-log"]`);
    const clean = await prev.screenshot();
    await frameSend(frame, ZALGO);
    await until(page, ([p, z]) => Array.from(document.querySelectorAll(`${p} .scc-text`)).some((e) => e.textContent === z), [pane, ZALGO], 'the zalgo line');
    await page.evaluate((s) => { const l = document.querySelector(s); l.scrollTop = l.scrollHeight; }, `${pane} [data-testid="chat-log"]`);
    const box = await page.evaluate((p) => {
      const lis = Array.from(document.querySelectorAll(`${p} li[data-from="visitor"]`));
      const [before, z] = lis.slice(-2);
      const text = z.querySelector('.scc-text');
      const r = (e) => { const b = e.getBoundingClientRect(); return { top: b.top, bottom: b.bottom }; };
      return { before: r(before), text: r(text), bubble: r(z), overflow: getComputedStyle(text).overflowY };
    }, pane);
    assert.notEqual(box.overflow, 'visible', `the zalgo line's text is clipped to its box: ${JSON.stringify(box)}`);
    assert.ok(box.text.top >= box.before.bottom && box.text.top >= box.bubble.top - 0.5,
      `the zalgo line's painted box does not reach the line before it: ${JSON.stringify(box)}`);
    const dirty = await prev.screenshot();
    assert.ok(clean.equals(dirty), 'the line before the zalgo line is not painted over');
    // Ordinary accents above and below still show (looked at in the screenshot of the log).
    await frameSend(frame, 'Ệ Ở Ẫ ǘ Å ç Ţ ŷ̈ g̈');
    await until(page, ([p]) => Array.from(document.querySelectorAll(`${p} .scc-text`)).some((e) => e.textContent.startsWith('Ệ')), [pane], 'the accents');
    await page.evaluate((s) => { const l = document.querySelector(s); l.scrollTop = l.scrollHeight; }, `${pane} [data-testid="chat-log"]`);
    await page.locator(`${pane} [data-testid="chat-log"]`).screenshot({ path: join(SHOTS, 'hostile-console-text-log-1280.png') });
    await page.screenshot({ path: join(SHOTS, 'hostile-console-text-1280.png') });

    // 390 wide: the same conversation, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator(`${pane} .scc-pane-head`).scrollIntoViewIfNeeded();
    const narrowHead = await rectOf(page, `${pane} .scc-pane-head`);
    await page.screenshot({ path: join(SHOTS, 'hostile-console-text-390.png'), fullPage: true });
    assert.ok(narrowHead.height <= 200, `at 390 px the conversation header is at most a few lines high: ${narrowHead.height}px`);
    const narrowButton = await rectOf(page, download);
    assert.ok(narrowButton.right <= 390, `at 390 px the download button fits: ${JSON.stringify(narrowButton)}`);
    await page.screenshot({ path: join(SHOTS, 'hostile-console-text-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await v.context.close();
  });
});
