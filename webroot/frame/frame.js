/*! SiteConnect frame: the page session over the bridge (docs/PROTOCOL.md) */
// @ts-check
import { levels, matchLevels } from '../shared/topics.js';
import { openBridge, backoff as jitter } from '../shared/bridge.js';
import { el } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { box as boxer } from './box.js';
import { chooseLanguage } from './lang.js';

/** What the frame's own modules (chat.js, consent.js) build on; also window.scFrame. */
export const scFrame = (function (w, d) {
  var ORIGIN = location.origin;
  var SITE = new URLSearchParams(location.search).get('site') || '';
  /**
   * The visitor id {id, until} (sites[].rememberVisitorDays, docs/CONTEXT.md): a fresh one, or the one the host page
   * keeps in its localStorage (the frame's own storage is third-party: refused in private windows and wherever
   * third-party cookies are blocked). 128 random bits, base64url.
   */
  var vid = { id: btoa(String.fromCharCode.apply(null, Array.from(crypto.getRandomValues(new Uint8Array(16)))))
    .replace(/\+/g, '-').replace(/\//g, '_').slice(0, 22), until: 0 };
  // The frame's own subscriptions: the display topics and the site's chat-button states (PROTOCOL.md).
  var OWN = ['~pagesession/show_frame', '~pagesession/minimize_frame', '~pagesession/hide_frame',
    '~pagesession/new_code', '$sites/' + SITE + '/chat_button/+'];
  // Commands per one-second window: well under the gateway's per-socket limit (100 by default) even when the
  // network bunches two windows together. A refusal anyway ('rate-limited') resyncs through a reconnect.
  var RATE = 40;
  var MAX_OUT = 1000; // unacknowledged publishes kept for a resend
  // Topics only the frame's own UI may speak (DESIGN §11): the host page's publishes never reach them, and the
  // gateway takes the visitor's consent only as the frame's `consent` command (docs/PROTOCOL.md).
  var FRAME_ONLY = /^~pagesession\/cobrowsing\/(consent|control)/;

  var cfg = null; // GET /frame/config
  var offer = null; // the parent's connect event, until cfg arrives
  var port = null; // to the host page
  var conn = null; // the bridge connection (shared/bridge.js)
  var live = false; // page session established on this socket
  var token = null; // resume token
  var code = null;
  var attempt = 0; // reconnects since the last session
  var busy = 0; // busy answers since the last session
  var timer = 0;
  var halted = false; // gave up, or the page is going away
  var subs = new Map(); // wire id -> {hid (host id, 0 = ours), filter}
  var acked = new Set(); // wire ids already acknowledged once (later subacks are resubscriptions)
  var seen = new Map(); // topic -> JSON of the last payload the host got, for topics that came retained
  var resyncing = 0; // resubscriptions not yet answered: the UI says "live" once they all are
  var answering = null; // wire id of the last suback: the retained messages right after it are its own
  var out = new Map(); // mid -> pub command, until puback
  var mids = 0;
  var wq = []; // commands waiting for the rate window (a resubscription burst must not be refused)
  var win = 0;
  var used = 0;
  var pumpT = 0;

  var lives = []; // scFrame.onLive callbacks
  var widget = null; // the last scFrame.widget() state, told again to a new port
  var kept = {}; // scFrame.keep(): kept by the host page (the frame's own storage is third-party, often denied)
  var display = 'hidden';
  var look = null; // the site's launcher settings from the session answer (docs/EMBEDDING.md), or null
  var view = { state: 'hidden' }; // the host page's last display message {state, w, z}
  // box.js sizes the widget on the host page. It is part of the first visit: the frame must be able to show itself
  // (a consent prompt) whatever the host page does to the MessagePort after the first message.
  var fit = null;
  function box(now) {
    if (!fit && (now || display !== 'hidden' || look)) fit = boxer(w.scFrame);
    if (fit) fit(view);
  }

  OWN.forEach(function (f, i) { subs.set('f' + i, { hid: 0, filter: f }); });

  // ---- the UI ----
  function $(id) { return d.getElementById(id); }
  function status(s) {
    d.body.setAttribute('data-status', s);
  }
  function showCode() {
    Array.from(d.querySelectorAll('.sc-code')).forEach(function (el) { el.textContent = code || '······'; });
  }
  function ask(topic) { toHost({ type: 'publish', topic: topic, payload: {} }); }
  var a11yP = null; // keyboard, focus, live region, dark scheme (a11y.js, docs/ACCESSIBILITY.md): loaded on demand
  var shows = 0; // display messages so far
  function a11y(was) { a11yP = a11yP || import('./a11y.js').then(function (x) { x.widgetA11y(w.scFrame, was); }, function () { a11yP = null; }); }
  $('sc-open').addEventListener('click', function () { ask('~pagesession/show_frame'); });
  $('sc-min').addEventListener('click', function () { ask('~pagesession/minimize_frame'); });
  $('sc-close').addEventListener('click', function () { ask('~pagesession/hide_frame'); });

  // ---- host page ⇄ frame ----
  w.addEventListener('message', function (e) {
    var m = e.data;
    if (e.source !== w.parent || !m || m.sc !== 1 || m.type !== 'connect' || !e.ports || !e.ports[0]) return;
    offer = e;
    accept();
  });

  function accept() {
    if (!cfg || !offer) return;
    var e = offer;
    offer = null;
    var lang = chooseLanguage(e.data.lang, cfg.lang); // docs/I18N.md: the page's, the site's or the browser's
    if ((cfg.origins || []).indexOf(e.origin) < 0) { // DESIGN §7: the parent must be one of the site's origins
      console.warn('site-connect frame: parent origin not allowed', e.origin);
      status('refused');
      dropEarly();
      return;
    }
    if (port) port.close();
    port = e.ports[0];
    kept = e.data.kept && typeof e.data.kept === 'object' ? e.data.kept : {};
    // An earlier page of the site in this tab had a session: resume it (the gateway keeps it a while after `bye`).
    if (!token && typeof kept.resume === 'string') token = kept.resume;
    var v = kept.visitor;
    if (v && typeof v.id === 'string' && v.until > Date.now()) vid = v;
    if (!via && typeof kept.via === 'string') via = kept.via;
    port.addEventListener('message', fromHost);
    port.start();
    toHost({ type: 'hello' });
    if (code) toHost({ type: 'session', code: code });
    if (widget) toHost(widget);
    lang.then(function () { if (!conn && !halted) connect(); }); // the texts are ready before the first message
  }

  var snapWait = null; // scFrame.snapshot()'s callback

  function toHost(m) {
    m.sc = 1;
    if (port) port.postMessage(m);
  }

  // ---- the visitor context (docs/CONTEXT.md): only the fields the session answer names, and nothing before it.
  // Every second the frame asks the host page for its URL, title (none when masked) and referrer; it sends
  // the allowed fields (with the language, time zone and user agent it reads itself) when they changed.
  var collect = [];
  var ctxSent = '';
  var ctxT = 0;
  function ctxAsk() {
    clearTimeout(ctxT);
    if (!collect.length || halted) return;
    toHost({ type: 'ctx' });
    ctxT = setTimeout(ctxAsk, 1000);
  }
  function ctxFromHost(m) {
    if (!collect.length || !live) return;
    var has = function (f) { return collect.indexOf(f) > -1; };
    var str = function (v, max) { return typeof v === 'string' ? v.slice(0, max) : undefined; };
    var c = {};
    var u;
    try { u = new URL(m.url); } catch (x) { return; }
    if (has('path')) c.path = u.pathname.slice(0, 600); // never the fragment
    if (has('query') && u.search) c.query = u.search.slice(0, 600);
    if (has('title')) c.title = str(m.title, 300);
    if (has('referrer')) {
      try { c.referrer = new URL(m.ref).origin; } catch (x) { /* none, or not a URL */ }
    }
    if (/device|browser|os/.test(collect.join())) c.ua = navigator.userAgent.slice(0, 512);
    if (has('language')) c.language = navigator.language;
    if (has('localTime')) c.timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var s = JSON.stringify(c);
    if (s !== ctxSent) {
      ctxSent = s;
      w.scFrame.publish('~pagesession/context/page', c);
    }
  }

  function fromHost(e) {
    var m = e.data;
    if (!m || m.sc !== 1) return;
    var id = 's' + m.id;
    switch (m.type) {
      case 'ctx': ctxFromHost(m); break;
      case 'sub':
        if (typeof m.filter !== 'string') return;
        subs.set(id, { hid: m.id, filter: m.filter });
        acked.delete(id);
        cmd({ op: 'sub', id: id, filter: m.filter });
        break;
      case 'unsub':
        var x = subs.get(id);
        if (!x) return;
        subs.delete(id);
        if (x.wait && --resyncing === 0) status('live');
        cmd({ op: 'unsub', id: id });
        break;
      case 'pub':
        if (typeof m.topic === 'string' && FRAME_ONLY.test(m.topic)) {
          toHost({ type: 'warn', message: 'publish refused: ' + m.topic + ' is answered by the visitor in the frame, not by the page' });
          return;
        }
        var c = { op: 'pub', topic: m.topic, payload: m.payload, retain: !!m.retain, mid: 'm' + ++mids };
        out.set(c.mid, c);
        if (out.size > MAX_OUT) out.delete(out.keys().next().value);
        cmd(c);
        // The gateway echoes no publish to its sender: an invitation the page publishes itself (PROTOCOL.md) reaches
        // the frame's chat here. Only this topic: the page may not speak for an agent in the frame.
        if (m.topic === '~pagesession/proactive/trigger') {
          subs.forEach(function (z) { if (z.fn && z.filter === m.topic) call(z.fn, m.payload, m.topic, {}); });
        }
        break;
      case 'display':
        var was = display;
        display = m.state;
        d.body.setAttribute('data-display', m.state);
        view = m;
        box();
        if (m.state !== 'hidden') a11y(shows++ ? was : m.state); // the first one restores the last page's display
        break;
      case 'snapshot': // the page's masked snapshot, asked for by scFrame.snapshot()
        if (snapWait) snapWait(Array.isArray(m.events) ? m : null);
        snapWait = null;
        break;
      case 'stop_session':
        // site_connect.stop_session(): the page itself publishes ~pagesession/cobrowsing/end and stops its
        // recorder; the gateway's ~pagesession/cobrowsing/stop then updates consent.js.
        break;
    }
  }

  // ---- frame ⇄ gateway: the bridge (shared/bridge.js), commands paced by the rate window ----
  function ready() { return !!conn && conn.ready; }
  function send(body) {
    if (!ready()) return;
    wq.push(body);
    if (wq.length === 1) pump();
  }
  function pump() {
    while (wq.length && ready()) {
      var now = Date.now();
      if (now - win >= 1000) { win = now; used = 0; }
      if (used >= RATE) { pumpT = setTimeout(pump, 1000 - (now - win) + 10); return; }
      used++;
      conn.send(wq.shift());
    }
  }
  function cmd(body) {
    if (live) send(body);
  }
  function hello() {
    clearTimeout(timer);
    var h = { op: 'hello', site: SITE, visitor: vid.id }; // the gateway keeps vid only if the site opted in
    if (token) h.resume = token;
    send(h);
  }

  function backoff(n) { // exponential, capped, "equal jitter"
    var r = cfg.retry || {};
    return jitter(n, r.baseMs || 1000, r.maxMs || 30000);
  }
  function tries() { return (cfg.retry && cfg.retry.max) || 5; }

  // A plain WebSocket to /eventbus/websocket first; sockjs-client (14 KB, loaded now) only when it cannot open: an
  // error or close before the welcome, or no welcome within WS_WAIT (a proxy that blocks WebSockets). The tab
  // remembers which worked (docs/ASSETS.md): 'ws', or 'sockjs' when only the fallback opened (kept by the host page,
  // like the resume token: the frame's own storage is third-party).
  var WS_WAIT = 4000;
  var via = null;
  var WS_URL = ORIGIN.replace(/^http/, 'ws') + '/eventbus/websocket?batch=1';
  function connect() {
    clearTimeout(timer);
    status('connecting');
    if (via === 'sockjs') {
      dropEarly();
      return viaSockJS();
    }
    var c = null;
    timer = setTimeout(function () { if (c === conn) blocked(); }, WS_WAIT); // cleared by hello(), even within open()
    c = open(WS_URL, 'ws');
  }
  // The first visit's WebSocket opens as the frame starts, while /frame/config and the host page's connect message
  // are on their way (docs/ASSETS.md "The first visit's critical path"): connect() takes it over, welcome and all.
  // Nothing is sent on it before then; a frame that is refused, halted or told to use SockJS closes it.
  var early = null; // {c, on: the handlers once taken over, welcomed, closed}
  function openEarly() {
    var e = early = { c: null, on: null, welcomed: false, closed: false };
    var pre = /** @type {any} */ (w).scEarlyWs; // opened by frame/index.html's first script, before its style sheet
    /** @type {any} */ (w).scEarlyWs = null; // and this bundle loaded
    e.c = openBridge(WS_URL, {
      who: 'site-connect frame',
      onWelcome: function () { e.welcomed = true; if (e.on) e.on.onWelcome(); },
      onBody: function (b) { if (e.on) e.on.onBody(b); },
      onClose: function (r) { e.closed = true; if (e.on) e.on.onClose(r); }
    }, pre && pre.sock && pre.sock.url === WS_URL ? pre : null);
    setTimeout(function () { if (early === e) dropEarly(); }, 10000); // never taken over: the host page never connected
  }
  function dropEarly() {
    if (early) early.c.close();
    early = null;
  }
  function open(url, kind) {
    var welcomed = false;
    var c = null;
    var on = {
      who: 'site-connect frame',
      onWelcome: function () {
        welcomed = true;
        if (via !== kind) w.scFrame.keep('via', via = kind);
        hello();
      },
      onBody: function (b) { if (c === conn) onServer(b); },
      onClose: function () { if (c === conn) (welcomed || kind !== 'ws' ? lost : blocked)(); }
    };
    var e = early;
    early = null;
    if (e && (kind !== 'ws' || e.closed)) e.c.close();
    else if (e) { // take over the early socket
      c = conn = e.c;
      e.on = on;
      if (e.welcomed) on.onWelcome();
      return c;
    }
    c = conn = openBridge(url, on);
    return c;
  }
  // The WebSocket did not open. Where it worked before in this tab the gateway is more likely away: reconnect as
  // usual, and try the fallback only after two such reconnects.
  function blocked() {
    drop();
    if (via === 'ws' && attempt < 2) return lost();
    viaSockJS();
  }
  var loading = false;
  function viaSockJS() {
    if (w.SockJS) return open(ORIGIN + '/eventbus?batch=1', 'sockjs');
    if (loading) return;
    loading = true;
    var s = d.createElement('script');
    s.src = '/webjars/sockjs-client/1.6.1/dist/sockjs.min.js';
    s.onload = s.onerror = function () {
      loading = false;
      s.remove();
      if (halted || conn) return;
      if (w.SockJS) open(ORIGIN + '/eventbus?batch=1', 'sockjs');
      else lost(); // not loaded: the network is down; the next attempt tries again
    };
    d.head.appendChild(s);
  }

  function lost() { // the connection is gone (or must be redone): reconnect with backoff, then resume
    drop();
    if (halted) return;
    attempt++;
    if (!code && attempt > tries()) return fail('unreachable');
    var ms = backoff(attempt);
    toHost({ type: 'retry', attempt: attempt, retry_in_ms: ms });
    status('reconnecting');
    timer = setTimeout(connect, ms);
  }

  function drop() {
    dropEarly();
    live = false;
    wq = []; // what matters is replayed after the reconnect: hello, every subscription, unacked publishes
    clearTimeout(pumpT);
    clearTimeout(timer);
    var c = conn;
    conn = null;
    if (c) c.close();
  }

  function fail(reason) {
    halted = true;
    drop();
    status('error');
    toHost({ type: 'error', reason: reason });
  }

  function onServer(b) {
    switch (b.op) {
      case 'session':
        live = true;
        if (b.resume !== token) w.scFrame.keep('resume', b.resume); // the next page of the site resumes it
        token = b.resume;
        attempt = busy = 0;
        // A resumed session has no server-side subscriptions left: send them all again, then what is unacked.
        resyncing = 0;
        subs.forEach(function (x, id) {
          x.wait = 1;
          resyncing++;
          cmd({ op: 'sub', id: id, filter: x.filter });
        });
        out.forEach(cmd);
        if (b.code !== code) { code = b.code; showCode(); }
        status(resyncing ? 'resyncing' : 'live');
        toHost({ type: 'session', code: code });
        collect = Array.isArray(b.context) ? b.context : []; // what the site lets us collect (docs/CONTEXT.md)
        // the visitor id: kept by the host page only where the site says so (visitorDays), never past its first expiry
        if (b.visitorDays > 0 || kept.visitor) {
          vid.until = b.visitorDays > 0 ? Math.min(vid.until || Infinity, Date.now() + b.visitorDays * 864e5) : 0;
          kept.visitor = vid.until ? vid : undefined;
          toHost({ type: 'keep', key: 'visitor', value: kept.visitor || null, local: 1 });
        }
        look = b.widget && typeof b.widget === 'object' ? b.widget : null;
        box(true);
        ctxSent = ''; // a new or resumed session (also after a gateway restart): tell it again
        ctxAsk();
        lives.forEach(function (fn) { call(fn); }); // their commands queue behind the resubscriptions
        setTimeout(a11y, 1000); // after ~/site_connect/ready: not part of the first visit's bytes
        break;
      case 'busy':
        if (++busy > tries()) return fail(b.reason || 'busy');
        var ms = backoff(busy);
        toHost({ type: 'retry', attempt: busy, retry_in_ms: ms });
        status('busy');
        timer = setTimeout(hello, ms);
        break;
      case 'suback':
        var x = subs.get(b.id);
        answering = b.id;
        if (!x) return;
        if (x.wait) {
          x.wait = 0;
          if (--resyncing === 0) status('live');
        }
        if (!b.granted) subs.delete(b.id); // denied: local-only from now on, never resubscribed
        x.again = acked.has(b.id); // a resubscription after a reconnect
        if (!x.again) {
          acked.add(b.id);
          if (x.hid) toHost({ type: 'suback', id: x.hid, granted: !!b.granted, reason: b.reason });
        }
        break;
      case 'puback':
        out.delete(b.mid);
        break;
      case 'msg':
        var sid = b.sub != null ? b.sub : b.retained ? answering : null;
        var y = sid != null ? subs.get(sid) : null;
        var j = JSON.stringify(b.payload);
        if (b.retained) {
          // After a reconnect the resubscriptions bring the retained messages again: pass on only what changed.
          if (y && y.again && seen.get(b.topic) === j) return;
          seen.set(b.topic, j);
        } else if (seen.has(b.topic)) {
          seen.set(b.topic, j);
        }
        if (b.topic === '~pagesession/new_code' && b.payload) newCode(b.payload.code); // the old code is dead
        var T = levels(String(b.topic));
        subs.forEach(function (z, zid) { // the frame's own modules (scFrame.subscribe)
          if (z.fn && (sid == null ? matchLevels(z.L, T) : zid === sid)) call(z.fn, b.payload, b.topic, { retained: !!b.retained });
        });
        if (b.topic === '~pagesession/cobrowsing/control_state' && b.payload && typeof b.payload === 'object') {
          // The page's remote-control bar (cobrowse/control.js) says the visitor's language: its texts come with the grant.
          var tz = b.payload.texts = { dir: d.documentElement.dir || 'ltr', agent: t('cb.anAgent') };
          ['bar', 'barStop', 'send', 'keep', 'form', 'aForm'].forEach(function (k) { tz[k] = t('ctl.' + k, { name: '{name}', form: '{form}' }); });
        }
        toHost({ type: 'msg', topic: b.topic, payload: b.payload, retained: !!b.retained,
          sub: sid == null ? null : y ? y.hid : 0 });
        break;
      case 'code':
        newCode(b.code);
        break;
      case 'err':
        onErr(b);
        break;
    }
  }

  function newCode(c) {
    if (typeof c !== 'string' || c === code) return;
    code = c;
    showCode();
    toHost({ type: 'code', code: code });
  }

  function onErr(b) {
    if (b.code === 'busy') return lost(); // the gateway is behind: after a backoff, replay what it did not take
    var x = b.ref != null && subs.get(b.ref);
    if (x) { // a refused subscription: report it like a denied suback
      onServer({ op: 'suback', id: b.ref, granted: false, reason: b.code });
    } else if (b.ref != null && out.delete(b.ref)) {
      toHost({ type: 'warn', message: 'publish refused: ' + b.code + (b.message ? ' (' + b.message + ')' : '') });
    } else if (b.code === 'rate-limited') { // some command was dropped, we cannot tell which: start over
      lost();
    } else if (!live) { // hello refused: unknown-site, origin-not-allowed, ...
      fail(b.code || 'refused');
    } else if (b.code === 'no-session') {
      live = false;
      hello();
    } else {
      console.warn('site-connect frame: server error', b.code, b.message);
    }
  }

  w.addEventListener('pagehide', function () { // the host page is leaving: the session ends unless the next page resumes it
    if (live && conn) conn.send({ op: 'bye' });
    token = null;
    halted = true;
    drop();
  });
  w.addEventListener('pageshow', function (e) {
    if (e.persisted && halted && port) { halted = false; attempt = 0; connect(); }
  });

  // ---- what the frame's own modules (chat.js, …) build on ----
  function call(fn, a, b, c) {
    try { fn(a, b, c); } catch (e) { setTimeout(function () { throw e; }); }
  }
  var owns = OWN.length;
  w.scFrame = {
    site: SITE,
    /** Subscribes inside the frame (kept across reconnects); fn(payload, topic, {retained}). */
    subscribe: function (filter, fn) {
      var id = 'f' + owns++;
      subs.set(id, { hid: 0, filter: filter, L: levels(filter), fn: fn });
      cmd({ op: 'sub', id: id, filter: filter });
      return id;
    },
    /** Publishes from the frame (resent until acknowledged); the host page does not see it. */
    publish: function (topic, payload, retain) {
      var c = { op: 'pub', topic: topic, payload: payload === undefined ? null : payload, retain: !!retain, mid: 'm' + ++mids };
      out.set(c.mid, c);
      cmd(c);
    },
    /**
     * The visitor's answer to a co-browse consent request: its own wire command, which the host page cannot make
     * the frame send (consent.js calls it from a trusted click only). Resent until acknowledged, like a publish.
     * op 'control': the answer to a remote-control request (control.js, docs/CONTROL.md).
     */
    consent: function (cobrowseId, allow, op) {
      var c = { op: op || 'consent', cobrowse_id: String(cobrowseId), allow: allow === true, mid: 'm' + ++mids };
      out.set(c.mid, c);
      cmd(c);
    },
    /** fn() after every (re)connect, once the session is live again. */
    onLive: function (fn) { lives.push(fn); },
    /**
     * A little state that outlives this page: the host page keeps it in its sessionStorage (this tab, this site)
     * and hands it over when it connects, so kept(name) is known before the first onLive. keep(name, null) drops it.
     * It comes from the host page: check it like any input.
     */
    keep: function (name, value) {
      if (value == null) delete kept[name]; else kept[name] = value;
      toHost({ type: 'keep', key: name, value: value == null ? null : value });
    },
    kept: function (name) { return kept[name]; },
    /** A section of the widget body for a module: <section id="sc-panel-NAME" class="sc-panel" hidden>. */
    panel: function (name) {
      var el = $('sc-panel-' + name);
      if (!el) {
        el = d.createElement('section');
        el.id = 'sc-panel-' + name;
        el.className = 'sc-panel';
        el.hidden = true;
        d.querySelector('.sc-body').appendChild(el);
      }
      return el;
    },
    /** "Show the agent this page": done({events, title}) — the host page's snapshot, masked as co-browse — or done(null). */
    snapshot: function (done) {
      if (snapWait) snapWait(null);
      snapWait = done;
      toHost({ type: 'snapshot' });
    },
    display: function () { return display; },
    /** Where and how big the host page puts the frame's box: CSS declarations (box.js). */
    box: function (css) { toHost({ type: 'box', css: css }); },
    /** The site's launcher settings ({color, position, title, greeting, logoUrl, avatar, button}) once live, or null. */
    look: function () { return look; },
    /** shared/dom.js's el(), for the modules loaded on demand (an import of their own would split the bundle). */
    el: el,
    /** shared/i18n.js's t(), for the same reason. */
    t: t,
    show: function () { ask('~pagesession/show_frame'); },
    minimize: function () { ask('~pagesession/minimize_frame'); },
    hide: function () { ask('~pagesession/hide_frame'); },
    /** The host page focuses the frame (true) or gives the focus back to where it was before (false). */
    focus: function (on) { toHost({ type: 'focus', on: !!on }); },
    /** The widget state the host shows on its container: data-state-widget-type / -groupname (null clears). */
    widget: function (type, group) {
      widget = { type: 'widget', widget: type || null, group: type && group || null };
      d.body.setAttribute('data-widget', type || '');
      toHost(widget);
    }
  };

  openEarly();
  // The gateway names this URL in a Link preload header of the frame's HTML: the request is already under way (the same
  // mode and credentials as the preload's `crossorigin`, or Chromium fetches it twice). The answer is `no-store`.
  fetch('/frame/config?site=' + encodeURIComponent(SITE))
    .then(function (r) { return r.ok ? r.json() : Promise.reject(new Error('HTTP ' + r.status)); })
    .then(function (c) { cfg = c; accept(); })
    .catch(function (e) { status('unavailable'); dropEarly(); chooseLanguage(null, null); console.warn('site-connect frame: no config for site', SITE, e.message); });
  return w.scFrame;
})(window, document);
