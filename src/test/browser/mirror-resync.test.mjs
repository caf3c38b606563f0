// Co-browse self-healing (issue 16 item 2): the console notices a batch lost in transit (a gap in `seq`), an event
// naming a node the mirror does not have (a replayer warning) and a change lost without a trace (the structure
// digest differs), covers the mirror with "re-syncing", asks the page for
// a fresh full snapshot with the reason, and shows the page as it is again; /metrics counts the re-syncs by reason.
// The loss is made in transit: the agent console's bridge WebSocket runs through page.routeWebSocket, which drops
// (or forges) one server → console frame. Nothing in the product has a test switch.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { launch, startHost } from './helpers.mjs';
import { consoleLogin, createAgent, openConsole, startAgentGateway } from './agent-helpers.mjs';
import { ANN, agentState, enterCode, mirrorWait, openVisitor, visitorPage } from './cobrowse-helpers.mjs';
import { gatewayMetrics } from './hostile-helpers.mjs';
import { diff, normalise } from './mirror-gen.mjs';

const METRICS = `metrics-${randomBytes(8).toString('hex')}`;
let host, gw, browser;

before(async () => {
  process.env.SC_METRICS_TOKEN = METRICS; // the gateway inherits it
  host = await startHost();
  gw = await startAgentGateway({ hostOrigin: host.origin });
  await createAgent(gw, ANN);
  host.page('/', visitorPage(gw));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

/** The console with its bridge socket routed through the test: `tamper(fn)` lets fn see (and drop/alter) one frame. */
async function openTamperedAgent() {
  let tamper = null;
  const { context, page } = await openConsole(browser, gw, {
    beforeGoto: async (p) => {
      await p.context().routeWebSocket(/\/eventbus\//, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((m) => server.send(m));
        server.onMessage((m) => {
          const text = String(m);
          if (process.env.SC_DEBUG_WS && text.includes('dropped')) console.error('WS', text.slice(0, 300));
          if (tamper && text.includes('/events')) {
            const out = tamper(text);
            if (out !== text) { tamper = null; if (out === null) return; ws.send(out); return; }
          }
          ws.send(m);
        });
      });
    },
  });
  await consoleLogin(page, ANN.login, ANN.password);
  return { context, page, tamper(fn) { tamper = fn; } };
}

/** Records every change of the mirror's data-sync state in the console (live → resyncing → live). */
async function watchSync(agent) {
  await agent.page.evaluate(() => {
    window.__sync = [];
    const stage = document.querySelector('[data-testid="cobrowse-mirror"]');
    new MutationObserver(() => {
      const banner = document.querySelector('[data-testid="cobrowse-resyncing"]');
      window.__sync.push(`${stage.getAttribute('data-sync')}${banner && !banner.hidden ? '+banner' : ''}`);
    }).observe(stage, { attributes: true, attributeFilter: ['data-sync'], subtree: true });
  });
}

async function mirrorMatches(visitor, agent) {
  const expected = await visitor.page.evaluate(([src, base]) => new Function(`return (${src})`)()(document, 'visitor', base), [normalise.toString(), visitor.page.url()]);
  try {
    await agent.page.waitForFunction(([src, exp, base]) => {
      const doc = document.querySelector('[data-testid="cobrowse-iframe"]')?.contentDocument;
      try {
        return !!doc?.body && new Function(`return (${src})`)()(doc, 'mirror', base) === exp;
      } catch {
        return false; // a mirror being rebuilt by a fresh snapshot: look again at the next poll
      }
    }, [normalise.toString(), expected, visitor.page.url()], { timeout: 10_000, polling: 100 });
  } catch {
    const actual = await agent.page.evaluate(([src, base]) => new Function(`return (${src})`)()(document.querySelector('[data-testid="cobrowse-iframe"]').contentDocument, 'mirror', base), [normalise.toString(), visitor.page.url()]);
    assert.fail(`the mirror does not equal the page:\n${diff(expected, actual)}`);
  }
}

describe('co-browse self-healing', () => {
  test('a batch lost in transit, an event for an unknown node and a remove lost without a trace: "re-syncing", a fresh snapshot, counted by reason', { timeout: 120_000 }, async () => {
    const visitor = await openVisitor(browser, host, '/');
    const agent = await openTamperedAgent();
    await enterCode(agent, visitor.code);
    await agentState(agent, 'waiting-consent');
    await visitor.frame.waitForSelector('[data-testid="cobrowse-allow"]', { state: 'visible', timeout: 15_000 });
    await visitor.frame.click('[data-testid="cobrowse-allow"]');
    await agentState(agent, 'active');
    await mirrorWait(agent, (doc) => doc.getElementById('title')?.textContent === 'Order 4711');
    const before = await gatewayMetrics(gw, METRICS);
    await watchSync(agent);

    // 1. A gap: the batch carrying "dropped in transit" never reaches the console.
    let dropped = false;
    agent.tamper((frame) => (frame.includes('dropped in transit') ? ((dropped = true), null) : frame));
    await visitor.page.evaluate(() => { document.getElementById('title').textContent = 'dropped in transit'; });
    await visitor.page.waitForFunction(() => true);
    await new Promise((r) => setTimeout(r, 300)); // its own batch (the recorder sends after 50 ms)
    await visitor.page.evaluate(() => {
      const li = document.createElement('li');
      li.textContent = 'after the gap';
      document.getElementById('list').append(li);
    });
    await mirrorWait(agent, (doc) => doc.querySelector('#list li')?.textContent === 'after the gap');
    assert.ok(dropped, 'the test dropped a batch');
    await mirrorMatches(visitor, agent);
    assert.equal(await mirrorWait(agent, (doc) => doc.getElementById('title').textContent), 'dropped in transit', 'the fresh snapshot has the lost change');
    let seen = await agent.page.evaluate(() => window.__sync);
    assert.ok(seen.includes('resyncing+banner'), `the console showed re-syncing: ${JSON.stringify(seen)}`);
    assert.equal(seen[seen.length - 1], 'live');

    // 2. An event naming a node the mirror does not have (forged in transit): the replayer warns → re-sync.
    await agent.page.evaluate(() => { window.__sync = []; });
    await new Promise((r) => setTimeout(r, 1100)); // the page takes one fresh snapshot a second
    let forged = false;
    agent.tamper((frame) => {
      const out = frame.replace(/(\\*"texts\\*":\[\{\\*"id\\*":)\d+/, '$199999999');
      if (out !== frame) forged = true;
      return out;
    });
    await visitor.page.evaluate(() => { document.getElementById('title').firstChild.data = 'text for a node the mirror lacks'; });
    await agent.page.waitForFunction(() => window.__sync.includes('live'), null, { timeout: 15_000 });
    assert.ok(forged, 'the test forged a text change');
    await mirrorMatches(visitor, agent);
    seen = await agent.page.evaluate(() => window.__sync);
    assert.ok(seen.includes('resyncing+banner'), `the console showed re-syncing: ${JSON.stringify(seen)}`);

    // 3. A change lost without a trace (a remove taken out of a batch in transit: no gap, no warning): the mirror
    // keeps a line the page no longer has until the recorder's structure digest differs from the mirror's.
    await agent.page.evaluate(() => { window.__sync = []; });
    await new Promise((r) => setTimeout(r, 1100));
    let silenced = false;
    agent.tamper((frame) => {
      const out = frame.replace(/(\\*"removes\\*":)\[[^\]]+\]/, '$1[]');
      if (out !== frame) silenced = true;
      return out;
    });
    await visitor.page.evaluate(() => document.querySelector('#list li').remove());
    await agent.page.waitForFunction(() => window.__sync.includes('live'), null, { timeout: 15_000 });
    assert.ok(silenced, 'the test took a remove out of a batch');
    await mirrorMatches(visitor, agent);
    seen = await agent.page.evaluate(() => window.__sync);
    assert.ok(seen.includes('resyncing+banner'), `the console showed re-syncing: ${JSON.stringify(seen)}`);

    // /metrics counts all three, by the reason the console gave.
    const afterwards = await gatewayMetrics(gw, METRICS);
    const delta = (reason) => (afterwards[`sc_cobrowse_resyncs_total{reason="${reason}"}`] ?? 0)
      - (before[`sc_cobrowse_resyncs_total{reason="${reason}"}`] ?? 0);
    assert.equal(delta('gap'), 1, JSON.stringify(afterwards));
    assert.equal(delta('missing-node'), 1, JSON.stringify(afterwards));
    assert.equal(delta('digest'), 1, JSON.stringify(afterwards));
    await agent.context.close();
    await visitor.context.close();
  });

  test('resync reasons: an unknown one is refused with 400 and changes nothing', { timeout: 30_000 }, async () => {
    const { rest, restLogin } = await import('./agent-helpers.mjs');
    const token = await restLogin(gw, ANN.login, ANN.password);
    const bad = await rest(gw, 'POST', '/cobrowse/nope/resync', { reason: 'because' }, token);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'bad-request');
    const extra = await rest(gw, 'POST', '/cobrowse/nope/resync', { reason: 'gap', more: 1 }, token);
    assert.equal(extra.status, 400);
  });
});
