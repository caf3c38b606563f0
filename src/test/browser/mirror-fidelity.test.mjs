// Co-browse fidelity (issue 16): generated pages and mutation sequences on a real visitor page (another origin than
// the gateway, site_connect.js as a customer embeds it), a real co-browse with consent, and the mirror in the REAL agent
// console (rrweb's Replayer in its sandboxed iframe). When the stream settles the mirror must equal the visitor's DOM
// on the normalised view of mirror-gen.mjs. Zero divergences allowed.
//
//   SC_MIRROR_SEQUENCES=2000  how many sequences (default 200)
//   SC_MIRROR_FIRST_SEED=<n>  the first seed of the run (default 1), so a range of the long mode can be re-run
//   SC_MIRROR_SEED=<seed>     replays exactly that one sequence (a failure prints its seed and this command)
//   SC_MIRROR_WARNINGS=1      print the recorder's and the console's warnings (what each re-sync was for)
//   SC_MIRROR_SHOTS=<dir>     screenshots of the visitor and the mirror after the last sequence
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ROOT, launch, startHost } from './helpers.mjs';
import { createAgent, startAgentGateway } from './agent-helpers.mjs';
import { ANN, agentState, enterCode, openAgent, openVisitor, startCobrowse, visitorPage } from './cobrowse-helpers.mjs';
import { EXT_JS, diff, framePage, genFragment, genSequence, normalise, pageLib, rng } from './mirror-gen.mjs';

const SEQUENCES = Number(process.env.SC_MIRROR_SEQUENCES || 200);
const ONE_SEED = process.env.SC_MIRROR_SEED ? Number(process.env.SC_MIRROR_SEED) : null;
const FIRST_SEED = Number(process.env.SC_MIRROR_FIRST_SEED || 1);
const NAVIGATE_EVERY = 25; // a seed divisible by this loads a new page (a full snapshot) instead of resetting the body
const SETTLE_MS = 8000; // a mirror that is not equal within this long after the visitor's last change diverged
const VIEWPORT = { width: 1024, height: 700 };
const MAX_FAILURES = Number(process.env.SC_MIRROR_MAX_FAILURES || 3); // stop early: each costs SETTLE_MS

let host, gw, browser;

before(async () => {
  host = await startHost();
  gw = await startAgentGateway({ hostOrigin: host.origin });
  await createAgent(gw, ANN);
  host.page('/gen/ext.js', EXT_JS);
  for (let i = 0; i < 3; i++) host.page(`/gen/frame-${i}`, framePage(i));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

/** How often the console found its mirror out of step, by reason (its "out of step (reason)" warnings). */
function resyncReasons(warnings) {
  const out = {};
  for (const w of warnings) {
    const m = /out of step \(([a-z-]+)\)/.exec(w);
    if (m) out[m[1]] = (out[m[1]] || 0) + 1;
  }
  return out;
}

/** The command that replays `seed` alone, and the one that re-runs the long mode from it. */
function replayCommand(seed) {
  const test = 'node --test --test-concurrency=1 --test-name-pattern=generated src/test/browser/mirror-fidelity.test.mjs';
  return `SC_MIRROR_SEED=${seed} ${test}; from there on: SC_MIRROR_FIRST_SEED=${seed} SC_MIRROR_SEQUENCES=${Math.max(1, FIRST_SEED + SEQUENCES - seed)} SC_MIRROR_MAX_FAILURES=${SEQUENCES} ${test}`;
}

/** A visitor page for `seed`: the order form of the other co-browse tests and a generated arena. */
function genPage(seed) {
  const path = `/gen/page-${seed}`;
  host.page(path, visitorPage(gw, {
    body: `<div id="arena">${genFragment(rng(seed ^ 0x5eed), 2, 8)}</div>`,
    after: `<script>(${pageLib})()</script>`,
  }));
  return path;
}

async function visitorView(page) {
  await page.evaluate(() => window.__gen.frames());
  return page.evaluate(([src, base]) => new Function(`return (${src})`)()(document, 'visitor', base), [normalise.toString(), page.url()]);
}

/** Waits until the mirror's view equals `expected`; the diff when it does not within SETTLE_MS. */
async function mirrorEquals(agent, expected, base) {
  try {
    await agent.page.waitForFunction(([exp, b]) => {
      const doc = document.querySelector('[data-testid="cobrowse-iframe"]')?.contentDocument;
      return !!doc && !!doc.body && window.__norm(doc, 'mirror', b) === exp;
    }, [expected, base], { timeout: SETTLE_MS, polling: 50 });
    return '';
  } catch {
    const actual = await agent.page.evaluate((b) => {
      const doc = document.querySelector('[data-testid="cobrowse-iframe"]')?.contentDocument;
      return doc && doc.body ? window.__norm(doc, 'mirror', b) : '(no mirror document)';
    }, base);
    return diff(expected, actual) || '(equal on the last look: the mirror was late)';
  }
}

/** Runs sequence `seed` on the visitor's page: a fresh page or a reset body, then its steps. */
async function runSequence(visitor, seed) {
  const r = rng(seed);
  if (seed % NAVIGATE_EVERY === 0) {
    await visitor.page.goto(host.origin + genPage(seed));
  } else {
    const html = genFragment(r, 2, 4 + r.int(6));
    await visitor.page.evaluate((h) => window.__gen.reset(h), html);
  }
  const size = visitor.page.viewportSize();
  if (size.width !== VIEWPORT.width || size.height !== VIEWPORT.height) await visitor.page.setViewportSize(VIEWPORT);
  const steps = genSequence(r);
  let chunk = [];
  for (const s of [...steps, { end: true }]) {
    if (s.resize || s.end) {
      if (chunk.length) await visitor.page.evaluate((c) => window.__gen.apply(c), chunk);
      chunk = [];
      if (s.resize) await visitor.page.setViewportSize(s.resize);
    } else {
      chunk.push(s);
    }
  }
}

describe('co-browse mirror fidelity', () => {
  test(`generated pages and mutation sequences mirror exactly (${ONE_SEED ?? SEQUENCES} sequence${ONE_SEED != null ? ' seed ' + ONE_SEED : 's'})`,
    { timeout: Math.max(600_000, SEQUENCES * 3_000) }, async (t) => {
      const seeds = ONE_SEED != null ? [ONE_SEED] : Array.from({ length: SEQUENCES }, (_, i) => FIRST_SEED + i);
      const visitor = await openVisitor(browser, host, genPage(seeds[0] * 7919 + 1));
      const agent = await openAgent(browser, gw, ANN);
      await startCobrowse(visitor, agent);
      await agent.page.evaluate((src) => { window.__norm = new Function(`return (${src})`)(); }, normalise.toString());
      const warnings = [];
      visitor.page.on('console', async (m) => {
        if (!/Couldn't|not found|failed/i.test(m.text())) return;
        let what = '';
        try { what = await m.args()[1]?.evaluate((n) => `${n.nodeName} ${(n.outerHTML || n.data || '').slice(0, 80)} in ${n.parentNode?.nodeName}`) ?? ''; } catch { /* gone */ }
        warnings.push(`${m.text()} ${what}`);
      });
      agent.page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') warnings.push('console: ' + m.text()); });
      const started = Date.now();
      const failures = [];
      let settle = [];
      for (const seed of seeds) {
        await runSequence(visitor, seed);
        const t0 = Date.now();
        const expected = await visitorView(visitor.page);
        const problem = await mirrorEquals(agent, expected, visitor.page.url());
        settle.push(Date.now() - t0);
        if (settle.length % 250 === 0) console.error(`${settle.length} sequences, ${failures.length} divergences, ${((Date.now() - started) / 1000).toFixed(0)} s`);
        if (problem) {
          failures.push(seed);
          t.diagnostic(`DIVERGENCE seed ${seed} (replay: ${replayCommand(seed)})`);
          console.error(`DIVERGENCE seed ${seed} (replay: ${replayCommand(seed)})\n${problem}`);
          if (failures.length >= MAX_FAILURES) break;
        }
      }
      if (process.env.SC_MIRROR_SHOTS) {
        const dir = process.env.SC_MIRROR_SHOTS;
        await visitor.page.screenshot({ path: `${dir}/generated-visitor.png` });
        await agent.page.locator('[data-testid="cobrowse-mirror"]').screenshot({ path: `${dir}/generated-mirror.png` });
      }
      settle.sort((a, b) => a - b);
      t.diagnostic(`${seeds.length} sequences, ${failures.length} divergences, ${((Date.now() - started) / 1000).toFixed(1)} s; `
        + `settle p50 ${settle[Math.floor(settle.length / 2)]} ms, max ${settle[settle.length - 1]} ms; warnings (healed by a fresh snapshot) ${warnings.filter((x) => /Couldn't/.test(x)).length}; `
        + `console re-syncs by reason ${JSON.stringify(resyncReasons(warnings))}`);
      if ((failures.length || process.env.SC_MIRROR_WARNINGS) && warnings.length) console.error('warnings:\n' + warnings.slice(0, process.env.SC_MIRROR_WARNINGS ? 200 : 10).join('\n'));
      assert.deepEqual(failures, [], `divergent seeds: ${failures.join(', ')}`);
      await agent.context.close();
      await visitor.context.close();
    });

  test('nodes moved out of and into shadow roots, and a moved host with adopted sheets, mirror without a re-sync', { timeout: 120_000 }, async () => {
    const path = '/gen/shadow-moves';
    host.page(path, visitorPage(gw, {
      body: '<div id="arena"><div id="a" data-shadow="1"></div><div id="b" data-shadow="2"></div><ul id="light"><li id="l1">light one</li></ul></div>',
      after: `<script>(${pageLib})()</script>`,
    }));
    const visitor = await openVisitor(browser, host, path);
    const agent = await openAgent(browser, gw, ANN);
    await startCobrowse(visitor, agent);
    await agent.page.evaluate((src) => { window.__norm = new Function(`return (${src})`)(); }, normalise.toString());
    const outOfStep = [];
    agent.page.on('console', (m) => { if (/out of step/.test(m.text())) outOfStep.push(m.text()); });
    const settled = async (what) => {
      const problem = await mirrorEquals(agent, await visitorView(visitor.page), visitor.page.url());
      assert.equal(problem, '', `${what}: the mirror differs`);
    };
    await settled('at the start');
    await visitor.page.evaluate(() => { // out of a shadow root into the light DOM, then a change to the moved node
      const span = document.getElementById('a').shadowRoot.querySelector('span');
      document.getElementById('light').append(span);
    });
    await visitor.page.evaluate(() => { document.querySelector('#light > span em').textContent = 'moved out'; });
    await settled('a node moved out of a shadow root');
    await visitor.page.evaluate(() => { // from the light DOM into a shadow root, and from one shadow root into another
      document.getElementById('b').shadowRoot.append(document.getElementById('l1'));
      document.getElementById('b').shadowRoot.append(document.getElementById('a').shadowRoot.querySelector('p'));
    });
    await visitor.page.evaluate(() => { document.getElementById('b').shadowRoot.getElementById('l1').textContent = 'moved in'; });
    await settled('nodes moved into a shadow root');
    await visitor.page.evaluate(() => { // a host with an adopted sheet, moved
      const sheet = new CSSStyleSheet();
      sheet.replaceSync('p { color: rgb(1, 2, 3); }');
      document.getElementById('b').shadowRoot.adoptedStyleSheets = [sheet];
    });
    await settled('a sheet adopted');
    await visitor.page.evaluate(() => { document.getElementById('light').append(document.getElementById('b')); });
    await settled('the host moved');
    assert.deepEqual(outOfStep, [], 'the console had to re-sync');
    await agent.context.close();
    await visitor.context.close();
  });

  test('the demo page\'s "Topics received" list mirrors exactly after many topics', { timeout: 120_000 }, async () => {
    // The demo page as shipped (webroot/demo/), served by the host on another origin with the gateway's script.
    const html = readFileSync(`${ROOT}webroot/demo/index.html`, 'utf8').replace('/demo/demo.css', `${gw.origin}/demo/demo.css`);
    host.page('/demo/', html);
    host.page('/demo/demo.js', readFileSync(`${ROOT}webroot/demo/demo.js`, 'utf8')
      .replace("location.origin + '/site_connect.js'", JSON.stringify(`${gw.origin}/site_connect.js`)));
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const warnings = [];
    page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
    await page.goto(`${host.origin}/demo/?site=acme`);
    await page.waitForFunction(() => /^\d+$/.test(document.getElementById('wwwchannelme').textContent));
    const agent = await openAgent(browser, gw, ANN);
    await enterCode(agent, await page.textContent('#wwwchannelme'));
    await agentState(agent, 'waiting-consent');
    const frame = await (await page.waitForSelector('#channelme-siteconnect-container iframe', { state: 'attached' })).contentFrame();
    await frame.click('[data-testid="cobrowse-allow"]');
    await agentState(agent, 'active');
    for (let i = 0; i < 80; i++) {
      await page.evaluate((n) => site_connect.publish('~pagesession/demo/tick', { n }), i);
      if (i % 7 === 0) await page.waitForTimeout(15); // some in one task, some spread over batches
    }
    // Poll both sides (the console's CSP allows no eval, which waitForFunction needs) until the mirror has settled.
    const readVisitor = () => page.evaluate(() => Array.from(document.querySelectorAll('#demo-log li')).map((li) => li.textContent));
    const readMirror = () => agent.page.evaluate(() => {
      const doc = document.querySelector('[data-testid="cobrowse-iframe"]')?.contentDocument;
      return doc ? Array.from(doc.querySelectorAll('#demo-log li')).map((li) => li.textContent) : [];
    });
    let visitorLines = await readVisitor();
    let mirrored = await readMirror();
    for (const deadline = Date.now() + 15_000; Date.now() < deadline && JSON.stringify(mirrored) !== JSON.stringify(visitorLines);) {
      await new Promise((r) => setTimeout(r, 100));
      visitorLines = await readVisitor();
      mirrored = await readMirror();
    }
    assert.ok(visitorLines.length >= 80, `the visitor's list has ${visitorLines.length} lines`);
    assert.equal(mirrored.length, visitorLines.length, `the mirror shows ${mirrored.length} of ${visitorLines.length} lines`);
    assert.deepEqual(mirrored, visitorLines);
    assert.deepEqual(warnings.filter((w) => /Couldn't/.test(w)), []);
    if (process.env.SC_MIRROR_SHOTS) {
      await page.screenshot({ path: `${process.env.SC_MIRROR_SHOTS}/demo-visitor.png` });
      await agent.page.locator('[data-testid="cobrowse-mirror"]').screenshot({ path: `${process.env.SC_MIRROR_SHOTS}/demo-mirror.png` });
    }
    await agent.context.close();
    await context.close();
  });
});
