// Fixtures for the hostile-input browser tests (issue 9): a seeded random source, a tap on everything a browser
// context sends to the gateway's bridge (decoded, co-browse chunks joined again), the gateway's own counters, and
// host-page servers on several origins.
import http from 'node:http';
import { chromium } from 'playwright-core';
import { freePort, sockJsFraming } from './helpers.mjs';

/** The seed of every generated input; SC_FUZZ_SEED picks another (print it when a test fails). */
export const SEED = Number(process.env.SC_FUZZ_SEED ?? 90210) >>> 0;

/** mulberry32: a small seeded PRNG with helpers. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: (list) => list[int(list.length)],
    chars: (alphabet, n) => Array.from({ length: n }, () => alphabet[int(alphabet.length)]).join(''),
    shuffle: (list) => {
      const out = list.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
  };
}

/** Every string inside a JSON value (keys too), depth-first. */
function strings(value, out) {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.entries(value).forEach(([k, v]) => { out.push(k); strings(v, out); });
  return out;
}

/**
 * Records everything the pages of `context` send to the gateway's bridge: WebSocket frames of every page (the
 * site-connect frame is an out-of-process iframe; Playwright reports its sockets on the page) and the bodies of
 * SockJS's HTTP transports. `texts` holds the raw frames plus every string inside each decoded bridge message; a
 * co-browse batch sent in parts is joined and decoded again, so a value split across two parts is still found.
 */
export function tapBridge(context) {
  const raw = [];
  const texts = [];
  const parts = new Map(); // rid/seq -> data slices
  const waiters = [];
  const add = (list) => {
    texts.push(...list);
    for (const w of waiters.splice(0)) {
      if (list.some((s) => s.includes(w.token))) w.resolve(); else waiters.push(w);
    }
  };
  const onBridgeMessage = (msg) => {
    const found = strings(msg, []);
    const p = msg && msg.body && msg.body.payload;
    if (p && typeof p.data === 'string' && Number.isInteger(p.parts)) {
      const key = `${p.rid}/${p.seq}`;
      const got = parts.get(key) ?? [];
      got[p.part] = p.data;
      parts.set(key, got);
      if (got.filter((x) => x !== undefined).length === p.parts) {
        const joined = got.join('');
        found.push(joined);
        try { strings(JSON.parse(joined), found); } catch { /* kept as text */ }
      }
    }
    return found;
  };
  const onFrame = (text) => {
    raw.push(text);
    const found = [text];
    let frames = [];
    try { frames = JSON.parse(text); } catch { /* not SockJS framing */ }
    for (const f of Array.isArray(frames) ? frames : []) {
      if (typeof f !== 'string') continue;
      found.push(f);
      try { found.push(...onBridgeMessage(JSON.parse(f))); } catch { /* not a bridge message */ }
    }
    add(found);
  };
  const watch = (page) => page.on('websocket', (ws) => {
    if (ws.url().includes('/eventbus/')) ws.on('framesent', (f) => onFrame(sockJsFraming(typeof f.payload === 'string' ? f.payload : f.payload.toString())));
  });
  context.pages().forEach(watch);
  context.on('page', watch);
  context.on('request', (req) => {
    if (req.method() === 'POST' && req.url().includes('/eventbus/')) onFrame(req.postData() ?? '');
  });
  return {
    raw,
    texts,
    /** Resolves once something sent contains `token` (already sent counts). */
    sent(token, timeout = 20_000) {
      if (texts.some((s) => s.includes(token))) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`nothing sent to the gateway contained ${JSON.stringify(token)} within ${timeout} ms`)), timeout);
        waiters.push({ token, resolve: () => { clearTimeout(t); resolve(); } });
      });
    },
    /** Every needle found in anything sent: [{needle, sample}]. */
    find(needles) {
      const hits = [];
      for (const n of needles) {
        const s = texts.find((x) => x.includes(n.value));
        if (s) {
          const at = s.indexOf(n.value);
          hits.push({ ...n, sample: s.slice(Math.max(0, at - 60), at + n.value.length + 60) });
        }
      }
      return hits;
    },
  };
}

/** The gateway's Prometheus counters, summed by name: {sc_codes_total: 3, …}, or by name and labels with `exact`. */
export async function gatewayMetrics(gw, token) {
  const r = await fetch(`${gw.origin}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (r.status !== 200) throw new Error(`GET /metrics: ${r.status} (is SC_METRICS_TOKEN set for the gateway?)`);
  const out = {};
  for (const line of (await r.text()).split('\n')) {
    const m = /^([a-z_]+)(\{[^}]*\})? ([0-9.eE+-]+)$/.exec(line);
    if (!m) continue;
    out[m[1]] = (out[m[1]] ?? 0) + Number(m[3]);
    if (m[2]) out[m[1] + m[2]] = Number(m[3]);
  }
  return out;
}

/**
 * One HTTP server for host pages, answering on 127.0.0.1:PORT for any Host name: pages are registered by path,
 * and a path may be answered with extra headers. With Chromium's host-resolver rules (see `launchMapped`), the
 * same server is site.example, site.example.evil.tld, … on this port.
 */
export async function startPages() {
  const pages = new Map();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://host').pathname;
    const page = pages.get(path);
    if (!page) return res.writeHead(path === '/favicon.ico' ? 204 : 404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...page.headers });
    res.end(page.html);
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    port,
    page(path, html, headers = {}) {
      pages.set(path, { html, headers });
      return path;
    },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

export const BASE_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

/** Headless Chromium in which every `*.example` and `*.tld` name resolves to 127.0.0.1. */
export function launchMapped() {
  return chromium.launch({
    executablePath: process.env.SC_CHROMIUM || '/usr/bin/chromium',
    args: [...BASE_ARGS, '--host-resolver-rules=MAP *.example 127.0.0.1, MAP *.example. 127.0.0.1, MAP *.tld 127.0.0.1'],
  });
}
