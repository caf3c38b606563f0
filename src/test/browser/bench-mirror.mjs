// Mirror latency: a visitor's DOM change → the agent's mirror shows it, for one co-browse session (not a test:
// `node --test src/test/browser/` does not pick this file up). Both browser contexts run in one Chromium, so both
// read the same clock: the visitor writes Date.now() into the page, a MutationObserver in the console takes the
// difference when the mirror shows it.
//
// Run: mvn -q -B -DskipTests package && node src/test/browser/bench-mirror.mjs [samples=200]
import { launch, startHost } from './helpers.mjs';
import { createAgent, startAgentGateway } from './agent-helpers.mjs';
import { ANN, openAgent, openVisitor, startCobrowse, visitorPage } from './cobrowse-helpers.mjs';

const SAMPLES = Number(process.argv[2] || 200);
const WARMUP = 10;

const host = await startHost();
const gw = await startAgentGateway({ hostOrigin: host.origin });
const browser = await launch();
try {
  await createAgent(gw, ANN);
  host.page('/', visitorPage(gw));
  const visitor = await openVisitor(browser, host, '/');
  const agent = await openAgent(browser, gw, ANN);
  await startCobrowse(visitor, agent);
  await agent.page.evaluate(() => {
    const doc = document.querySelector('[data-testid="cobrowse-iframe"]').contentDocument;
    window.__lat = new Map();
    new MutationObserver(() => {
      const m = /^#(\d+) at (\d+)$/.exec(doc.getElementById('title')?.textContent || '');
      if (m && !window.__lat.has(Number(m[1]))) window.__lat.set(Number(m[1]), Date.now() - Number(m[2]));
    }).observe(doc, { subtree: true, childList: true, characterData: true });
  });

  const lat = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    // Irregular gaps, so changes land anywhere relative to the recorder's 50 ms batches.
    await visitor.page.waitForTimeout(30 + Math.floor(Math.random() * 170));
    await visitor.page.evaluate((n) => { document.getElementById('title').textContent = `#${n} at ${Date.now()}`; }, i);
    const ms = await (await agent.page.waitForFunction((n) => window.__lat.get(n), i, { timeout: 10_000 })).jsonValue();
    if (i >= WARMUP) lat.push(ms);
  }
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.ceil((p / 100) * lat.length) - 1)];
  const mean = lat.reduce((a, b) => a + b, 0) / lat.length;
  console.log(`mirror latency, visitor DOM change → agent view, ${lat.length} samples (after ${WARMUP} warm-up):`);
  console.log(`  p50 ${q(50)} ms   p90 ${q(90)} ms   p99 ${q(99)} ms   min ${lat[0]} ms   max ${lat[lat.length - 1]} ms   mean ${mean.toFixed(1)} ms`);
  await agent.context.close();
  await visitor.context.close();
} finally {
  await browser.close();
  await gw.stop();
  await host.close();
}
