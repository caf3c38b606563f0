// Cost of the recorder's masking (issue 16), not a test: the time the visitor's browser spends on one full snapshot
// (rrweb's serialisation plus the recorder's maskEvent) and on a burst of changes, on a generated page with open
// shadow roots, same-origin iframes and masked regions, for the recorder in webroot/ and for another recorder file.
//
// Run: mvn -q -B -DskipTests package && node src/test/browser/bench-mask.mjs [other-recorder.js] [runs=30]
import { readFileSync } from 'node:fs';
import { launch, startHost, ROOT } from './helpers.mjs';

const OTHER = process.argv[2] || null;
const RUNS = Number(process.argv[3] || 30);
const RRWEB = readFileSync(`${ROOT}node_modules/rrweb/dist/rrweb.umd.min.cjs`, 'utf8'); // what the jar serves, hashed

/** 12 sections × (40 rows of text, a shadow host with 20 rows, an iframe with 20 rows), every third section masked. */
function pageLib() {
  const row = (doc, i) => { const p = doc.createElement('p'); p.title = 'row ' + i; p.textContent = 'Row ' + i + ' text with some words'; return p; };
  const deep = document.getElementById('deep');
  for (let s = 0; s < 12; s++) {
    const sec = document.createElement('section');
    if (s % 3 === 0) sec.setAttribute('data-site-connect-mask', '');
    for (let i = 0; i < 40; i++) sec.appendChild(row(document, i));
    const host = document.createElement('div');
    const root = host.attachShadow({ mode: 'open' });
    for (let i = 0; i < 20; i++) root.appendChild(row(document, i));
    sec.appendChild(host);
    const f = document.createElement('iframe');
    sec.appendChild(f);
    deep.appendChild(sec);
    for (let i = 0; i < 20; i++) f.contentDocument.body.appendChild(row(f.contentDocument, i));
  }
}

/** A page with the generated content and `recorderSrc` recording it (publishes counted, nothing sent). */
async function open(browser, host, recorderSrc) {
  const page = await browser.newPage();
  await page.route('**/vendor/rrweb/rrweb.min.js', (r) => r.fulfill({ body: RRWEB, contentType: 'text/javascript' }));
  await page.goto(`${host.origin}/bench`);
  await page.evaluate(pageLib.toString().replace(/^function pageLib\(\) \{/, '').replace(/\}$/, ''));
  await page.addScriptTag({ content: recorderSrc });
  await page.evaluate(async () => {
    window.__subs = {};
    window.__events = 0;
    const api = { gatewayOrigin: location.origin, publish: () => { window.__events++; }, subscribe: (t, fn) => { window.__subs[t] = fn; return t; }, unsubscribe() {} };
    window.site_connect_recorder.start(api, { cobrowse_id: 'bench' });
    for (let i = 0; i < 200 && !window.__events; i++) await new Promise((r) => setTimeout(r, 25));
  });
  return page;
}

/** One round: a full snapshot (synchronous: rrweb's serialisation and its emit, maskEvent inside) and 200 changes. */
const round = (page, i) => page.evaluate(async (n) => {
  await new Promise((r) => setTimeout(r, 1100)); // the recorder takes at most one snapshot a second
  const t0 = performance.now();
  window.__subs['~pagesession/cobrowsing/resync']();
  const snapshot = performance.now() - t0;
  const ps = Array.from(document.querySelectorAll('#deep p')).slice(0, 200);
  const t1 = performance.now();
  ps.forEach((p, k) => { p.textContent = 'Edited ' + n + ' ' + k; p.title = 'changed ' + k; });
  await new Promise((r) => setTimeout(r, 0)); // rrweb's MutationObserver callback (and maskEvent) ran before this
  return { snapshot, burst: performance.now() - t1 };
}, i);

const med = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];

const host = await startHost();
host.page('/bench', '<!doctype html><html><head><meta charset="utf-8"></head><body><div id="deep"></div></body></html>');
const browser = await launch();
try {
  const recorders = [['webroot', readFileSync(`${ROOT}webroot/cobrowse/recorder.js`, 'utf8')]];
  if (OTHER) recorders.push(['other', readFileSync(OTHER, 'utf8')]);
  const pages = [];
  for (const [, src] of recorders) pages.push(await open(browser, host, src));
  const results = recorders.map(() => ({ snapshot: [], burst: [] }));
  for (let i = 0; i < RUNS; i++) { // interleaved, so a busy moment of the machine costs both alike
    for (let k = 0; k < pages.length; k++) {
      const r = await round(pages[k], i);
      results[k].snapshot.push(r.snapshot);
      results[k].burst.push(r.burst);
    }
  }
  recorders.forEach(([label], k) => console.log(`${label.padEnd(8)} full snapshot median ${med(results[k].snapshot).toFixed(1)} ms   `
    + `200 text+attribute changes median ${med(results[k].burst).toFixed(1)} ms   (${RUNS} rounds)`));
  if (OTHER) {
    console.log(`ratio webroot/other: snapshot ${(med(results[0].snapshot) / med(results[1].snapshot)).toFixed(2)}, `
      + `changes ${(med(results[0].burst) / med(results[1].burst)).toFixed(2)}`);
  }
} finally {
  await browser.close();
  await host.close();
}
