// Fixtures for the co-browse browser tests: generated XSS vectors as rrweb events (for the sanitiser test), and the
// visitor/agent pair (a customer page on another origin, the agent console in a second browser context).
import { hostPage, recordFrameTraffic, siteFrame } from './helpers.mjs';
import { consoleLogin, openConsole } from './agent-helpers.mjs';

// ---- XSS vectors, as rrweb serialised nodes ----

/** JavaScript a vector runs: a request to the counter, then the canary global in the console window. */
export const payload = (origin, n) =>
  `try{fetch('${origin}/__canary/${n}',{mode:'no-cors'})}catch(e){}try{top.__scHit(${n})}catch(e){}`;

/** Script-URL spellings: case, whitespace and control characters, HTML entities, percent-encoding. */
function schemes(js) {
  return [
    `javascript:${js}`, `JAVASCRIPT:${js}`, `JaVaScRiPt:${js}`, ` javascript:${js}`, `\tjavascript:${js}`,
    `java\tscript:${js}`, `java\nscript:${js}`, `java\rscript:${js}`, `\u0001javascript:${js}`, `\u0000javascript:${js}`,
    `jav&#x09;ascript:${js}`, `jav&#9;ascript:${js}`, `java&Tab;script:${js}`, `java&NewLine;script:${js}`,
    `javascript&colon;${js}`, `javascript&#58;${js}`, `javascript&#x3A;${js}`, `&#106;avascript:${js}`,
    `&#x6A;avascript:${js}`, `&#0000106avascript:${js}`, `%6Aavascript:${js}`, `  JaVa\tScRiPt  :${js}`,
    `vbscript:${js}`, `VBScript:${js}`, `livescript:${js}`,
  ];
}

const el = (tag, attrs = {}, children = [], svg = false) => ({ tag, attrs, children, svg });

/**
 * ≥ 500 vectors: {name, el, head?}. `el` is {tag, attrs, children (els or strings), svg}. Every one would run
 * `payload(origin, n)` (or load a `/__canary/` URL) if it got through.
 */
export function vectors(origin) {
  const list = [];
  const add = (name, build, head = false) => { const n = list.length; list.push({ name, el: build(payload(origin, n), n), head }); };

  // Script elements: tag spellings, HTML and SVG, inline text, src, types.
  for (const tag of ['script', 'SCRIPT', 'Script', 'sCrIpT', ' script', 'script ', 'svg:script', 'x:script']) {
    for (const svg of [false, true]) {
      add(`<${tag}> text${svg ? ' (svg)' : ''}`, (js) => el(tag, {}, [js], svg));
      add(`<${tag} src=data:>${svg ? ' (svg)' : ''}`, (js) => el(tag, { src: `data:text/javascript,${encodeURIComponent(js)}` }, [], svg));
      add(`<${tag} xlink:href=data:>${svg ? ' (svg)' : ''}`, (js) => el(tag, { 'xlink:href': `data:,${encodeURIComponent(js)}`, href: `data:,${encodeURIComponent(js)}` }, [], svg));
    }
  }
  for (const type of ['text/javascript', 'module', 'application/javascript', 'text/ecmascript', '', 'TEXT/JAVASCRIPT']) {
    add(`<script type=${type}>`, (js) => el('script', { type }, [js]));
  }
  add('<svg><script>', (js) => el('svg', {}, [el('script', {}, [js], true)], true));
  add('<svg><script href=data:>', (js) => el('svg', {}, [el('script', { href: `data:,${encodeURIComponent(js)}` }, [], true)], true));

  // Event handlers on elements that fire them without interaction, in several spellings.
  const hosts = {
    img: [{ src: 'x-broken.png' }, ['onerror', 'onload', 'onloadstart', 'onabort']],
    video: [{ src: 'x-broken.mp4' }, ['onerror', 'onloadstart', 'onemptied', 'onsuspend']],
    audio: [{ src: 'x-broken.mp3' }, ['onerror', 'onloadstart']],
    details: [{ open: '' }, ['ontoggle', 'onbeforetoggle']],
    iframe: [{}, ['onload', 'onerror']],
    style: [{}, ['onload', 'onerror']],
    link: [{ rel: 'stylesheet', href: 'x-broken.css' }, ['onerror', 'onload']],
    input: [{ autofocus: '', type: 'text' }, ['onfocus', 'onfocusin', 'onblur']],
    svg: [{}, ['onload', 'onbegin', 'onresize']],
    body: [{}, ['onload', 'onpageshow']],
    marquee: [{}, ['onstart', 'onfinish']],
    div: [{ style: 'animation:sc-spin 1ms' }, ['onanimationstart', 'onanimationend', 'onmouseover', 'onpointerenter']],
    object: [{ data: 'x-broken.swf' }, ['onerror', 'onload']],
    track: [{ src: 'x-broken.vtt', default: '' }, ['onerror']],
  };
  for (const [tag, [base, events]] of Object.entries(hosts)) {
    for (const ev of events) {
      for (const spell of [ev, ev.toUpperCase(), ev[0].toUpperCase() + ev.slice(1, 3).toUpperCase() + ev.slice(3), ` ${ev}`]) {
        add(`<${tag} ${spell}>`, (js) => el(tag, { ...base, [spell]: js }, [], tag === 'svg'));
      }
    }
  }
  for (const name of ['xlink:onload', 'ev:onload', 'on\u0000error', 'onerror ', '/onerror', 'ONERROR']) {
    add(`<img ${JSON.stringify(name)}>`, (js) => el('img', { src: 'x-broken.png', [name]: js }));
  }
  add('<svg><set attributeName=onload to=…>', (js) => el('svg', {}, [el('set', { attributeName: 'onload', to: js }, [], true)], true));
  add('<svg><animate onbegin>', (js) => el('svg', {}, [el('animate', { attributeName: 'x', dur: '1ms', onbegin: js }, [], true)], true));
  add('<svg><image onerror>', (js) => el('svg', {}, [el('image', { href: 'x-broken.png', onerror: js }, [], true)], true));
  add('<svg><discard onbegin>', (js) => el('svg', {}, [el('discard', { onbegin: js }, [], true)], true));

  // Script URLs in every attribute that takes a URL.
  const urlAttrs = [
    ['iframe', 'src'], ['a', 'href'], ['frame', 'src'], ['embed', 'src'], ['object', 'data'], ['form', 'action'],
    ['button', 'formaction'], ['area', 'href'], ['img', 'src'], ['link', 'href'], ['video', 'poster'], ['table', 'background'],
  ];
  for (const [tag, attr] of urlAttrs) {
    const all = tag === 'iframe' || tag === 'a';
    schemes('JS').forEach((url, i) => {
      if (!all && i % 3 !== 0) return;
      add(`<${tag} ${attr}=${JSON.stringify(url.slice(0, 14))}…>`, (js) => el(tag, { [attr]: url.replace('JS', js) }));
    });
  }
  for (const url of schemes('JS')) {
    add(`<svg><a xlink:href=${JSON.stringify(url.slice(0, 14))}…>`, (js) => el('svg', {}, [el('a', { 'xlink:href': url.replace('JS', js), href: url.replace('JS', js) }, ['x'], true)], true));
  }
  add('<svg><animate values=javascript:>', (js) => el('svg', {}, [el('a', {}, [el('animate', { attributeName: 'href', values: `javascript:${js}` }, [], true), 'x'], true)], true));
  add('<svg><set to=javascript:>', (js) => el('svg', {}, [el('a', {}, [el('set', { attributeName: 'href', to: `javascript:${js}` }, [], true), 'x'], true)], true));
  add('<svg><animate from/to javascript:>', (js) => el('svg', {}, [el('animate', { attributeName: 'href', from: `javascript:${js}`, to: `&#106;avascript:${js}` }, [], true)], true));
  add('<math><maction xlink:href>', (js) => el('math', {}, [el('maction', { actiontype: 'statusline', 'xlink:href': `javascript:${js}` }, ['x'])]));
  add('<math href=javascript:>', (js) => el('math', { href: `javascript:${js}` }, ['x']));
  add('<img srcset=javascript:>', (js) => el('img', { srcset: `javascript:${js} 1x` }));
  add('<a ping=javascript:>', (js) => el('a', { href: '#', ping: `javascript:${js}` }, ['x']));

  // Documents in data: URLs, for every frame-like element.
  const docs = (js) => [
    `data:text/html,<script>${js}</script>`, `data:text/html;base64,${Buffer.from(`<script>${js}</script>`).toString('base64')}`,
    `DATA:TEXT/HTML,<script>${js}</script>`, ` data:text/html,<script>${js}</script>`, `data:text/html;charset=utf-8,<img src=x onerror="${js}">`,
    `data:application/xhtml+xml,<html xmlns="http://www.w3.org/1999/xhtml"><script>${js}</script></html>`,
    `data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="${js}"/>`, `data:text/xml,<x:script xmlns:x="http://www.w3.org/1999/xhtml">${js}</x:script>`,
    `data&colon;text/html,<script>${js}</script>`,
  ];
  for (const [tag, attr] of [['iframe', 'src'], ['object', 'data'], ['embed', 'src'], ['frame', 'src'], ['portal', 'src'], ['iframe', 'SRC']]) {
    docs('JS').forEach((url, i) => add(`<${tag} ${attr}=data:#${i}>`, (js) => el(tag, { [attr]: url.replaceAll('JS', js) })));
  }

  // srcdoc.
  for (const name of ['srcdoc', 'SRCDOC', 'SrcDoc']) {
    for (const doc of ['<script>JS</script>', '<img src=x onerror="JS">', '<svg onload="JS">', '&lt;script&gt;JS&lt;/script&gt;']) {
      add(`<iframe ${name}=${doc.slice(0, 12)}>`, (js) => el('iframe', { [name]: doc.replace('JS', js) }));
    }
  }

  // <base> (in the head): a script URL, or a canary base that relative URLs would then hit.
  for (const tag of ['base', 'BASE', 'Base']) {
    add(`<${tag} href=javascript:>`, (js) => el(tag, { href: `javascript:${js}//` }), true);
    add(`<${tag} href=canary>`, (js, n) => el(tag, { href: `${origin}/__canary/base-${n}/` }), true);
    add(`<${tag} href=//canary>`, (js, n) => el(tag, { href: `${origin.replace(/^https?:/, '')}/__canary/base2-${n}/` }), true);
  }

  // <meta http-equiv> (in the head).
  for (const equiv of ['refresh', 'REFRESH', 'Refresh']) {
    add(`<meta http-equiv=${equiv} javascript:>`, (js) => el('meta', { 'http-equiv': equiv, content: `0;url=javascript:${js}` }), true);
    add(`<meta http-equiv=${equiv} canary>`, (js, n) => el('meta', { 'http-equiv': equiv, content: `0; URL=${origin}/__canary/meta-${n}` }), true);
    add(`<meta HTTP-EQUIV=${equiv} data:>`, (js) => el('meta', { 'HTTP-EQUIV': equiv, content: `0;url=data:text/html,<script>${js}</script>` }), true);
  }
  add('<meta http-equiv=set-cookie>', () => el('meta', { 'http-equiv': 'set-cookie', content: 'sc=1' }), true);
  add('<meta http-equiv=content-security-policy>', () => el('meta', { 'http-equiv': 'Content-Security-Policy', content: "script-src 'unsafe-inline'" }), true);

  // CSS: style attributes, <style> text, rrweb's _cssText.
  const css = (js) => [
    `background:url(javascript:${js})`, `background-image:url("javascript:${js}")`, `width:expression(${js})`,
    `width:e\\xpression(${js})`, `width:\\65 xpression(${js})`, `background:url(jav\\61script:${js})`,
    `-moz-binding:url(${origin}/__canary/xbl)`, `behavior:url(${origin}/__canary/htc)`, `background:url( JAVASCRIPT:${js} )`,
    `list-style:url(vbscript:${js})`, `background:url(ja/**/vascript:${js})`, `width:expr/**/ession(${js})`,
    `background:url('\\6a\\61vascript:${js}')`, `x:\\000065xpression(${js})`,
  ];
  css('JS').forEach((rule, i) => {
    add(`style=#${i}`, (js) => el('div', { style: rule.replace('JS', js) }, ['x']));
    add(`<style>#${i}`, (js) => el('style', {}, [`div.v${i}{${rule.replace('JS', js)}}`]));
    add(`<style _cssText>#${i}`, (js) => el('style', { _cssText: `p.v${i}{${rule.replace('JS', js)}}` }));
    add(`<link _cssText>#${i}`, (js) => el('link', { rel: 'stylesheet', _cssText: `p.w${i}{${rule.replace('JS', js)}}` }));
  });

  // Other containers and oddities.
  for (const tag of ['object', 'embed', 'applet', 'portal', 'frameset', 'noscript', 'handler', 'listener']) {
    add(`<${tag}> with a handler inside`, (js) => el(tag, { onload: js }, [el('img', { src: 'x-broken.png', onerror: js })]));
  }
  add('<template><script>', (js) => el('template', {}, [el('script', {}, [js])]));
  add('<iframe><iframe src=javascript:>', (js) => el('iframe', {}, [el('iframe', { src: `javascript:${js}` })]));
  add('<svg><foreignObject><iframe src=javascript:>', (js) => el('svg', {}, [el('foreignObject', {}, [el('iframe', { src: `javascript:${js}` })], true)], true));
  add('<svg><use href=data:svg>', (js) => el('svg', {}, [el('use', { href: `data:image/svg+xml,<svg id="x" xmlns="http://www.w3.org/2000/svg"><image href="x" onerror="${js}"/></svg>#x` }, [], true)], true));
  add('tag name with spaces', (js) => el(`img src=x onerror=${js}`, {}));
  add('tag name <script>', (js) => el('<script>', {}, [js]));
  add('tag name script/x', (js) => el('script/x', {}, [js]));
  add('<form><button formaction>', (js) => el('form', {}, [el('button', { formaction: `javascript:${js}` }, ['go'])]));
  add('<input type=image src=javascript:>', (js) => el('input', { type: 'image', src: `javascript:${js}` }));
  add('<object type=text/html data=canary>', (js, n) => el('object', { type: 'text/html', data: `${origin}/__canary/object-${n}` }));
  add('<embed type=text/html src=canary>', (js, n) => el('embed', { type: 'text/html', src: `${origin}/__canary/embed-${n}` }));
  add('<iframe src=canary>', (js, n) => el('iframe', { src: `${origin}/__canary/iframe-${n}` }));
  return list;
}

/**
 * rrweb events for `list`, as the stream would deliver them in batches: a Meta and a full snapshot with every
 * vector (plus a benign twin of each top-level element), then the vectors again as mutation adds, their attributes
 * set on the twins, a text change and rule events on a stylesheet. `markers` is how many `[data-vector]` wrappers
 * the mirror must end up with.
 */
export function vectorEvents(list) {
  let id = 100;
  let t = Date.now();
  const ts = () => (t += 1);
  const build = (spec, parentTag) => {
    if (typeof spec === 'string') {
      const text = { type: 3, id: id++, textContent: spec };
      if (String(parentTag).trim().toLowerCase() === 'style') text.isStyle = true;
      return text;
    }
    const node = { type: 2, id: id++, tagName: spec.tag, attributes: { ...spec.attrs }, childNodes: [] };
    if (spec.svg) node.isSVG = true;
    node.childNodes = spec.children.map((c) => build(c, spec.tag));
    return node;
  };
  const marker = (n) => ({ type: 2, id: id++, tagName: 'div', attributes: { 'data-vector': String(n) }, childNodes: [] });
  const sheetText = { type: 3, id: id++, textContent: 'p{color:#123}', isStyle: true };
  const sheet = { type: 2, id: id++, tagName: 'style', attributes: {}, childNodes: [sheetText] };
  const ok = { type: 2, id: id++, tagName: 'p', attributes: { id: 'sc-ok' }, childNodes: [{ type: 3, id: id++, textContent: 'mirror ok' }] };
  const twinImg = { type: 2, id: id++, tagName: 'img', attributes: { src: 'rel-twin.png' }, childNodes: [] };
  const head = { type: 2, id: 4, tagName: 'head', attributes: {}, childNodes: [sheet] };
  const body = { type: 2, id: 5, tagName: 'body', attributes: {}, childNodes: [ok, twinImg] };
  const twins = [];
  list.forEach((v, n) => {
    const m = marker(n);
    if (v.head) head.childNodes.push(build(v.el)); else m.childNodes.push(build(v.el));
    const twin = { type: 2, id: id++, tagName: v.el.tag, attributes: {}, childNodes: [] };
    if (v.el.svg) twin.isSVG = true;
    if (!v.head) { m.childNodes.push(twin); twins.push({ id: twin.id, attrs: v.el.attrs }); }
    body.childNodes.push(m);
  });
  const doc = {
    type: 0, id: 1, childNodes: [
      { type: 1, id: 2, name: 'html', publicId: '', systemId: '' },
      { type: 2, id: 3, tagName: 'html', attributes: {}, childNodes: [head, body] },
    ],
  };
  const batches = [[
    { type: 4, timestamp: ts(), data: { href: 'http://visitor.test/', width: 1024, height: 768 } },
    { type: 2, timestamp: ts(), data: { node: doc, initialOffset: { top: 0, left: 0 } } },
  ]];

  // The same vectors again, as mutations (rrweb adds nodes one by one, each with its parent).
  const flat = (node, parentId, out) => {
    const { childNodes, ...rest } = node;
    out.push({ parentId, nextId: null, node: { ...rest, childNodes: [] } });
    (childNodes || []).forEach((c) => flat(c, node.id, out));
    return out;
  };
  for (let i = 0; i < list.length; i += 40) {
    const adds = [];
    list.slice(i, i + 40).forEach((v, k) => {
      const m = marker(list.length + i + k);
      m.childNodes.push(build(v.el));
      flat(m, 5, adds);
    });
    batches.push([{ type: 3, timestamp: ts(), data: { source: 0, texts: [], attributes: [], removes: [], adds } }]);
  }
  // Their attributes set on the benign twins, a text change in the sheet, rule and declaration events.
  batches.push([{ type: 3, timestamp: ts(), data: {
    source: 0, adds: [], removes: [], texts: [{ id: sheetText.id, value: 'p{width:expression(top.__scHit(-1))}' }],
    attributes: twins.map((x) => ({ id: x.id, attributes: { ...x.attrs } }))
      .concat([{ id: twinImg.id, attributes: { src: 'x-broken.png', onerror: 'top.__scHit(-2)' } }]),
  } }]);
  const rules = [];
  list.forEach((v, n) => {
    if (typeof v.el.attrs.style === 'string') rules.push({ rule: `p.r${n}{${v.el.attrs.style}}`, index: 0 });
  });
  batches.push([
    { type: 3, timestamp: ts(), data: { source: 8, id: sheet.id, adds: rules } },
    { type: 3, timestamp: ts(), data: { source: 13, id: sheet.id, index: [0], set: { property: 'background', value: 'url(javascript:top.__scHit(-3))' } } },
    { type: 3, timestamp: ts(), data: { source: 15, id: 5, styleIds: [1], styles: [{ styleId: 1, rules: rules.slice(0, 5) }] } },
  ]);
  return { batches, markers: list.length * 2 };
}

// ---- the visitor and the agent ----

export const ANN = { login: 'ann', name: 'Ann Agent', password: 'ann-secret-password', buttons: ['acme/sales'] };

/** Records every `~/…` and `~pagesession/cobrowsing/…` message the page gets in window.__events. */
const EVENTS = `<script>
window.__events = [];
(function () {
  var rec = function (msg, info) { window.__events.push({ topic: info.topic, msg: msg, at: Date.now() }); };
  site_connect.subscribe('~/#', rec);
  site_connect.subscribe('~pagesession/cobrowsing/#', rec);
})();
</script>`;

/** A customer page: a heading, a form with sensitive fields, masked/blocked/unmasked parts. */
export function visitorPage(gw, { body = '', after = '' } = {}) {
  return hostPage(gw.origin, {
    body: `<h2 id="title">Order 4711</h2>
<p>Your contact code: <b data-site-connect-code></b></p>
<form id="checkout" onsubmit="return false">
  <label>Name <input id="name" name="name" autocomplete="name"></label>
  <label>Card <input id="card" name="card" inputmode="numeric"></label>
  <label>Password <input id="password" class="pw" type="password" name="password"></label>
  <label>Coupon <input id="coupon" name="coupon" data-site-connect-unmask></label>
  <label>Notes <textarea id="notes"></textarea></label>
</form>
<p id="secret-text" data-site-connect-mask>Balance 9876.54</p>
<div id="blocked" class="blocked" data-site-connect-block style="width:200px;height:50px">Blocked account 55667788</div>
<ul id="list"></ul>
${body}`,
    after: EVENTS + after,
  });
}

/** The visitor's browser: its own context, every frame the site-connect frame sends recorded, and its code. */
export async function openVisitor(browser, host, path, contextOptions = {}) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 700 }, ...contextOptions });
  const page = await context.newPage();
  const traffic = recordFrameTraffic(page);
  await page.goto(host.origin + path);
  await page.waitForFunction(() => window.__events.some((e) => e.topic === '~/site_connect/ready'), null, { timeout: 30_000 });
  const code = await page.evaluate(() => window.__events.find((e) => e.topic === '~/site_connect/ready').msg.code);
  return { context, page, traffic, code, frame: await siteFrame(page) };
}

/** The agent's console in a second context, logged in; `received` holds every frame its sockets got. */
export async function openAgent(browser, gw, who) {
  const received = [];
  const canaries = [];
  const { context, page } = await openConsole(browser, gw, {
    beforeGoto: async (p) => {
      p.on('websocket', (ws) => ws.on('framereceived', (f) => received.push(String(f.payload))));
      await p.context().route('**/__canary/**', (route) => { canaries.push(route.request().url()); return route.fulfill({ status: 204, body: '' }); });
    },
  });
  await consoleLogin(page, who.login, who.password);
  return { context, page, received, canaries };
}

/** The agent types the code into the console's co-browse form. */
export async function enterCode(agent, code) {
  await agent.page.fill('#cobrowse-code', code);
  await agent.page.press('#cobrowse-code', 'Enter');
}

/** Waits for the console's co-browse state (and reason); the error names what it showed instead. */
export async function agentState(agent, state, reason, timeout = 15_000) {
  const sel = `[data-testid="cobrowse-state"][data-state="${state}"]${reason ? `[data-reason="${reason}"]` : ''}`;
  try {
    await agent.page.waitForSelector(sel, { timeout });
  } catch {
    const now = await agent.page.evaluate(() => {
      const s = document.querySelector('[data-testid="cobrowse-state"]');
      return s ? `${s.dataset.state}/${s.dataset.reason ?? ''} "${s.textContent}"; result "${document.querySelector('#cobrowse-result')?.textContent}"` : 'no state line';
    });
    throw new Error(`the console does not show co-browse ${state}${reason ? ` (${reason})` : ''}: ${now}`);
  }
}

/** Runs fn(doc) on the mirror's document in the console until it returns something truthy. */
export async function mirrorWait(agent, fn, arg, timeout = 15_000) {
  // The console's CSP forbids eval in the page, so waitForFunction cannot compile `fn` there; an expression given
  // to page.evaluate is compiled over the DevTools protocol, which the CSP does not govern. Polled every frame.
  const expr = `(() => {
    const doc = document.querySelector('[data-testid="cobrowse-iframe"]')?.contentDocument;
    return doc && doc.body ? (${fn.toString()})(doc, ${JSON.stringify(arg ?? null)}) : null;
  })()`;
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await agent.page.evaluate(expr);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`mirrorWait: timeout ${timeout} ms exceeded for ${fn.toString().slice(0, 120)}`);
    await agent.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  }
}

/** Code → the visitor allows in the frame → the console shows the page. */
export async function startCobrowse(visitor, agent) {
  await enterCode(agent, visitor.code);
  await agentState(agent, 'waiting-consent');
  await visitor.frame.waitForSelector('[data-testid="cobrowse-allow"]', { state: 'visible', timeout: 15_000 });
  await visitor.frame.click('[data-testid="cobrowse-allow"]');
  await agentState(agent, 'active');
  await mirrorWait(agent, (doc) => doc.getElementById('title')?.textContent === 'Order 4711');
}

/** Index of the first recorded page message on `topic` at or after `from` (waits for it). */
export async function pageEvent(page, topic, from = 0, timeout = 15_000) {
  try {
    const h = await page.waitForFunction(([t, n]) => {
      const i = window.__events.findIndex((e, k) => k >= n && e.topic === t);
      return i >= 0 ? { index: i, msg: window.__events[i].msg } : null;
    }, [topic, from], { timeout });
    return h.jsonValue();
  } catch {
    const seen = await page.evaluate(() => window.__events.map((e) => e.topic));
    throw new Error(`the page got no ${topic}; it got ${JSON.stringify(seen)}`);
  }
}

/** The frames the visitor's frame sent that carry co-browse events. */
export const eventFrames = (traffic) => traffic.sent.filter((f) => f.includes('~pagesession/cobrowsing/events'));
