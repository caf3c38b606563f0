/*! SiteConnect agent console: the co-browse sanitiser (DESIGN §6, docs/PROTOCOL.md "Co-browse").
 * Every rrweb event from a visitor's page passes through here before the replayer sees it. The replay iframe is
 * sandboxed (`allow-same-origin` only, so no script runs in it); this is the second wall: nothing that could run
 * script, navigate the mirror or re-base its URLs reaches the DOM the replayer builds.
 *
 *   window.scSanitize(event) → the event made safe (changed in place), or null when it must be dropped.
 *   window.scSanitize.create() → a sanitiser with its own memory (one per mirror: node ids → tags).
 *
 * Rules: elements that can run or load code (script, noscript, base, object, embed, applet, frame, frameset, portal,
 * meta http-equiv, invalid tag names) become an inert hidden `<sc-removed>` with the same id, so later mutations
 * still find their parent; attributes `on*`, `srcdoc`, `http-equiv`, invalid names, and any value that — after
 * entity/percent decoding, removing whitespace, control characters and backslashes, lower-casing — contains a
 * `javascript:`/`vbscript:`/`livescript:` URL or an HTML/XML/SVG `data:` document are dropped; frame-like elements
 * lose `src`/`data`; CSS (style attributes, `<style>` text, `_cssText`, rule and declaration events) loses
 * `expression(` and `url(javascript:…)`, and a sheet that still holds such a thing once comments and CSS escapes
 * are undone is dropped whole. Event kinds the mirror does not need (custom, plugin, canvas, font, log, custom
 * element) are dropped.
 *
 * Resources (issue 15 item 9): the agent's browser must fetch nothing from a host the site did not configure — a
 * request would tell that host the agent's address and when an agent is watching. Every URL in an attribute
 * (`src`, `srcset` candidates, `href`, `poster`, `data`, `ping`, …, SVG `url(…)` presentation attributes, animation
 * values) and in CSS (`url(…)`, `@import`, `image-set()` and any other string that is a URL) is resolved as a
 * browser would; one whose origin is not one of the sites' origins (`scSanitize.allowOrigins`, from GET /api/v1/me)
 * is dropped (a link's `href` becomes `#`), and CSS that still names one after the rewrite is dropped whole. Relative
 * URLs resolve to the console's own origin and stay. The console's CSP (img/style/font/media-src = the gateway and
 * the sites' origins), which the mirror iframe inherits, is the wall behind this one.
 */
(function (w) {
  'use strict';

  // rrweb 2.x numbers (rrweb's EventType, IncrementalSource and NodeType enums).
  const EV = { DOM_LOADED: 0, LOAD: 1, FULL: 2, INCREMENTAL: 3, META: 4 };
  const SRC = { MUTATION: 0, SHEET_RULE: 8, DECLARATION: 13, ADOPTED_SHEET: 15 };
  const KEPT_SOURCES = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 15]); // not canvas, font, log, custom element
  const NODE = { DOCUMENT: 0, DOCTYPE: 1, ELEMENT: 2, TEXT: 3, CDATA: 4, COMMENT: 5 };

  const INERT_TAGS = new Set(['script', 'noscript', 'base', 'object', 'embed', 'applet', 'frame', 'frameset',
    'portal', 'handler', 'listener', 'param']);
  const FRAME_TAGS = new Set(['iframe', 'frame', 'object', 'embed', 'portal', 'applet']);
  const IMAGE_TAGS = new Set(['img', 'image', 'source', 'picture', 'input', 'link', 'video', 'audio', 'track']);
  const URL_ATTRS = new Set(['src', 'href', 'xlink:href', 'data', 'action', 'formaction', 'poster', 'background',
    'codebase', 'cite', 'longdesc', 'srcset', 'imagesrcset', 'ping', 'lowsrc', 'dynsrc', 'manifest', 'icon',
    'profile', 'archive', 'classid', 'usemap', 'itemtype']);
  const SAFE_DATA = /^data:(image\/(png|gif|jpe?g|pjpeg|webp|avif|bmp|x-icon|vnd\.microsoft\.icon)|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+|font\/[a-z0-9.+-]+)[;,]/;
  const SVG_DATA = /^data:image\/svg\+xml[;,]/;
  const BAD_URL = /(java|vb|live)script:|data:(text\/(html|xml)|application\/(xhtml|xml|x-javascript|javascript|ecmascript)|image\/svg)/;
  const BAD_CSS = /expression\(|(java|vb|live)script:|(^|[^a-z0-9_-])(-moz-binding|behaviou?r):/;
  const TAG_NAME = /^[a-z][a-z0-9._-]*$/;
  const ATTR_NAME = /^[a-z_:][-a-z0-9_:.]*$/;
  const INERT_STYLE = 'display:none !important';
  // Deeper than this, nodes are not built: Chromium's renderer crashes on a few thousand nested elements (10,000
  // chained adds killed the whole console), and its own HTML parser nests no deeper than 512.
  const MAX_DEPTH = 512;

  const ENTITIES = {
    colon: ':', tab: '\t', newline: '\n', lpar: '(', rpar: ')', sol: '/', bsol: '\\', period: '.', nbsp: ' ',
    amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", comma: ',', semi: ';', excl: '!', num: '#', percnt: '%',
    plus: '+', equals: '=', lowbar: '_', hyphen: '-', dash: '-', ast: '*', midast: '*', grave: '`', lsqb: '[',
    rsqb: ']', lcub: '{', rcub: '}', verbar: '|', quest: '?', commat: '@', dollar: '$',
  };

  function codePoint(n) {
    return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '';
  }

  /** Undoes HTML character references (numeric with or without `;`, the named ones an attack would use). */
  function decodeEntities(s) {
    return s.replace(/&#(x[0-9a-f]+|[0-9]+);?/gi, (m, n) => codePoint(n[0] === 'x' || n[0] === 'X'
      ? parseInt(n.slice(1), 16) : parseInt(n, 10)))
      .replace(/&([a-z]+);?/gi, (m, n) => ENTITIES[n.toLowerCase()] ?? m);
  }

  /** The form a browser's URL or CSS parser could end up seeing, made as hostile as possible for the checks. */
  function normalise(value) {
    let s = String(value);
    for (let i = 0; i < 4; i++) {
      let next = decodeEntities(s);
      try { next = decodeURIComponent(next); } catch (e) { next = next.replace(/%([0-9a-f]{2})/gi, (m, h) => String.fromCharCode(parseInt(h, 16))); }
      if (next === s) break;
      s = next;
    }
    // Whitespace, control and invisible characters, and backslashes are what "java\tscript:" tricks hide behind.
    return s.replace(/[\u0000-\u0020\u007f-\u00a0\u00ad\u034f\u061c\u115f\u1160\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufeff\ufff0-\uffff\\]/g, '')
      .toLowerCase();
  }

  /** CSS escapes (`\6A`, `\j`) and comments undone, then normalised. */
  function normaliseCss(css) {
    const s = String(css).replace(/\/\*[\s\S]*?(\*\/|$)/g, '')
      .replace(/\\([0-9a-f]{1,6})[ \t\r\n\f]?/gi, (m, h) => codePoint(parseInt(h, 16)))
      .replace(/\\([^\r\n\f0-9a-f])/gi, '$1');
    return normalise(s);
  }

  /** CSS text without `expression(` and script URLs; '' when a disguised one remains. */
  function cleanCss(css) {
    if (typeof css !== 'string') return '';
    const out = css.replace(/expression\s*\(/gi, 'invalid(')
      .replace(/url\(\s*(['"]?)\s*(java|vb|live)script\s*:/gi, 'url($1about:invalid#')
      .replace(/(-moz-binding|behaviou?r)\s*:/gi, 'x-$1:'); // old IE/Firefox hooks: legacy sheets keep the rest
    return BAD_CSS.test(normaliseCss(out)) ? '' : cleanCssUrls(out);
  }

  // ---- resources: only from the sites' origins ----
  let allowed = new Set(); // origins the mirror may load from (the agent's sites), set by the console
  // A base no page can name: what resolves onto it was relative (it loads from the console's own origin).
  const RELATIVE = 'http://sc-' + Math.random().toString(36).slice(2) + '.invalid';
  // @namespace names these; they are never fetched.
  const NAMESPACES = new Set(['http://www.w3.org/1999/xhtml', 'http://www.w3.org/2000/svg', 'http://www.w3.org/1998/Math/MathML']);
  /** A CSS string that a browser could take for an absolute or protocol-relative URL (image-set, @import …). */
  function looksLikeUrl(text) {
    return /^[\u0000-\u0020]*(https?:|ftps?:|wss?:|data:|blob:|[\/\\]{2})/i.test(String(text).replace(/[\t\n\r]/g, ''));
  }

  /** True when loading `raw` (as a browser resolves it) would not reach a host outside the sites' origins. */
  function urlAllowed(raw, inCss) {
    const text = String(raw);
    if (text.trim() === '' || text.trim().startsWith('#')) return true;
    let u;
    try { u = new URL(text, RELATIVE + '/sc/'); } catch (e) { return false; }
    if (u.protocol === 'about:') return true;
    if (u.protocol === 'data:') {
      const v = normalise(text);
      return SAFE_DATA.test(v) || SVG_DATA.test(v);
    }
    if (u.protocol === 'blob:') return !!inCss; // a blob: of the visitor's page means nothing here; never a fetch
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
    return u.origin === RELATIVE || allowed.has(u.origin) || (!!inCss && NAMESPACES.has(u.href.replace(/\/$/, '')));
  }

  /** srcset / imagesrcset: the candidates whose URL is allowed ('' when none is). */
  function cleanSrcset(value) {
    return String(value).split(/,(?=\s)|,$/).map((c) => c.trim()).filter((c) => c && urlAllowed(c.split(/\s+/)[0], false)).join(', ');
  }

  /** CSS escapes and comments undone (not lower-cased: URLs keep their case for the URL parser). */
  function unescapeCss(css) {
    return String(css).replace(/\/\*[\s\S]*?(\*\/|$)/g, '')
      .replace(/\\([0-9a-f]{1,6})[ \t\r\n\f]?/gi, (m, h) => codePoint(parseInt(h, 16)))
      .replace(/\\([^\r\n\f0-9a-f])/gi, '$1');
  }

  // url(…) with its argument quoted or not, then the other strings.
  const CSS_URL = /url\(\s*(?:"((?:\\[\s\S]|[^"\\\n])*)"|'((?:\\[\s\S]|[^'\\\n])*)'|([^)'"\s]*))\s*\)/gi;
  const CSS_STRING = /"((?:\\[\s\S]|[^"\\\n])*)"|'((?:\\[\s\S]|[^'\\\n])*)'/g;

  /** The URLs CSS text would load: every url(…) and every string that is a URL (@import "…", image-set). */
  function cssUrls(css) {
    const text = unescapeCss(css);
    const out = [];
    const rest = text.replace(CSS_URL, (m, a, b, c) => { out.push(a ?? b ?? c ?? ''); return ' '; });
    rest.replace(CSS_STRING, (m, a, b) => { const v = a ?? b ?? ''; if (looksLikeUrl(v)) out.push(v); return m; });
    return out;
  }

  /** CSS with every URL to a host outside the sites replaced by about:invalid; '' when one still hides in it. */
  function cleanCssUrls(css) {
    const out = String(css).replace(CSS_URL, (m, a, b, c) => (urlAllowed(unescapeCss(a ?? b ?? c ?? ''), true) ? m : 'url(about:invalid)'))
      .replace(CSS_STRING, (m, a, b) => {
        const v = unescapeCss(a ?? b ?? '');
        return looksLikeUrl(v) && !urlAllowed(v, true) ? '"about:invalid"' : m;
      });
    return cssUrls(out).every((u) => urlAllowed(u, true)) ? out : '';
  }

  /** A URL-bearing attribute: the value to keep, or undefined to drop it. */
  function resourceAttr(tag, name, value) {
    if (name === 'srcset' || name === 'imagesrcset') {
      const kept = cleanSrcset(value);
      return kept === '' && String(value).trim() !== '' ? undefined : kept;
    }
    if (name === 'ping' || name === 'archive') {
      return String(value).split(/\s+/).every((u) => urlAllowed(u, false)) ? value : undefined;
    }
    if (urlAllowed(value, false)) return value;
    return (tag === 'a' || tag === 'area') && (name === 'href' || name === 'xlink:href') ? '#' : undefined;
  }

  const ANIMATION_TAGS = new Set(['animate', 'set', 'animatemotion', 'animatetransform', 'animatecolor']);
  const ANIMATION_VALUES = new Set(['to', 'from', 'by', 'values']);

  function badUrl(value, tag, name) {
    const v = normalise(value);
    if (BAD_URL.test(v)) {
      // An image element may show an SVG picture: as an image it cannot run script.
      return !(SVG_DATA.test(v) && IMAGE_TAGS.has(tag) && !BAD_URL.test(v.replace(SVG_DATA, '')));
    }
    if (URL_ATTRS.has(name)) {
      if (FRAME_TAGS.has(tag) && (name === 'src' || name === 'data')) return true; // never load a document
      if (/^(blob|filesystem|jar|mhtml|view-source):/.test(v)) return true;
      if (v.startsWith('data:') && !SAFE_DATA.test(v) && !(SVG_DATA.test(v) && IMAGE_TAGS.has(tag))) return true;
    }
    return false;
  }

  /**
   * Sanitises one attribute; returns the value to keep, or undefined to drop it. `value` is a string, a boolean, a
   * number, null (attribute removed: always fine), or — in mutation events — rrweb's style diff object.
   */
  function attribute(tag, rawName, value) {
    const name = String(rawName).trim().toLowerCase();
    if (!ATTR_NAME.test(name)) return undefined;
    const local = name.slice(name.lastIndexOf(':') + 1);
    if (local.startsWith('on') || local === 'srcdoc' || local === 'http-equiv' || local === 'formaction') return undefined;
    // rr_open_mode="modal" makes the replayer call showModal(), autofocus focuses: either takes the agent's keyboard
    // focus into the mirror. A dialog shows through its `open` attribute alone.
    if (name === 'rr_open_mode' || name === 'autofocus') return undefined;
    if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
    if (name === 'style' && typeof value === 'object') return styleDiff(value);
    if (typeof value !== 'string') return undefined;
    if (name === 'style' || name === '_csstext') return cleanCss(value);
    if (name === 'rr_src') return undefined; // the replayer never loads it; nobody needs it
    if (name === 'rr_dataurl') return SAFE_DATA.test(normalise(value)) && /^data:image\//.test(normalise(value)) ? value : undefined;
    if (name.startsWith('rr_')) return BAD_CSS.test(normaliseCss(value)) || badUrl(value, tag, name) ? undefined : value;
    if (badUrl(value, tag, name)) return undefined;
    if (URL_ATTRS.has(name)) return resourceAttr(tag, name, value);
    if (ANIMATION_TAGS.has(tag) && ANIMATION_VALUES.has(name)) { // <set to="http://…"> animating an href
      return value.split(';').every((v) => !looksLikeUrl(v) || urlAllowed(v.trim(), false)) ? cleanCssUrls(value) || undefined : undefined;
    }
    // SVG presentation attributes take url(…): fill, filter, mask, clip-path, marker-*, cursor, …
    if (/url\s*\(/i.test(normalise(value))) return cleanCssUrls(value) || undefined;
    return value;
  }

  /** rrweb's style diff: {property: value | [value, priority] | false}. */
  function styleDiff(diff) {
    const out = {};
    for (const prop of Object.keys(diff)) {
      const v = diff[prop];
      if (!/^-?-?[a-zA-Z][a-zA-Z0-9-]*$/.test(prop)) continue;
      if (v === false) { out[prop] = false; continue; }
      const text = Array.isArray(v) ? String(v[0]) + ' ' + String(v[1] || '') : String(v);
      if (!BAD_CSS.test(normaliseCss(prop + ':' + text)) && cssUrls(text).every((u) => urlAllowed(u, true))) {
        out[prop] = Array.isArray(v) ? [String(v[0]), String(v[1] || '')] : String(v);
      }
    }
    return out;
  }

  /**
   * A sanitiser with its own memory. Its lost() tells (once) why something the page sent was left out since it was
   * last asked ('' when nothing was): the mirror then differs from the page, and the console asks for a snapshot.
   */
  function create() {
    const tags = new Map(); // node id → lower-case tag name (elements seen so far)
    const inert = new Set(); // ids of elements made inert: their later attribute changes are ignored
    const styleTexts = new Set(); // ids of text nodes inside <style>
    const parents = new Map(); // node id → its parent's id (null: the document) — how deep a node is
    let lost = ''; // why something the page sent was left out (the mirror then differs: the console re-syncs)

    function reset() {
      tags.clear();
      inert.clear();
      styleTexts.clear();
      parents.clear();
    }

    /** The depth of node `id` (the document is 0); MAX_DEPTH + 1 when deeper (or in a cycle); -1 when unknown. */
    function depthOf(id) {
      let depth = 0;
      for (let at = id; at !== null; at = parents.get(at)) {
        if (!parents.has(at)) return -1;
        if (++depth > MAX_DEPTH + 1) break;
      }
      return depth - 1;
    }

    function tagOf(n) {
      const raw = String(n.tagName == null ? '' : n.tagName).trim().toLowerCase();
      return raw.slice(raw.lastIndexOf(':') + 1);
    }

    function makeInert(n) {
      n.tagName = 'sc-removed';
      n.attributes = { hidden: true, style: INERT_STYLE };
      delete n.isCustom;
      delete n.isShadowHost;
      inert.add(n.id);
      tags.set(n.id, 'sc-removed');
    }

    function element(n) {
      const tag = tagOf(n);
      const attrs = n.attributes && typeof n.attributes === 'object' ? n.attributes : {};
      delete n.isCustom; // the replayer would define a custom element by the page's name
      const metaEquiv = tag === 'meta' && Object.keys(attrs).some((k) => k.trim().toLowerCase() === 'http-equiv');
      if (!TAG_NAME.test(tag) || INERT_TAGS.has(tag) || metaEquiv) {
        makeInert(n);
        return;
      }
      n.tagName = tag; // rrweb records lower-case names; its replayer restores SVG's camelCase
      tags.set(n.id, tag);
      inert.delete(n.id);
      const clean = {};
      for (const name of Object.keys(attrs)) {
        const v = attribute(tag, name, attrs[name]);
        if (v !== undefined) clean[name] = v;
      }
      n.attributes = clean;
    }

    /**
     * A serialised node and everything under it (iteratively: pages can be very deep), `depth` its depth (the
     * document's is 0). Children deeper than MAX_DEPTH are left out.
     */
    function node(root, parentId, depth) {
      const stack = [[root, parentId, depth]];
      while (stack.length) {
        const [n, parent, level] = stack.pop();
        if (!n || typeof n !== 'object') continue;
        parents.set(n.id, parent);
        switch (n.type) {
          case NODE.ELEMENT: element(n); break;
          case NODE.TEXT:
            n.textContent = n.textContent == null ? '' : String(n.textContent);
            if (n.isStyle || tags.get(parent) === 'style') {
              styleTexts.add(n.id);
              n.textContent = cleanCss(n.textContent);
            }
            break;
          case NODE.CDATA: // createCDATASection throws in HTML documents
            n.type = NODE.COMMENT;
            n.textContent = '';
            break;
          case NODE.COMMENT: n.textContent = ''; break;
          case NODE.DOCTYPE: n.name = 'html'; n.publicId = ''; n.systemId = ''; break;
          case NODE.DOCUMENT: break;
          default: n.type = NODE.COMMENT; n.textContent = '';
        }
        if (Array.isArray(n.childNodes) && n.childNodes.length && level >= MAX_DEPTH) {
          n.childNodes = [];
          lost = 'nodes nested deeper than ' + MAX_DEPTH + ' levels';
        } else if (Array.isArray(n.childNodes)) {
          for (let i = n.childNodes.length - 1; i >= 0; i--) stack.push([n.childNodes[i], n.id, level + 1]);
        } else if (n.childNodes != null) {
          n.childNodes = [];
        }
      }
    }

    function rules(list) {
      return (Array.isArray(list) ? list : []).filter((r) => {
        if (!r || typeof r.rule !== 'string') return false;
        r.rule = cleanCss(r.rule);
        return r.rule !== '';
      });
    }

    function mutation(d) {
      if (!Array.isArray(d.removes)) d.removes = [];
      // The replayer applies removes first; a removed node is no parent any more (until it is added again).
      d.removes.forEach((r) => { if (r) parents.delete(r.id); });
      d.adds = (Array.isArray(d.adds) ? d.adds : []).filter((a) => {
        if (!a || !a.node || typeof a.node !== 'object') return false;
        // rrweb's recorder never sends a sibling it has no id for (-1); the replayer would keep such a node aside,
        // never shown, and copy that list on every later mutation.
        if (a.previousId === -1 || a.nextId === -1) return false;
        const depth = depthOf(a.parentId) + 1;
        if (depth <= 0) { lost = lost || 'a node added to one the mirror does not have'; return false; } // rrweb adds parents first
        if (depth > MAX_DEPTH) { lost = lost || 'nodes nested deeper than ' + MAX_DEPTH + ' levels'; return false; }
        node(a.node, a.parentId, depth);
        return true;
      });
      d.texts = (Array.isArray(d.texts) ? d.texts : []).filter((t) => t && !inert.has(t.id));
      d.texts.forEach((t) => {
        t.value = t.value == null ? null : styleTexts.has(t.id) ? cleanCss(String(t.value)) : String(t.value);
      });
      d.attributes = (Array.isArray(d.attributes) ? d.attributes : []).filter((m) => {
        if (!m || inert.has(m.id) || !m.attributes || typeof m.attributes !== 'object') return false;
        const tag = tags.get(m.id) || '';
        const clean = {};
        for (const name of Object.keys(m.attributes)) {
          const v = attribute(tag, name, m.attributes[name]);
          if (v !== undefined) clean[name] = v;
        }
        m.attributes = clean;
        return true;
      });
    }

    function sanitize(event) {
      if (!event || typeof event !== 'object' || !event.data || typeof event.data !== 'object') return null;
      if (typeof event.timestamp !== 'number' || !isFinite(event.timestamp)) return null;
      const d = event.data;
      switch (event.type) {
        case EV.DOM_LOADED:
        case EV.LOAD:
          return event;
        case EV.META:
          d.href = /^https?:\/\//i.test(String(d.href || '')) ? String(d.href) : '';
          d.width = Math.max(0, Math.min(100000, Number(d.width) || 0));
          d.height = Math.max(0, Math.min(100000, Number(d.height) || 0));
          return event;
        case EV.FULL:
          reset();
          if (!d.node || d.node.type !== NODE.DOCUMENT) return null;
          node(d.node, null, 0);
          lost = ''; // a snapshot too deep is shown cut (a fresh one would be cut the same way)
          return event;
        case EV.INCREMENTAL:
          if (!KEPT_SOURCES.has(d.source)) return null;
          if (d.source === SRC.MUTATION) {
            mutation(d);
          } else if (d.source === SRC.SHEET_RULE) {
            if (d.adds != null) d.adds = rules(d.adds);
          } else if (d.source === SRC.DECLARATION) {
            if (d.set && (BAD_CSS.test(normaliseCss(String(d.set.property) + ':' + String(d.set.value)))
                || !cssUrls(String(d.set.value)).every((u) => urlAllowed(u, true)))) delete d.set;
          } else if (d.source === SRC.ADOPTED_SHEET) {
            (Array.isArray(d.styles) ? d.styles : []).forEach((s) => { if (s) s.rules = rules(s.rules); });
          }
          return event;
        default:
          return null; // custom and plugin events: nothing the mirror needs
      }
    }
    sanitize.lost = function () {
      const why = lost;
      lost = '';
      return why;
    };
    return sanitize;
  }

  const shared = create();
  const scSanitize = function (event) { return shared(event); };
  scSanitize.create = create;
  scSanitize.cleanCss = cleanCss;
  scSanitize.normalise = normalise;
  /** The origins resources may come from: every origin of the agent's sites ({site: [origins]} or a list). */
  scSanitize.allowOrigins = function (origins) {
    const list = Array.isArray(origins) ? origins : Object.values(origins || {}).flat();
    allowed = new Set(list.filter((o) => typeof o === 'string').map((o) => { try { return new URL(o).origin; } catch (e) { return ''; } }).filter(Boolean));
  };
  scSanitize.urlAllowed = urlAllowed;
  w.scSanitize = scSanitize;
})(window);
