/*! SiteConnect co-browse: the agent's marks (docs/DRAWING.md). Loaded by the recorder at the first mark the gateway
 * relays (~pagesession/cobrowsing/draw), and by the agent console, which shows the agent its own marks on the mirror.
 *
 *   window.site_connect_draw.draw(message)  the visitor's page: {s: [stroke, …]} or {clear: true}
 *   window.site_connect_draw.clear()        every mark goes (the co-browse stopped)
 *   window.site_connect_draw.layer({svg, place(mark, x, y) → [x, y], unit() → number, anchor?(mark), empty?()})
 *     → {draw(message), clear(), remove(id)}
 *
 * A stroke is {id, t: 'pen' | 'arrow' | 'rect', c: 0 | 1, p: [x, y, …]}: points in the visitor's document pixels; a pen
 * stroke may come in parts under one id (points add up). Marks fade out LIFE_MS after their last part and are gone
 * FADE_MS later.
 *
 * On the visitor's page the marks are an SVG in a closed shadow root, under a <script type="application/x-…"> shown as
 * a fixed, zero-size box with pointer-events:none: rrweb never records scripts nor anything in them (the mirror and its
 * structure digest do not see it), the script never runs (a data block, no text), and the page's layout does not
 * change. Each mark is anchored to the element under it when it arrives (an arrow's tip, a highlight's centre, a pen
 * stroke's first point; the root element when none): it follows that element's box every frame while it lasts, so it
 * stays over the element when the visitor scrolls, and scales with the element's width when the window is resized (a
 * highlight with its width and height: it keeps around its element).
 * Nothing is left in the page once the last mark has faded.
 */
(function (w, d) {
  'use strict';
  if (w.site_connect_draw) return;

  var NS = 'http://www.w3.org/2000/svg';
  var LIFE_MS = 6000;
  var FADE_MS = 1000;
  var MAX_MARKS = 64;
  var MAX_POINTS = 10000;
  var COLOURS = ['#e0115f', '#0b63f6'];
  var WIDTH = { pen: 4, arrow: 5, rect: 3 };
  var IMPORTANT = 'important';
  var now = Date.now;
  var raf = (w.requestAnimationFrame || function (f) { return w.setTimeout(f, 16); }).bind(w);

  function css(el, text) {
    text.split(';').forEach(function (p) {
      var i = p.indexOf(':');
      if (i > 0) el.style.setProperty(p.slice(0, i).trim(), p.slice(i + 1).trim(), IMPORTANT);
    });
  }

  function node(name, attrs) {
    var n = d.createElementNS(NS, name);
    for (var k in attrs) n.setAttribute(k, String(attrs[k]));
    return n;
  }

  /** A stroke as sent, checked again (the gateway already did): {id, t, c, p} or null. */
  function clean(s) {
    if (!s || typeof s.id !== 'string' || !Object.prototype.hasOwnProperty.call(WIDTH, s.t) || !Array.isArray(s.p) || s.p.length % 2) return null;
    var p = [];
    for (var i = 0; i < s.p.length; i++) {
      var v = s.p[i];
      if (typeof v !== 'number' || !isFinite(v)) return null;
      p.push(v);
    }
    if (!p.length || (s.t !== 'pen' && p.length !== 4)) return null;
    return { id: s.id, t: s.t, c: COLOURS[s.c] ? s.c : 0, p: p };
  }

  /**
   * Marks drawn into `o.svg`: o.place(mark, x, y) maps a document point to the layer's pixels, o.unit() scales line
   * widths, o.anchor(mark) (optional) is called once when a mark arrives, o.empty() when the last one has gone.
   */
  function layer(o) {
    var marks = [];
    var ticking = false;

    function draw(msg) {
      if (!msg || typeof msg !== 'object') return;
      if (msg.clear === true) return clear();
      if (!Array.isArray(msg.s)) return;
      msg.s.forEach(function (raw) {
        var s = clean(raw);
        if (!s) return;
        var m = null;
        for (var i = 0; i < marks.length; i++) if (marks[i].id === s.id && marks[i].t === s.t) m = marks[i];
        if (m && s.t === 'pen') {
          if (m.p.length + s.p.length <= MAX_POINTS) m.p = m.p.concat(s.p);
        } else if (m) {
          m.p = s.p; // a shape again (the console's preview while the agent drags)
        } else {
          m = { id: s.id, t: s.t, c: s.c, p: s.p, g: o.svg.appendChild(node('g', { 'data-mark': s.t })) };
          if (o.anchor) o.anchor(m);
          marks.push(m);
          if (marks.length > MAX_MARKS) drop(marks.shift());
        }
        m.until = now() + LIFE_MS;
      });
      if (!ticking && marks.length) { ticking = true; raf(frame); }
    }

    function drop(m) {
      if (m.g.parentNode) m.g.parentNode.removeChild(m.g);
    }

    function clear() {
      marks.forEach(drop);
      marks = [];
    }

    function remove(id) {
      marks = marks.filter(function (m) { if (m.id !== id) return true; drop(m); return false; });
    }

    function frame() {
      var t = now();
      marks = marks.filter(function (m) {
        if (t < m.until + FADE_MS) return true;
        drop(m);
        return false;
      });
      if (!marks.length) { ticking = false; if (o.empty) o.empty(); return; }
      var unit = o.unit();
      marks.forEach(function (m) { render(m, Math.min(1, (m.until + FADE_MS - t) / FADE_MS), unit); });
      raf(frame);
    }

    function render(m, opacity, unit) {
      var pts = [];
      for (var i = 0; i < m.p.length; i += 2) pts.push(o.place(m, m.p[i], m.p[i + 1]));
      var colour = COLOURS[m.c];
      var width = WIDTH[m.t] * unit;
      var parts;
      if (m.t === 'rect') {
        var x = Math.min(pts[0][0], pts[1][0]);
        var y = Math.min(pts[0][1], pts[1][1]);
        parts = [node('rect', { x: x, y: y, width: Math.abs(pts[1][0] - pts[0][0]), height: Math.abs(pts[1][1] - pts[0][1]),
          rx: 4 * unit, fill: colour, 'fill-opacity': 0.16, stroke: colour, 'stroke-width': width })];
      } else if (m.t === 'arrow') {
        var a = pts[0];
        var b = pts[1];
        var len = Math.max(1, Math.hypot(b[0] - a[0], b[1] - a[1]));
        var ux = (b[0] - a[0]) / len;
        var uy = (b[1] - a[1]) / len;
        var head = Math.min(len, 18 * unit);
        var bx = b[0] - ux * head;
        var by = b[1] - uy * head;
        var half = head * 0.6;
        var line = { x1: a[0], y1: a[1], x2: bx, y2: by, 'stroke-linecap': 'round' };
        var tip = [b, [bx - uy * half, by + ux * half], [bx + uy * half, by - ux * half]].map(function (q) { return q.join(','); }).join(' ');
        parts = [
          node('line', Object.assign({ stroke: '#fff', 'stroke-width': width + 3 * unit }, line)),
          node('line', Object.assign({ stroke: colour, 'stroke-width': width }, line)),
          node('polygon', { points: tip, fill: colour, stroke: '#fff', 'stroke-width': unit, 'stroke-linejoin': 'round' }),
        ];
      } else {
        var list = pts.map(function (q) { return q.join(','); }).join(' ');
        var pen = { points: list, fill: 'none', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' };
        parts = [
          node('polyline', Object.assign({ stroke: '#fff', 'stroke-width': width + 3 * unit, 'stroke-opacity': 0.8 }, pen)),
          node('polyline', Object.assign({ stroke: colour, 'stroke-width': width }, pen)),
        ];
      }
      m.g.setAttribute('opacity', String(Math.max(0, opacity)));
      while (m.g.firstChild) m.g.removeChild(m.g.firstChild);
      parts.forEach(function (p) { m.g.appendChild(p); });
    }

    return { draw: draw, clear: clear, remove: remove };
  }

  // ---- the visitor's page ----
  var page = null; // {host, layer}

  function pageLayer() {
    if (page && page.host.isConnected) return page.layer;
    if (page) page.layer.clear();
    var host = d.createElement('script');
    host.type = 'application/x-site-connect-marks'; // a data block: never run
    host.setAttribute('aria-hidden', 'true');
    var box = 'position:fixed;left:0;top:0;width:0;height:0;margin:0;padding:0;border:0;overflow:visible;' +
      'pointer-events:none;opacity:1;transform:none;visibility:visible;clip-path:none;filter:none';
    css(host, 'display:block;z-index:2147483647;' + box);
    var shadow = d.createElement('div');
    css(shadow, 'display:block;' + box);
    var root = shadow.attachShadow({ mode: 'closed' });
    var svg = node('svg', { width: 1, height: 1, 'aria-hidden': 'true' });
    css(svg, 'position:fixed;left:0;top:0;overflow:visible;pointer-events:none;display:block');
    root.appendChild(svg);
    host.appendChild(shadow);
    var made = {
      host: host,
      layer: layer({
        svg: svg,
        unit: function () { return 1; },
        anchor: anchor,
        place: function (m, x, y) {
          var a = m.a;
          var r = a.el.isConnected ? a.el.getBoundingClientRect() : null;
          if (!r || !r.width) return [x - w.pageXOffset, y - w.pageYOffset];
          var s = r.width / a.w;
          // A highlight keeps to its element's box (also when only its width changed); other marks keep their shape.
          var t = m.t === 'rect' && a.el !== d.documentElement && r.height && a.h ? r.height / a.h : s;
          return [r.left + (x - a.x) * s, r.top + (y - a.y) * t];
        },
        empty: function () {
          if (host.parentNode) host.parentNode.removeChild(host);
          if (page === made) page = null;
        },
      }),
    };
    page = made;
    d.documentElement.appendChild(host);
    return made.layer;
  }

  /** The element under the mark's key point now, its box in document pixels (the root element when none). */
  function anchor(m) {
    var p = m.p;
    var k = m.t === 'arrow' ? [p[2], p[3]] : m.t === 'rect' ? [(p[0] + p[2]) / 2, (p[1] + p[3]) / 2] : [p[0], p[1]];
    var sx = w.pageXOffset;
    var sy = w.pageYOffset;
    var el = d.elementFromPoint(k[0] - sx, k[1] - sy);
    if (!el || el === d.body) el = d.documentElement;
    var r = el.getBoundingClientRect();
    if (!r.width) { el = d.documentElement; r = el.getBoundingClientRect(); }
    m.a = { el: el, x: r.left + sx, y: r.top + sy, w: r.width || 1, h: r.height };
  }

  function clearPage() {
    if (!page) return;
    page.layer.clear();
    if (page.host.parentNode) page.host.parentNode.removeChild(page.host);
    page = null;
  }

  w.site_connect_draw = {
    layer: layer,
    draw: function (msg) { if (msg && msg.clear === true) clearPage(); else pageLayer().draw(msg); },
    clear: clearPage,
  };
})(window, document);
