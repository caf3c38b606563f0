// The co-browse mirror's two walls, in Chromium on the gateway origin (the agent console's page): generated XSS
// vectors go in as rrweb events (a full snapshot, then the same vectors again as mutations, attribute changes and
// CSS rule events) through window.scCobrowse.createMirror — the console's own path: scSanitize, then rrweb's
// Replayer in live mode in an iframe sandboxed exactly `allow-same-origin`. Nothing may execute: a canary global
// in the console page and a request counter on the gateway origin both stay at zero. A control replays the same
// vectors without the sanitiser into a scripts-allowed iframe and must see them execute, so the canary can see.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, startHost } from './helpers.mjs';
import { startAgentGateway } from './agent-helpers.mjs';
import { vectors, vectorEvents } from './cobrowse-helpers.mjs';

const T = { timeout: 120_000 };
let host, gw, browser;

before(async () => {
  host = await startHost();
  gw = await startAgentGateway({ hostOrigin: host.origin });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
});

/**
 * A page on the gateway origin with the console's co-browse scripts and rrweb loaded; counts canary requests.
 * `noCsp`: without the console's Content-Security-Policy (which the mirror inherits), to test the other walls alone.
 */
async function mirrorPage({ noCsp = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: noCsp });
  const page = await context.newPage();
  const requests = [];
  await context.route('**/__canary/**', (route) => {
    requests.push(route.request().url());
    return route.fulfill({ status: 204, body: '' });
  });
  await page.goto(`${gw.origin}/agent/`);
  await page.evaluate(async () => {
    window.__scHits = [];
    window.__scHit = (n) => window.__scHits.push(n);
    const add = (src) => new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error(`${src} did not load`));
      document.head.append(s);
    });
    if (!window.scSanitize) await add('/agent/sanitize.js');
    if (!window.scCobrowse) await add('/agent/cobrowse.js');
    await window.scCobrowse.loadRrweb();
  });
  return { context, page, requests };
}

/** Feeds `batches` (arrays of events) to a mirror made in the page; returns what the mirror's document holds. */
function replay(page, batches, { unprotected = false, sanitised = false } = {}) {
  return page.evaluate(async ({ batches, unprotected, sanitised }) => {
    const root = document.createElement('div');
    root.id = unprotected ? 'control-root' : 'mirror-root';
    document.body.append(root);
    let iframe;
    let add;
    if (unprotected) { // rrweb's replayer with scripts allowed, with or without the sanitiser
      const r = new window.rrweb.Replayer([], { root, liveMode: true, UNSAFE_replayCanvas: true, showWarning: false });
      const clean = sanitised ? window.scSanitize.create() : (e) => e;
      r.startLive(Date.now());
      iframe = r.iframe;
      add = (raw) => {
        const events = raw.map(clean).filter(Boolean);
        const shift = Date.now() - events[events.length - 1].timestamp;
        events.forEach((e) => r.addEvent({ ...e, timestamp: e.timestamp + shift }));
      };
    } else {
      const m = window.scCobrowse.createMirror(root);
      iframe = m.iframe;
      add = (events) => m.add(events);
    }
    for (const b of batches) {
      add(JSON.parse(JSON.stringify(b)));
      await new Promise((r) => setTimeout(r, 20));
    }
    return { sandbox: iframe.getAttribute('sandbox') };
  }, { batches, unprotected, sanitised });
}

/** What the mirror built: marker count, and anything dangerous left in its DOM. */
function inspect(page, rootId, expected) {
  return page.waitForFunction(([id, n]) => {
    const doc = document.querySelector(`#${id} iframe`)?.contentDocument;
    if (!doc || !doc.getElementById('sc-ok') || doc.querySelectorAll('[data-vector]').length < n) return null;
    const bad = [];
    const url = /(java|vb|live)script:|data:text\/html/;
    const norm = (v) => window.scSanitize.normalise(v);
    for (const e of doc.querySelectorAll('*')) {
      const tag = e.localName;
      if (['script', 'base', 'object', 'embed', 'applet', 'frame', 'frameset', 'portal'].includes(tag)) bad.push(`<${tag}>`);
      if (tag === 'meta' && e.hasAttribute('http-equiv')) bad.push('<meta http-equiv>');
      for (const a of e.attributes) {
        const name = a.name.toLowerCase();
        if (name.startsWith('on') || name.includes(':on') || name === 'srcdoc' || name === 'formaction') bad.push(`${tag}[${name}]`);
        else if (url.test(norm(a.value)) && !(tag === 'img' && name === 'src' && a.value.startsWith('data:image/'))) bad.push(`${tag}[${name}=${a.value.slice(0, 40)}]`);
        else if (name === 'style' && /expression\(|javascript:/.test(norm(a.value))) bad.push(`${tag}[style]`);
      }
      if (['iframe', 'frame'].includes(tag) && e.getAttribute('src')) bad.push(`${tag}[src]`);
    }
    const sheets = Array.from(doc.querySelectorAll('style')).map((s) => s.textContent).join('\n');
    if (/expression\(|javascript:/.test(norm(sheets))) bad.push('<style> with expression()/javascript:');
    return { markers: doc.querySelectorAll('[data-vector]').length, bad };
  }, [rootId, expected], { timeout: 30_000 }).then((h) => h.jsonValue());
}

describe('co-browse sanitiser and sandbox', () => {
  test('≥ 500 generated XSS vectors fed as rrweb events never execute in the console', T, async () => {
    const list = vectors(gw.origin);
    assert.ok(list.length >= 500, `only ${list.length} vectors`);
    const { batches, markers } = vectorEvents(list);
    const { context, page, requests } = await mirrorPage();

    const { sandbox } = await replay(page, batches);
    assert.equal(sandbox, 'allow-same-origin', 'the mirror iframe is sandboxed exactly allow-same-origin');
    const seen = await inspect(page, 'mirror-root', markers);
    assert.equal(seen.markers, markers, 'every vector was built into the mirror');
    assert.deepEqual(seen.bad, [], 'nothing dangerous is left in the mirror DOM');

    // Handlers fire within milliseconds (the control shows it); give stragglers (meta refresh, timers) a while.
    await page.waitForTimeout(2_000);
    assert.deepEqual(await page.evaluate(() => window.__scHits), [], 'the canary global was never touched');
    assert.deepEqual(requests, [], 'no canary request was made');
    assert.equal(await page.evaluate(() => document.querySelector('#mirror-root iframe').getAttribute('sandbox')),
      'allow-same-origin');
    await context.close();
  });

  test('control: the same vectors without the sanitiser in a scripts-allowed iframe do execute', T, async (t) => {
    // Tag names the DOM refuses would make the unprotected replayer throw on the whole snapshot: leave them out.
    const { batches } = vectorEvents(vectors(gw.origin).filter((v) => /^[A-Za-z][\w:.-]*$/.test(v.el.tag)));
    const { context, page, requests } = await mirrorPage({ noCsp: true });
    await replay(page, batches, { unprotected: true });
    await page.waitForFunction(() => window.__scHits.length >= 20, null, { timeout: 30_000 });
    assert.ok(requests.length > 0, 'the request counter sees executed vectors');
    t.diagnostic(`unprotected: ${await page.evaluate(() => new Set(window.__scHits).size)} vectors ran, ${requests.length} canary requests`);
    await context.close();
  });

  test('the sanitiser alone stops every vector, even in an iframe where scripts are allowed', T, async () => {
    const list = vectors(gw.origin);
    const { batches, markers } = vectorEvents(list);
    const { context, page, requests } = await mirrorPage({ noCsp: true });
    const { sandbox } = await replay(page, batches, { unprotected: true, sanitised: true });
    assert.equal(sandbox, 'allow-same-origin allow-scripts', 'this run has no sandbox wall');
    const seen = await inspect(page, 'control-root', markers);
    assert.equal(seen.markers, markers);
    assert.deepEqual(seen.bad, []);
    await page.waitForTimeout(2_000);
    assert.deepEqual(await page.evaluate(() => window.__scHits), [], 'the canary global was never touched');
    assert.deepEqual(requests, [], 'no canary request was made');
    await context.close();
  });

  test('the sanitiser alone: scripts, handlers, script URLs, frames, base, meta, CSS are neutralised', T, async () => {
    const { context, page } = await mirrorPage();
    const out = await page.evaluate(() => {
      const s = window.scSanitize.create();
      const full = s({ type: 2, timestamp: 1, data: { initialOffset: { top: 0, left: 0 }, node: { type: 0, id: 1, childNodes: [
        { type: 2, id: 2, tagName: 'ScRiPt', attributes: { src: 'x.js' }, childNodes: [{ type: 3, id: 3, textContent: 'alert(1)' }] },
        { type: 2, id: 4, tagName: 'img', attributes: { src: 'x', OnErRoR: 'alert(1)', alt: 'fine' }, childNodes: [] },
        { type: 2, id: 5, tagName: 'a', attributes: { href: 'jav&#x09;ascript:alert(1)' }, childNodes: [] },
        { type: 2, id: 6, tagName: 'iframe', attributes: { srcdoc: '<script>alert(1)</script>', src: 'https://x.test/' }, childNodes: [] },
        { type: 2, id: 7, tagName: 'base', attributes: { href: 'https://evil.test/' }, childNodes: [] },
        { type: 2, id: 8, tagName: 'meta', attributes: { 'HTTP-EQUIV': 'refresh', content: '0;url=javascript:alert(1)' }, childNodes: [] },
        { type: 2, id: 9, tagName: 'div', attributes: { style: 'width:expression(alert(1));color:red' }, childNodes: [] },
        { type: 2, id: 10, tagName: 'style', attributes: {}, childNodes: [{ type: 3, id: 11, textContent: 'a{background:url( "javascript:alert(1)")}' }] },
        { type: 2, id: 12, tagName: 'img', attributes: { src: 'data:image/png;base64,AAAA' }, childNodes: [] },
      ] } } });
      const kids = full.data.node.childNodes;
      const mut = s({ type: 3, timestamp: 2, data: { source: 0, texts: [{ id: 11, value: 'b{width:e\\78pression(alert(1))}' }],
        attributes: [{ id: 4, attributes: { onload: 'alert(1)', src: ' JAVASCRIPT:alert(1)', title: 'ok' } },
          { id: 6, attributes: { srcdoc: 'x', src: 'data:text/html,x' } }],
        removes: [], adds: [{ parentId: 1, nextId: null, node: { type: 2, id: 20, tagName: 'svg:script', isSVG: true, attributes: {}, childNodes: [] } }] } });
      return {
        tags: kids.map((k) => k.tagName),
        img: kids[1].attributes, a: kids[2].attributes, iframe: kids[3].attributes, style: kids[6].attributes.style,
        css: kids[7].childNodes[0].textContent, png: kids[8].attributes.src,
        text: mut.data.texts[0].value, attrs: mut.data.attributes.map((m) => m.attributes), added: mut.data.adds[0].node.tagName,
        custom: s({ type: 5, timestamp: 3, data: { tag: 'x', payload: {} } }),
      };
    });
    assert.deepEqual(out.tags, ['sc-removed', 'img', 'a', 'iframe', 'sc-removed', 'sc-removed', 'div', 'style', 'img']);
    assert.deepEqual(out.img, { src: 'x', alt: 'fine' });
    assert.deepEqual(out.a, {});
    assert.deepEqual(out.iframe, {});
    assert.equal(out.style, 'width:invalid(alert(1));color:red');
    assert.equal(out.css, 'a{background:url("about:invalid#alert(1)")}');
    assert.equal(out.png, 'data:image/png;base64,AAAA');
    assert.equal(out.text, '', 'an escaped expression() drops the whole sheet text');
    assert.deepEqual(out.attrs, [{ title: 'ok' }, {}]);
    assert.equal(out.added, 'sc-removed');
    assert.equal(out.custom, null);
    await context.close();
  });
});
