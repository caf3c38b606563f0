// The visitor's cost (issue 22 part 5): time from the script tag to `~/site_connect/ready` in headless Chromium, cold
// cache, loopback, while N other pages hold page sessions on the same gateway. A benchmark, not a timed test.
//
//   mvn -q -B -DskipTests package && node src/loadtest/visitor-bench.mjs [--samples 60] [--pages 10000] [--warmup 5]
//   node src/loadtest/visitor-bench.mjs --jar old.jar --jar target/siteconnect-gateway.jar --samples 200 --pages 2000
//
// With --jar (twice or more) each jar runs as its own gateway with --pages other pages of its own, and the samples
// alternate between them (A, B, A, B, …), so both share whatever else the machine is doing: compare them, not the
// absolute figures of a busy machine. `--empty no` skips the series with no other page.
//
// A real gateway (the jar, as the browser tests start it), a host page on another origin with the customer's script
// tag, one headless Chromium. Every sample is a NEW browser context (empty cache, no cookies), one page load:
//   t0     performance.now() in an inline script just before `<script src=GATEWAY/site_connect.js>`, or the start of
//          that script's fetch if Chromium's preload scanner began it earlier
//   ready  performance.now() when `~/site_connect/ready` reaches a subscription made right after the tag
// so it counts downloading site_connect.js, the frame's iframe (HTML, hashed script and style), the WebSocket, the
// hello and the session: what a first-time visitor waits for. First the samples with no other page connected, then
// --pages N other pages are opened over raw WebSockets from this process (page protocol: welcome, hello, session,
// five subscriptions each as the load harness's PageWire, a bridge ping every 20 s) and the samples are taken again.
// --warmup visits before each series are not counted (the gateway's JIT). Each series also prints medians of where
// the time went (resource timing of the host page and of the frame, in ms after the script tag): site_connect.js
// received, the frame's HTML received, the frame's last script/style received; ready minus the last is the
// frame's own start, the WebSocket and the hello; then the waterfall: medians of each step of the critical path,
// timed in the frame by an init script (its navigation and resource timing, when the host page's connect message
// came, and the frame's WebSocket: created, open, welcome, hello sent, session answer). Prints one JSON line at the end.
// The gateway is not pinned to a core here; on a shared machine say so (and the load average) with the figures.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { launch, startGateway, startHost } from '../test/browser/helpers.mjs';

const argv = process.argv.slice(2);
const args = Object.fromEntries(argv.flatMap((a, i) => (a.startsWith('--') ? [[a.slice(2), argv[i + 1]]] : [])));
/** --jar A --jar B: two builds side by side in one run, their samples alternating (A, B, A, B, …). */
const JARS = argv.flatMap((a, i) => (a === '--jar' ? [argv[i + 1]] : []));
const SAMPLES = Number(args.samples ?? 60);
const PAGES = Number(args.pages ?? 10000);
const WARMUP = Number(args.warmup ?? 5);
const SITE = 'acme';

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const q = (list, p) => {
  const s = [...list].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

// ---- N other pages: a minimal WebSocket client (unmasked payloads under a zero mask key) ----------------------------

function frame(text) {
  const body = Buffer.from(text);
  const len = body.length;
  const head = len < 126 ? Buffer.from([0x81, 0x80 | len]) : Buffer.from([0x81, 0x80 | 126, len >> 8, len & 255]);
  return Buffer.concat([head, Buffer.alloc(4), body]); // mask key 0: the payload goes as is
}

/** Opens one page: resolves once its five subscriptions are acked; the socket stays open. */
function openPage(gw, i) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: gw.port, path: '/eventbus/websocket?batch=1',
      headers: {
        Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from(String(i).padStart(16, '0')).toString('base64'), Origin: gw.origin,
      },
    });
    const timer = setTimeout(() => reject(new Error(`page ${i}: set-up timed out`)), 60_000);
    req.on('error', reject);
    req.on('response', (res) => reject(new Error(`page ${i}: HTTP ${res.statusCode}`)));
    req.on('upgrade', (res, socket, rest) => {
      let buf = rest;
      let inbound = null;
      let acks = 0;
      const send = (body) => socket.write(frame(JSON.stringify({ type: 'send', address: inbound, body })));
      const onText = (text) => {
        for (const f of text.startsWith('[') ? JSON.parse(text) : [JSON.parse(text)]) {
          const b = f.body ?? {};
          if (b.op === 'welcome') {
            inbound = b.send;
            send({ op: 'hello', site: SITE });
          } else if (b.op === 'session') {
            const topics = ['bench/fanout', `bench/pair/${i >> 1}/${i & 1 ? 'b' : 'a'}`, `bench/page/${i}`,
              `$sites/${SITE}/chat_button/+`, '~pagesession/show_frame'];
            topics.forEach((filter, k) => send({ op: 'sub', id: `s${k}`, filter }));
          } else if (b.op === 'suback' && ++acks === 5) {
            clearTimeout(timer);
            resolve(socket);
          } else if (b.op === 'busy' || b.op === 'err' || f.type === 'err') {
            reject(new Error(`page ${i}: ${text}`));
          }
        }
      };
      const parse = () => {
        for (;;) {
          if (buf.length < 2) return;
          let len = buf[1] & 127;
          let at = 2;
          if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); at = 4; }
          else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); at = 10; }
          if (buf.length < at + len) return;
          const opcode = buf[0] & 15;
          const payload = buf.subarray(at, at + len);
          buf = buf.subarray(at + len);
          if (opcode === 1 || opcode === 2) onText(payload.toString()); // the gateway sends binary frames
          else if (opcode === 8) socket.destroy();
        }
      };
      socket.on('data', (chunk) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        parse();
      });
      parse(); // the welcome may have come with the 101
      socket.on('close', () => { socket.closedByServer = true; reject(new Error(`page ${i}: closed during set-up`)); });
      socket.on('error', () => {});
    });
    req.end();
  });
}

async function openPages(gw, n) {
  const sockets = [];
  let next = 0;
  const t0 = Date.now();
  const worker = async () => {
    while (next < n) sockets.push(await openPage(gw, next++));
  };
  await Promise.all(Array.from({ length: 200 }, worker)); // 200 in set-up at a time, as the harness
  const s = (Date.now() - t0) / 1000;
  console.log(`${n} pages connected and subscribed in ${s.toFixed(1)} s (${(n / s).toFixed(0)}/s)`);
  let tick = 0; // each page pings once every 20 s, spread over the period (the frame does)
  const ping = frame('{"type":"ping"}');
  const timer = setInterval(() => {
    for (let i = tick++ % 20; i < sockets.length; i += 20) if (!sockets[i].destroyed) sockets[i].write(ping);
  }, 1000);
  return { sockets, stop: () => { clearInterval(timer); sockets.forEach((s) => s.destroy()); } };
}

// ---- the visitor ---------------------------------------------------------------------------------------------------

const host = await startHost();
process.env.SC_SOCKETS_PER_ADDRESS = '10000000'; // every simulated page comes from 127.0.0.1
process.env.SC_SESSIONS_PER_ADDRESS = '10000000';
const gateways = [];
for (const [i, jar] of (JARS.length ? JARS : [undefined]).entries()) {
  const gw = await startGateway({
    jar, hostOrigin: host.origin, sessions: { maxSessions: PAGES + 1000 },
    acl: { subscribe: ['public/#', 'bench/#'], publish: ['public/#', 'bench/#'] },
  });
  gw.label = jar ? `${String.fromCharCode(65 + i)} (${jar})` : 'gateway';
  gw.path = host.page(`/${i}`, `<!doctype html><html><head><meta charset="utf-8"><title>host</title></head><body>
<h1>Customer page</h1>
<script>window.__t0 = performance.now();</script>
<script src="${gw.origin}/site_connect.js" data-code="${SITE}"></script>
<script>
window.__ready = new Promise(function (resolve) {
  site_connect.subscribe('~/site_connect/ready', function () { resolve(performance.now() - window.__t0); });
});
</script>
</body></html>`);
  gateways.push(gw);
}
const browser = await launch();

/** In the frame, before its own scripts: when the connect message came and what its first WebSocket did (epoch ms). */
function frameProbe() {
  if (!location.pathname.startsWith('/frame/')) return;
  const T = {};
  Object.defineProperty(window, '__scT', { value: T });
  const now = () => performance.timeOrigin + performance.now();
  addEventListener('message', (e) => { if (e.data && e.data.type === 'connect' && !T.connect) T.connect = now(); });
  const WS = window.WebSocket;
  window.WebSocket = class extends WS {
    constructor(url, protocols) {
      super(url, protocols);
      if (T.wsNew) return;
      T.wsNew = now();
      this.addEventListener('open', () => { T.wsOpen ??= now(); });
      this.addEventListener('message', (e) => {
        T.welcome ??= now();
        const text = typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data);
        if (!T.session && text.includes('"op":"session"')) T.session = now();
      });
      const send = this.send;
      this.send = (data) => { T.hello ??= now(); send.call(this, data); };
    }
  };
}

/** The steps of the waterfall, in the order of the critical path. */
const STEPS = [
  ['script', 'site_connect.js received'], ['frameStart', 'frame navigation starts'],
  ['htmlReq', "frame's HTML requested"], ['htmlFirst', "frame's HTML: first byte"], ['html', "frame's HTML received"],
  ['cssReq', 'style sheet requested'], ['jsReq', 'module script requested'], ['jsFirst', 'module script: first byte'],
  ['css', 'style sheet received'], ['js', 'module script received'], ['interactive', 'frame parsed (domInteractive)'], ['dcl', 'frame DOMContentLoaded (module ran)'],
  ['load', 'frame load event'], ['connect', "host page's connect message in the frame"],
  ['configStart', '/frame/config requested'], ['config', '/frame/config received'],
  ['wsNew', 'WebSocket created'], ['wsOpen', 'WebSocket open'], ['welcome', 'welcome received'],
  ['hello', 'hello sent'], ['session', 'session answer received'], ['ready', '~/site_connect/ready'],
];

async function sample(gw) {
  const context = await browser.newContext(); // cold: its own empty cache
  try {
    await context.addInitScript(frameProbe);
    const page = await context.newPage();
    await page.goto(`${host.origin}${gw.path}`);
    await page.evaluate(() => window.__ready);
    // Chromium's preload scanner may start fetching site_connect.js before the inline script runs: the clock starts
    // at whichever came first. Where the time went: resource timing of the host page and of the frame.
    const hostT = await page.evaluate(async () => {
      const script = performance.getEntriesByType('resource').find((e) => e.name.includes('/site_connect.js'));
      const t0 = Math.min(window.__t0, script ? script.startTime : Infinity);
      return {
        ready: (await window.__ready) + window.__t0 - t0,
        origin: performance.timeOrigin + t0, // epoch ms
        script: (script ? script.responseEnd : NaN) - t0,
      };
    });
    const ready = hostT.ready;
    const frame = page.frames().find((f) => f.url().includes('/frame/'));
    const frameT = frame ? await frame.evaluate(() => {
      const o = performance.timeOrigin;
      const nav = /** @type {PerformanceNavigationTiming} */ (performance.getEntriesByType('navigation')[0]);
      const res = performance.getEntriesByType('resource');
      const end = (re, k = 'responseEnd') => { const e = res.find((r) => re.test(r.name)); return e ? o + e[k] : NaN; };
      const config = res.find((r) => /\/frame\/config/.test(r.name));
      return {
        frameStart: o, htmlReq: o + nav.requestStart, htmlFirst: o + nav.responseStart, html: o + nav.responseEnd,
        interactive: o + nav.domInteractive, cssReq: end(/\/frame\/styles-[^/]*\.css/, 'requestStart'),
        jsReq: end(/\/frame\/frame-[^/]*\.js/, 'requestStart'), jsFirst: end(/\/frame\/frame-[^/]*\.js/, 'responseStart'), dcl: o + nav.domContentLoadedEventStart, load: o + nav.loadEventStart,
        css: end(/\/frame\/styles-[^/]*\.css/), js: end(/\/frame\/frame-[^/]*\.js/),
        configStart: config ? o + config.startTime : NaN, config: config ? o + config.responseEnd : NaN,
        configRequests: res.filter((r) => /\/frame\/config/.test(r.name)).length, // 2: a preload that was not used
        assets: o + Math.max(...res.filter((r) => !/\/frame\/config/.test(r.name)).map((e) => e.responseEnd)),
        // @ts-ignore set by frameProbe
        ...window.__scT,
      };
    }) : {};
    const at = Object.fromEntries(Object.entries(frameT).map(([k, v]) => [k, v - hostT.origin]));
    return { ...at, configRequests: frameT.configRequests, ready, script: hostT.script, frameHtml: at.html, frameAssets: at.assets };
  } finally {
    await context.close();
  }
}

function summary(label, all, load0) {
  const ms = all.map((x) => x.ready);
  const med = (k) => Math.round(q(all.map((x) => x[k]).filter((v) => Number.isFinite(v)), 50));
  const r = {
    label, samples: ms.length, p50: Math.round(q(ms, 50)), p95: Math.round(q(ms, 95)), p99: Math.round(q(ms, 99)),
    max: Math.round(Math.max(...ms)),
    loadavg: `${load0} → ${loadavg()}`,
    // medians, ms after the script tag: site_connect.js received, the frame's HTML received, its last asset received
    steps: { script: med('script'), frameHtml: med('frameHtml'), frameAssets: med('frameAssets'), ready: med('ready') },
    waterfall: Object.fromEntries(STEPS.map(([k]) => [k, med(k)])),
    configRequests: Math.max(...all.map((x) => x.configRequests ?? 0)), // most requests of /frame/config in one visit
  };
  console.log(`${label}: script tag → ~/site_connect/ready, ${ms.length} cold visits: p50 ${r.p50} ms, ` +
    `p95 ${r.p95} ms, p99 ${r.p99} ms, max ${r.max} ms (goal p95 ≤ 300 ms; ` +
    `load average ${r.loadavg})\n  medians after the script tag: site_connect.js in ${r.steps.script} ms, the frame's HTML in ` +
    `${r.steps.frameHtml} ms, its last script/style in ${r.steps.frameAssets} ms, ready at ${r.steps.ready} ms\n` +
    '  waterfall (medians, ms after the script tag):\n' +
    STEPS.map(([k, what]) => `    ${String(r.waterfall[k]).padStart(5)}  ${what}`).join('\n') +
    `\n  /frame/config requests in one visit: at most ${r.configRequests}`);
  return r;
}

async function series(label) {
  for (let i = 0; i < WARMUP; i++) for (const gw of gateways) await sample(gw);
  const all = gateways.map(() => []);
  const load0 = loadavg();
  for (let i = 0; i < SAMPLES; i++) for (const [g, gw] of gateways.entries()) all[g].push(await sample(gw));
  return gateways.map((gw, g) => summary(gateways.length > 1 ? `${label}, ${gw.label}` : label, all[g], load0));
}

const results = [];
const open = [];
try {
  if (args.empty !== 'no') results.push(...await series('0 other pages'));
  if (PAGES > 0) {
    for (const gw of gateways) open.push(await openPages(gw, PAGES));
    results.push(...await series(`${PAGES} other pages`));
    const lost = open.flatMap((p) => p.sockets).filter((s) => s.destroyed || s.closedByServer).length;
    if (lost) throw new Error(`${lost} of the other pages were closed during the samples`);
  }
} finally {
  open.forEach((p) => p.stop());
  await browser.close();
  for (const gw of gateways) await gw.stop();
  await host.close();
}
console.log(JSON.stringify({ visitorCost: results }));
