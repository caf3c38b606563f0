/*! SiteConnect site_connect.js: the page API (docs/PROTOCOL.md, shared DESIGN §2-§3) */
// @ts-check
// Bundled by src/build/bundle.mjs into one classic script (IIFE): the host page loads it with a plain <script>.
import { levels, matchLevels as matches, pageTopicError } from './shared/topics.js';

(function (w, d) {
  if (w.site_connect) return; // loaded twice: the first copy keeps the page

  // Natives captured at load: a host that patches them later does not change us.
  var setT = w.setTimeout.bind(w);
  var clearT = w.clearTimeout.bind(w);
  var MC = w.MessageChannel;
  var json = JSON.stringify;
  var parse = JSON.parse;
  var warn = console.warn.bind(console);

  // Our own tag (its src gives the gateway origin); a loader that hides currentScript gets found by name.
  var me = /** @type {HTMLScriptElement | null} */ (d.currentScript ||
    d.querySelector('script[src*="/site_connect.js"],script[src*="/siteconnect.js"]'));
  var ORIGIN = me ? new URL(me.src, location.href).origin : location.origin;
  var HOST = '~/site_connect/';
  var DISPLAY = { show_frame: 'shown', minimize_frame: 'minimised', hide_frame: 'hidden' };
  // What a host rule on div or iframe could change: pinned on both (css() adds !important). Not the frame's visibility:
  // the agent's co-browse mirror blanks the widget with it (agent/cobrowse-view.js). min/max too: a host rule such as
  // iframe { min-width: 90vw !important } made the frame wider than its box; transform: none leaves scale and rotate.
  var PIN = 'margin:0;padding:0;border:0;background:none;opacity:1;display:block;min-width:0;min-height:0;' +
    'transform:none;scale:none;rotate:none;translate:none;filter:none;clip-path:none;mask:none;zoom:1;';
  // The box: fixed, on top. Its place and size come from the frame ('box'), which knows the widget's state and the
  // site's launcher; until the frame says, it takes no room.
  var BOX = PIN + 'position:fixed;z-index:2147483000;overflow:hidden;visibility:visible;width:0;height:0;pointer-events:none';
  var IFRAME = PIN + 'position:static;width:100%;height:100%;max-width:none;max-height:none;pointer-events:inherit';

  var subs = new Map(); // id -> {id, topic, L, fn, ack, remote, granted, acked}
  var retained = new Map(); // '~/...' topic -> payload (the server keeps the others)
  var nextId = 1;
  var queue = []; // messages for the frame until it says hello
  var port = null; // MessagePort once the frame accepted us
  var pending = null; // our end of the channel offered to the frame
  var code = null;
  var display = 'hidden';
  var started = 0; // generation of the running start(); 0 = stopped
  var gens = 0;
  var want = ''; // site key given to start()
  var lang = me && me.getAttribute('data-lang'); // the widget's language (docs/I18N.md): data-lang or start(key, {lang})
  var box = null;
  var frame = null;
  var back = /** @type {any} */ (w); // what had the focus before the widget took it
  var timer = 0;
  var buttons = new Map(); // chat-button id -> true (enabled) / false
  var BUTTON = 'data-site-connect-chat-button';
  var recording = null; // the co-browse the recorder should run for ({cobrowse_id, agent_name}), or null
  var loadingRec = null; // the recorder's <script>, once asked for
  var TAB_MS = 2000; // while co-browsing, the tab reports itself this often (the agent's view: which tab, and alive)
  var tabTimer = 0;
  var tabId = null;

  // ---- topics: MQTT 3.1.1 §4.7 plus our scopes (DESIGN §3.1-§3.2), shared/topics.js ----
  function check(t, filter, fn) {
    if (typeof t !== 'string') throw new TypeError('site_connect.' + fn + ': topic must be a string');
    var why = pageTopicError(t, !!filter);
    if (why) throw new Error('site_connect.' + fn + ": invalid topic '" + t + "': " + why);
    return levels(t);
  }

  function call(fn, a, b) {
    try { fn(a, b); } catch (e) { setT(function () { throw e; }); } // report, keep delivering
  }

  function give(s, payload, topic, ret) {
    var info = { topic: topic };
    if (ret != null) info.retained = !!ret; // a boolean only on what came through the frame (the recorder checks)
    call(s.fn, payload, info);
  }

  // Deliver to this page's subscribers. fromServer: only live remote subscriptions; sub: only that one.
  function deliver(topic, payload, fromServer, ret, sub) {
    var T = levels(topic);
    if (T[0] === '~pagesession' && T.length === 2 && DISPLAY[T[1]]) setDisplay(DISPLAY[T[1]]);
    if (fromServer && T.length === 4 && T[0] === '$sites' && T[1] === want && T[2] === 'chat_button' && payload) {
      chatButton(T[3], payload.state === 'enabled');
    }
    if (fromServer && T.length === 3 && T[0] === '~pagesession' && T[1] === 'cobrowsing') cobrowse(T[2], payload);
    Array.from(subs.values()).forEach(function (s) {
      if (sub != null && s.id !== sub) return;
      if (fromServer && !(s.remote && s.granted)) return;
      if (subs.get(s.id) === s && matches(s.L, T)) give(s, payload, topic, ret);
    });
  }

  function local(topic, payload, retain) {
    if (retain && topic.charAt(0) === '~' && topic.charAt(1) === '/') {
      if (payload == null || payload === '') retained.delete(topic); else retained.set(topic, payload);
    }
    deliver(topic, payload);
  }

  function acked(s, granted, reason) {
    s.granted = granted;
    if (s.acked) return;
    s.acked = 1;
    var a = { id: s.id, topic: s.topic, granted: granted };
    if (reason) a.reason = reason;
    if (s.ack) call(s.ack, a);
  }

  // ---- chat buttons: $sites/<key>/chat_button/<id> {state} -> ~/site_connect/chat_button/<id>/enabled|disabled ----
  function chatButton(id, on) {
    var base = HOST + 'chat_button/' + id + '/';
    buttons.set(id, on);
    retained.delete(base + (on ? 'disabled' : 'enabled'));
    wire();
    local(base + (on ? 'enabled' : 'disabled'), { button_id: id }, true);
  }

  function wire() {
    d.querySelectorAll('[' + BUTTON + ']').forEach(function (el) {
      var on = buttons.get(el.getAttribute(BUTTON));
      if (on == null) return;
      if ('disabled' in el) el.disabled = !on;
      el.setAttribute('aria-disabled', '' + !on);
      el.classList.toggle('site-connect-chat-button-enabled', on);
      el.classList.toggle('site-connect-chat-button-disabled', !on);
    });
  }

  d.addEventListener('click', function (e) { // wired elements: a click on an enabled one asks for a chat
    var t = /** @type {Element} */ (e.target);
    var el = t.closest && t.closest('[' + BUTTON + ']');
    var id = el && el.getAttribute(BUTTON);
    if (id && buttons.get(id) === true) api.publish('~pagesession/chat/trigger', { button_id: id });
  });

  // ---- co-browse: the recorder (webroot/cobrowse/recorder.js) is loaded from the gateway only when one starts ----
  function cobrowse(verb, p) {
    if (verb === 'stop') return recorder(null);
    if (verb !== 'start' || !p || !p.cobrowse_id) return; // '' = the retained start was cleared
    if (typeof p.join === 'string') adopt(p.join);
    recording = p;
    // A tab that joins (or the next page) while the visitor looks at it is the one they use now.
    if (typeof p.join === 'string' && d.visibilityState === 'visible' && d.hasFocus()) claim();
    if (w.site_connect_recorder) return recorder(p);
    if (!loadingRec) withRec(function () { recorder(recording); });
  }
  function withRec(fn) { // fn() once the recorder is there, loading it first if need be
    if (w.site_connect_recorder) return fn();
    loadingRec = d.createElement('script');
    loadingRec.src = ORIGIN + '/cobrowse/recorder.js';
    loadingRec.addEventListener('load', fn);
    loadingRec.addEventListener('error', function () { loadingRec = null; warn('site_connect: no co-browse recorder'); });
    d.head.appendChild(loadingRec);
  }

  // ---- co-browse: which tab the agent sees (~pagesession/cobrowsing/tab {tab, title, visible, focused}) ----
  function tabKey() { // one id per tab, kept across the pages of the site in this tab
    if (tabId) return tabId;
    var k = kept();
    tabId = k.tab;
    if (!tabId || !/^[A-Za-z0-9_-]{1,32}$/.test(tabId)) {
      k.tab = tabId = Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
      store('sessionStorage', KEPT, k);
    }
    return tabId;
  }

  function tabReport() {
    clearT(tabTimer);
    tabTimer = 0;
    if (!recording || !started) return;
    var s = d.visibilityState === 'visible' && shared();
    if (s && s.active === tabKey() && Date.now() - (s.at || 0) > TAB_MS) { s.at = Date.now(); share(s); }
    try {
      api.publish('~pagesession/cobrowsing/tab', { tab: tabKey(), title: d.title.slice(0, 120),
        visible: d.visibilityState === 'visible', focused: !!(d.hasFocus()) });
    } catch (x) { /* not connected yet: the next report goes */ }
    tabTimer = setT(tabReport, TAB_MS);
  }
  ['visibilitychange', 'focus', 'blur'].forEach(function (type) {
    (type === 'visibilitychange' ? d : w).addEventListener(type, function () {
      if (!recording) return;
      if (type === 'focus' || (type === 'visibilitychange' && d.visibilityState === 'visible')) claim();
      tabReport();
    });
  });

  // ---- co-browse across the visitor's tabs (docs/PROTOCOL.md "Co-browse across tabs") ----
  // localStorage (this origin only) holds {ticket, active, at}: the join ticket from the gateway's start message, and
  // the tab the visitor uses. A new tab of the site finds the ticket and joins the co-browse without a second consent;
  // only the active tab records, the others pause (the last one that became visible or got the focus wins).
  var JOIN = 'site_connect.cobrowse.'; // + site key
  var JOIN_FRESH_MS = 600000; // an older entry (a crashed tab's) is not tried: the gateway would refuse it anyway
  function shared() {
    var s = load('localStorage', JOIN);
    return typeof s.ticket === 'string' ? s : null;
  }
  function share(s) { store('localStorage', JOIN, s); }
  /**
   * An object kept in this page's storage under key + site key, or {}.
   * @param {'localStorage' | 'sessionStorage'} st @param {string} key
   */
  function load(st, key) {
    try { var s = parse(w[st].getItem(key + want)); } catch (x) { /* storage off */ }
    return s && typeof s === 'object' ? s : {};
  }
  /** @param {'localStorage' | 'sessionStorage'} st @param {string} key @param {any} s null removes it */
  function store(st, key, s) {
    try {
      if (s) w[st].setItem(key + want, json(s)); else w[st].removeItem(key + want);
    } catch (x) { /* storage off: this page only */ }
  }
  function mine() { // this tab records unless another one took over
    var s = shared();
    return !s || !recording || s.ticket !== recording.join || !s.active || s.active === tabKey();
  }
  function adopt(ticket) { // a start with a join ticket: the co-browse is shared with this site's other tabs
    var s = shared();
    if (s && s.ticket === ticket) return;
    share({ ticket: ticket, active: tabKey(), at: Date.now() });
  }
  function claim() { // the visitor uses this tab now: it records, the others pause
    var s = shared();
    if (!recording || !s || s.ticket !== recording.join) return;
    if (s.active !== tabKey()) { s.active = tabKey(); s.at = Date.now(); share(s); }
    apply();
  }
  function apply() { // start or pause this tab's recorder
    var r = w.site_connect_recorder;
    if (!r || !recording) return;
    if (mine()) r.start(recApi, recording); else r.stop('other-tab');
  }
  function joinShared() { // a new page of the site: if a co-browse runs in another tab of this browser, join it
    var s = shared();
    if (s && typeof s.at === 'number' && Date.now() - s.at < JOIN_FRESH_MS) {
      api.publish('~pagesession/cobrowsing/join', { ticket: s.ticket });
    }
  }
  w.addEventListener('storage', function (e) { if (e.key === JOIN + want && recording) apply(); });

  function recorder(p) { // start it for co-browse p, or stop it (p = null)
    var was = recording;
    recording = p;
    if (p && !tabTimer) tabReport(); else if (!p) { clearT(tabTimer); tabTimer = 0; }
    if (!p && was && was.join) { var s = shared(); if (s && s.ticket === was.join) share(null); }
    var r = w.site_connect_recorder;
    if (!r) return;
    if (p) apply();
    else r.stop('stop');
  }

  // ---- the frame ----
  var KEPT = 'site_connect.kept.'; // + site key: the frame's state, in this page's sessionStorage (first-party)
  function kept(l) { // l: localStorage, for the visitor id (docs/CONTEXT.md); else this tab's sessionStorage
    return load(l ? 'localStorage' : 'sessionStorage', KEPT);
  }

  function post(m) {
    m.sc = 1;
    if (port) port.postMessage(m); else queue.push(m);
  }

  function subMsg(s) { return { sc: 1, type: 'sub', id: s.id, filter: s.topic }; }

  function setDisplay(st) {
    display = st;
    if (box) {
      box.setAttribute('data-state-display', st);
    }
    // The frame sizes the box for this display and this viewport: w = its width in device-independent pixels (the
    // layout viewport of a page without <meta name=viewport> is wider than the screen), z = the pinch-zoom scale.
    var v = w.visualViewport;
    if (port) port.postMessage({ sc: 1, type: 'display', state: st, w: innerWidth * (v ? v.scale : 1), z: v ? v.scale : 1 });
  }
  w.addEventListener('resize', function () { setDisplay(display); });

  function css(el, text) { // later declarations win, so the frame's 'box' messages add to BOX
    el.style.cssText += ';' + text.split(';').join('!important;') + '!important';
  }

  function attr(name, value) {
    if (!box) return;
    if (typeof value === 'string' && value) box.setAttribute(name, value); else box.removeAttribute(name);
  }

  function showCode() {
    if (code == null) return;
    d.querySelectorAll('[data-site-connect-code],#wwwchannelme').forEach(function (el) {
      if (el.textContent !== code) el.textContent = code;
    });
  }

  function setCode(c) {
    if (typeof c !== 'string' || c === code) return;
    var first = code == null;
    code = c;
    showCode();
    if (first) {
      local(HOST + 'ready', { code: c }, true);
    } else {
      retained.set(HOST + 'ready', { code: c }); // late subscribers learn the current code
      local(HOST + 'new_code', { code: c });
    }
  }

  function onFrame(e) {
    var m = e.data;
    if (!m || m.sc !== 1) return;
    var s = subs.get(m.id);
    switch (m.type) {
      case 'hello': // the frame accepted our origin: from now on all traffic uses this port
        clearT(timer);
        port = pending;
        subs.forEach(function (x) { if (x.remote && x.granted !== false) port.postMessage(subMsg(x)); });
        setDisplay(display);
        queue.splice(0).forEach(function (q) { port.postMessage(q); });
        break;
      case 'session': case 'code': setCode(m.code); break;
      case 'ctx': // the frame asks for the visitor context and sends on only what the site allows (docs/CONTEXT.md)
        m.url = location.href;
        m.ref = d.referrer;
        m.title = d.querySelector('[data-site-connect-mask] title') ? null : d.title; // none below a mask marker
        post(m); // the answer: {type: 'ctx', url, ref, title}
        break;
      case 'retry': local(HOST + 'retry', { attempt: m.attempt, retry_in_ms: m.retry_in_ms }); break;
      case 'error': local(HOST + 'error', { reason: m.reason }); break;
      case 'suback': if (s) acked(s, !!m.granted, m.reason); break;
      case 'msg': if (typeof m.topic === 'string') deliver(m.topic, m.payload, 1, m.retained, m.sub); break;
      case 'publish': // the frame's own controls (minimise, close) publish as the page would
        try { api.publish(m.topic, m.payload); } catch (x) { warn(x.message); }
        break;
      case 'warn': warn('site_connect: ' + m.message); break;
      case 'keep': // the frame's modules keep a little state across the pages of the site (this tab only)
        var k = kept(m.local);
        if (m.value == null) delete k[m.key]; else k[m.key] = m.value;
        store(m.local ? 'localStorage' : 'sessionStorage', KEPT, k);
        break;
      case 'snapshot': // "show the agent this page": a snapshot masked by the co-browse recorder (docs/ATTACHMENTS.md)
        withRec(function () { w.site_connect_recorder.snapshot(ORIGIN, post); });
        break;
      case 'box': // where and how big the frame wants the box for the display state (docs/EMBEDDING.md)
        css(box, m.css);
        break;
      case 'focus': // the widget opened (on) or closed: the focus goes into it, then back (docs/ACCESSIBILITY.md)
        if (m.on) { if (d.activeElement !== frame) back = d.activeElement; frame.focus(); } else back.focus();
        break;
      case 'widget': // Channel.me's status API: what the widget shows, for integrations
        attr('data-state-widget-type', m.widget);
        attr('data-state-widget-groupname', m.group);
        break;
    }
  }

  function onLoad() { // every (re)load of the frame gets a fresh channel
    if (pending) pending.close();
    port = null;
    var ch = new MC();
    pending = ch.port1;
    pending.addEventListener('message', onFrame);
    pending.start();
    // Exact origin, never '*'; `kept`: what the frame asked this page to keep (scFrame.keep).
    frame.contentWindow.postMessage({ sc: 1, type: 'connect', kept: Object.assign(kept(1), kept()), lang: lang }, ORIGIN, [ch.port2]);
    clearT(timer);
    timer = setT(function () { local(HOST + 'error', { reason: 'frame-unavailable' }); }, 10000);
  }

  function siteKey() {
    var p = d.getElementById('wwwchannelme');
    return want || (p && p.getAttribute('data-code')) || (me && me.getAttribute('data-code')) || '';
  }

  function mount(gen) {
    if (gen !== started || box) return;
    var key = siteKey();
    if (!key) {
      started = 0; // a later start(siteKey) may still begin
      local(HOST + 'error', { reason: 'no-site-key' });
      return;
    }
    want = key;
    box = d.createElement('div');
    box.id = 'channelme-siteconnect-container';
    box.className = 'site-connect-container';
    frame = d.createElement('iframe');
    frame.className = 'site-connect-frame';
    frame.title = 'SiteConnect';
    css(frame, IFRAME);
    frame.addEventListener('load', onLoad);
    frame.src = ORIGIN + '/frame/?site=' + encodeURIComponent(key);
    box.appendChild(frame);
    css(box, BOX);
    setDisplay(display);
    d.body.appendChild(box);
    showCode();
    wire();
    joinShared();
  }

  function stop() {
    if (!started) return;
    started = 0;
    clearT(timer);
    if (pending) pending.close();
    if (box) box.remove(); // the frame's pagehide ends the session
    port = pending = box = frame = null;
    code = null;
    retained.delete(HOST + 'ready');
  }

  function start(siteKey, o) {
    if (siteKey != null && typeof siteKey !== 'string') throw new TypeError('site_connect.start: siteKey must be a string');
    if (started && siteKey && want && siteKey !== want) stop(); // another site: start over
    if (siteKey) want = siteKey;
    lang = o && o.lang || lang;
    if (started) { // SPA navigation: cheap, just refresh what the new view shows
      showCode();
      wire();
      return stop;
    }
    var gen = started = ++gens;
    if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', function () { mount(gen); });
    else mount(gen);
    return stop;
  }

  var recApi = null; // what the recorder may use (set below, once api exists)
  var api = {
    subscribe: function (topic, message_func, acknowledge_func) {
      var L = check(topic, 1, 'subscribe');
      if (typeof message_func !== 'function') throw new TypeError('site_connect.subscribe: message_func must be a function');
      if (acknowledge_func != null && typeof acknowledge_func !== 'function') {
        throw new TypeError('site_connect.subscribe: acknowledge_func must be a function');
      }
      var s = { id: nextId++, topic: topic, L: L, fn: message_func, ack: acknowledge_func, remote: L[0] !== '~' };
      subs.set(s.id, s);
      if (s.remote) {
        if (port) port.postMessage(subMsg(s)); // otherwise sent when the frame says hello
      } else {
        setT(function () { // local: live on the next tick, then the retained messages
          if (subs.get(s.id) !== s) return;
          acked(s, true);
          retained.forEach(function (p, t) { if (subs.get(s.id) === s && matches(L, levels(t))) give(s, p, t, 1); });
        });
      }
      return s.id;
    },
    unsubscribe: function (subscription_id) {
      var s = subs.get(subscription_id);
      if (!s) throw new Error('site_connect.unsubscribe: unknown subscription_id ' + json(subscription_id));
      subs.delete(subscription_id);
      if (s.remote && port && s.granted !== false) port.postMessage({ sc: 1, type: 'unsub', id: s.id });
    },
    publish: function (topic, msg, options) {
      var L = check(topic, 0, 'publish');
      if (options != null && typeof options !== 'object') throw new TypeError('site_connect.publish: options must be an object');
      var retain = !!(options && options.retain);
      var data = null; // what goes to the gateway: JSON data
      if (L[0] !== '~') {
        try {
          data = msg === undefined ? null : parse(json(msg));
        } catch (e) {
          throw new TypeError('site_connect.publish: msg must be JSON-serialisable (' + e.message + ')', { cause: e });
        }
      }
      local(topic, msg, retain); // delivered here once; the server does not echo it (no local)
      if (L[0] !== '~') post({ type: 'pub', topic: topic, payload: data, retain: retain });
    },
    stop_session: function () { // ends a co-browse (or a pending consent): nothing more is recorded
      recorder(null);
      api.publish('~pagesession/cobrowsing/end', { reason: 'visitor' });
      post({ type: 'stop_session' });
    },
    start: start,
    setup: start
  };
  w.site_connect = api;
  recApi = { publish: api.publish, subscribe: api.subscribe, unsubscribe: api.unsubscribe, gatewayOrigin: ORIGIN };

  if (!(me && me.hasAttribute('data-no-init'))) start();
})(window, document);
