// Cost of the recorder's masking (issue 16), not a test: the time the visitor's browser spends on one full snapshot
// (rrweb's serialisation plus the recorder's maskEvent) and on a burst of changes, on a generated page with open
// shadow roots, same-origin iframes and masked regions, for the recorder in webroot/ and for another recorder file.
//
// Run: mvn -q -B -DskipTests package && node src/test/browser/bench-mask.mjs [other-recorder.js] [runs=30]
import { readFileSync } from 'node:fs';
import { launch, startHost, ROOT } from './helpers.mjs';

const OTHER = process.argv[2] || null;
const RUNS = Number(process.argv[3] || 30);
const RRWEB = readFileSync(`${ROOT}target/classes/webroot/vendor/rrweb/rrweb.min.js`, 'utf8');

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

async function measure(browser, host, recorderSrc, label) {
  const page = await browser.newPage();
  await page.route('**/vendor/rrweb/rrweb.min.js', (r) => r.fulfill({ body: RRWEB, contentType: 'text/javascript' }));
  await page.goto(`${host.origin}/bench`);
  await page.evaluate(pageLib.toString().replace(/^function pageLib\(\) \{/, '').replace(/\}$/, ''));
  await page.addScriptTag({ content: recorderSrc });
  const result = await page.evaluate(async (runs) => {
    const subs = {};
    let events = 0;
    const api = { gatewayOrigin: location.origin, publish: () => { events++; }, subscribe: (t, fn) => { subs[t] = fn; return t; }, unsubscribe() {} };
    window.site_connect_recorder.start(api, { cobrowse_id: 'bench' });
    for (let i = 0; i < 200 && !events; i++) await new Promise((r) => setTimeout(r, 25));
    const snap = [];
    const burst = [];
    for (let i = 0; i < runs; i++) {
      await new Promise((r) => setTimeout(r, 1100)); // the recorder takes at most one snapshot a second
      const t0 = performance.now();
      subs['~pagesession/cobrowsing/resync'](); // synchronous: rrweb's snapshot and its emit (maskEvent) run inside
      snap.push(performance.now() - t0);
      const ps = Array.from(document.querySelectorAll('#deep p')).slice(0, 200);
      const t1 = performance.now();
      ps.forEach((p, k) => { p.textContent = 'Edited ' + i + ' ' + k; p.title = 'changed ' + k; });
      await new Promise((r) => setTimeout(r, 0)); // rrweb's MutationObserver callback (and maskEvent) run before this
      burst.push(performance.now() - t1);
    }
    window.site_connect_recorder.stop('bench');
    const med = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
    return { snapshot: med(snap), burst: med(burst) };
  }, RUNS);
  await page.close();
  console.log(`${label.padEnd(10)} full snapshot median ${result.snapshot.toFixed(1)} ms   200 text+attribute changes median ${result.burst.toFixed(1)} ms`);
  return result;
}

const host = await startHost();
host.page('/bench', '<!doctype html><html><head><meta charset="utf-8"></head><body><div id="deep"></div></body></html>');
const browser = await launch();
try {
  const here = readFileSync(`${ROOT}webroot/cobrowse/recorder.js`, 'utf8');
  const a = await measure(browser, host, here, 'webroot');
  if (OTHER) {
    const b = await measure(browser, host, readFileSync(OTHER, 'utf8'), 'other');
    console.log(`ratio webroot/other: snapshot ${(a.snapshot / b.snapshot).toFixed(2)}, changes ${(a.burst / b.burst).toFixed(2)}`);
  }
} finally {
  await browser.close();
  await host.close();
}
