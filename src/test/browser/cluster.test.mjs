// Cluster fail-over as a real user sees it (DESIGN §9, docs/DEPLOY.md "Cluster mode"): three gateway nodes on one
// PostgreSQL behind a TCP load balancer (each connection to the first node that accepts it), a visitor on a
// customer's page of another origin chatting with an agent console. The leader — node 0, which hosts the services
// and holds both browsers' connections — dies with SIGKILL; both reconnect through the load balancer by
// themselves, the lines sent meanwhile arrive once each, the contact code stays, the chat button is enabled again.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { freePort, launch, recorded, recordedAll, siteFrame, startHost } from './helpers.mjs';
import {
  chatButtonPage, consoleButtonState, consoleLogin, createAgent, openConsole, rest, restLogin, setAvailable,
  waitConnected, waitWiredButton,
} from './agent-helpers.mjs';
import { acceptFirst, consoleSend, frameSend, waitConsoleTexts, waitFrameTexts } from './chat-helpers.mjs';
import {
  FRAME_LOG, consoleLog, createDatabase, dropDatabase, eventually, peaks, startCluster, startProxy, testPostgres,
  waitStoredLines, watchPeaks,
} from './cluster-helpers.mjs';

const T = { timeout: 150_000 };
const FAILOVER_MS = 45_000; // heartbeats (5 s without one) + the services deployed again + the browsers' backoff
const CAROL = { login: 'carol', name: 'Carol Agent', password: 'carol-secret-password', buttons: ['acme/sales'] };
const PG = testPostgres();
const NO_PG = 'no test PostgreSQL: run `eval "$(bash src/test/pg.sh start)"` first (SC_TEST_PG_* unset)';

if (!PG && process.env.CI) {
  test('cluster fail-over needs the test PostgreSQL', () => {
    throw new Error(`${NO_PG}; CI runs src/test/run.sh, which must provide it`);
  });
}

describe('cluster fail-over in the browser', { skip: PG ? false : NO_PG }, () => {
  let host, db, proxy, cluster, browser, gw;
  let failed = false;

  before(async () => {
    host = await startHost();
    db = createDatabase(PG);
    const proxyPort = await freePort();
    const httpPorts = [await freePort(), await freePort(), await freePort()];
    proxy = await startProxy(proxyPort, httpPorts);
    const adminPassword = `adm-${randomBytes(12).toString('base64url')}`;
    cluster = await startCluster({ httpPorts, hostOrigin: host.origin, publicOrigin: proxy.origin, db, adminPassword });
    // What the browsers and the REST calls see: the load balancer.
    gw = { origin: proxy.origin, adminPassword, consoleUrl: `${proxy.origin}/agent/` };
    await createAgent(gw, CAROL);
    host.page('/shop', chatButtonPage(gw, '<p>Your code: <span data-site-connect-code></span></p>'));
    browser = await launch();
  });

  after(async () => {
    if (failed && cluster) {
      const where = cluster.saveLogs('browser-failover');
      if (where) console.error(`node outputs kept in ${where}`);
    }
    await browser?.close().catch(() => {});
    await cluster?.stop().catch(() => {});
    await proxy?.close();
    await host?.close();
    if (db) dropDatabase(PG, db);
  });

  test('SIGKILL the leader mid-chat: visitor and console reconnect by themselves, every line once, same code, button enabled', T, async (t) => {
    try {
      await scenario(t);
    } catch (e) {
      failed = true;
      t.diagnostic(`load balancer picks (node per connection): ${JSON.stringify(proxy.picks)}`);
      throw e;
    }
  });

  async function scenario(t) {
    const t0 = Date.now();
    const step = (what) => t.diagnostic(`${String(Date.now() - t0).padStart(6)} ms  ${what}`);
    // The agent: console through the load balancer (node 0), available for acme/sales.
    step('start');
    const agent = await openConsole(browser, gw);
    await consoleLogin(agent.page, CAROL.login, CAROL.password);
    await setAvailable(agent.page, 'acme/sales', true);
    await consoleButtonState(agent.page, 'acme/sales', 'enabled');

    // The visitor, on the customer's page (another origin), chats.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const sockets = []; // the frame's bridge WebSockets (an out-of-process iframe: reported on the page)
    page.on('websocket', (ws) => { if (ws.url().includes('/eventbus/')) sockets.push(ws); });
    await page.goto(host.origin + '/shop');
    const { code } = await recorded(page, '~/site_connect/ready');
    assert.match(code, /^\d{6}$/);
    await waitWiredButton(page, true, 'sales', 15_000);
    await page.click('[data-site-connect-chat-button="sales"]');
    const frame = await siteFrame(page);
    await frame.waitForSelector('[data-testid="chat-waiting"]', { state: 'visible' });
    const id = await acceptFirst(agent.page);
    await frame.waitForSelector('#sc-panel-chat[data-view="chat"]');
    assert.equal(await frame.textContent('.sc-big'), code, 'the frame shows the code');
    assert.equal(await page.textContent('[data-site-connect-code]'), code, 'the page shows the code');

    const v1 = 'visitor before the crash';
    const a1 = 'agent before the crash';
    await frameSend(frame, v1);
    await waitConsoleTexts(agent.page, id, [v1]);
    await consoleSend(agent.page, id, a1);
    await waitFrameTexts(frame, [v1, a1]);
    await waitConsoleTexts(agent.page, id, [v1, a1]);

    // Everything so far went through node 0: the leader holds both browsers' connections.
    assert.ok(proxy.picks.length > 0 && proxy.picks.every((n) => n === 0), `all on node 0: ${JSON.stringify(proxy.picks)}`);
    const picksBefore = proxy.picks.length;
    const frameSockets = sockets.length;
    const consoleSockets = agent.sockets.length;
    step('a line each way through node 0');
    await watchPeaks(frame, FRAME_LOG);
    await watchPeaks(agent.page, consoleLog(id));

    // The leader dies.
    await cluster.nodes[0].kill();
    const killedAt = Date.now();
    step('node 0 (the leader) killed');

    // The visitor types a line right away, while the frame is reconnecting.
    await frame.waitForFunction(() => document.body.dataset.status !== 'live', null, { timeout: 15_000 });
    const v2 = 'visitor during the fail-over';
    await frameSend(frame, v2);
    step('the visitor typed a line while the frame reconnects');
    // The agent answers while the console is reconnecting too.
    await agent.page.waitForSelector('#conn-state:not([data-state="live"])', { timeout: 15_000 });
    const a2 = 'agent during the fail-over';
    await consoleSend(agent.page, id, a2);
    const a2TypedAt = Date.now();
    step('the agent typed a line while the console reconnects');

    // Both come back by themselves, through the load balancer, on a surviving node.
    await frame.waitForFunction(() => document.body.dataset.status === 'live', null, { timeout: FAILOVER_MS });
    await waitConnected(agent.page, FAILOVER_MS);
    const back = Date.now() - killedAt;
    step(`both browsers live again, ${back} ms after the SIGKILL`);
    assert.ok(sockets.length > frameSockets, 'the frame opened a new connection');
    assert.ok(agent.sockets.length > consoleSockets, 'the console opened a new connection');
    const since = proxy.picks.slice(picksBefore);
    assert.ok(since.length > 0 && since.every((n) => n === 1), `after the crash, node 1 took every connection: ${JSON.stringify(since)}`);

    // Every line once on each side, stored, in the same order on both sides and in the transcript.
    // A REST call made in the first moment after the crash (the agent's line) may go to the dead node and be lost;
    // the gateway answers it 503 after its 5 s service deadline and the console resends it.
    const all = [v1, a1, v2, a2];
    const shownFrame = await waitStoredLines(frame, FRAME_LOG, all);
    step('the frame shows every line once, stored');
    const shownConsole = await waitStoredLines(agent.page, consoleLog(id), all);
    const agentLineMs = Date.now() - a2TypedAt;
    step(`the console shows every line once, stored (the agent's line ${agentLineMs} ms after it was typed)`);
    assert.ok(agentLineMs < 20_000, `the agent's line was stored ${agentLineMs} ms after it was typed (> 20 s)`);
    const bySeq = (lines) => [...lines].sort((x, y) => x.seq - y.seq).map((l) => l.text);
    assert.deepEqual(shownFrame.map((l) => l.text), bySeq(shownFrame), 'the frame shows the lines by seq');
    assert.deepEqual(shownConsole.map((l) => l.text), bySeq(shownConsole), 'the console shows the lines by seq');
    assert.equal(new Set(shownFrame.map((l) => l.seq)).size, all.length, 'no seq twice in the frame');
    assert.deepEqual(shownConsole.map((l) => [l.seq, l.text]), shownFrame.map((l) => [l.seq, l.text]), 'both sides agree');
    assert.deepEqual(shownFrame.slice(0, 2).map((l) => l.text), [v1, a1], 'the lines before the crash come first');
    for (const [side, p] of [['frame', await peaks(frame)], ['console', await peaks(agent.page)]]) {
      for (const line of all) assert.equal(p[line], 1, `the ${side} never showed "${line}" twice: ${JSON.stringify(p)}`);
    }
    const token = await restLogin(gw, CAROL.login, CAROL.password);
    const transcript = await eventually(async () => {
      const r = await rest(gw, 'GET', `/chats/${id}/messages`, undefined, token);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.messages.filter((m) => m.from !== 'system').map((m) => m.text);
    });
    assert.deepEqual(transcript, shownFrame.map((l) => l.text), 'the transcript (REST): each line once, as shown');
    step('every line once on both sides and in the transcript');

    // The same contact code: the frame resumed its page session, the page was told of no new one.
    assert.equal(await frame.textContent('.sc-big'), code, 'the frame shows the same code');
    assert.equal(await page.textContent('[data-site-connect-code]'), code, 'the page shows the same code');
    assert.deepEqual(await recordedAll(page, '~/site_connect/new_code'), [], 'no new code');
    assert.deepEqual(await page.evaluate(() => new Promise((resolve) => {
      const sub = window.site_connect.subscribe('~/site_connect/ready', (msg) => {
        window.site_connect.unsubscribe(sub);
        resolve(msg);
      });
    })), { code }, 'the retained ~/site_connect/ready still has the code');

    // The chat button is enabled again (it may show disabled while the new leader takes over): console, REST, page.
    await consoleButtonState(agent.page, 'acme/sales', 'enabled', FAILOVER_MS);
    await eventually(async () => {
      const me = await rest(gw, 'GET', '/me', undefined, token);
      assert.equal(me.status, 200, JSON.stringify(me.body));
      const b = me.body.buttons.find((x) => x.site === 'acme' && x.id === 'sales');
      assert.deepEqual({ available: b?.available, enabled: b?.enabled }, { available: true, enabled: true },
        `GET /api/v1/me: ${JSON.stringify(me.body.buttons)}`);
    }, FAILOVER_MS);
    await waitWiredButton(page, true, 'sales', FAILOVER_MS);
    step('the chat button is enabled again (console, REST, page)');

    // The chat still works both ways on the new leader.
    await frameSend(frame, 'visitor after the fail-over');
    await waitConsoleTexts(agent.page, id, [...shownFrame.map((l) => l.text), 'visitor after the fail-over']);
    assert.ok(cluster.nodes.slice(1).some((n) => /takes over the services/.test(n.output())), 'a surviving node took over');
    step('a line after the fail-over arrived');
    await context.close();
    await agent.context.close();
  }
});
