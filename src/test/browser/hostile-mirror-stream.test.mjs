// A hostile visitor page's co-browse stream must not take the agent's console down with it. The page (on another
// origin than the gateway) replaces the recorder with its own and publishes raw rrweb events on the real path
// (~pagesession/cobrowsing/events, in parts when big); the agent's real console plays them. What an agent would
// notice is checked: the console's renderer does not crash and answers at once after the flood, the chat box keeps
// the keyboard while the page opens modal dialogs, and the console's memory stays bounded while a page streams
// events without ever sending a new snapshot. Screenshot: target/screenshots/hostile-mirror-stream-deep.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ROOT, launch, startHost } from './helpers.mjs';
import { createAgent, setAvailable, startAgentGateway, waitWiredButton } from './agent-helpers.mjs';
import { ANN, agentState, enterCode, mirrorWait, openAgent, openVisitor, visitorPage } from './cobrowse-helpers.mjs';
import { acceptFirst } from './chat-helpers.mjs';

const T = { timeout: 120_000 };
const SHOTS = ROOT + 'target/screenshots/';

// The page's own "recorder": never rrweb; window.__send(events, {full}) publishes a batch as recorder.js does.
const STUB = `<script>
window.site_connect_recorder = { start: function (api, info) { window.__rec = info; }, stop: function () { window.__rec = null; } };
window.__rid = 'r' + Math.random().toString(36).slice(2);
window.__seq = 0;
window.__send = function (events, full) {
  var base = { cobrowse_id: window.__rec && window.__rec.cobrowse_id, rid: window.__rid, seq: ++window.__seq };
  if (full) base.full = true;
  var text = JSON.stringify(events);
  if (text.length < 40000) { base.events = events; site_connect.publish('~pagesession/cobrowsing/events', base); return; }
  var parts = Math.ceil(text.length / 40000);
  for (var i = 0; i < parts; i++) {
    site_connect.publish('~pagesession/cobrowsing/events', Object.assign({ part: i, parts: parts, data: text.slice(i * 40000, (i + 1) * 40000) }, base));
  }
};
window.__full = function () {
  var t = Date.now();
  window.__send([
    { type: 4, timestamp: t, data: { href: location.href, width: 1024, height: 700 } },
    { type: 2, timestamp: t + 1, data: { initialOffset: { top: 0, left: 0 }, node: { type: 0, id: 1, childNodes: [
      { type: 1, id: 2, name: 'html', publicId: '', systemId: '' },
      { type: 2, id: 3, tagName: 'html', attributes: {}, childNodes: [
        { type: 2, id: 4, tagName: 'head', attributes: {}, childNodes: [] },
        { type: 2, id: 5, tagName: 'body', attributes: {}, childNodes: [
          { type: 2, id: 6, tagName: 'h2', attributes: { id: 'title' }, childNodes: [{ type: 3, id: 7, textContent: 'Order 4711' }] }] }] }] } } },
  ], true);
};
window.__mut = function (data) {
  window.__send([{ type: 3, timestamp: Date.now(), data: Object.assign({ source: 0, texts: [], attributes: [], removes: [], adds: [] }, data) }]);
};
</script><button type="button" id="chat-sales" data-site-connect-chat-button="sales">Chat</button>`;

describe('a hostile co-browse stream (the console survives it)', () => {
  let host;
  let gw;
  let browser;

  before(async () => {
    host = await startHost();
    gw = await startAgentGateway({ hostOrigin: host.origin });
    await createAgent(gw, ANN);
    host.page('/', visitorPage(gw, { body: STUB }));
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await gw?.stop();
    await host?.close();
  });

  /** A visitor and the agent's console co-browsing it, the page's own snapshot in the mirror. */
  async function cobrowse() {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openAgent(browser, gw, ANN);
    agent.crashed = false;
    agent.page.on('crash', () => { agent.crashed = true; });
    await enterCode(agent, visitor.code);
    await agentState(agent, 'waiting-consent');
    await visitor.frame.waitForSelector('[data-testid="cobrowse-allow"]', { state: 'visible', timeout: 15_000 });
    await visitor.frame.click('[data-testid="cobrowse-allow"]');
    await agentState(agent, 'active');
    await visitor.page.waitForFunction(() => window.__rec && window.__rec.cobrowse_id, null, { timeout: 15_000 });
    await visitor.page.evaluate(() => window.__full());
    await mirrorWait(agent, (doc) => doc.getElementById('title')?.textContent === 'Order 4711');
    agent.cdp = await agent.context.newCDPSession(agent.page);
    return { visitor, agent, async close() { await agent.context.close(); await visitor.context.close(); } };
  }

  /** How long a round trip to the console's main thread takes (ms). */
  async function roundTrip(page) {
    const t = Date.now();
    await page.evaluate(() => 1);
    return Date.now() - t;
  }

  async function heapMB(cdp) {
    await cdp.send('HeapProfiler.collectGarbage');
    const m = await cdp.send('Performance.getMetrics');
    return m.metrics.find((x) => x.name === 'JSHeapUsedSize').value / 1e6;
  }

  test('the chat box keeps the keyboard while the page opens modal dialogs', T, async () => {
    const s = await cobrowse();
    try {
      const page = s.agent.page;
      await page.click('[data-testid="cobrowse-dashboard"]');
      await setAvailable(page, 'acme/sales', true);
      await page.click('[data-testid="cobrowse-dashboard"]');
      await waitWiredButton(s.visitor.page, true, 'sales', 15_000);
      await s.visitor.page.click('#chat-sales');
      const chat = await acceptFirst(page);
      const input = `[data-testid="chat-pane"][data-chat="${chat}"] [data-testid="chat-input"]`;
      await page.click(input);
      // A modal dialog with a text field (and an autofocus field), replaced every 300 ms while the agent types.
      await s.visitor.page.evaluate(() => {
        let k = 0;
        const add = () => {
          const id = 2000 + 3 * k;
          window.__mut({
            adds: [{ parentId: 5, nextId: null, node: { type: 2, id, tagName: 'dialog', attributes: { open: '', rr_open_mode: 'modal', id: 'dlg' + k }, childNodes: [] } },
              { parentId: id, nextId: null, node: { type: 2, id: id + 1, tagName: 'input', attributes: { type: 'text' }, childNodes: [] } },
              { parentId: 5, nextId: null, node: { type: 2, id: id + 2, tagName: 'input', attributes: { autofocus: '' }, childNodes: [] } }],
            removes: k > 0 ? [{ parentId: 5, id: id - 3 }, { parentId: 5, id: id - 1 }] : [],
          });
          k++;
        };
        add();
        window.__storm = setInterval(add, 300);
      });
      await mirrorWait(s.agent, (doc) => doc.getElementById('dlg0'));
      const text = 'the agent types a long answer to the visitor';
      for (const ch of text) await page.keyboard.type(ch, { delay: 40 });
      await s.visitor.page.evaluate(() => clearInterval(window.__storm));
      const focus = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
      assert.equal(await page.$eval(input, (e) => e.value), text, 'every key the agent typed reached the chat box');
      assert.equal(focus, 'chat-input', 'the chat box still has the focus');
      assert.ok(await mirrorWait(s.agent, (doc) => doc.querySelector('dialog[open]')), 'the dialog is still shown in the mirror');
    } finally {
      await s.close();
    }
  });

  test('a page that never sends a snapshot again cannot fill the console\'s memory', T, async () => {
    const s = await cobrowse();
    try {
      await s.agent.cdp.send('HeapProfiler.enable');
      await s.agent.cdp.send('Performance.enable');
      const start = await heapMB(s.agent.cdp);
      // 40,000 events (one attribute change of 300 characters each), 1,000 a batch, no snapshot in between.
      await s.visitor.page.evaluate(async () => {
        const val = 'x'.repeat(300);
        for (let b = 0; b < 40; b++) {
          const t = Date.now();
          const list = [];
          for (let i = 0; i < 1000; i++) {
            list.push({ type: 3, timestamp: t, data: { source: 0, texts: [], removes: [], adds: [], attributes: [{ id: 6, attributes: { 'data-n': val + (b * 1000 + i) } }] } });
          }
          window.__send(list);
          await new Promise((r) => setTimeout(r, 100));
        }
      });
      await mirrorWait(s.agent, (doc) => doc.getElementById('title').getAttribute('data-n')?.endsWith('x39999'), null, 60_000);
      const grown = (await heapMB(s.agent.cdp)) - start;
      assert.ok(!s.agent.crashed, 'the console did not crash');
      assert.ok(grown < 12, `the console's heap grew by ${grown.toFixed(1)} MB (at most 12 MB: old events are let go)`);
    } finally {
      await s.close();
    }
  });

  test('adds the replayer would keep aside (nextId -1) are not kept', T, async () => {
    const s = await cobrowse();
    try {
      await s.agent.cdp.send('HeapProfiler.enable');
      await s.agent.cdp.send('Performance.enable');
      const start = await heapMB(s.agent.cdp);
      // 100,000 adds whose next sibling "has no id": rrweb's recorder never sends them.
      await s.visitor.page.evaluate(async () => {
        for (let b = 0; b < 20; b++) {
          const adds = [];
          for (let i = 0; i < 5000; i++) adds.push({ parentId: 5, nextId: -1, node: { type: 2, id: 10000 + b * 5000 + i, tagName: 'span', attributes: { title: 'x'.repeat(40) }, childNodes: [] } });
          window.__mut({ adds });
          await new Promise((r) => setTimeout(r, 100));
        }
        window.__mut({ attributes: [{ id: 6, attributes: { 'data-done': 'yes' } }] });
      });
      await mirrorWait(s.agent, (doc) => doc.getElementById('title').getAttribute('data-done') === 'yes', null, 60_000);
      const grown = (await heapMB(s.agent.cdp)) - start;
      assert.ok(!s.agent.crashed, 'the console did not crash');
      assert.ok(grown < 12, `the console's heap grew by ${grown.toFixed(1)} MB (at most 12 MB)`);
    } finally {
      await s.close();
    }
  });

  test('structure digests by the hundred do not keep the console busy', T, async () => {
    const s = await cobrowse();
    try {
      // 5,000 elements to walk, then 400 digests a batch, 10 batches a second, for 5 s.
      await s.visitor.page.evaluate(() => {
        const adds = [];
        for (let i = 0; i < 5000; i++) adds.push({ parentId: 5, nextId: null, node: { type: 2, id: 1000 + i, tagName: 'i', attributes: {}, childNodes: [] } });
        window.__mut({ adds });
      });
      await mirrorWait(s.agent, (doc) => doc.getElementsByTagName('i').length === 5000);
      await s.visitor.page.evaluate(() => {
        // The digest of that mirror (recorder.js structureDigest): the console finds it right, and goes on playing.
        let h = 0x811c9dc5;
        const mix = (x) => { for (let i = 0; i < x.length; i++) { h ^= x.charCodeAt(i); h = Math.imul(h, 0x01000193); } };
        mix('3('); mix('4('); mix(')'); mix('5('); mix('6('); mix(')');
        for (let i = 0; i < 5000; i++) { mix((1000 + i) + '('); mix(')'); }
        mix(')'); mix(')');
        const digest = { n: 5004, h: (h >>> 0).toString(36) };
        let k = 0;
        window.__digests = setInterval(() => {
          const t = Date.now();
          const list = [];
          for (let i = 0; i < 400; i++) list.push({ type: 5, timestamp: t, data: { tag: 'sc-digest', payload: digest } });
          window.__send(list);
          if (++k === 50) clearInterval(window.__digests);
        }, 100);
      });
      const rtts = [];
      for (const end = Date.now() + 6000; Date.now() < end;) {
        rtts.push(await roundTrip(s.agent.page));
        await new Promise((r) => setTimeout(r, 100));
      }
      const slow = rtts.filter((x) => x > 500).length;
      assert.ok(!s.agent.crashed, 'the console did not crash');
      assert.ok(slow <= 1, `${slow} of ${rtts.length} round trips to the console took over 500 ms (longest ${Math.max(...rtts)} ms)`);
      assert.equal(await s.agent.page.getAttribute('[data-testid="cobrowse-mirror"]', 'data-sync'), 'live', 'the digests matched');
    } finally {
      await s.close();
    }
  });

  test('10,000 nested adds in one batch: the console stays up and answers at once', T, async () => {
    const s = await cobrowse();
    try {
      // Each add's parent is the one added before it: one ~950 KB batch, in parts.
      await s.visitor.page.evaluate(() => {
        const adds = [];
        for (let i = 0; i < 10000; i++) {
          adds.push({ parentId: i === 0 ? 5 : 1000 + i - 1, nextId: null, node: { type: 2, id: 1000 + i, tagName: 'b', attributes: i === 0 ? { id: 'deep' } : {}, childNodes: [] } });
        }
        window.__mut({ adds });
      });
      const depth = await mirrorWait(s.agent, (doc) => {
        let n = doc.getElementById('deep');
        let d = 0;
        while (n && n.firstElementChild) { n = n.firstElementChild; d++; }
        return n ? d + 1 : 0;
      }, null, 30_000);
      // The old console's renderer died about 5 s after such a batch.
      await new Promise((r) => setTimeout(r, 8000));
      assert.ok(!s.agent.crashed, 'the console did not crash');
      const rtt = await roundTrip(s.agent.page);
      assert.ok(rtt < 500, `the console answered in ${rtt} ms (under 500 ms)`);
      assert.ok(depth <= 512, `the mirror holds ${depth} nested levels of the chain (at most 512)`);
      assert.equal(await s.agent.page.getAttribute('[data-testid="cobrowse-state"]', 'data-state'), 'active');
      mkdirSync(SHOTS, { recursive: true });
      await s.agent.page.screenshot({ path: SHOTS + 'hostile-mirror-stream-deep.png' });
    } finally {
      await s.close();
    }
  });
});
