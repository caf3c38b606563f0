// Co-browse mirror under a 1,000-mutation burst (issue 16 item 5): a benchmark, not a timed test.
//
//   mvn -q -B -DskipTests package && node src/loadtest/mirror-bench.mjs [bursts=40]
//
// A real gateway, a visitor page on another origin, a real co-browse with consent and the agent console's replayer, in
// one headless Chromium (both contexts share the clock). Each burst: 1,000 DOM mutations in one task on the visitor's
// page, run as a task of the page's own (a timer): 200 list items added with their text, 200 removed, 200 moved, 200
// text edits, 199 attribute changes (the list stays at 400 items), and a marker the console watches for.
//   settle:       the burst task's end on the visitor's page → the mirror shows the marker and the same number of items
//   long tasks:   Chromium's 'longtask' entries (> 50 ms) on the visitor's page during the bursts, with and without
//                 recording
//   recorder ms:  the visitor page's main-thread busy time per burst (CDP Performance.getMetrics TaskDuration, burst
//                 and everything it causes until the mirror settled) with recording minus the same bursts after the
//                 co-browse stopped (no recorder); the cross-origin site-connect frame runs in its own process
import { launch, startHost } from '../test/browser/helpers.mjs';
import { createAgent, startAgentGateway } from '../test/browser/agent-helpers.mjs';
import { ANN, openAgent, openVisitor, startCobrowse, visitorPage } from '../test/browser/cobrowse-helpers.mjs';

const BURSTS = Number(process.argv[2] || 40);
const WARMUP = 5;
const PAUSE_MS = 400; // between bursts: the recorder's byte budget (256 KB/s) refills

const host = await startHost();
const gw = await startAgentGateway({ hostOrigin: host.origin });
const browser = await launch();

function q(list, p) {
  const s = [...list].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const mean = (l) => l.reduce((a, b) => a + b, 0) / l.length;

/** One burst in one task; resolves with {end (epoch ms), loopMs, taskMs (loop + the microtasks it caused), items}. */
function burst(n) {
  return window.__burst(n);
}

const PAGE_SCRIPT = `<script>
(function () {
  var list = document.getElementById('bench');
  for (var i = 0; i < 400; i++) { var li = document.createElement('li'); li.textContent = 'item ' + i; list.appendChild(li); }
  window.__long = [];
  new PerformanceObserver(function (l) { l.getEntries().forEach(function (e) { window.__long.push({ start: e.startTime, ms: e.duration }); }); })
    .observe({ type: 'longtask', buffered: true });
  var seed = 7;
  function rnd() { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 4294967296; }
  function mutate(n) {
    var items = Array.prototype.slice.call(list.children);
    var pick = function () { return items[Math.floor(rnd() * items.length)]; };
    for (var k = 0; k < 200; k++) { // adds, each with its text
      var li = document.createElement('li');
      li.textContent = 'burst ' + n + ' #' + k;
      list.insertBefore(li, pick());
      items.push(li);
    }
    for (k = 0; k < 200; k++) { var i = Math.floor(rnd() * items.length); items[i].remove(); items.splice(i, 1); }
    for (k = 0; k < 200; k++) list.insertBefore(pick(), pick());
    for (k = 0; k < 200; k++) pick().firstChild.data = 'edited ' + n + '.' + k;
    for (k = 0; k < 199; k++) pick().setAttribute('data-v', n + '.' + k);
  }
  window.__burst = function (n) {
    return new Promise(function (resolve) {
      setTimeout(function () { // a task of the page's own, as a click handler or a framework render would be
        var t0 = performance.now();
        mutate(n);
        var loopMs = performance.now() - t0;
        var end = Date.now();
        document.getElementById('bench-marker').textContent = n + ':' + end + ':' + list.children.length; // the 1,000th
        var ch = new MessageChannel(); // the next task: the microtasks (rrweb's observer) ran by then
        ch.port1.onmessage = function () { resolve({ end: end, loopMs: loopMs, taskMs: performance.now() - t0, items: list.children.length, t0: t0 }); };
        ch.port2.postMessage(0);
      }, 0);
    });
  };
})();
</script>`;

async function runBursts(visitor, agent, label, from) {
  const cdp = await visitor.context.newCDPSession(visitor.page);
  await cdp.send('Performance.enable');
  const busy = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value * 1000;
  const out = { settle: [], busyMs: [], loopMs: [], taskMs: [], starts: [] };
  const longBefore = await visitor.page.evaluate(() => window.__long.length);
  for (let i = 0; i < WARMUP + BURSTS; i++) {
    const n = from + i;
    await visitor.page.waitForTimeout(PAUSE_MS);
    const b0 = await busy();
    const r = await visitor.page.evaluate(burst, n);
    let settle = null;
    if (agent) {
      settle = await (await agent.page.waitForFunction(([k, items]) => {
        const doc = document.querySelector('[data-testid="cobrowse-iframe"]')?.contentDocument;
        const m = /^(\d+):(\d+):(\d+)$/.exec(doc?.getElementById('bench-marker')?.textContent || '');
        if (!m || Number(m[1]) !== k) return null;
        return doc.getElementById('bench').children.length === items ? Date.now() - Number(m[2]) : null;
      }, [n, r.items], { timeout: 20_000, polling: 'raf' })).jsonValue();
    }
    await visitor.page.waitForTimeout(120); // the recorder's batch after the burst (it sends at most every 50 ms)
    const b1 = await busy();
    if (i >= WARMUP) {
      if (settle != null) out.settle.push(settle);
      out.busyMs.push(b1 - b0);
      out.loopMs.push(r.loopMs);
      out.taskMs.push(r.taskMs);
      out.starts.push(r.t0);
    }
  }
  const longs = await visitor.page.evaluate((k) => window.__long.slice(k), longBefore);
  // The burst's own task (it starts just before the loop's t0) holds the page's mutations and rrweb's observer;
  // every other long task in the window is the recorder's alone (batching, JSON, publishing) or the replay's.
  const isBurst = (e) => out.starts.some((t0) => t0 >= e.start - 1 && t0 <= e.start + 5);
  out.long = longs.map((e) => e.ms);
  out.longBurst = longs.filter(isBurst).map((e) => e.ms);
  out.longOther = longs.filter((e) => !isBurst(e)).map((e) => e.ms);
  await cdp.detach();
  console.log(`${label}: ${BURSTS} bursts of 1,000 mutations (after ${WARMUP} warm-up)`);
  if (out.settle.length) {
    console.log(`  mirror settle    p50 ${q(out.settle, 50)} ms   p95 ${q(out.settle, 95)} ms   p99 ${q(out.settle, 99)} ms   max ${Math.max(...out.settle)} ms`);
  }
  console.log(`  burst task       loop p50 ${q(out.loopMs, 50).toFixed(1)} ms; loop + microtasks p50 ${q(out.taskMs, 50).toFixed(1)} ms, p99 ${q(out.taskMs, 99).toFixed(1)} ms, max ${Math.max(...out.taskMs).toFixed(1)} ms`);
  console.log(`  main-thread busy per burst  mean ${mean(out.busyMs).toFixed(1)} ms   p50 ${q(out.busyMs, 50).toFixed(1)} ms   p99 ${q(out.busyMs, 99).toFixed(1)} ms`);
  const fmt = (l) => `${l.length}${l.length ? ` (max ${Math.max(...l).toFixed(0)} ms)` : ''}`;
  console.log(`  long tasks (> 50 ms): ${fmt(out.long)}: the bursts' own tasks ${fmt(out.longBurst)}, other tasks ${fmt(out.longOther)}`);
  return out;
}

try {
  await createAgent(gw, ANN);
  host.page('/', visitorPage(gw, { body: '<p id="bench-marker">-</p><ul id="bench"></ul>', after: PAGE_SCRIPT }));
  const visitor = await openVisitor(browser, host, '/');
  const agent = await openAgent(browser, gw, ANN);
  await startCobrowse(visitor, agent);
  const rec = await runBursts(visitor, agent, 'with the recorder (co-browse active)', 0);
  await agent.page.click('[data-testid="cobrowse-stop"]');
  await visitor.page.waitForFunction(() => window.__events.some((e) => e.topic === '~pagesession/cobrowsing/stop'));
  const base = await runBursts(visitor, null, 'without the recorder (same page, co-browse stopped)', 10_000);
  const recorderMs = mean(rec.busyMs) - mean(base.busyMs);
  const inTask = q(rec.taskMs, 50) - q(base.taskMs, 50);
  console.log(`recorder time per 1,000 mutations: ${recorderMs.toFixed(1)} ms of main thread (busy with ${mean(rec.busyMs).toFixed(1)} − without ${mean(base.busyMs).toFixed(1)}), `
    + `${inTask.toFixed(1)} ms of it inside the burst's own task (p50)`);
  console.log(`long tasks other than the burst's own: ${rec.longOther.length} with the recorder, ${base.longOther.length} without; `
    + `the burst task itself p50 ${q(rec.taskMs, 50).toFixed(1)} ms with, ${q(base.taskMs, 50).toFixed(1)} ms without`);
  await agent.context.close();
  await visitor.context.close();
} finally {
  await browser.close();
  await gw.stop();
  await host.close();
}
