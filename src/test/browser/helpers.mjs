// Shared fixtures for the browser tests: the gateway jar on a free port, a host-page server on ANOTHER origin
// (http://localhost:PORT, while the gateway is http://127.0.0.1:PORT), and headless Chromium.
// The tests build nothing: run `mvn -q -B -DskipTests package` first (or set SC_GATEWAY_JAR).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const JAR = process.env.SC_GATEWAY_JAR || join(ROOT, 'target/siteconnect-gateway.jar');
const CHROMIUM = process.env.SC_CHROMIUM || '/usr/bin/chromium';
const READY_LINE = 'SiteConnect gateway up';
export const SITE = 'acme';

const running = new Set(); // gateway processes, killed on exit whatever happens
process.on('exit', () => running.forEach((p) => p.kill('SIGKILL')));

/**
 * A port nothing listens on, below Linux's ephemeral range (32768–60999): one the kernel hands out can become the
 * source port of some client connection before the gateway binds it (TestGateway.freePort says the same).
 */
export async function freePort() {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 15000 + Math.floor(Math.random() * 17000);
    const free = await new Promise((resolve) => {
      const s = net.createServer();
      s.unref();
      s.on('error', () => resolve(false));
      s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 15000-31999');
}

/**
 * Starts `java -jar target/siteconnect-gateway.jar -conf <tmpfile>` on 127.0.0.1 and resolves once it prints
 * its ready line. `conf` is merged over a test configuration whose site `acme` allows `hostOrigin`. `jar`: another
 * build of the gateway (src/loadtest/visitor-bench.mjs compares two).
 */
export async function startGateway({ hostOrigin, sessions = {}, client = {}, acl, sites, port, demo = false, jar = JAR } = {}) {
  if (!existsSync(jar)) throw new Error(`${jar} is missing: run mvn -q -B -DskipTests package first`);
  port ??= await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const conf = {
    http: { host: '127.0.0.1', port, publicOrigin: origin },
    sessions: { maxSessions: 100, codeLength: 6, ...sessions },
    client: { retryMax: 3, retryBaseMs: 200, retryMaxMs: 1000, ...client },
    acl: acl ?? { subscribe: ['public/#'], publish: ['public/#'] },
    sites: [...(sites ?? [{ key: SITE, origins: [hostOrigin] }]), ...(demo ? [{ key: 'demo', origins: [origin] }] : [])],
  };
  const dir = mkdtempSync(join(tmpdir(), 'sc-gw-'));
  // Each gateway its own embedded database: parallel gateways must not share (and lock) one H2 file.
  conf.data ??= { dir: join(dir, 'data') };
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(conf, null, 2));
  // The browser code is served from the jar (siteconnect/webroot/, bundled by src/build/bundle.mjs): rebuild it after
  // editing webroot/.
  const proc = spawn('java', ['-jar', jar, '-conf', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('gateway not up within 60 s')), 60_000);
    const fail = (err) => {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(new Error(`${err.message}\n--- gateway output ---\n${output}`));
    };
    const onData = (chunk) => {
      output += chunk;
      if (output.includes(READY_LINE)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => fail(new Error(`gateway exited with ${code} before it was up`)));
  });
  return {
    origin,
    port,
    output: () => output,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(t);
      }
      running.delete(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A tiny HTTP server for host pages. Pages are registered by path; the same server answers on two origins:
 * `origin` (http://localhost:PORT, the one the tests allow) and `otherOrigin` (http://127.0.0.1:PORT).
 */
export async function startHost() {
  const pages = new Map();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://host').pathname;
    if (path === '/favicon.ico') return res.writeHead(204).end();
    const html = pages.get(path);
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html ?? 'not found');
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    port,
    origin: `http://localhost:${port}`,
    otherOrigin: `http://127.0.0.1:${port}`,
    page(path, html) {
      pages.set(path, html);
      return path;
    },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

/** A host page as a customer writes it: `#wwwchannelme` plus the script tag from the gateway. */
export function hostPage(gateway, { script = `data-code="${SITE}"`, body = '', after = RECORDER, path = 'site_connect.js' } = {}) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>host</title></head><body>
<h1>Customer page</h1>
${body}
<script src="${gateway}/${path}" ${script}></script>
${after}
</body></html>`;
}

/** Runs right after the script tag: records every `~/…` message from the very start in window.__events. */
export const RECORDER = `<script>
window.__events = [];
site_connect.subscribe('~/#', function (msg, info) { window.__events.push({ topic: info.topic, msg: msg }); });
</script>`;

/** Waits until the page recorded a message on `topic` and returns the first one. */
export async function recorded(page, topic, timeout = 30_000) {
  await page.waitForFunction((t) => window.__events.some((e) => e.topic === t), topic, { timeout });
  return page.evaluate((t) => window.__events.find((e) => e.topic === t).msg, topic);
}

/** Every message the page recorded on `topic`, in order. */
export function recordedAll(page, topic) {
  return page.evaluate((t) => window.__events.filter((e) => e.topic === t).map((e) => e.msg), topic);
}

/** The site-connect frame inside a page, once it is attached. */
export async function siteFrame(page) {
  const el = await page.waitForSelector('#channelme-siteconnect-container iframe', { state: 'attached' });
  return el.contentFrame();
}

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** Resolves with the first message on `filter` ({msg, topic}). */
export function nextMessage(page, filter) {
  return page.evaluate((f) => new Promise((resolve) => {
    const id = window.site_connect.subscribe(f, (msg, info) => {
      window.site_connect.unsubscribe(id);
      resolve({ msg, topic: info.topic });
    });
  }), filter);
}

/**
 * One message a page sent over a bridge WebSocket, as SockJS frames it (`["{…bridge frame…}"]`): the frame's plain
 * WebSocket to /eventbus/websocket sends the bridge frame itself, SockJS's websocket transport an array of them.
 * The recorders below keep every message in the SockJS form, so that one assertion reads either.
 */
export const sockJsFraming = (text) => (text.startsWith('{') ? JSON.stringify([text]) : text);

/**
 * Records every frame the site-connect frame (an out-of-process iframe: Playwright reports its sockets on the
 * page) sends to the gateway over its WebSocket (in SockJS framing, see sockJsFraming). `waitFor(pred)` resolves
 * once a sent frame satisfies pred.
 */
export function recordFrameTraffic(page) {
  const sent = [];
  const waiters = [];
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/eventbus/')) return;
    ws.on('framesent', (f) => {
      const text = sockJsFraming(typeof f.payload === 'string' ? f.payload : f.payload.toString());
      sent.push(text);
      for (const w of waiters.splice(0)) if (w.pred(text)) w.resolve(text); else waiters.push(w);
    });
  });
  return {
    sent,
    waitFor: (pred) => new Promise((resolve) => {
      const hit = sent.find(pred);
      if (hit) resolve(hit); else waiters.push({ pred, resolve });
    }),
  };
}
