// Seeded generator of realistic customer pages and of mutation sequences for the co-browse fidelity test
// (mirror-fidelity.test.mjs), and the normalised view both sides are compared on.
//
// Node side: genFragment(rng) → HTML; genSequence(rng) → steps [{ops:[…], wait}] or {resize:{width,height}}.
// An op is data ([kind, r1, r2, r3, html?]): the page interprets the numbers against its live DOM, so a seed replays
// exactly (the page itself never draws a random number).
// Page side: PAGE_LIB (a <script> for the visitor's page) defines window.__gen = {reset(html), apply(steps),
// frames(), view()}; NORMALISE is the comparison view, run on the visitor's document (what the mirror must show) and
// on the mirror's document in the agent console (what it shows).

/** mulberry32: a small seeded PRNG, floats in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (n) => Math.floor(next() * n);
  next.pick = (list) => list[Math.floor(next() * list.length)];
  next.chance = (p) => next() < p;
  return next;
}

const WORDS = ['order', 'total', 'Straße', 'naïve', 'ship', 'cart', '東京', 'emoji 🙂', 'price', 'qty', 'a&b', '<tag>', 'x'];
const INPUT_TYPES = ['text', 'email', 'tel', 'number', 'search', 'url', 'date', 'datetime-local', 'month', 'week', 'time',
  'color', 'range', 'hidden', 'checkbox', 'radio', 'file', 'submit', 'button', 'reset', 'password', 'image'];
const STYLES = ['color:#c33', 'font-weight:bold', 'padding:4px', 'border:1px solid #999', 'display:inline-block;margin:2px',
  'background:#eef', 'font-size:18px', 'text-decoration:underline', 'opacity:.7', 'display:none'];

function text(r, n = 1 + r.int(4)) {
  return Array.from({ length: n }, () => r.pick(WORDS)).join(' ');
}
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One HTML fragment of a realistic page: everything the issue lists, nested `depth` deep at most. */
export function genFragment(r, depth = 2, count = 3 + r.int(5)) {
  const parts = [];
  for (let i = 0; i < count; i++) parts.push(piece(r, depth));
  return parts.join('');
}

function piece(r, depth) {
  const t = () => esc(text(r));
  const kids = () => (depth > 0 ? genFragment(r, depth - 1, 1 + r.int(3)) : t());
  const attrs = () => (r.chance(0.3) ? ` class="c${r.int(5)}"` : '') + (r.chance(0.2) ? ` style="${r.pick(STYLES)}"` : '')
    + (r.chance(0.15) ? ` title="${t()}"` : '');
  switch (r.int(27)) {
    case 0: return `<!-- comment ${t()} -->`;
    case 1: return '\n  ';
    case 2: return `<script>window.__inline = (window.__inline || 0) + 1;</script>`;
    case 3: return `<script src="/gen/ext.js"></script>`;
    case 4: return `<template><p>template ${t()}</p><script>bad()</script></template>`;
    case 5: return `<noscript><p>no script ${t()}</p></noscript>`;
    case 6: return `<table${attrs()}><thead><tr><th>${t()}</th><th>${t()}</th></tr></thead><tbody>${Array.from({ length: 1 + r.int(3), }, () => `<tr><td>${t()}</td><td><!--c-->${t()}</td></tr>`).join('')}</tbody></table>`;
    case 7: return `<ul${attrs()}><!-- first -->${Array.from({ length: 1 + r.int(4) }, () => `<li>${t()}</li>`).join('\n')}<!-- last --></ul>`;
    case 8: return `<ol>${Array.from({ length: 1 + r.int(3) }, () => `<li>${depth > 0 ? piece(r, depth - 1) : t()}</li>`).join('')}</ol>`;
    case 9: {
      const fields = Array.from({ length: 2 + r.int(4) }, () => {
        const type = r.pick(INPUT_TYPES);
        const v = type === 'color' ? '#33aa55' : type === 'range' ? String(r.int(100)) : type === 'number' ? String(r.int(999))
          : type === 'date' ? '2026-12-02' : ['file', 'image'].includes(type) ? '' : esc(text(r, 1));
        return `<label>${t()} <input type="${type}" name="f${r.int(3)}"${v ? ` value="${v}"` : ''}${type === 'checkbox' && r.chance(0.5) ? ' checked' : ''}></label>`;
      }).join('');
      return `<form onsubmit="return false"${attrs()}>${fields}<select name="s"><option value="a">A ${t()}</option><option value="b" selected>B</option><optgroup label="g"><option>C</option></optgroup></select><textarea>${t()}</textarea><button type="button">${t()}</button></form>`;
    }
    case 10: return `<details${r.chance(0.5) ? ' open' : ''}><summary>${t()}</summary>${kids()}</details>`;
    case 11: return `<dialog>${t()}<form method="dialog"><button>ok</button></form></dialog>`;
    case 12: return `<iframe src="/gen/frame-${r.int(3)}" style="width:220px;height:90px"></iframe>`;
    case 13: return `<div data-shadow="${r.int(3)}"${attrs()}>light ${t()}</div>`;
    case 14: return `<x-card${attrs()}>${t()}</x-card>`;
    case 15: return `<svg width="80" height="40" viewBox="0 0 80 40"><defs><linearGradient id="g${r.int(9)}"><stop offset="0" stop-color="#f00"/></linearGradient></defs><circle cx="20" cy="20" r="${5 + r.int(15)}" fill="#${r.int(9)}${r.int(9)}${r.int(9)}"/><text x="40" y="25">${t()}</text><foreignObject x="0" y="0" width="10" height="10"><span>fo</span></foreignObject></svg>`;
    case 16: return `<style>.c${r.int(5)} { color: rgb(${r.int(255)}, 0, 0); } x-card { display: block; }</style>`;
    case 17: return `<p data-site-connect-mask>secret ${t()}</p>`;
    case 18: return `<div data-site-connect-block style="height:20px">blocked ${t()}</div>`;
    case 19: return `<div data-site-connect-unmask><input value="${t()}"><textarea>${t()}</textarea></div>`;
    case 20: return `<div contenteditable="true">${t()}</div>`;
    case 21: return `<div class="scroller" style="height:60px;overflow:auto"><div style="height:400px;width:900px">tall ${t()}</div></div>`;
    case 22: return `<a href="/x/${r.int(9)}?q=${r.int(9)}"${attrs()}>${t()}</a>`;
    case 23: return `<img src="/img-${r.int(5)}.png" alt="${t()}" width="16" height="16">`;
    case 24: return `<input type="password" value="pw-${r.int(9999)}">`;
    case 25: return `<section${attrs()}><h3>${t()}</h3>${kids()}</section>`;
    default: return `<p${attrs()}>${t()}<span>${t()}</span>${r.chance(0.3) ? `<!--x-->` : ''} ${t()}</p>`;
  }
}

const KINDS = [
  ['insert', 20], ['insertScript', 3], ['innerHTML', 5], ['move', 8], ['text', 8], ['attr', 10], ['class', 5], ['remove', 8],
  ['input', 8], ['scroll', 2], ['escroll', 2], ['toggle', 2], ['dialog', 2], ['adopt', 2], ['shadowEdit', 4], ['custom', 2],
];
const TOTAL = KINDS.reduce((a, [, w]) => a + w, 0);
function kind(r) {
  let x = r() * TOTAL;
  for (const [k, w] of KINDS) if ((x -= w) < 0) return k;
  return 'insert';
}

/**
 * A mutation sequence: a few tasks of ops (some separated by a pause, so they land in different batches), maybe a
 * 1,000-mutation burst in one task, maybe a viewport resize.
 */
export function genSequence(r, { burst = r.chance(0.15) } = {}) {
  const steps = [];
  const tasks = 2 + r.int(5);
  for (let i = 0; i < tasks; i++) {
    const ops = Array.from({ length: 1 + r.int(12) }, () => {
      const k = kind(r);
      const op = [k, r(), r(), r()];
      if (k === 'insert' || k === 'innerHTML') op.push(genFragment(r, 1, 1 + r.int(3)));
      if (k === 'text' || k === 'input' || k === 'attr') op.push(text(r));
      return op;
    });
    if (burst && i === 1) ops.push(['burst', r(), 1000]);
    steps.push({ ops, wait: r.chance(0.5) ? r.int(120) : 0 });
    if (r.chance(0.06)) steps.push({ resize: { width: 800 + r.int(400), height: 500 + r.int(300) } });
  }
  return steps;
}

/** The visitor page's own script: reset/apply/view (no randomness of its own: it reads the numbers it is given). */
export function pageLib() {
  const w = window;
  const d = document;
  const arena = () => d.getElementById('arena');

  class XCard extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = '<style>b{color:#36c}</style><b>card</b> <slot></slot><!-- in shadow --><i>shadow text</i>';
    }
  }
  if (!customElements.get('x-card')) customElements.define('x-card', XCard);

  function setup(root) {
    root.querySelectorAll('[data-shadow]').forEach((host) => {
      if (host.shadowRoot) return;
      const s = host.attachShadow({ mode: 'open' });
      s.innerHTML = `<p>shadow ${host.getAttribute('data-shadow')}</p><!--sc--><span part="x">in <em>shadow</em></span>`;
    });
  }

  /** Every node the ops may touch: the arena's subtree, open shadow roots, same-origin iframe bodies. */
  function nodes(kindFilter) {
    const out = [];
    const walk = (n) => {
      for (let c = n.firstChild; c; c = c.nextSibling) {
        out.push(c);
        if (c.nodeType === 1) {
          if (c.shadowRoot) walk(c.shadowRoot);
          if (c.localName === 'iframe') {
            try { const b = c.contentDocument && c.contentDocument.body; if (b && c.contentDocument.URL !== 'about:blank') walk(b); } catch (e) { /* cross-origin */ }
          }
          if (!/^(template|textarea|script|style|title|noscript|select)$/.test(c.localName)) walk(c);
        }
      }
    };
    walk(arena());
    return kindFilter ? out.filter(kindFilter) : out;
  }
  const pick = (list, x) => list[Math.floor(x * list.length)];
  // Inside an <svg> (below its root) only SVG goes: no page moves SVG parts out of their picture or HTML into one.
  const inSvg = (n) => { const p = n.nodeType === 1 ? n : n.parentNode; return !!p && p.namespaceURI === 'http://www.w3.org/2000/svg' && p.localName !== 'svg'; };
  const isEl = (n) => n.nodeType === 1;
  // Void elements, and elements whose element children a browser does not render (text only, options only…).
  const isVoid = (n) => /^(input|img|br|hr|meta|link|area|col|embed|source|track|wbr|textarea|select|option|optgroup|script|style|title|noscript|iframe)$/.test(n.localName || '');

  function fragment(html, doc) {
    const t = doc.createElement('template');
    t.innerHTML = html;
    return doc.importNode(t.content, true);
  }

  function place(node, target, how) {
    const p = target.parentNode;
    if (how < 0.3 && p) p.insertBefore(node, target);
    else if (how < 0.6 && p) p.insertBefore(node, target.nextSibling);
    else if (isEl(target) && !isVoid(target)) {
      if (how < 0.8) target.insertBefore(node, target.firstChild); else target.appendChild(node);
    } else if (p) p.insertBefore(node, target);
  }

  function burst(seed, count) {
    let a = Math.floor(seed * 4294967296) >>> 0;
    const rnd = () => { a = (Math.imul(a, 1664525) + 1013904223) >>> 0; return a / 4294967296; };
    const list = d.createElement('ul');
    list.className = 'burst';
    arena().appendChild(list);
    const items = [];
    for (let i = 0; i < count; i++) {
      const x = rnd();
      if (x < 0.35 || items.length < 5) {
        const li = d.createElement('li');
        li.textContent = 'burst ' + i;
        const ref = items.length && rnd() < 0.5 ? items[Math.floor(rnd() * items.length)] : null;
        list.insertBefore(li, ref && ref.parentNode === list ? ref : null);
        items.push(li);
      } else if (x < 0.5) {
        const c = d.createComment('bc' + i);
        list.insertBefore(c, items[Math.floor(rnd() * items.length)].parentNode === list ? items[Math.floor(rnd() * items.length)] : null);
      } else if (x < 0.65) {
        items[Math.floor(rnd() * items.length)].textContent = 'edited ' + i;
      } else if (x < 0.8) {
        items[Math.floor(rnd() * items.length)].setAttribute('data-n', String(i));
      } else if (x < 0.9) {
        const li = items[Math.floor(rnd() * items.length)];
        if (li.parentNode) li.remove();
      } else {
        const li = items[Math.floor(rnd() * items.length)];
        const ref = items[Math.floor(rnd() * items.length)];
        if (li !== ref && ref.parentNode === list) list.insertBefore(li, ref);
      }
    }
  }

  function op([k, a, b, c, s]) {
    const all = nodes();
    switch (k) {
      case 'insert': {
        const target = pick(all.filter((n) => !inSvg(n)), a) || arena();
        const doc = target.ownerDocument;
        const f = fragment(s, doc);
        if (doc === d) setup(f);
        place(f, target, b);
        if (doc === d) setup(arena());
        break;
      }
      case 'insertScript': { // a script that runs and puts a node right before itself, the way widgets do
        const target = pick(all.filter((n) => n.ownerDocument === d && !inSvg(n)), a) || arena();
        const sc = d.createElement('script');
        if (b < 0.5) sc.src = '/gen/ext.js';
        else sc.textContent = 'var s = document.currentScript; if (s && s.parentNode) { var m = document.createElement("mark"); m.textContent = "inline script was here"; s.parentNode.insertBefore(m, s); }';
        place(sc, target, c);
        break;
      }
      case 'innerHTML': {
        const el = pick(all.filter((n) => isEl(n) && !isVoid(n) && !/^(script|style|textarea|iframe|svg|select|option)$/.test(n.localName) && n.namespaceURI === 'http://www.w3.org/1999/xhtml'), a);
        if (el) { el.innerHTML = s; if (el.ownerDocument === d) setup(el); }
        break;
      }
      case 'move': {
        const n = pick(all.filter((x) => !inSvg(x)), a);
        const dest = pick(all.filter((x) => isEl(x) && !isVoid(x) && !inSvg(x) && x.ownerDocument === (n && n.ownerDocument)), b);
        if (!n || !dest || n === dest || (n.contains && n.contains(dest))) break;
        try { dest.insertBefore(n, pick(Array.from(dest.childNodes), c) || null); } catch (e) { /* not allowed there */ }
        break;
      }
      case 'text': {
        const t = pick(all.filter((n) => n.nodeType === 3 || n.nodeType === 8), a);
        if (t) t.data = b < 0.2 ? '  ' : s;
        else { const e = pick(all.filter(isEl), a); if (e && !isVoid(e)) e.textContent = s; }
        break;
      }
      case 'attr': {
        const el = pick(all.filter(isEl), a);
        if (!el) break;
        const names = ['title', 'data-k', 'lang', 'dir', 'aria-label', 'style', 'hidden', 'width'];
        const name = names[Math.floor(b * names.length)];
        if (c < 0.25) el.removeAttribute(name);
        else if (name === 'style') el.setAttribute('style', ['color:#a0a', 'padding:3px', 'font-style:italic', 'margin-left:4px;color:#060'][Math.floor(c * 4)]);
        else if (name === 'hidden') el.setAttribute('hidden', '');
        else if (name === 'dir') el.setAttribute('dir', c < 0.6 ? 'rtl' : 'ltr');
        else el.setAttribute(name, s);
        break;
      }
      case 'class': {
        const el = pick(all.filter(isEl), a);
        if (el) el.classList.toggle('c' + Math.floor(b * 5), c < 0.7);
        break;
      }
      case 'remove': {
        const n = pick(all, a);
        if (n && n.parentNode) n.parentNode.removeChild(n);
        break;
      }
      case 'input': {
        const el = pick(all.filter((n) => /^(input|textarea|select)$/.test(n.localName)), a);
        if (!el) break;
        if (el.localName === 'select') el.selectedIndex = Math.floor(b * el.options.length);
        else if (el.type === 'checkbox' || el.type === 'radio') el.checked = b < 0.5;
        else if (el.type === 'color') el.value = '#' + Math.floor(b * 0xffffff).toString(16).padStart(6, '0');
        else if (el.type === 'range' || el.type === 'number') el.value = String(Math.floor(b * 100));
        else if (el.type === 'date') el.value = '2027-0' + (1 + Math.floor(b * 9)) + '-1' + Math.floor(c * 9);
        else if (el.type !== 'file') el.value = b < 0.1 ? '' : s;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
        break;
      }
      case 'scroll': w.scrollTo(0, Math.floor(a * Math.max(0, d.documentElement.scrollHeight - w.innerHeight))); break;
      case 'escroll': {
        const el = pick(Array.from(d.querySelectorAll('#arena .scroller')), a);
        if (el) { el.scrollTop = Math.floor(b * (el.scrollHeight - el.clientHeight)); el.scrollLeft = Math.floor(c * 200); }
        break;
      }
      case 'toggle': {
        const el = pick(Array.from(d.querySelectorAll('#arena details')), a);
        if (el) el.open = !el.open;
        break;
      }
      case 'dialog': {
        const el = pick(Array.from(d.querySelectorAll('#arena dialog')), a);
        if (!el) break;
        if (el.open) el.close(); else if (b < 0.5) el.show(); else { try { el.showModal(); } catch (e) { el.show(); } }
        break;
      }
      case 'adopt': {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(`.c${Math.floor(a * 5)} { background: rgb(${Math.floor(b * 255)}, 240, 240); }`);
        const hosts = Array.from(d.querySelectorAll('#arena [data-shadow], #arena x-card')).filter((h) => h.shadowRoot);
        if (c < 0.5 || !hosts.length) d.adoptedStyleSheets = [sheet];
        else pick(hosts, c).shadowRoot.adoptedStyleSheets = [sheet];
        break;
      }
      case 'shadowEdit': {
        const hosts = Array.from(d.querySelectorAll('#arena [data-shadow], #arena x-card')).filter((h) => h.shadowRoot);
        const h = pick(hosts, a);
        if (!h) break;
        const p = d.createElement('p');
        p.textContent = 'shadow add ' + Math.floor(b * 100);
        const ref = pick(Array.from(h.shadowRoot.childNodes), c) || null;
        h.shadowRoot.insertBefore(p, ref);
        break;
      }
      case 'custom': {
        const target = pick(all.filter((n) => n.ownerDocument === d && !inSvg(n)), a) || arena();
        const x = d.createElement('x-card');
        x.textContent = 'custom ' + Math.floor(b * 100);
        place(x, target, c);
        break;
      }
      case 'burst': burst(a, b); break;
      default: break;
    }
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  w.__gen = {
    reset(html) {
      w.scrollTo(0, 0);
      d.adoptedStyleSheets = [];
      arena().innerHTML = html;
      setup(arena());
    },
    async apply(steps) {
      for (const s of steps) {
        for (const o of s.ops) {
          try { op(o); } catch (e) { /* an op the DOM refuses (a hierarchy error) changes nothing: go on */ }
        }
        if (s.wait) await sleep(s.wait);
      }
    },
    /**
     * Resolves when every same-origin iframe in the arena has loaded its page: also those in shadow roots and in
     * other frames (nodes() walks into both; querySelectorAll does not).
     */
    async frames() {
      for (let i = 0; i < 200; i++) {
        const pending = nodes((n) => n.localName === 'iframe').filter((f) => {
          try { const doc = f.contentDocument; return !doc || doc.URL === 'about:blank' || doc.readyState !== 'complete'; } catch (e) { return false; }
        });
        if (!pending.length) return;
        await sleep(25);
      }
    },
  };
  setup(arena());
}

/**
 * The comparison view of a document, as text lines (one node a line, indented): the element tree with open shadow
 * roots and same-origin iframes, text (masked where the recorder masks it), the attributes that render, form state
 * as the mirror must show it (masked), style rules (also adopted), scroll positions, and blocked subtrees as boxes.
 * Comments, scripts, noscript and what the replayer puts in for them (<sc-removed>) are left out; a <script> left in
 * the mirror is reported. mode 'visitor' computes what the mirror must show; mode 'mirror' reads what it shows.
 */
export function normalise(doc, mode, base) {
  const MASK_TEXT = '[data-site-connect-mask],textarea:not([data-site-connect-unmask]),[contenteditable]:not([contenteditable="false"]):not([data-site-connect-unmask])';
  const BLOCK = '[data-site-connect-block],input[type="password" i],input[data-rr-is-password],input[autocomplete*="password" i],.site-connect-cobrowse';
  const URLS = new Set(['href', 'src', 'action', 'poster', 'formaction', 'xlink:href']);
  const NO_VALUE = new Set(['checkbox', 'radio', 'submit', 'button', 'image', 'file']);
  const lines = [];
  const visitor = mode === 'visitor';
  const scratch = {};

  // The recorder's masking rule (recorder.js markerAt): the nearest marker wins, across shadow hosts and frame
  // elements; text and TEXT_ATTRS count textarea/contenteditable as a mask, field values only the explicit markers.
  const TEXT_ATTRS = new Set(['title', 'alt', 'placeholder', 'value', 'label', 'summary', 'abbr', 'content', 'download',
    'aria-label', 'aria-description', 'aria-placeholder', 'aria-roledescription', 'aria-valuetext', 'aria-braillelabel',
    'aria-brailleroledescription']);
  function ownMarker(el, explicitOnly) {
    if (el.hasAttribute('data-site-connect-mask')) return 'M';
    if (el.hasAttribute('data-site-connect-unmask')) return 'U';
    if (explicitOnly) return '';
    const ce = el.getAttribute('contenteditable');
    return el.localName === 'textarea' || (ce != null && ce !== 'false') ? 'M' : '';
  }
  function markerAt(node, explicitOnly) {
    for (let n = node; n;) {
      if (n.nodeType === 1) { const m = ownMarker(n, explicitOnly); if (m) return m; n = n.parentNode; }
      else if (n.nodeType === 11) n = n.host || null;
      else if (n.nodeType === 9) { try { n = n.defaultView && n.defaultView.frameElement; } catch (e) { n = null; } }
      else n = n.parentNode;
    }
    return '';
  }

  function masked(type, value) {
    if (!value) return '';
    const stars = '*'.repeat(value.length);
    if (!type) return stars;
    // What the mirror's input of this type makes of the stars (a number field cannot hold them, a colour neither).
    let s = scratch[type];
    if (!s) { s = scratch[type] = doc.createElement('input'); try { s.type = type; } catch (e) { /* odd type */ } }
    s.value = stars;
    return s.value;
  }

  function styleOf(el) {
    return el.style ? el.style.cssText : el.getAttribute('style');
  }

  function rules(sheet) {
    try { return Array.from(sheet.cssRules).map((r) => r.cssText).join(' '); } catch (e) { return '?'; }
  }

  function attrs(el) {
    const out = [];
    for (const a of Array.from(el.attributes)) {
      const n = a.name.toLowerCase();
      if (n.startsWith('on') || n.startsWith('rr_') || n.startsWith('data-rr') || n === 'value' || n === 'checked'
        || n === 'selected' || n === 'srcdoc' || n === 'nonce' || n === 'autofocus' || n === 'autocomplete' || n === 'rrweb-original-src') continue;
      if (el.localName === 'iframe' && n === 'src') continue;
      let v = a.value;
      if (visitor && TEXT_ATTRS.has(n) && markerAt(el) === 'M') v = v.replace(/\S/g, '*');
      if (n === 'style') v = styleOf(el);
      else if (URLS.has(n)) { try { v = new URL(v, base).href; } catch (e) { /* keep */ } }
      out.push(n + '=' + JSON.stringify(v));
    }
    return out.sort().join(' ');
  }

  /** The replayer shows a blocked element as an empty box of the same tag: class and size, nothing else. */
  function looksBlocked(el) {
    if (el.localName === 'iframe' || el.shadowRoot) return false;
    for (let c = el.firstChild; c; c = c.nextSibling) { // what the comparison shows: not comments, scripts, empty text
      if ((c.nodeType === 3 && c.data) || (c.nodeType === 1 && !/^(script|noscript|sc-removed)$/.test(c.localName))) return false;
    }
    const names = Array.from(el.attributes).map((a) => a.name).filter((n) => n !== 'class' && n !== 'autocomplete');
    return names.length === 1 && names[0] === 'style' && el.style.length === 2 && !!el.style.width && !!el.style.height;
  }

  function isBlocked(el) {
    // An unblocked element of that very shape is indistinguishable in the mirror: both sides call it a box.
    return (visitor && el.matches(BLOCK)) || looksBlocked(el);
  }

  // Text and values in a shadow root or same-origin iframe under a masked (or unmasked) region are not compared here
  // (the recorder masks them by markerAt since issue 16's masking; hostile-masking-deep.test.mjs proves that).
  const UNDER_MASK = MASK_TEXT + ',[data-site-connect-unmask]';
  let fuzzy = 0;

  function walk(parent, depth, inMask) {
    let text = null;
    const pad = '  '.repeat(depth);
    const flush = () => {
      if (text !== null && text !== '') lines.push(pad + '#text ' + (fuzzy ? '~' : JSON.stringify(text)));
      text = null;
    };
    for (let n = parent.firstChild; n; n = n.nextSibling) {
      if (parent.localName === 'textarea') continue; // the value shows, not the children
      if (n.nodeType === 3) {
        if (parent.localName === 'style') continue;
        const t = visitor && inMask ? n.data.replace(/\S/g, '*') : n.data;
        text = (text || '') + t;
        continue;
      }
      if (n.nodeType !== 1) continue; // comments, processing instructions
      const tag = n.localName;
      if (tag === 'script' && visitor) continue;
      if (tag === 'noscript' || tag === 'sc-removed') continue;
      if (n.id === 'channelme-siteconnect-container' || (n.classList && n.classList.contains('site-connect-cobrowse'))) continue;
      flush();
      if (tag === 'script') { lines.push(pad + '<SCRIPT IN THE MIRROR>'); continue; }
      if (isBlocked(n)) {
        lines.push(pad + '<' + tag + ' [blocked]>'); // a box as recorded: later changes to it are not sent
        continue;
      }
      let line = pad + '<' + (n.namespaceURI === 'http://www.w3.org/2000/svg' ? 'svg:' : '') + tag;
      const a = attrs(n);
      if (a) line += ' ' + a;
      if (tag === 'input' || tag === 'textarea') {
        const type = tag === 'input' ? (n.type || 'text') : '';
        if (type === 'checkbox' || type === 'radio') line += ' {checked=' + n.checked + '}';
        else if (!NO_VALUE.has(type)) {
          const unmasked = markerAt(n, true) === 'U';
          line += ' {value=' + (fuzzy ? '~' : JSON.stringify(visitor && !unmasked ? masked(type === 'textarea' ? '' : type, n.value) : n.value)) + '}';
        }
      }
      if (tag === 'select' && markerAt(n, true) === 'U') line += ' {value=' + JSON.stringify(n.value) + '}';
      if (tag === 'style') line += ' {rules=' + JSON.stringify(n.sheet ? rules(n.sheet) : '') + '}';
      if (n.scrollTop || n.scrollLeft) line += ' {scroll=' + n.scrollLeft + ',' + n.scrollTop + '}';
      lines.push(line + '>');
      const own = visitor ? ownMarker(n) : '';
      const mask = own ? own === 'M' : inMask;
      if (n.shadowRoot) {
        lines.push(pad + '  #shadow-root' + (n.shadowRoot.adoptedStyleSheets.length ? ' {adopted=' + JSON.stringify(n.shadowRoot.adoptedStyleSheets.map(rules).join(' ')) + '}' : ''));
        const under = !!n.closest(UNDER_MASK);
        if (under) fuzzy++;
        walk(n.shadowRoot, depth + 2, false);
        if (under) fuzzy--;
      }
      if (tag === 'iframe') {
        let inner = null;
        try { inner = n.contentDocument; } catch (e) { /* cross-origin */ }
        if (inner && inner.body && (!visitor || inner.URL !== 'about:blank')) {
          lines.push(pad + '  #document');
          const under = !!n.closest(UNDER_MASK);
          if (under) fuzzy++;
          walk(inner.body, depth + 2, false);
          if (under) fuzzy--;
        }
        continue;
      }
      if (tag !== 'template') walk(n, depth + 1, mask);
    }
    flush();
  }

  const root = doc.body;
  const win = doc.defaultView;
  lines.push('#viewport ' + (visitor ? win.innerWidth + 'x' + win.innerHeight
    : win.frameElement.getAttribute('width') + 'x' + win.frameElement.getAttribute('height')));
  lines.push('#adopted ' + JSON.stringify(doc.adoptedStyleSheets.map(rules).join(' ')));
  const se = doc.scrollingElement || doc.documentElement;
  lines.push('#scroll ' + se.scrollLeft + ',' + se.scrollTop);
  walk(root, 0, false);
  return lines.join('\n');
}

/** First differing line of two views, with a little context. */
export function diff(expected, actual) {
  const a = expected.split('\n');
  const b = actual.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return '';
  const ctx = (list) => list.slice(Math.max(0, i - 4), i + 4).map((l, k) => `${Math.max(0, i - 4) + k === i ? '>' : ' '} ${l.slice(0, 220)}`).join('\n');
  return `first difference at line ${i + 1} (visitor ${a.length} lines, mirror ${b.length} lines)\n--- visitor (expected) ---\n${ctx(a)}\n--- mirror ---\n${ctx(b)}`;
}

/** The visitor page's framed pages (same origin) and the script file the generated pages load. */
export function framePage(n) {
  return `<!doctype html><html><head><meta charset="utf-8"><style>p{margin:2px}</style></head><body><p>frame ${n}</p><!-- c --><ul><li>one</li><li>two</li></ul><input value="typed ${n}"><script>window.__f = 1;</script><div data-site-connect-block>blocked in frame</div></body></html>`;
}
export const EXT_JS = 'window.__ext = (window.__ext || 0) + 1;';
