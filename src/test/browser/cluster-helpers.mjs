// Fixtures for the cluster browser test: a scratch database on the test PostgreSQL (src/test/pg.sh), gateway nodes
// forming one Hazelcast cluster on loopback, and a small TCP load balancer in front of them (what browsers see).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, SITE, freePort } from './helpers.mjs';
import { launchJar } from './chat-helpers.mjs';

const JAR = process.env.SC_GATEWAY_JAR || join(ROOT, 'target/siteconnect-gateway.jar');


// ---- the test PostgreSQL ----

/** The SC_TEST_PG_* exports of `bash src/test/pg.sh start`, or null when there are none. */
export function testPostgres() {
  const e = process.env;
  if (!e.SC_TEST_PG_PORT || !e.SC_TEST_PG_PASSWORD) return null;
  return {
    host: e.SC_TEST_PG_HOST || '127.0.0.1',
    port: Number(e.SC_TEST_PG_PORT),
    user: e.SC_TEST_PG_USER || 'siteconnect',
    password: e.SC_TEST_PG_PASSWORD,
    database: e.SC_TEST_PG_DB || 'siteconnect',
  };
}

function psql(pg, sql) {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', pg.host, '-p', String(pg.port), '-U', pg.user,
    '-d', pg.database, '-c', sql], { env: { ...process.env, PGPASSWORD: pg.password }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
}

/** A new empty database on the test server; returns the `data.postgres` block a node's conf names it with. */
export function createDatabase(pg) {
  const database = `sc_b_${randomBytes(6).toString('hex')}`;
  psql(pg, `CREATE DATABASE ${database}`);
  return { ...pg, database };
}

export function dropDatabase(pg, db) {
  psql(pg, `DROP DATABASE IF EXISTS ${db.database} WITH (FORCE)`);
}

// ---- the load balancer ----

/**
 * A TCP proxy on 127.0.0.1:`port`: each incoming connection is piped to the first of `targets` (ports on
 * 127.0.0.1, in order) that accepts the TCP connection. `picks` lists, per connection that the target answered
 * (its first bytes back), the index of the target (or -1 when none would take it). Counting answers, not TCP
 * accepts: a node being killed can still complete a handshake from its accept queue, then answers nothing.
 */
export async function startProxy(port, targets) {
  const sockets = new Set();
  const picks = [];
  const track = (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {}); // a reset is a close; nothing to report
  };
  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    track(client);
    let upstream = null;
    client.on('close', () => upstream?.destroy());
    const attempt = (i) => {
      if (client.destroyed) return;
      if (i >= targets.length) {
        picks.push(-1);
        client.destroy();
        return;
      }
      const up = net.connect({ port: targets[i], host: '127.0.0.1' });
      let connected = false;
      up.on('error', () => { if (!connected) attempt(i + 1); });
      up.once('connect', () => {
        connected = true;
        upstream = up;
        track(up);
        up.once('data', () => picks.push(i));
        if (client.destroyed) return up.destroy();
        up.setNoDelay(true);
        client.setNoDelay(true);
        up.on('close', () => client.destroy()); // the node died or closed: so does the browser's connection
        client.pipe(up);
        up.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    picks,
    close: () => new Promise((r) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => r());
    }),
  };
}

// ---- the nodes ----

function launchNode(index, file, env) {
  const { proc, ready, exited, output } = launchJar(file, env, { label: `node ${index}`, timeoutMs: 90_000 });
  return {
    index,
    proc,
    ready,
    exited,
    output,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    /** Resolves once the node printed something matching `re` (it may have already). */
    printed(re, timeout = 45_000) {
      return new Promise((resolve, reject) => {
        if (re.test(output())) return resolve();
        const t = setTimeout(() => {
          proc.stdout.off('data', check);
          proc.stderr.off('data', check);
          reject(new Error(`node ${index} did not print ${re} within ${timeout} ms\n--- output ---\n${output()}`));
        }, timeout);
        function check() {
          if (re.test(output())) {
            clearTimeout(t);
            proc.stdout.off('data', check);
            proc.stderr.off('data', check);
            resolve();
          }
        }
        proc.stdout.on('data', check);
        proc.stderr.on('data', check);
      });
    },
    /** SIGKILL: no drain, no goodbye to the cluster; resolves once the process is gone. */
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * `count` gateway nodes in one cluster on the database `db`, site `acme` (button `sales`) allowed on
 * `hostOrigin`, every node with `publicOrigin` (the load balancer's origin). Node 0 starts alone (so it is the
 * oldest member: the leader hosting the services), then the others side by side. `httpPorts` are the nodes' HTTP
 * ports (chosen before, so the load balancer can know them).
 */
export async function startCluster({ count = 3, httpPorts, hostOrigin, publicOrigin, db, adminPassword, extra = {} }) {
  if (!existsSync(JAR)) throw new Error(`${JAR} is missing: run mvn -q -B -DskipTests package first`);
  const dir = mkdtempSync(join(tmpdir(), 'sc-cluster-'));
  const name = `sc-browser-${process.pid}-${randomBytes(4).toString('hex')}`;
  const clusterPorts = [];
  for (let i = 0; i < count; i++) clusterPorts.push(await freePort());
  const members = clusterPorts.map((p) => `127.0.0.1:${p}`);
  const files = [];
  for (let i = 0; i < count; i++) {
    const data = join(dir, `data-${i}`);
    mkdirSync(data);
    const file = join(dir, `node-${i}.json`);
    writeFileSync(file, JSON.stringify({
      http: { host: '127.0.0.1', port: httpPorts[i], publicOrigin },
      sessions: { maxSessions: 100, codeLength: 6 },
      client: { retryMax: 5, retryBaseMs: 200, retryMaxMs: 2000 },
      sites: [{ key: SITE, origins: [hostOrigin], buttons: [{ id: 'sales', name: 'Sales' }] }],
      agents: { passwordIterations: 10_000, disconnectGraceSeconds: 60 },
      ops: { drainSeconds: 2 },
      data: { dir: data, postgres: { host: db.host, port: db.port, database: db.database, user: db.user, password: db.password } },
      cluster: { enabled: true, name, port: clusterPorts[i], members },
      ...extra, // more keys (sso-cluster test: sso)
    }, null, 2));
    files.push(file);
  }
  const env = { SC_ADMIN_PASSWORD: adminPassword };
  const nodes = [];
  const cluster = {
    dir,
    nodes,
    httpPorts,
    /** Every node's output, kept in target/cluster-logs/ for a post-mortem (as ClusterNodes.java does). */
    saveLogs(tag = 'browser') {
      try {
        const logs = join(ROOT, 'target', 'cluster-logs');
        mkdirSync(logs, { recursive: true });
        const run = `${Date.now()}-${tag}`;
        nodes.forEach((n) => writeFileSync(join(logs, `${run}-node-${n.index}.log`), n.output()));
        return logs;
      } catch {
        return null; // only a diagnostic
      }
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.kill()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    nodes.push(launchNode(0, files[0], env));
    await nodes[0].ready;
    for (let i = 1; i < count; i++) nodes.push(launchNode(i, files[i], env));
    await Promise.all(nodes.slice(1).map((n) => n.ready));
  } catch (e) {
    cluster.saveLogs('failed-start');
    await cluster.stop(); // no node outlives a failed start
    throw e;
  }
  return cluster;
}

// ---- waiting ----

/** Runs `check` until it stops throwing (every 250 ms: there is no event to await from outside the cluster). */
export async function eventually(check, timeout = 30_000) {
  const until = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Waits until the chat log in `scope` (a page or frame) shows exactly the texts in `want` (any order), each one
 * stored (it has a seq, no pending state) and none twice, system lines left out; returns the lines as shown.
 */
export async function waitStoredLines(scope, { log, text }, want, timeout = 45_000) {
  const read = () => scope.evaluate(([l, t]) => Array.from(document.querySelectorAll(`${l} > li`))
    .filter((li) => li.dataset.from !== 'system')
    .map((li) => ({ from: li.dataset.from, text: li.querySelector(t)?.textContent ?? '',
      seq: li.dataset.seq ? Number(li.dataset.seq) : null, state: li.dataset.state || null })), [log, text]);
  try {
    await scope.waitForFunction(([l, t, w]) => {
      const got = Array.from(document.querySelectorAll(`${l} > li`)).filter((li) => li.dataset.from !== 'system');
      if (got.length !== w.length) return false;
      if (got.some((li) => !li.dataset.seq || li.dataset.state)) return false;
      const texts = got.map((li) => li.querySelector(t)?.textContent ?? '').sort();
      return JSON.stringify(texts) === JSON.stringify([...w].sort());
    }, [log, text, want], { timeout });
  } catch {
    throw new Error(`the chat log shows ${JSON.stringify(await read().catch((e) => e.message))}, expected each of ${JSON.stringify(want)} once, stored`);
  }
  return read();
}

/**
 * Watches the chat log under `log` in `scope` from now on and keeps, per text, the most times it was ever shown
 * at once (system lines left out): `peaks(scope)` reads it. A duplicate that is shown and later removed is seen.
 */
export function watchPeaks(scope, { log, text }) {
  return scope.evaluate(([l, t]) => {
    window.__peaks = {};
    const count = () => {
      const n = {};
      document.querySelectorAll(`${l} > li`).forEach((li) => {
        if (li.dataset.from === 'system') return;
        const s = li.querySelector(t)?.textContent ?? '';
        n[s] = (n[s] || 0) + 1;
      });
      for (const [s, k] of Object.entries(n)) window.__peaks[s] = Math.max(window.__peaks[s] || 0, k);
    };
    count();
    new MutationObserver(count).observe(document.body, { childList: true, subtree: true, characterData: true });
  }, [log, text]);
}

export const peaks = (scope) => scope.evaluate(() => window.__peaks);

/** Where the frame and the console keep a chat's lines. */
export const FRAME_LOG = { log: '#sc-panel-chat [data-testid="chat-log"]', text: '.sc-msg-text' };
export const consoleLog = (id) => ({ log: `[data-testid="chat-pane"][data-chat="${id}"] [data-testid="chat-log"]`, text: '.scc-text' });
