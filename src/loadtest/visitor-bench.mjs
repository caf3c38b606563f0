// The visitor's cost (issue 22 part 5): time from the script tag to `~/site_connect/ready` in headless Chromium, cold
// cache, loopback, while N other pages hold page sessions on the same gateway. A benchmark, not a timed test.
//
//   mvn -q -B -DskipTests package && node src/loadtest/visitor-bench.mjs [--samples 60] [--pages 10000] [--warmup 5]
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
// frame's own start, the WebSocket and the hello. Prints one JSON line at the end.
// The gateway is not pinned to a core here; on a shared machine say so (and the load average) with the figures.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { launch, startGateway, startHost } from '../test/browser/helpers.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
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
const gw = await startGateway({
  hostOrigin: host.origin, sessions: { maxSessions: PAGES + 1000 },
  acl: { subscribe: ['public/#', 'bench/#'], publish: ['public/#', 'bench/#'] },
});
host.page('/', `<!doctype html><html><head><meta charset="utf-8"><title>host</title></head><body>
<h1>Customer page</h1>
<script>window.__t0 = performance.now();</script>
<script src="${gw.origin}/site_connect.js" data-code="${SITE}"></script>
<script>
window.__ready = new Promise(function (resolve) {
  site_connect.subscribe('~/site_connect/ready', function () { resolve(performance.now() - window.__t0); });
});
</script>
</body></html>`);
const browser = await launch();

async function sample() {
  const context = await browser.newContext(); // cold: its own empty cache
  try {
    const page = await context.newPage();
    await page.goto(`${host.origin}/`);
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
    const frameT = frame ? await frame.evaluate(() => ({
      origin: performance.timeOrigin,
      html: performance.getEntriesByType('navigation')[0]?.responseEnd,
      assets: Math.max(...performance.getEntriesByType('resource').map((e) => e.responseEnd)),
    })) : null;
    return {
      ready,
      script: hostT.script,
      html: frameT ? frameT.origin + frameT.html - hostT.origin : NaN,
      assets: frameT ? frameT.origin + frameT.assets - hostT.origin : NaN,
    };
  } finally {
    await context.close();
  }
}

async function series(label) {
  for (let i = 0; i < WARMUP; i++) await sample();
  const all = [];
  const load0 = loadavg();
  for (let i = 0; i < SAMPLES; i++) all.push(await sample());
  const ms = all.map((x) => x.ready);
  const med = (k) => Math.round(q(all.map((x) => x[k]).filter((v) => Number.isFinite(v)), 50));
  const r = {
    label, samples: ms.length, p50: Math.round(q(ms, 50)), p95: Math.round(q(ms, 95)), p99: Math.round(q(ms, 99)),
    max: Math.round(Math.max(...ms)),
    loadavg: `${load0} → ${loadavg()}`,
    // medians, ms after the script tag: site_connect.js received, the frame's HTML received, its last asset received
    steps: { script: med('script'), frameHtml: med('html'), frameAssets: med('assets'), ready: med('ready') },
  };
  console.log(`${label}: script tag → ~/site_connect/ready, ${ms.length} cold visits: p50 ${r.p50} ms, ` +
    `p95 ${r.p95} ms, p99 ${r.p99} ms, max ${r.max} ms (goal p95 ≤ 300 ms; ` +
    `load average ${r.loadavg})\n  medians after the script tag: site_connect.js in ${r.steps.script} ms, the frame's HTML in ` +
    `${r.steps.frameHtml} ms, its last script/style in ${r.steps.frameAssets} ms, ready at ${r.steps.ready} ms`);
  return r;
}

const results = [];
let pages;
try {
  results.push(await series('0 other pages'));
  if (PAGES > 0) {
    pages = await openPages(gw, PAGES);
    results.push(await series(`${PAGES} other pages`));
    const lost = pages.sockets.filter((s) => s.destroyed || s.closedByServer).length;
    if (lost) throw new Error(`${lost} of the ${PAGES} other pages were closed during the samples`);
  }
} finally {
  pages?.stop();
  await browser.close();
  await gw.stop();
  await host.close();
}
console.log(JSON.stringify({ visitorCost: results }));
