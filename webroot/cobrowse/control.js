/*! SiteConnect co-browse remote control on the visitor's page (docs/CONTROL.md). Loaded from the gateway by the
 * recorder only when a control grant arrives (~pagesession/cobrowsing/control_state); never part of site_connect.js.
 *
 *   window.site_connect_control.state(api, grant | '', rules)   the grant (retained by the gateway) or its end
 *   window.site_connect_control.act(api, action, rules)         one agent action, relayed by the gateway
 *   window.site_connect_control.stop()                         the co-browse stopped
 *   rules = {open(el) → the field's value may be typed/read (unmasked, never a password), marked(el) → under an
 *            explicit [data-site-connect-mask]}: the recorder's masking rule, so control never reaches further
 *            than the mirror shows
 *
 * While granted, a bar on top of the page says "<agent> is controlling this tab — Stop (Esc)"; it lives in a
 * 0×0 `.site-connect-cobrowse` box (blocked: the recording never shows it). Stop, Esc or any trusted pointer, wheel,
 * touch or key input of the visitor ends control at once (~pagesession/cobrowsing/release {reason}). Actions are
 * applied as untrusted events and value changes; what is refused is said back (~pagesession/cobrowsing/outcome).
 */
(function (w, d) {
  'use strict';
  if (w.site_connect_control) return;
  var TOPIC = '~pagesession/cobrowsing/';
  var NO_CONTROL = '[data-site-connect-no-control],.site-connect-cobrowse,.site-connect-container';
  var TEXT_TYPES = /^(text|search|email|url|tel|number|)$/;
  // Inline and !important (no shadow root: the mirror's structure check would see one): the host's CSS cannot
  // restyle the bar.
  var BOX = 'position:fixed;left:0;top:0;width:0;height:0;margin:0;padding:0;border:0;overflow:visible;' +
    'z-index:2147483647;display:block;transform:none;opacity:1;visibility:visible';
  var BAR = 'position:fixed;left:0;right:0;top:0;z-index:2147483647;display:flex;flex-wrap:wrap;gap:8px 12px;' +
    'align-items:center;justify-content:center;margin:0;padding:8px 12px;background:#7a2e00;color:#fff;' +
    'font:600 14px/1.3 system-ui,sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.35);text-align:center;visibility:visible';
  var BUTTON = 'font:600 13px system-ui,sans-serif;margin:0;padding:5px 12px;border-radius:6px;border:1px solid #fff;' +
    'background:#fff;color:#7a2e00;cursor:pointer;width:auto;height:auto';
  var GHOST = BUTTON + ';background:transparent;color:#fff';
  var ASK = 'flex-basis:100%;display:flex;gap:8px;align-items:center;justify-content:center;font-weight:500;margin:0';

  var grant = null; // {cobrowse_id, agent_name, origins, confirm_submit}
  var api = null;
  var rules = null;
  var host = null; // the bar's box
  var ui = null; // {bar, who, ask, askText, send}
  var pending = null; // a form submit waiting for the visitor's confirm: {form, submitter}
  var acting = false; // inside one of our own dispatches
  var drag = null; // the element a drag started on

  function agent() { return grant && typeof grant.agent_name === 'string' && grant.agent_name.trim() || raw('agent', 'An agent'); }
  /** The frame's text for k (in the visitor's language, handed over with the grant: frame.js), else the English one. */
  function raw(k, english) { var x = grant && grant.texts; return x && typeof x[k] === 'string' ? x[k] : english; }
  function say(k, english, form) {
    return raw(k, english).replace(/\{(name|form)\}/g, function (m, p) { return p === 'form' ? form || '' : agent(); });
  }

  // ---- the bar ----
  function el(tag, attrs, text, style) {
    var e = d.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    if (style) css(e, style);
    return e;
  }
  function css(e, text) {
    text.split(';').forEach(function (p) {
      var i = p.indexOf(':');
      if (i > 0) e.style.setProperty(p.slice(0, i).trim(), p.slice(i + 1).trim(), 'important');
    });
  }

  function showBar() {
    if (host && host.isConnected) return;
    host = el('div', { class: 'site-connect-cobrowse', 'data-testid': 'control-bar-host' }, '', BOX);
    var who = el('b', {}, '', 'font-weight:700;color:#fff');
    var stop = el('button', { type: 'button', 'data-testid': 'control-stop' }, say('barStop', 'Stop (Esc)'), BUTTON);
    var askText = el('span', {}, '', 'color:#fff');
    var send = el('button', { type: 'button', 'data-testid': 'control-confirm-send' }, say('send', 'Send'), BUTTON);
    var keep = el('button', { type: 'button', 'data-testid': 'control-confirm-cancel' }, say('keep', 'Don\'t send'), GHOST);
    var ask = el('div', { 'data-testid': 'control-confirm', role: 'alertdialog' }, '', ASK);
    ask.append(askText, send, keep);
    var line = el('span', { 'data-testid': 'control-bar-text' }, '', 'color:#fff');
    var parts = raw('bar', '{name} is controlling this tab —').split('{name}');
    line.append(d.createTextNode(parts[0]), who, d.createTextNode((parts[1] || '') + ' '));
    var bar = el('div', { role: 'status', 'data-testid': 'control-bar', dir: raw('dir', 'ltr') }, '', BAR);
    bar.append(line, stop, ask);
    host.append(bar);
    stop.addEventListener('click', function (e) { if (e.isTrusted) release('stop'); });
    send.addEventListener('click', function (e) { if (e.isTrusted) confirmed(true); });
    keep.addEventListener('click', function (e) { if (e.isTrusted) confirmed(false); });
    ui = { who: who, ask: ask, askText: askText, send: send };
    shown(ask, false);
    (d.body || d.documentElement).appendChild(host);
    ui.who.textContent = agent();
  }

  function shown(e, on) { css(e, 'display:' + (on ? 'flex' : 'none')); }

  function hideBar() {
    if (host && host.parentNode) host.parentNode.removeChild(host);
    host = ui = null;
  }

  // ---- the visitor takes control back: Stop, Esc, or their own input (isTrusted: ours never is) ----
  function ours(e) { return host && e.composedPath && e.composedPath().indexOf(host) >= 0; }
  function onInput(e) {
    if (!grant || !e.isTrusted || ours(e)) return;
    release(e.type === 'keydown' && e.key === 'Escape' ? 'esc' : 'input');
  }
  ['pointerdown', 'keydown', 'wheel', 'touchstart'].forEach(function (type) {
    w.addEventListener(type, onInput, { capture: true, passive: true });
  });

  function release(reason) {
    if (!grant) return;
    var a = api;
    var id = grant.cobrowse_id;
    end();
    if (a) a.publish(TOPIC + 'release', { cobrowse_id: id, reason: reason });
  }

  function end() {
    grant = null;
    pending = null;
    if (drag) { var t = drag; drag = null; fire(t, 'pointercancel', 0, 0); }
    hideBar();
  }

  // ---- where an action lands, and whether it may ----
  function at(x, y) {
    var e = d.elementFromPoint(x, y);
    while (e && e.shadowRoot) {
      var inner = e.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === e) break;
      e = inner;
    }
    return e;
  }

  function closest(node, selector) { // across shadow roots
    for (var n = node; n; n = n.parentNode || n.host) {
      if (n.nodeType === 1 && n.matches(selector)) return n;
    }
    return null;
  }

  function field(e) { return e && /^(INPUT|TEXTAREA|SELECT)$/.test(e.tagName) ? e : null; }
  function checkable(e) { return e.tagName === 'INPUT' && /^(checkbox|radio)$/i.test(e.type); }
  function typeable(e) { return e.tagName === 'TEXTAREA' || (e.tagName === 'INPUT' && TEXT_TYPES.test(e.type.toLowerCase())); }

  /** Why the agent may not act on element e ('' when it may). */
  function refusal(e) {
    if (!e) return 'nothing-there';
    if (closest(e, NO_CONTROL)) return 'no-control';
    var label = closest(e, 'label');
    var f = field(e) || (label && label.control) || null;
    if (f) {
      if (checkable(f)) return rules.marked(f) ? 'masked' : '';
      if (!rules.open(f)) return 'masked'; // never focused, typed into or read
    }
    var ce = closest(e, '[contenteditable]');
    if (ce && ce.getAttribute('contenteditable') !== 'false' && !rules.open(ce)) return 'masked';
    var link = closest(e, 'a[href]');
    if (link && !sameSite(link.href)) return 'other-origin';
    return '';
  }

  function sameSite(href) {
    try { var o = new URL(href, location.href).origin; } catch (x) { return false; }
    return o === location.origin || (grant.origins || []).indexOf(o) >= 0;
  }

  function fire(e, type, x, y, init) {
    var pointer = type.indexOf('pointer') === 0;
    var C = pointer && w.PointerEvent ? w.PointerEvent : w.MouseEvent;
    var o = { bubbles: true, cancelable: true, composed: true, view: w, clientX: x, clientY: y, button: 0,
      buttons: /down|move/.test(type) ? 1 : 0, pointerId: 1, pointerType: 'mouse', isPrimary: true };
    Object.keys(init || {}).forEach(function (k) { o[k] = init[k]; });
    acting = true;
    try { return e.dispatchEvent(new C(type, o)); } finally { acting = false; }
  }

  function submitter(e) {
    var b = closest(e, 'button,input[type=submit i],input[type=image i]');
    if (!b || !b.form) return null;
    if (b.tagName === 'BUTTON' && (b.getAttribute('type') || 'submit').toLowerCase() !== 'submit') return null;
    return b;
  }

  // A form sent by what the agent did (a submit button, Enter, or the site's own script reacting to a click) waits
  // for the visitor's confirm when the site asks for one (sites[].cobrowseConfirmSubmit, on by default).
  d.addEventListener('submit', function (e) {
    if (!acting || !grant || grant.confirm_submit === false) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    ask(e.target, e.submitter || null);
  }, true);

  function ask(form, button) {
    pending = { form: form, submitter: button };
    if (!ui) return;
    var name = form.getAttribute('aria-label') || form.getAttribute('name') || '';
    ui.askText.textContent = name ? say('form', '{name} wants to send the form “{form}”.', name.slice(0, 60))
      : say('aForm', '{name} wants to send a form.');
    shown(ui.ask, true);
    ui.send.focus();
  }

  function confirmed(yes) {
    var p = pending;
    pending = null;
    if (ui) shown(ui.ask, false);
    if (!p || !yes || !p.form.isConnected) return tell({ ok: false, why: yes ? 'form-gone' : 'not-sent' });
    if (p.form.requestSubmit) p.form.requestSubmit(p.submitter && p.submitter.form === p.form ? p.submitter : undefined);
    else p.form.submit();
    tell({ ok: true, why: 'sent' });
  }

  function tell(o) {
    if (api && grant) api.publish(TOPIC + 'outcome', o);
  }

  // ---- the actions ----
  function click(a) {
    var e = at(a.x, a.y);
    var why = refusal(e);
    var last = /** @type {HTMLElement | null} */ (active());
    if (why === 'masked' && last && last.blur) last.blur(); // typing must not go on in the last field
    if (why) return why;
    var sub = submitter(e);
    if (sub && grant.confirm_submit !== false) {
      ask(sub.form, sub);
      return 'confirm';
    }
    fire(e, 'pointerdown', a.x, a.y);
    fire(e, 'mousedown', a.x, a.y);
    var f = field(e) || e.closest && e.closest('[tabindex],a[href],button,[contenteditable]');
    if (f && f.focus) f.focus();
    fire(e, 'pointerup', a.x, a.y);
    fire(e, 'mouseup', a.x, a.y);
    fire(e, 'click', a.x, a.y);
    return '';
  }

  function active() {
    var e = d.activeElement;
    while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
    return e;
  }

  function typed(data, type) {
    var e = active();
    var f = field(e);
    if (!f || !typeable(f)) return 'no-field';
    if (!rules.open(f) || closest(f, NO_CONTROL)) return 'masked';
    var v = f.value;
    var s = f.selectionStart;
    var t = f.selectionEnd;
    if (s == null || t == null) { s = t = v.length; } // email, number: no selection API
    if (data == null) { // a deletion
      if (s === t) { if (type === 'deleteContentBackward') s = Math.max(0, s - 1); else t = Math.min(v.length, t + 1); }
      data = '';
    }
    f.value = v.slice(0, s) + data + v.slice(t);
    try { f.setSelectionRange(s + data.length, s + data.length); } catch (x) { /* no selection API */ }
    acting = true;
    try { f.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: type, data: data || null })); }
    finally { acting = false; }
    return '';
  }

  function key(a) {
    if (a.key === 'Backspace') return typed(null, 'deleteContentBackward');
    if (a.key === 'Delete') return typed(null, 'deleteContentForward');
    var e = active();
    var f = field(e);
    if (f && closest(f, NO_CONTROL)) return 'no-control';
    if (f && !checkable(f) && !rules.open(f)) return 'masked';
    if (a.key === 'Enter' && f && f.tagName === 'TEXTAREA') return typed('\n', 'insertLineBreak');
    var target = f || e || d.body;
    acting = true;
    try {
      var go = target.dispatchEvent(new KeyboardEvent('keydown', { key: a.key, bubbles: true, cancelable: true, composed: true }));
      target.dispatchEvent(new KeyboardEvent('keyup', { key: a.key, bubbles: true, composed: true }));
    } finally { acting = false; }
    if (go && a.key === 'Enter' && f && f.form && f.tagName === 'INPUT') { // what the browser does for a trusted Enter
      if (grant.confirm_submit !== false) { ask(f.form, null); return 'confirm'; }
      f.form.requestSubmit();
    }
    return '';
  }

  function select(a) {
    var e = at(a.x, a.y);
    var why = refusal(e);
    if (why) return why;
    var s = closest(e, 'select');
    if (!s) return 'no-field';
    if (a.index >= s.options.length) return 'no-option';
    s.selectedIndex = a.index;
    acting = true;
    try {
      s.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      s.dispatchEvent(new Event('change', { bubbles: true }));
    } finally { acting = false; }
    return '';
  }

  function scroll(a) {
    var e = at(a.x, a.y);
    if (e && closest(e, NO_CONTROL)) return 'no-control';
    for (var n = e; n && n.nodeType === 1; n = n.parentElement) {
      var cs = w.getComputedStyle(n);
      var can = (/(auto|scroll)/.test(cs.overflowY) && n.scrollHeight > n.clientHeight) ||
        (/(auto|scroll)/.test(cs.overflowX) && n.scrollWidth > n.clientWidth);
      if (can && n !== d.body && n !== d.documentElement) { n.scrollBy(a.dx || 0, a.dy || 0); return ''; }
    }
    w.scrollBy(a.dx || 0, a.dy || 0);
    return '';
  }

  function pointer(a) { // a drag: down, moves, up
    var e = at(a.x, a.y);
    if (a.type === 'down') {
      var why = refusal(e);
      if (why) return why;
      drag = e;
      fire(e, 'pointerdown', a.x, a.y);
      fire(e, 'mousedown', a.x, a.y);
      return '';
    }
    if (!drag) return 'no-drag';
    var target = e && !closest(e, NO_CONTROL) ? e : drag;
    fire(target, a.type === 'move' ? 'pointermove' : 'pointerup', a.x, a.y);
    fire(target, a.type === 'move' ? 'mousemove' : 'mouseup', a.x, a.y);
    if (a.type === 'up') drag = null;
    return '';
  }

  var ACTIONS = { click: click, scroll: scroll, select: select, down: pointer, move: pointer, up: pointer, key: key,
    text: function (a) { return typed(a.text, 'insertText'); } };

  w.site_connect_control = {
    state: function (a, g, r) {
      api = a;
      rules = r;
      if (!g || typeof g !== 'object' || g.state !== 'granted') return end();
      grant = g;
      showBar();
    },
    act: function (a, action, r) {
      if (!grant || !action || typeof action !== 'object' || action.cobrowse_id !== grant.cobrowse_id) return;
      var fn = ACTIONS[action.type];
      if (!fn || pending) return tell({ n: action.n, ok: false, why: pending ? 'confirm' : 'unknown' });
      var why = fn(action);
      if (why) tell({ n: action.n, ok: false, why: why });
    },
    stop: end,
  };
})(window, document);
