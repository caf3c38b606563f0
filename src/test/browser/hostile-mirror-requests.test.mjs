// Issue 15 item 9: the agent's browser never fetches what the visitor's page names on hosts the site did not
// configure. A generated visitor page holds every kind of reference (images, srcset, picture, poster, media, track,
// input image, <link> stylesheet/preload/prefetch/icon/manifest/modulepreload, CSS url() in attributes, <style>,
// @import, @font-face, image-set, cursor, a site stylesheet full of them, adopted sheets, CSSOM rules and
// declarations, SVG image/use/feImage/fill url(), object, embed, iframe, meta refresh, base, form actions, links with
// ping, protocol-relative and backslash spellings, and the same added after the snapshot) pointing at an "attacker"
// HTTP server on another loopback address. The agent co-browses it in the real console: the attacker server must get
// ZERO requests, while an image from the site's own origin still loads in the mirror.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { freePort, launch, siteFrame, startHost } from './helpers.mjs';
import { CONSOLE_VIEWPORT, consoleLogin, createAgent, startAgentGateway } from './agent-helpers.mjs';
import { ANN, agentState, enterCode, mirrorWait, visitorPage } from './cobrowse-helpers.mjs';

const T = { timeout: 150_000 };
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/** A server on 127.0.0.2 (another origin than the site and the gateway) that records every request. */
async function startAttacker() {
  const hits = [];
  const server = http.createServer((req, res) => {
    hits.push({ url: req.url, referer: req.headers.referer ?? null, ua: req.headers['user-agent'] });
    res.writeHead(200, { 'content-type': typeOf(req.url), 'access-control-allow-origin': '*' });
    res.end(req.url.endsWith('.png') ? PNG : '');
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.2', r));
  return { origin: `http://127.0.0.2:${port}`, hits, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}
function typeOf(url) {
  if (url.endsWith('.png')) return 'image/png';
  if (url.endsWith('.css')) return 'text/css';
  if (url.endsWith('.woff2')) return 'font/woff2';
  if (url.endsWith('.js')) return 'text/javascript';
  return 'application/octet-stream';
}

/** Every kind of reference to the attacker, numbered so a hit names what leaked. */
function references(A, site) {
  const u = (n, ext = 'png') => `${A}/k${n}.${ext}`;
  const head = `
<link rel="stylesheet" href="${u(10, 'css')}"><link rel="preload" as="image" href="${u(11)}">
<link rel="prefetch" href="${u(12)}"><link rel="icon" href="${u(13)}"><link rel="manifest" href="${u(14, 'json')}">
<link rel="preload" as="font" type="font/woff2" crossorigin href="${u(15, 'woff2')}"><link rel="modulepreload" href="${u(16, 'js')}">
<link rel="preload" as="style" href="${u(17, 'css')}"><link rel="apple-touch-icon" href="${u(18)}">
<link rel="stylesheet" href="${site}/site.css">
<style>
  .k19 { background: url(${u(19)}); }
  @import url(${u(20, 'css')});
  @import "${u(21, 'css')}";
  @font-face { font-family: k22; src: url(${u(22, 'woff2')}) format("woff2"); }
  .k22 { font-family: k22; }
  .k23 { background-image: image-set("${u(23)}" 1x); }
  .k24 { cursor: url(${u(24)}), auto; }
  .k25 { list-style-image: url(${u(25)}); }
  .k26 { border: 10px solid; border-image: url(${u(26)}) 30 round; }
  .k27 { background: url('//${A.slice(7)}/k27.png'); }
  .k28 { mask-image: url(${u(28)}); -webkit-mask-image: url(${u(28)}); }
  .k29 { background: url(${A.replace('127', '\\31 27')}/k29.png); }
</style>`;
  const body = `
<div id="refs">
<img src="${u(30)}" width="4" height="4"><img srcset="${u(31)} 1x, ${u(32)} 2x" width="4" height="4">
<picture><source srcset="${u(33)}"><img src="${u(34)}" width="4" height="4"></picture>
<video poster="${u(35)}" src="${u(36, 'mp4')}" width="8" height="8" preload="auto"><source src="${u(37, 'mp4')}"><track default src="${u(38, 'vtt')}"></video>
<audio src="${u(39, 'mp3')}" preload="auto" controls></audio>
<input type="image" src="${u(40)}" alt="go">
<div style="background:url(${u(41)});width:4px;height:4px"></div>
<div class="k19 k22 k23 k24 k25 k26 k27 k28 k29" style="width:40px;height:40px">text k22</div>
<ul class="k25"><li>item</li></ul>
<svg width="20" height="20" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
  <defs><filter id="f"><feImage href="${u(42)}"/></filter></defs>
  <image href="${u(43)}" width="4" height="4"/><image xlink:href="${u(44)}" width="4" height="4"/>
  <use href="${u(45, 'svg')}#x"/><rect width="4" height="4" fill="url(${u(46, 'svg')}#g)" filter="url(${u(47, 'svg')}#f)"/>
</svg>
<object data="${u(48)}" type="image/png" width="4" height="4"></object><embed src="${u(49)}" type="image/png" width="4" height="4">
<iframe src="${A}/k50.html" width="10" height="10"></iframe>
<form action="${A}/k51"><button formaction="${A}/k52">go</button></form>
<a href="${A}/k53" ping="${A}/k54">a link</a>
<table background="${u(55)}"><tr><td>t</td></tr></table>
<img src="/\\${A.slice(7)}/k56.png" width="4" height="4"><img src="//${A.slice(7)}/k57.png" width="4" height="4">
<img src=" ${u(58)} " width="4" height="4">
<img id="site-img" src="${site}/site.png" width="4" height="4">
</div>`;
  return { head, body };
}

/** After the snapshot: the same kinds as mutations, attribute changes, CSSOM rules, declarations, adopted sheets. */
const LATER = (A) => `<script>
window.__later = function () {
  var u = function (n) { return ${JSON.stringify(A)} + '/k' + n + '.png'; };
  var img = document.createElement('img'); img.src = u(60); img.width = 4; document.getElementById('refs').append(img);
  document.getElementById('site-img').setAttribute('srcset', u(61) + ' 2x');
  var d = document.createElement('div'); d.style.background = 'url(' + u(62) + ')'; d.textContent = 'later'; document.body.append(d);
  var s = document.createElement('style'); s.textContent = '.k63{background:url(' + u(63) + ')}'; document.head.append(s);
  s.sheet.insertRule('.k64{background:url(' + u(64) + ')}', 0);
  document.querySelector('.k19').style.setProperty('outline-color', 'red');
  s.sheet.cssRules[0].style.setProperty('background-image', 'url(' + u(65) + ')');
  var sheet = new CSSStyleSheet(); sheet.replaceSync('.k66{background:url(' + u(66) + ')}'); document.adoptedStyleSheets = [sheet];
  var b = document.createElement('base'); b.href = ${JSON.stringify(A)} + '/k67/'; document.head.append(b);
  var rel = document.createElement('img'); rel.src = 'k68.png'; document.body.append(rel);
  window.__laterDone = true;
};
</script>`;

let host, gw, browser, attacker;

before(async () => {
  host = await startHost();
  attacker = await startAttacker();
  gw = await startAgentGateway({ hostOrigin: host.origin });
  await createAgent(gw, ANN);
  const { head, body } = references(attacker.origin, host.origin);
  const page = visitorPage(gw, { body: `${body}<p class="s70 s71">site sheet</p>`, after: LATER(attacker.origin) });
  host.page('/', page.replace('<title>host</title>', `<title>host</title>${head}`));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
  await host?.close();
  await attacker?.close();
});

/**
 * The site's own resources, answered in each browser context (the host server only serves HTML): an image, and a
 * stylesheet full of attacker URLs (rrweb inlines the rules of a sheet it can read).
 */
async function routeSite(context) {
  await context.route(`${host.origin}/site.css`, (r) => r.fulfill({ status: 200, contentType: 'text/css', body: `.s70{background:url(${attacker.origin}/k70.png)} @font-face{font-family:s71;src:url(${attacker.origin}/k71.woff2)} .s71{font-family:s71}` }));
  await context.route(`${host.origin}/site.png`, (r) => r.fulfill({ status: 200, contentType: 'image/png', body: PNG }));
}

async function openAgentConsole(contextOptions = {}) {
  const context = await browser.newContext({ viewport: CONSOLE_VIEWPORT, ...contextOptions });
  await routeSite(context);
  const sitePng = [];
  context.on('request', (r) => { if (r.url() === `${host.origin}/site.png`) sitePng.push(r.url()); });
  const page = await context.newPage();
  await page.goto(gw.consoleUrl);
  await consoleLogin(page, ANN.login, ANN.password);
  return { context, page, sitePng };
}

async function coBrowse(agent) {
  const visitor = await openVisitorWithFakeAttacker();
  await enterCode(agent, visitor.code);
  await agentState(agent, 'waiting-consent');
  await visitor.frame.waitForSelector('[data-testid="cobrowse-allow"]', { state: 'visible', timeout: 15_000 });
  await visitor.frame.click('[data-testid="cobrowse-allow"]');
  await agentState(agent, 'active');
  await mirrorWait(agent, (doc) => doc.getElementById('site-img') !== null);
  await visitor.page.evaluate(() => window.__later());
  await mirrorWait(agent, (doc) => Array.from(doc.querySelectorAll('div')).some((d) => d.textContent === 'later'));
  return visitor;
}

/**
 * The visitor's browser (as openVisitor in cobrowse-helpers.mjs): it loads the attacker's resources too (it is the
 * visitor's page), answered inside its context, so every request the attacker's server sees comes from the agent.
 */
async function openVisitorWithFakeAttacker() {
  const context = await browser.newContext({ viewport: { width: 1024, height: 700 } });
  await routeSite(context);
  await context.route(`${attacker.origin}/**`, (r) => r.fulfill({ status: 200, contentType: typeOf(new URL(r.request().url()).pathname),
    body: r.request().url().endsWith('.png') ? PNG : '' }));
  const page = await context.newPage();
  await page.goto(host.origin + '/');
  await page.waitForFunction(() => window.__events.some((e) => e.topic === '~/site_connect/ready'), null, { timeout: 30_000 });
  const code = await page.evaluate(() => window.__events.find((e) => e.topic === '~/site_connect/ready').msg.code);
  return { context, page, code, frame: await siteFrame(page) };
}

describe('the mirror fetches nothing from hosts the site did not configure', () => {
  test('every kind of reference on the visitor\'s page: 0 requests reach the attacker; the site\'s own image loads', T, async (t) => {
    const agent = await openAgentConsole();
    const visitor = await coBrowse(agent);
    // The site's own image is shown in the mirror (loaded from the site's origin), so resources do load.
    assert.ok(await mirrorWait(agent, (doc) => doc.getElementById('site-img')?.naturalWidth > 0), 'the site image loads');
    assert.ok(agent.sitePng.length >= 1, 'the agent\'s browser fetched the site\'s image');
    // Let the browser settle: fonts, media preload and lazy work are done once the network is idle.
    await agent.page.waitForLoadState('networkidle');
    t.diagnostic(`attacker requests: ${attacker.hits.length}${attacker.hits.length ? ' ' + JSON.stringify(attacker.hits.map((h) => h.url)) : ''}`);
    assert.deepEqual(attacker.hits.map((h) => `${h.url} (referer ${h.referer})`), [], 'the agent\'s browser reached the attacker');
    await visitor.context.close();
    await agent.context.close();
  });

  test('the sanitiser alone (console CSP bypassed) also keeps every request away from the attacker', T, async (t) => {
    const before = attacker.hits.length;
    const agent = await openAgentConsole({ bypassCSP: true });
    const visitor = await coBrowse(agent);
    assert.ok(await mirrorWait(agent, (doc) => doc.getElementById('site-img')?.naturalWidth > 0), 'the site image loads');
    await agent.page.waitForLoadState('networkidle');
    const hits = attacker.hits.slice(before);
    t.diagnostic(`attacker requests without the CSP: ${hits.length}`);
    assert.deepEqual(hits.map((h) => h.url), []);
    await visitor.context.close();
    await agent.context.close();
  });
});
