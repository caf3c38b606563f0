/*! SiteConnect agent console: remote control of the co-browsed tab (docs/CONTROL.md). A classic script that runs
 * before cobrowse.js; cobrowse.js attaches it to each mirror:
 *
 *   window.scControl.attach({bar, glass, stage, where(e) → {x, y}, send(action), mirrorDoc() → Document | null})
 *     → {state(cobrowseState), message(kind, payload), destroy()}
 *
 * "Request control" beside the mirror asks the visitor (a second prompt in their frame). While granted, the mirror
 * takes clicks, drags, the wheel, keys and pastes and sends them as actions on agent/<login>/cobrowse/<id>/control,
 * in the visitor's viewport coordinates (where(), as the pointer). A click on a select opens a chooser with its
 * options. The gateway relays them only while the grant lives; the page says what it refused.
 */
(function (w, d) {
  'use strict';
  var MOVE_MS = 33; // drag moves at most ~30 a second
  var WHEEL_MS = 50;
  var DRAG_PX = 4;
  var KEYS = ['Backspace', 'Delete', 'Enter', 'Tab', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'];
  var TEXT = { none: '', requested: 1, granted: 1, declined: 1 }; // said as ctl.state.<state> (docs/I18N.md)
  /** The console's text for key (webroot/i18n/console/), read when said: ui.js (a module) sets scUi up. */
  function tr(key, params, fallback) { return w.scUi.t(key, params, fallback); }

  function el(tag, attrs, text) {
    var e = d.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  function attach(ctx) {
    var button = el('button', { type: 'button', class: 'sc-ctl-request', 'data-testid': 'control-request' }, tr('ctl.request'));
    var line = el('span', { class: 'sc-ctl-state', 'data-testid': 'control-state', 'data-state': 'none', role: 'status' });
    var note = el('span', { class: 'sc-ctl-note muted small', 'data-testid': 'control-note' });
    ctx.bar.append(button, line, note);
    var chooser = el('select', { class: 'sc-ctl-choose', 'data-testid': 'control-choose', hidden: '' });
    ctx.stage.append(chooser);
    var state = 'none';
    var live = false; // the co-browse is active
    var n = 0;
    var down = null; // {x, y, drag}
    var lastMove = 0;
    var wheel = null;
    var wheelT = 0;

    function set(s, extra) {
      state = s;
      line.textContent = extra || (TEXT[s] ? tr('ctl.state.' + s) : '');
      line.setAttribute('data-state', s);
      button.hidden = !live;
      button.textContent = tr(s === 'granted' ? 'ctl.release' : s === 'requested' ? 'ctl.cancel' : 'ctl.request');
      ctx.stage.setAttribute('data-control', s === 'granted' ? 'on' : 'off');
      ctx.glass.tabIndex = s === 'granted' ? 0 : -1;
      if (s !== 'granted') { chooser.hidden = true; down = null; }
    }
    function send(a) {
      if (state !== 'granted') return;
      a.n = ++n;
      ctx.send(a);
    }

    button.addEventListener('click', function () {
      if (!live) return;
      note.textContent = '';
      ctx.send({ type: state === 'granted' || state === 'requested' ? 'release' : 'request' });
    });

    // ---- the mirror as input ----
    function on(type, fn, opts) { ctx.glass.addEventListener(type, fn, opts); }
    on('mousedown', function (e) {
      if (state !== 'granted' || e.button !== 0) return;
      e.preventDefault();
      ctx.glass.focus();
      var p = ctx.where(e);
      down = { x: p.x, y: p.y, drag: false };
    });
    on('mousemove', function (e) {
      if (!down || state !== 'granted') return;
      var p = ctx.where(e);
      if (!down.drag) {
        if (Math.abs(p.x - down.x) + Math.abs(p.y - down.y) < DRAG_PX) return;
        down.drag = true;
        send({ type: 'down', x: down.x, y: down.y });
      }
      if (Date.now() - lastMove < MOVE_MS) return;
      lastMove = Date.now();
      send({ type: 'move', x: p.x, y: p.y });
    });
    function up(e) {
      if (!down || state !== 'granted') return;
      var p = ctx.where(e);
      var was = down;
      down = null;
      if (was.drag) return send({ type: 'up', x: p.x, y: p.y });
      var s = selectAt(p);
      if (s) return choose(s, p, e);
      send({ type: 'click', x: p.x, y: p.y });
    }
    on('mouseup', up);
    on('mouseleave', function (e) { if (down && down.drag) up(e); else down = null; });
    on('wheel', function (e) {
      if (state !== 'granted') return;
      e.preventDefault();
      var p = ctx.where(e);
      wheel = wheel || { type: 'scroll', x: p.x, y: p.y, dx: 0, dy: 0 };
      wheel.dx += e.deltaX;
      wheel.dy += e.deltaY;
      if (!wheelT) wheelT = setTimeout(function () { wheelT = 0; var x = wheel; wheel = null; if (x) send(x); }, WHEEL_MS);
    }, { passive: false });
    on('keydown', function (e) {
      if (state !== 'granted' || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key.length === 1) send({ type: 'text', text: e.key });
      else if (KEYS.indexOf(e.key) >= 0) send({ type: 'key', key: e.key });
      else return;
      e.preventDefault();
    });
    on('paste', function (e) {
      var t = e.clipboardData && e.clipboardData.getData('text/plain');
      if (state !== 'granted' || !t) return;
      e.preventDefault();
      send({ type: 'text', text: t.slice(0, 256) });
    });

    // A select in the mirror cannot open its list (no script runs there): the chooser shows its options instead.
    function selectAt(p) {
      var doc = ctx.mirrorDoc();
      var hit = doc && doc.elementFromPoint(p.x, p.y);
      return hit && hit.closest ? hit.closest('select') : null;
    }
    function choose(s, p, e) {
      chooser.replaceChildren(el('option', { value: '' }, tr('ctl.choose')));
      Array.prototype.forEach.call(s.options, function (o, i) {
        chooser.append(el('option', { value: String(i) }, o.textContent || '(option ' + (i + 1) + ')'));
      });
      var r = ctx.stage.getBoundingClientRect();
      chooser.style.left = (e.clientX - r.left) + 'px';
      chooser.style.top = (e.clientY - r.top) + 'px';
      chooser.hidden = false;
      chooser.focus();
      chooser.onchange = function () {
        chooser.hidden = true;
        if (chooser.value !== '') send({ type: 'select', x: p.x, y: p.y, index: Number(chooser.value) });
      };
    }
    chooser.addEventListener('blur', function () { chooser.hidden = true; });

    set('none');
    return {
      state: function (cobrowse) {
        live = cobrowse === 'active';
        if (!live) set('none'); else set(state);
      },
      message: function (kind, p) {
        if (kind === 'control') {
          var s = String(p.state || '');
          if (s === 'revoked') {
            var why = tr('ctl.revoked.' + p.reason, null, tr('ctl.revoked.other'));
            var mine = tr(state === 'requested' ? 'ctl.withdrew' : 'ctl.released');
            set('none', p.reason === 'agent' ? mine : tr('ctl.tookBack', { why: why }));
            line.setAttribute('data-reason', String(p.reason || ''));
          } else {
            set(TEXT[s] != null ? s : 'none');
          }
        } else if (kind === 'outcome') {
          note.textContent = p.why ? tr(p.ok || p.why === 'confirm' ? 'ctl.outcome' : 'ctl.notDone', { why: tr('ctl.why.' + p.why, null, p.why) }) : '';
          note.setAttribute('data-why', String(p.why || ''));
        }
      },
      destroy: function () { button.remove(); line.remove(); note.remove(); chooser.remove(); },
    };
  }

  w.scControl = { attach: attach };
})(window, document);
