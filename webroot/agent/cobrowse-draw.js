/*! SiteConnect agent console: drawing on the visitor's page (docs/DRAWING.md).
 * A tool picker beside the mirror (Point, Pen, Arrow, Highlight; two colours; Clear). With a drawing tool the glass over
 * the mirror takes strokes instead of pointing: points in the visitor's document pixels (the glass's pixels over the
 * scale, plus the mirror's scroll), sent on agent/<login>/cobrowse/<id>/draw — a pen stroke in parts every FLUSH_MS
 * while it is drawn, an arrow or a highlight once when the mouse is let go. The agent sees the marks on the mirror as
 * long as the visitor does (window.site_connect_draw from /cobrowse/draw.js draws both); a mark the gateway did not pass
 * on ($agents/…/draw_refused {reason}) is said beside the tools for a moment.
 *
 *   window.scCobrowseDraw.attach({stage, glass, bridge, info}) → {refused({reason}), destroy()}
 *     info() → {id, login, active, scale, width, height, iframe}: the co-browse now (cobrowse.js)
 */
(function (w, d) {
  'use strict';
  const FLUSH_MS = 50; // a pen stroke's new points go at most this often
  const MAX_POINTS = 500; // then the stroke goes on under a new id (the gateway's cobrowse.drawMaxPoints: 600)
  const MIN_STEP = 2; // visitor pixels between two pen points
  const MIN_SHAPE = 4; // an arrow or highlight smaller than this (visitor pixels) is a slip, not sent
  const NS = 'http://www.w3.org/2000/svg';
  const TOOLS = ['pointer', 'pen', 'arrow', 'rect']; // said as draw.tool.<t>, draw.tip.<t> (docs/I18N.md)
  const COLOURS = ['pink', 'blue']; // draw.colour.<c>
  const STATUS_MS = 4000; // how long "Not shown to the visitor: …" stays

  function attach(o) {
    const el = w.scUi.el;
    const tr = w.scUi.t;
    const draw = w.site_connect_draw;
    let tool = 'pointer';
    let colour = 0;
    let n = 0;
    let stroke = null; // {id, t, p: [x, y, …] all, sent: how many numbers sent, x0, y0}
    let flushTimer = 0;

    const buttons = TOOLS.map((t) => el('button', {
      type: 'button', class: 'small sc-cbd-tool', 'data-tool': t, 'data-testid': 'cobrowse-tool-' + t, title: tr('draw.tip.' + t),
      'aria-pressed': String(t === tool), text: tr('draw.tool.' + t),
    }));
    const swatches = COLOURS.map((name, i) => el('button', {
      type: 'button', class: 'small sc-cbd-colour sc-cbd-c' + i, 'data-testid': 'cobrowse-colour-' + i, title: tr('draw.colour.' + name),
      'aria-label': tr('draw.colour.' + name), 'aria-pressed': String(i === colour),
    }));
    const clearButton = el('button', { type: 'button', class: 'small', 'data-testid': 'cobrowse-draw-clear',
      title: tr('draw.clearTip'), text: tr('draw.clear') });
    const status = el('span', { class: 'sc-cbd-status', role: 'status', 'data-testid': 'cobrowse-draw-status' });
    const tools = el('div', { class: 'sc-cbd-tools', role: 'toolbar', 'aria-label': tr('draw.tools'),
      'data-testid': 'cobrowse-draw-tools' }, status, ...buttons, el('span', { class: 'sc-cbd-sep' }), ...swatches, clearButton);
    let statusTimer = 0;
    o.stage.after(tools);

    const svg = d.createElementNS(NS, 'svg');
    svg.setAttribute('class', 'sc-cbd-marks');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('data-testid', 'cobrowse-draw-marks');
    o.glass.append(svg);
    const layer = draw ? draw.layer({
      svg: svg,
      unit: () => o.info().scale || 1,
      place(m, x, y) {
        const i = o.info();
        const s = scroll(i);
        return [(x - s.x) * i.scale, (y - s.y) * i.scale];
      },
    }) : null;

    function scroll(i) {
      try {
        const win = i.iframe && i.iframe.contentWindow;
        return win ? { x: win.scrollX, y: win.scrollY } : { x: 0, y: 0 };
      } catch (e) {
        return { x: 0, y: 0 };
      }
    }

    function pick(t) {
      tool = t;
      buttons.forEach((b) => b.setAttribute('aria-pressed', String(b.getAttribute('data-tool') === t)));
      o.stage.setAttribute('data-tool', t);
    }
    buttons.forEach((b) => b.addEventListener('click', () => pick(b.getAttribute('data-tool') || 'pointer')));
    swatches.forEach((b, i) => b.addEventListener('click', () => {
      colour = i;
      swatches.forEach((s, k) => s.setAttribute('aria-pressed', String(k === i)));
    }));
    clearButton.addEventListener('click', () => {
      if (layer) layer.clear();
      send({ clear: true });
    });
    o.stage.setAttribute('data-tool', tool);

    function send(message) {
      const i = o.info();
      if (!i.active || !i.login || !i.id) return;
      o.bridge.publish('agent/' + i.login + '/cobrowse/' + i.id + '/draw', message);
    }

    /** The pointer's place in the visitor's document pixels (whole numbers, inside their window). */
    function where(e) {
      const i = o.info();
      const r = o.glass.getBoundingClientRect();
      const k = i.scale || 1;
      const s = scroll(i);
      const x = Math.max(0, Math.min(i.width, (e.clientX - r.left) / k));
      const y = Math.max(0, Math.min(i.height, (e.clientY - r.top) / k));
      return [Math.round(x + s.x), Math.round(y + s.y)];
    }

    const newId = () => Math.random().toString(36).slice(2, 8) + (++n).toString(36);
    const mark = (s, p) => ({ s: [{ id: s.id, t: s.t, c: s.c, p: p }] });

    function flush() {
      clearTimeout(flushTimer);
      flushTimer = 0;
      if (!stroke || stroke.t !== 'pen' || stroke.sent >= stroke.p.length) return;
      send(mark(stroke, stroke.p.slice(stroke.sent)));
      stroke.sent = stroke.p.length;
    }

    // Drawing tools take the glass's events before the pointer does (cobrowse.js listens on the glass itself).
    const block = (e) => { if (tool !== 'pointer') e.stopPropagation(); };
    o.stage.addEventListener('mousemove', block, true);
    o.stage.addEventListener('click', block, true);

    function down(e) {
      if (tool === 'pointer' || e.button !== 0 || !o.info().active || !layer) return;
      e.preventDefault();
      status.textContent = ''; // what it said was about an earlier mark
      status.removeAttribute('data-reason');
      try { o.glass.setPointerCapture(e.pointerId); } catch (x) { /* not capturable: moves still come while over it */ }
      const [x, y] = where(e);
      stroke = { id: newId(), t: tool, c: colour, p: [x, y], sent: 0, x0: x, y0: y };
      if (tool === 'pen') {
        layer.draw(mark(stroke, [x, y]));
        flush();
      }
    }

    function move(e) {
      if (!stroke) return;
      const [x, y] = where(e);
      if (stroke.t === 'pen') {
        const p = stroke.p;
        if (Math.hypot(x - p[p.length - 2], y - p[p.length - 1]) < MIN_STEP) return;
        if (p.length / 2 >= MAX_POINTS) { // the stroke goes on as a new one from its last point
          flush();
          stroke = { id: newId(), t: 'pen', c: stroke.c, p: p.slice(-2), sent: 0, x0: x, y0: y };
          layer.draw(mark(stroke, stroke.p));
        }
        stroke.p.push(x, y);
        layer.draw(mark(stroke, [x, y]));
        if (!flushTimer) flushTimer = setTimeout(flush, FLUSH_MS);
      } else {
        stroke.p = [stroke.x0, stroke.y0, x, y];
        layer.draw(mark(stroke, stroke.p)); // the preview: the same mark drawn again
      }
    }

    function up(e) {
      if (!stroke) return;
      move(e);
      const s = stroke;
      stroke = null;
      if (s.t === 'pen') {
        stroke = s;
        flush();
        stroke = null;
        return;
      }
      const p = s.p;
      if (p.length < 4 || (Math.abs(p[2] - p[0]) < MIN_SHAPE && Math.abs(p[3] - p[1]) < MIN_SHAPE)) {
        layer.remove(s.id);
        return;
      }
      send(mark(s, p));
    }

    /** Esc: a shape being dragged is dropped (not sent); otherwise back to pointing. */
    function key(e) {
      if (e.key !== 'Escape' || tool === 'pointer' || o.stage.hidden || e.defaultPrevented) return;
      const t = /** @type {Element | null} */ (e.target);
      if (t && t.closest && t.closest('input, textarea, select, [contenteditable], dialog')) return; // their own Esc
      if (stroke && stroke.t !== 'pen') {
        if (layer) layer.remove(stroke.id);
        stroke = null;
      } else if (!stroke) {
        pick('pointer');
      }
    }
    d.addEventListener('keydown', key);

    o.glass.addEventListener('pointerdown', down);
    o.glass.addEventListener('pointermove', move);
    o.glass.addEventListener('pointerup', up);
    o.glass.addEventListener('pointercancel', up);

    return {
      /** The gateway did not pass a mark on ({reason}: rate-limited, too-many-points, too-big, malformed). */
      refused(p) {
        const reason = p && typeof p.reason === 'string' ? p.reason : '';
        status.textContent = tr('draw.refused', { why: tr('draw.why.' + reason, null, tr('draw.why.other')) });
        status.setAttribute('data-reason', reason);
        clearTimeout(statusTimer);
        statusTimer = setTimeout(() => { status.textContent = ''; status.removeAttribute('data-reason'); }, STATUS_MS);
      },
      destroy() {
        clearTimeout(flushTimer);
        clearTimeout(statusTimer);
        if (layer) layer.clear();
        tools.remove();
        svg.remove();
        o.stage.removeEventListener('mousemove', block, true);
        o.stage.removeEventListener('click', block, true);
        d.removeEventListener('keydown', key);
        o.glass.removeEventListener('pointerdown', down);
        o.glass.removeEventListener('pointermove', move);
        o.glass.removeEventListener('pointerup', up);
        o.glass.removeEventListener('pointercancel', up);
      },
    };
  }

  w.scCobrowseDraw = { attach: attach };
})(window, document);
