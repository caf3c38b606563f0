/*! SiteConnect co-browse recorder (DESIGN §6, docs/PROTOCOL.md "Co-browse"). Loaded from the gateway by
 * site_connect.js only when ~pagesession/cobrowsing/start arrives; never part of site_connect.js.
 *
 *   window.site_connect_recorder.start(api, {cobrowse_id}) → stop
 *   window.site_connect_recorder.stop(reason)
 *   window.site_connect_recorder.snapshot(gatewayOrigin, done({type: 'snapshot', events | null, title})): one masked full snapshot, not sent
 *   api = {publish(topic, payload), subscribe(topic, fn) → id, unsubscribe(id), gatewayOrigin}
 *
 * Streams rrweb's record() as ~pagesession/cobrowsing/events {cobrowse_id, rid, seq, full?, events:[…]}: the full
 * snapshot at once, then incremental events in batches at most every 50 ms (a change after a quiet spell goes
 * at once). A batch whose JSON is too big for one message (or too
 * deeply nested for the gateway) goes as {cobrowse_id, rid, seq, full?, part, parts, data} — `data` are slices of
 * the batch's JSON text (`events` once joined), each publish below 60,000 bytes. `rid` names this recording (a new
 * page or a restart starts at seq 1 again). A byte budget (256 KB/s) bounds the stream: a backlog that cannot be
 * sent within it is dropped and replaced by a fresh full snapshot. Among rrweb's events go two custom ones of ours
 * (docs/PROTOCOL.md "Co-browse"): `sc-digest` (the recorded element tree's count and hash, which the console checks
 * its mirror against) and `sc-extent` (the page's scroll size).
 *
 * Privacy, in the visitor's browser before anything is sent: every input, textarea and select value is masked
 * (characters replaced, length kept) unless its nearest marker is [data-site-connect-unmask]; password fields (and
 * fields that were or autocomplete like one) are blocked and their value is never sent, not even its length;
 * text and text-bearing attributes under [data-site-connect-mask] (textarea, contenteditable) are masked, through
 * shadow roots and same-origin iframes too (maskEvent); [data-site-connect-block] subtrees are a same-size empty box
 * and are not observed; scripts, comments and head meta are not recorded.
 */
(function (w, d) {
  'use strict';
  if (w.site_connect_recorder) return;

  var setT = w.setTimeout.bind(w);
  var clearT = w.clearTimeout.bind(w);
  var json = JSON.stringify;
  var now = Date.now;

  var TOPIC = '~pagesession/cobrowsing/';
  var BATCH_MS = 50;
  var MAX_BYTES = 60000; // one publish's JSON, well under the gateway's bridge.maxFrameBytes (64 KiB)
  var CHUNK_BYTES = 56000; // one `data` slice, JSON-escaped
  var MAX_DEPTH = 48; // deeper batches go as text: the gateway refuses frames nested deeper than 64
  var BUDGET = 262144; // bytes per second
  var BACKLOG_MAX = 65536; // a backlog this big that the budget cannot send now is dropped (fresh snapshot)
  var RESYNC_MIN_MS = 1000; // at most one requested full snapshot a second
  var POINTER_IDLE_MS = 4000;
  var CHECK_MS = 400; // after changes, at most this often: is every node of the page in rrweb's mirror?
  var POLL_MS = 1000; // and this often anyway: has a field a value rrweb did not send (a frame's, a shadow root's)?

  var MASK_ALL = { input: true, textarea: true, select: true, password: true, text: true, email: true, tel: true,
    number: true, search: true, url: true, date: true, 'datetime-local': true, month: true, week: true, time: true,
    color: true, range: true, hidden: true };
  var BLOCK = '[data-site-connect-block],input[type="password" i],input[data-rr-is-password],' +
    'input[autocomplete*="password" i],.site-connect-cobrowse';
  var BLOCK_ALL = BLOCK + ',.rr-block'; // rrweb's own block class too
  var MASK_TEXT = '[data-site-connect-mask],textarea:not([data-site-connect-unmask]),' +
    '[contenteditable]:not([contenteditable="false"]):not([data-site-connect-unmask])';
  var IMPORTANT = 'important';

  var rr = null; // rrweb, kept to ourselves (the host's own window.rrweb, if any, is left as it was)
  var loading = null; // callbacks waiting for rrweb
  var gen = 0; // bumps on every start/stop: a late rrweb load for an old start is ignored
  var api = null;
  var cid = null;
  var rid = '';
  var seq = 0;
  var running = false;
  var stopRecord = null;
  var subs = [];
  var buf = [];
  var bufFull = false;
  var timer = 0;
  var snapTimer = 0;
  var resnap = false; // dropping events until the fresh snapshot
  var tokens = BUDGET;
  var refilled = 0;
  var lastFull = 0;
  var lastSend = 0;
  var overlay = null;
  var dot = null;
  var idleT = 0;
  var checkTimer = 0;
  var lastCheck = 0;
  var healed = null; // nodes that already cost a fresh snapshot
  var unrecordable = null; // nodes a fresh snapshot did not take either: never again
  var lastField = null; // field → the state last sent for it ("checked|text")
  var lastScroll = null; // element or document → the scroll position last sent for it ("x,y")
  var everScrolled = new WeakSet(); // elements and documents once sent with a scroll position that is not 0
  var pollTimer = 0;

  // ---- rrweb from the gateway, once ----
  function loadRrweb(origin, done) {
    if (rr) return done(rr);
    if (loading) return loading.push(done);
    loading = [done];
    var had = Object.prototype.hasOwnProperty.call(w, 'rrweb');
    var prev = w.rrweb;
    var s = d.createElement('script');
    s.src = origin + '/vendor/rrweb/rrweb.min.js';
    s.async = true;
    function finish(lib) {
      if (had) w.rrweb = prev; else try { delete w.rrweb; } catch (e) { w.rrweb = undefined; }
      if (s.parentNode) s.parentNode.removeChild(s);
      rr = lib && lib.record ? lib : null;
      var waiting = loading;
      loading = null;
      if (!rr) console.warn('site_connect: the co-browse recorder could not load rrweb');
      waiting.forEach(function (f) { if (rr) f(rr); });
    }
    s.addEventListener('load', function () {
      var lib = w.rrweb !== prev ? w.rrweb : null;
      // A host with an AMD loader gets rrweb as the named module 'rrweb' instead of a global.
      if (!lib && typeof w.define === 'function' && w.define.amd && typeof w.require === 'function') {
        try { return w.require(['rrweb'], finish, function () { finish(null); }); } catch (e) { /* fall through */ }
      }
      finish(lib);
    });
    s.addEventListener('error', function () { finish(null); });
    (d.head || d.documentElement).appendChild(s);
  }

  // ---- privacy ----
  function isPassword(el) {
    return !!el && (String(el.type).toLowerCase() === 'password' || (el.hasAttribute && el.hasAttribute('data-rr-is-password')) ||
      /password/i.test(el.getAttribute && el.getAttribute('autocomplete') || ''));
  }

  function maskInput(text, el) {
    if (isPassword(el)) return ''; // never sent in any form, not even its length
    if (el && markerAt(el, true) === UNMASKED) return text;
    return new Array(String(text).length + 1).join('*');
  }

  // ---- masking that holds across shadow roots and same-origin frames ----
  // rrweb decides masking with closest(), which stops at a shadow root and at a frame's document, and it never masks
  // attributes. So every event is masked again here before it is buffered (maskEvent): text under a mask, the
  // text-bearing attributes below, field values. The decision (markerAt) walks up through parents, shadow hosts and
  // the frame elements of same-origin frames; the nearest marker wins. Masking is idempotent (stars stay stars),
  // so what rrweb already masked passes unchanged.
  //   text and TEXT_ATTRS: masked when the nearest of [data-site-connect-mask], [data-site-connect-unmask], textarea,
  //     [contenteditable] is a mask (all but unmask).
  //   field values: masked unless the nearest of [data-site-connect-mask], [data-site-connect-unmask] is an unmask.
  var MASKED = 1;
  var UNMASKED = 2;
  var MASK_ATTR = 'data-site-connect-mask';
  var UNMASK_ATTR = 'data-site-connect-unmask';
  var TEXT_ATTRS = { title: 1, alt: 1, placeholder: 1, value: 1, label: 1, summary: 1, abbr: 1, content: 1,
    download: 1, 'aria-label': 1, 'aria-description': 1, 'aria-placeholder': 1, 'aria-roledescription': 1,
    'aria-valuetext': 1, 'aria-braillelabel': 1, 'aria-brailleroledescription': 1 };

  /** The marker a live element carries itself. */
  function ownMarker(el, explicitOnly) {
    if (el.hasAttribute(MASK_ATTR)) return MASKED;
    if (el.hasAttribute(UNMASK_ATTR)) return UNMASKED;
    if (explicitOnly) return 0;
    if (el.localName === 'textarea') return MASKED;
    var ce = el.getAttribute('contenteditable');
    return ce != null && ce !== 'false' ? MASKED : 0;
  }

  /** The marker a serialized element (rrweb's {tagName, attributes}) carries itself. */
  function serializedMarker(tag, at, explicitOnly) {
    if (has(at, MASK_ATTR)) return MASKED;
    if (has(at, UNMASK_ATTR)) return UNMASKED;
    if (explicitOnly) return 0;
    if (tag === 'textarea') return MASKED;
    return has(at, 'contenteditable') && String(at.contenteditable) !== 'false' ? MASKED : 0;
  }

  function has(at, name) {
    return Object.prototype.hasOwnProperty.call(at, name) && at[name] !== false && at[name] != null;
  }

  // While one event is masked, the answers per element (its nodes share ancestors): [text rule, field rule].
  var memo = null;

  /** The nearest marker at `node` or above it, across shadow hosts and same-origin frame elements (0: none). */
  function markerAt(node, explicitOnly) {
    var cache = memo && memo[explicitOnly ? 1 : 0];
    var seen = cache ? [] : null;
    var found = 0;
    var n = node;
    while (n) {
      if (n.nodeType === 1) {
        if (cache) {
          var hit = cache.get(n);
          if (hit !== undefined) { found = hit; break; }
          seen.push(n);
        }
        found = ownMarker(n, explicitOnly);
        if (found) break;
        n = n.parentNode;
      } else if (n.nodeType === 11) {
        n = n.host || null;
      } else if (n.nodeType === 9) {
        try { n = n.defaultView && n.defaultView.frameElement; } catch (e) { n = null; } // cross-origin: stop
      } else {
        n = n.parentNode;
      }
    }
    if (cache) for (var i = 0; i < seen.length; i++) cache.set(seen[i], found);
    return found;
  }

  function maskText(text) {
    return String(text).replace(/\S/g, '*');
  }

  /** rrweb's maskTextFn: it asks only where its closest() found a mask; a nearer unmask wins. */
  function maskTextFn(text, el) {
    return el && markerAt(el) === UNMASKED ? text : maskText(text);
  }

  function maskEvent(e) {
    var m = rr && rr.record.mirror;
    if (!m || !e.data) return;
    memo = [new Map(), new Map()];
    try {
      if (e.type === 2 && e.data.node) maskTree(e.data.node, 0, 0);
      else if (e.type === 3 && e.data.source === 0) maskMutation(e.data, m);
      else if (e.type === 3 && e.data.source === 5) maskInputEvent(e.data, m);
    } finally {
      memo = null;
    }
  }

  /**
   * Masks a serialized subtree in place; `text` and `field` are the markers in force above it (markerAt of its live
   * parent, or 0 for a document). Shadow children are the host's childNodes, so a host's marker covers them.
   */
  function maskTree(root, text, field) {
    var stack = [root, text, field];
    while (stack.length) {
      var f = stack.pop();
      var t = stack.pop();
      var sn = stack.pop();
      if (sn.type === 2) {
        var at = sn.attributes || {};
        t = serializedMarker(sn.tagName, at) || t;
        f = serializedMarker(sn.tagName, at, true) || f;
        maskAttributes(sn.tagName, at, t, f, null);
        if (sn.tagName === 'style' || sn.tagName === 'script') continue; // CSS and code, not content
      } else if ((sn.type === 3 || sn.type === 4) && t === MASKED && !sn.isStyle && typeof sn.textContent === 'string') {
        sn.textContent = maskText(sn.textContent);
      }
      var kids = sn.childNodes;
      if (kids) for (var i = kids.length - 1; i >= 0; i--) stack.push(kids[i], t, f);
    }
  }

  /** Masks an attribute map in place: a field's value unless unmasked, text-bearing attributes under a mask. */
  function maskAttributes(tag, attrs, text, field, el) {
    for (var name in attrs) {
      var v = attrs[name];
      if (typeof v !== 'string' || !v) continue;
      if (name === 'value' && FIELD[tag.toUpperCase()]) {
        attrs[name] = el ? maskInput(v, el) : field === UNMASKED ? v : maskInput(v, null);
      } else if (text === MASKED && TEXT_ATTRS[name]) {
        attrs[name] = maskText(v);
      }
    }
  }

  function maskMutation(data, m) {
    var i;
    var markersChanged = false;
    for (i = 0; data.texts && i < data.texts.length; i++) {
      var tx = data.texts[i];
      var node = m.getNode(tx.id);
      var p = node && node.parentNode;
      if (!p || typeof tx.value !== 'string' || p.localName === 'style' || p.localName === 'script') continue;
      if (markerAt(p) === MASKED) tx.value = maskText(tx.value);
    }
    for (i = 0; data.attributes && i < data.attributes.length; i++) {
      var a = data.attributes[i];
      var el = m.getNode(a.id);
      if (!el || !a.attributes) continue;
      if (MASK_ATTR in a.attributes || UNMASK_ATTR in a.attributes || 'contenteditable' in a.attributes) markersChanged = true;
      maskAttributes(el.localName, a.attributes, markerAt(el), 0, el);
    }
    for (i = 0; data.adds && i < data.adds.length; i++) {
      var add = data.adds[i];
      var parent = m.getNode(add.parentId);
      if (add.node) maskTree(add.node, parent ? markerAt(parent) : 0, parent ? markerAt(parent, true) : 0);
    }
    // A marker set or removed later: what the agent saw below it is out of date; a fresh snapshot redraws it.
    if (markersChanged && !snapTimer) fresh(Math.max(0, lastFull + RESYNC_MIN_MS - now()));
  }

  function maskInputEvent(data, m) {
    var el = m.getNode(data.id);
    if (el && typeof data.text === 'string') data.text = maskInput(data.text, el);
  }

  // ---- sizes ----
  /** UTF-8 bytes of JSON text (lone surrogates are already \u-escaped by JSON.stringify). */
  function bytes(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : (c & 0xfc00) === 0xd800 ? (i++, 4) : 3;
    }
    return n;
  }

  /** Deepest nesting of arrays and objects in JSON text. */
  function depth(s) {
    var dep = 0;
    var max = 0;
    var str = false;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (str) {
        if (c === 92) i++; else if (c === 34) str = false;
      } else if (c === 34) {
        str = true;
      } else if (c === 123 || c === 91) {
        if (++dep > max) max = dep;
      } else if (c === 125 || c === 93) {
        dep--;
      }
    }
    return max;
  }

  /** Slices of `s` whose JSON string encodings stay under CHUNK_BYTES (surrogate pairs are never split). */
  function split(s) {
    var out = [];
    var start = 0;
    var cost = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      var pair = (c & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      var n = c === 34 || c === 92 ? 2 : c < 0x20 ? 6 : c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4
        : (c & 0xf800) === 0xd800 ? 6 : 3;
      if (cost + n > CHUNK_BYTES && i > start) {
        out.push(s.slice(start, i));
        start = i;
        cost = 0;
      }
      cost += n;
      if (pair) i++;
    }
    out.push(s.slice(start));
    return out;
  }

  // ---- the stream ----
  function refill() {
    var t = now();
    tokens = Math.min(BUDGET, tokens + (t - refilled) * BUDGET / 1000);
    refilled = t;
  }

  function onEvent(e) {
    if (!running) return;
    if (e.type === 4) { // Meta: a full snapshot follows at once; whatever waits is superseded by it
      buf = [];
      bufFull = true;
      resnap = false;
      clearT(snapTimer);
      snapTimer = 0;
    } else if (resnap) {
      return;
    }
    try {
      maskEvent(e);
    } catch (err) { // never send what could not be masked: drop it, the agent gets a fresh snapshot
      if (e.type !== 2 && !snapTimer) fresh(Math.max(0, lastFull + RESYNC_MIN_MS - now()));
      return;
    }
    buf.push(e);
    noteSent(e);
    if (e.type === 2) { // the snapshot left empty values out; scroll positions: sent again if not 0
      lastDigest = '';
      lastField = new WeakMap();
      lastScroll = new WeakMap();
      scheduleCheck();
    } else if (e.type === 3 && e.data && rr && rr.record.mirror) {
      var m = rr.record.mirror;
      var f = e.data.source === 5 || e.data.source === 3 ? m.getNode(e.data.id) : null;
      if (f && e.data.source === 5) lastField.set(f, (e.data.isChecked ? 1 : 0) + '|' + e.data.text);
      if (f && e.data.source === 3) {
        lastScroll.set(f, e.data.x + ',' + e.data.y);
        if (e.data.x || e.data.y) everScrolled.add(f);
      }
      if (e.data.source === 0 && e.data.attributes) { // value/checked/selected set as attributes: send the state again
        for (var i = 0; i < e.data.attributes.length; i++) {
          var a = e.data.attributes[i];
          var n = a && a.attributes && m.getNode(a.id);
          if (n && n.tagName === 'OPTION') n = n.parentNode;
          if (n && FIELD[n.tagName]) lastField.delete(n);
        }
      }
    }
    if (e.type === 3 && e.data && e.data.source === 0) {
      if (e.data.adds && e.data.adds.length) fieldStates(e.data.adds, e.timestamp);
      scheduleCheck();
    }
    // The full snapshot goes without waiting for the batch, but never from inside rrweb's emit: a host that changes
    // its DOM when it sees our publish (the demo page logs every topic) would change it before rrweb observes
    // mutations (the first snapshot comes before its observer exists), and that node would never be recorded.
    if (e.type === 2) { clearT(timer); timer = setT(flush, 0); }
    // A change after a quiet spell goes at once (after this task's other mutations); a busy page every 50 ms.
    else if (!timer) timer = setT(flush, Math.max(0, lastSend + BATCH_MS - now()));
  }

  function flush() {
    clearT(timer);
    timer = 0;
    if (!running || !buf.length) return;
    refill();
    var text = json(buf);
    var size = bytes(text);
    if (!bufFull && tokens < size) {
      if (size > BACKLOG_MAX) { // over budget: drop the backlog, start over with a fresh snapshot
        buf = [];
        fresh(Math.max(0, -tokens) * 1000 / BUDGET);
      } else {
        timer = setT(flush, Math.min(1000, Math.ceil((size - tokens) * 1000 / BUDGET)) + 5);
      }
      return;
    }
    tokens -= size;
    lastSend = now();
    var full = bufFull;
    var events = buf;
    buf = [];
    bufFull = false;
    send(text, events, size, full);
  }

  function send(text, events, size, full) {
    var base = { cobrowse_id: cid, rid: rid, seq: ++seq };
    if (full) base.full = true;
    if (size <= MAX_BYTES - 300 && depth(text) <= MAX_DEPTH) {
      base.events = events;
      publish(base);
      return;
    }
    var parts = split(text);
    for (var i = 0; i < parts.length; i++) {
      var p = { cobrowse_id: cid, rid: rid, seq: base.seq, part: i, parts: parts.length, data: parts[i] };
      if (full) p.full = true;
      publish(p);
    }
  }

  function publish(payload) {
    try { api.publish(TOPIC + 'events', payload); } catch (e) { console.warn('site_connect: co-browse publish failed', e.message); }
  }

  /** A fresh full snapshot after `ms` (events are dropped until then). */
  function fresh(ms) {
    resnap = true;
    clearT(snapTimer);
    snapTimer = setT(snapshot, ms);
  }

  function snapshot() {
    snapTimer = 0;
    if (!running || !rr) return;
    lastFull = now();
    rr.record.takeFullSnapshot(true);
  }

  function onResync() { // the agent (re)joined: a fresh snapshot, at most one a second
    if (!running || snapTimer) return;
    var wait = lastFull + RESYNC_MIN_MS - now();
    if (wait > 0) snapTimer = setT(snapshot, wait); else snapshot();
  }

  // ---- form fields added or moved: their state as it is now ----
  // rrweb serialises an added field's value only when it is not empty, and an input event only when the value
  // changed since the last one it saw: a field emptied and then moved (or re-added) shows its default text again in
  // the mirror. After every add, each field in it gets an input event with its current (masked) state.
  var FIELD = { INPUT: 1, TEXTAREA: 1, SELECT: 1 };

  function fieldStates(adds, t) {
    var m = rr.record.mirror;
    for (var i = 0; i < adds.length; i++) {
      var node = adds[i].node;
      if (!node || node.type !== 2) continue;
      var el = m.getNode(node.id);
      if (el && FIELD[el.tagName] && !(el.closest && el.closest(BLOCK_ALL))) sendField(el, node.id, t, true);
    }
  }

  /** An input event with the field's current state (masked as rrweb would), unless that is what was sent last. */
  function sendField(el, id, t, always) {
    var type = String(el.type || '').toLowerCase();
    var box = type === 'checkbox' || type === 'radio';
    var text = maskInput(el.value, el); // a box's value too: input events are masked the same way (maskEvent)
    var key = (box && el.checked ? 1 : 0) + '|' + text;
    if (!always && lastField.get(el) === key) return;
    lastField.set(el, key);
    onEvent({ type: 3, data: { source: 5, id: id, text: text, isChecked: box && !!el.checked }, timestamp: t || now() });
  }

  // ---- self-check: a node rrweb failed to record is a mirror gone wrong for good ----
  // rrweb drops an added node it cannot place (and says so only on the console), and every later change around it
  // goes wrong too. After changes, in a task of its own, every node of the page (open shadow roots and same-origin
  // frames included, blocked and left-out subtrees not) must be in rrweb's mirror; one that is not costs a fresh
  // full snapshot, which the agent's replayer rebuilds from. The same walk sends any field whose value differs from
  // what was sent for it last.
  function scheduleCheck() {
    if (checkTimer || !running) return;
    checkTimer = setT(check, Math.max(0, lastCheck + CHECK_MS - now()));
  }

  function check() {
    checkTimer = 0;
    lastCheck = now();
    if (!running || !rr || !rr.record.mirror || resnap || snapTimer) return;
    sendSize();
    sendExtent();
    refreshDue();
    var lost = unrecorded();
    refreshing = false;
    if (!lost) sendDigest();
    if (!lost || unrecordable.has(lost)) return;
    if (healed.has(lost)) { unrecordable.add(lost); return; } // a snapshot did not take it: do not loop
    healed.add(lost);
    fresh(Math.max(0, lastFull + RESYNC_MIN_MS - now()));
  }

  // rrweb says on the console when it could not record a change ("Couldn't record new node…"): that is the same loss,
  // known at once. console.warn is wrapped while we record (everything still reaches the host's console).
  var warnHook = null;

  function hookWarn() {
    var c = w.console;
    if (!c || warnHook) return;
    var orig = c.warn;
    var hooked = function () {
      var first = arguments[0];
      if (running && typeof first === 'string' && /^Couldn't (record|find)|not serialized/.test(first) && !snapTimer) {
        fresh(Math.max(0, lastFull + RESYNC_MIN_MS - now()));
      }
      if (typeof orig === 'function') return orig.apply(this, arguments);
    };
    c.warn = hooked;
    warnHook = [orig, hooked];
  }

  function unhookWarn() {
    if (warnHook && w.console.warn === warnHook[1]) w.console.warn = warnHook[0];
    warnHook = null;
  }

  /** A scroll event with where `node` (an element, or a document for its window) is scrolled now, if not sent yet. */
  function sendScroll(node, id, x, y, always) {
    var key = x + ',' + y;
    if (!always && (lastScroll.get(node) || '0,0') === key) return;
    lastScroll.set(node, key);
    if (key !== '0,0') everScrolled.add(node);
    onEvent({ type: 3, data: { source: 3, id: id, x: x, y: y }, timestamp: now() });
  }

  function unrecorded() {
    var m = rr.record.mirror;
    var se = d.scrollingElement || d.documentElement;
    // A window or element that was scrolled is re-sent on a refresh also at 0: a scroll back to the top that the
    // mirror missed (a seed of the long mode left it at 495) is not sent again otherwise.
    if (se) sendScroll(d, m.getId(d), se.scrollLeft, se.scrollTop, refreshing && everScrolled.has(d));
    var stack = [d];
    while (stack.length) {
      var n = stack.pop();
      for (var c = n.firstChild; c; c = c.nextSibling) {
        var id = m.getId(c);
        if (id > 0 && m.getNode(id) !== c) id = -1; // an id rrweb forgot: changes to the node are dropped
        if (id === -1) {
          if (!unrecordable.has(c)) return c;
          continue;
        }
        if (id < 0 || c.nodeType !== 1) continue; // -2: left out on purpose (slim DOM), with its subtree
        if (c.matches && c.matches(BLOCK_ALL)) { sendBlockedSize(c, id); continue; }
        if (FIELD[c.tagName]) sendField(c, id, 0, refreshing && changedField(c));
        if (c !== se && (c.scrollTop || c.scrollLeft || lastScroll.has(c) || (refreshing && everScrolled.has(c)))) {
          sendScroll(c, id, c.scrollLeft, c.scrollTop, refreshing && everScrolled.has(c));
        }
        if (c.localName === 'textarea') continue;
        stack.push(c);
        if (c.shadowRoot) stack.push(c.shadowRoot);
        if (c.localName === 'iframe') {
          try { var doc = c.contentDocument; if (doc && m.getId(doc) > 0) stack.push(doc); } catch (e) { /* cross-origin */ }
        }
      }
    }
    return null;
  }

  // ---- window size and scroll positions the mirror may have lost ----
  // The mirror clamps a scroll to what its document allowed when it played it: a scroll sent before the content grew
  // or the window was resized stays wrong, and a moved element is rebuilt unscrolled. After any change (and after a
  // resize) every scroll position that is not 0 is sent again by the next check. rrweb reports a resize only when
  // the size differs from the one it reported last, not from the one a later snapshot told the mirror: the check
  // sends the window size whenever it differs from what the mirror was last told.
  var lastSize = ''; // "width,height" the mirror was last told (Meta or viewport resize)

  // rrweb sends changes to nodes it left out on purpose (id -2: a script's text, its attributes, a text node added
  // to it): the replayer cannot find them, and a console would take that for a mirror gone wrong.
  function dropIgnored(data) {
    var known = function (x) { return x && x.id > 0; };
    if (data.texts) data.texts = data.texts.filter(known);
    if (data.attributes) data.attributes = data.attributes.filter(known);
    if (data.removes) data.removes = data.removes.filter(known);
    if (data.adds) data.adds = data.adds.filter(function (a) { return a && a.parentId > 0 && a.node && a.node.id > 0; });
  }

  function noteSent(e) {
    if (e.type === 3 && e.data && e.data.source === 0) dropIgnored(e.data);
    if (e.type === 3 && e.data && e.data.source === 15) noteAdopted(e.data);
    if (e.type === 3 && e.data && e.data.source === 0) crossRootMoves(e);
    if (e.type === 3 && e.data && e.data.source === 0 && e.data.adds && e.data.adds.length) readopt(e.data.adds, e.timestamp);
    if (e.type === 2) { adopted = new WeakMap(); lastExtent = ''; blockedSize = new WeakMap(); noteSnapshotIds(e.data && e.data.node); }
    if (e.type === 4 && e.data) {
      lastSize = e.data.width + ',' + e.data.height;
    } else if (e.type === 3 && e.data && (e.data.source === 0 || e.data.source === 4)) {
      if (e.data.source === 4) { lastSize = e.data.width + ',' + e.data.height; scheduleCheck(); }
      lastScroll = new WeakMap();
    }
  }

  // The mirror's document can be shorter than the page's (masked text is narrower than the text it hides, and
  // wraps into fewer lines): a window scroll near the bottom would be clamped. The page's scroll extent goes as a
  // custom event {tag:'sc-extent', payload:{w, h}} whenever it changes; the console makes the mirror at least as big.
  var lastExtent = '';

  function sendExtent() {
    var se = d.scrollingElement || d.documentElement;
    if (!se) return;
    var key = se.scrollWidth + ',' + se.scrollHeight;
    if (key === lastExtent) return;
    lastExtent = key;
    onEvent({ type: 5, data: { tag: 'sc-extent', payload: { w: se.scrollWidth, h: se.scrollHeight } }, timestamp: now() });
  }

  function sendSize() {
    var de = d.documentElement;
    var width = w.innerWidth || (de && de.clientWidth) || (d.body && d.body.clientWidth) || 0;
    var height = w.innerHeight || (de && de.clientHeight) || (d.body && d.body.clientHeight) || 0;
    if (!lastSize || width + ',' + height === lastSize) return;
    onEvent({ type: 3, data: { source: 4, width: width, height: height }, timestamp: now() });
  }

  // ---- nodes moved across shadow roots ----
  // Each shadow root has its own observer in rrweb. A node moved out of a shadow root (or into one whose observer is
  // older) is first sent as added at its new place under its old id, then as removed from its old place by the
  // other observer, in the same task: the mirror would remove the node it just rebuilt, and rrweb forgets the node's
  // id, so every later change to it is dropped. Such a remove (of an id this task's earlier batch added) is sent
  // before that batch instead, and the ids rrweb forgot are given back.
  var taskAdds = null; // id → {el, sn, e}: nodes added by the mutation batches of this task
  var maxId = 0; // the highest node id sent so far (rrweb's ids only grow: a node new in this task has a higher one)
  var taskFloor = 0; // maxId when this task's first batch came

  function noteSnapshotIds(root) {
    var stack = [root];
    while (stack.length) {
      var n = stack.pop();
      if (!n) continue;
      if (n.id > maxId) maxId = n.id;
      if (n.childNodes) for (var i = 0; i < n.childNodes.length; i++) stack.push(n.childNodes[i]);
    }
  }

  function removed(e, id) {
    var list = e.data.removes || [];
    for (var i = 0; i < list.length; i++) if (list[i].id === id) return true;
    return false;
  }

  function crossRootMoves(e) {
    var data = e.data;
    var m = rr.record.mirror;
    if (taskAdds && data.removes && data.removes.length) {
      var moved = [];
      var first = -1;
      data.removes = data.removes.filter(function (r) {
        var a = taskAdds.get(r.id);
        // (an earlier batch that also removed the node knew where it was: this remove is another root's view of it)
        // (a node new in this task, put into the shadow root and out again, never was where the remove says)
        var at = a && a.e !== e && r.id <= taskFloor && !removed(a.e, r.id) ? buf.indexOf(a.e) : -1;
        if (at < 0) return true;
        moved.push(r);
        if (first < 0 || at < first) first = at;
        return false;
      });
      if (moved.length) {
        buf.splice(first, 0, { type: 3, timestamp: buf[first].timestamp,
          data: { source: 0, texts: [], attributes: [], removes: moved, adds: [] } });
        taskAdds.forEach(function (a, id) { if (!m.has(id) && a.el.isConnected) m.add(a.el, a.sn); });
      }
    }
    if (!data.adds || !data.adds.length) return;
    if (!taskAdds) {
      taskAdds = new Map();
      taskFloor = maxId;
      setT(function () { taskAdds = null; }, 0);
    }
    for (var i = 0; i < data.adds.length; i++) {
      var sn = data.adds[i].node;
      noteSnapshotIds(sn);
      var el = sn && m.getNode(sn.id);
      if (el) taskAdds.set(sn.id, { el: el, sn: sn, e: e });
    }
  }

  // ---- field states and scroll positions sent again now and then ----
  // A field's state or a scroll the mirror lost (a frame reloaded with its default value, a default value set by a
  // later change, a scroll clamped before its content arrived) is not sent again while it does not change on the
  // page. Every REFRESH_MS the check sends again the state of every field not at its default, and every scroll
  // position that is not 0: a few small events, whatever went wrong.
  var REFRESH_MS = 2000;
  var lastRefresh = 0;
  var refreshing = false;

  function refreshDue() {
    if (now() - lastRefresh < REFRESH_MS) return;
    lastRefresh = now();
    refreshing = true;
    lastScroll = new WeakMap();
  }

  function changedField(el) {
    if (el.tagName === 'SELECT') {
      for (var i = 0; i < el.options.length; i++) if (el.options[i].selected !== el.options[i].defaultSelected) return true;
      return false;
    }
    return el.value !== el.defaultValue || el.checked !== el.defaultChecked;
  }

  // ---- a blocked element's box follows its size ----
  // rrweb records a blocked element as an empty box of the size it had then, and observes nothing in it later.
  var blockedSize = new WeakMap(); // element → "width,height" of its box as last sent

  function sendBlockedSize(el, id) {
    var r = el.getBoundingClientRect();
    var key = r.width + ',' + r.height;
    var was = blockedSize.get(el);
    blockedSize.set(el, key);
    if (was === undefined || was === key) return; // the snapshot (or the add) gave the mirror its size
    onEvent({ type: 3, data: { source: 0, texts: [], removes: [], adds: [],
      attributes: [{ id: id, attributes: { style: { width: r.width + 'px', height: r.height + 'px' } } }] }, timestamp: now() });
  }

  // ---- adopted style sheets of a moved shadow host ----
  // rrweb sends a shadow root's adopted sheets once, when it first sees the root; a moved host is rebuilt in the
  // mirror with a new, unstyled shadow root. The sheets' ids last sent for each host are kept, and sent again for a
  // host that is added again (the mirror still has the sheets by those ids).
  var adopted = new WeakMap(); // host element → styleIds last sent for its shadow root

  function noteAdopted(data) {
    var host = rr && rr.record.mirror ? rr.record.mirror.getNode(data.id) : null;
    if (host && host.nodeType === 1 && Array.isArray(data.styleIds)) adopted.set(host, data.styleIds.slice());
  }

  function readopt(adds, t) {
    var m = rr.record.mirror;
    for (var i = 0; i < adds.length; i++) {
      var sn = adds[i].node;
      var host = sn && sn.type === 2 ? m.getNode(sn.id) : null;
      var ids = host && host.shadowRoot && adopted.get(host);
      if (ids && ids.length) onEvent({ type: 3, data: { source: 15, id: sn.id, styleIds: ids.slice() }, timestamp: t || now() });
    }
  }

  // ---- structure digest: the console checks its mirror against what was recorded ----
  // A change rrweb records wrongly without a warning (a node moved across a shadow root, a frame's late load) leaves
  // the mirror wrong for good. After changes settle (in check) and every DIGEST_MS anyway, a custom event
  // {tag:'sc-digest', payload:{n, h}} carries the count and a hash of the recorded element tree (rrweb ids in
  // document order, shadow roots and same-origin frames included); the console computes the same on its mirror when
  // it plays the event and asks for a fresh snapshot when they differ (docs/PROTOCOL.md "Co-browse").
  var DIGEST_MS = 5000;
  var lastDigest = ''; // "n:h" last sent, '' after a full snapshot
  var lastDigestAt = 0;

  function sendDigest() {
    var dg = structureDigest(d, rr.record.mirror);
    var key = dg.n + ':' + dg.h;
    if (key === lastDigest && now() - lastDigestAt < DIGEST_MS) return;
    lastDigest = key;
    lastDigestAt = now();
    onEvent({ type: 5, data: { tag: 'sc-digest', payload: dg }, timestamp: now() });
  }

  /**
   * {n, h}: how many recorded elements and an FNV-1a hash of their ids and nesting; the agent console's
   * structureDigest (agent/cobrowse.js) must compute the same from the mirror. Blocked elements count, their
   * content does not; textarea content never; a frame's document only once rrweb recorded it.
   */
  function structureDigest(doc, m) {
    var h = 0x811c9dc5;
    var n = 0;
    function mix(x) {
      for (var i = 0; i < x.length; i++) { h ^= x.charCodeAt(i); h = Math.imul(h, 0x01000193); }
    }
    function walk(parent) {
      for (var c = parent.firstChild; c; c = c.nextSibling) {
        if (c.nodeType !== 1) continue;
        var id = m.getId(c);
        if (id < 0) continue;
        n++;
        mix(id + '(');
        if (!(c.matches && c.matches(BLOCK_ALL)) && c.localName !== 'textarea') {
          if (c.shadowRoot) { mix('#'); walk(c.shadowRoot); }
          if (c.localName === 'iframe') {
            var inner = null;
            try { inner = c.contentDocument; } catch (e) { /* cross-origin */ }
            if (inner && m.getId(inner) > 0) { mix('['); walk(inner); }
          }
          walk(c);
        }
        mix(')');
      }
    }
    walk(doc);
    return { n: n, h: (h >>> 0).toString(36) };
  }

  // ---- the agent's pointer, an overlay that never takes a click ----
  function css(el, text) {
    text.split(';').forEach(function (p) {
      var i = p.indexOf(':');
      if (i > 0) el.style.setProperty(p.slice(0, i).trim(), p.slice(i + 1).trim(), IMPORTANT);
    });
  }

  function ensureOverlay() {
    if (overlay && overlay.parentNode) return;
    overlay = d.createElement('div');
    overlay.className = 'site-connect-cobrowse'; // blocked: the recording never shows it
    overlay.setAttribute('aria-hidden', 'true');
    css(overlay, 'position:fixed;left:0;top:0;width:0;height:0;margin:0;padding:0;border:0;overflow:visible;' +
      'z-index:2147483647;pointer-events:none;display:block;transform:none;opacity:1');
    dot = d.createElement('div');
    dot.className = 'site-connect-pointer';
    css(dot, 'position:absolute;left:-9px;top:-9px;width:18px;height:18px;margin:0;padding:0;box-sizing:border-box;' +
      'border:2px solid #fff;border-radius:50%;background:rgba(255,122,0,.9);box-shadow:0 0 0 1px rgba(0,0,0,.4);' +
      'pointer-events:none;opacity:0;transition:transform 60ms linear,opacity .3s');
    overlay.appendChild(dot);
    (d.body || d.documentElement).appendChild(overlay);
  }

  function removeOverlay() {
    clearT(idleT);
    if (overlay && overlay.parentNode) overlay.parentNode.removeChild(overlay);
    overlay = dot = null;
  }

  function onPointer(p) {
    if (!running || !p || typeof p.x !== 'number' || typeof p.y !== 'number' || !isFinite(p.x) || !isFinite(p.y)) return;
    ensureOverlay();
    var x = Math.max(0, Math.min(w.innerWidth, p.x));
    var y = Math.max(0, Math.min(w.innerHeight, p.y));
    var at = 'translate(' + x + 'px,' + y + 'px)';
    css(dot, 'transform:' + at + ';opacity:1');
    clearT(idleT);
    idleT = setT(function () { if (dot) css(dot, 'opacity:0'); }, POINTER_IDLE_MS);
    if (p.click === true) {
      var ring = d.createElement('div');
      ring.className = 'site-connect-pointer-click';
      css(ring, 'position:absolute;left:-22px;top:-22px;width:44px;height:44px;margin:0;padding:0;box-sizing:border-box;' +
        'border:3px solid #ff7a00;border-radius:50%;pointer-events:none;transform:' + at + ';opacity:0');
      overlay.appendChild(ring);
      var done = function () { if (ring.parentNode) ring.parentNode.removeChild(ring); };
      if (ring.animate) {
        ring.animate([{ transform: at + ' scale(.3)', opacity: 1 }, { transform: at + ' scale(1.3)', opacity: 0 }],
          { duration: 700, easing: 'ease-out' }).onfinish = done;
      }
      setT(done, 800);
    }
  }

  // ---- the agent's marks: webroot/cobrowse/draw.js, loaded at the first one (docs/DRAWING.md) ----
  var drawing = null; // marks waiting for draw.js
  function onDraw(p) {
    // site_connect echoes a page's own ~pagesession publish to the page's subscribers (the gateway refuses this one):
    // the agent's marks come from the frame's port, in its message event; anything else is the page talking to itself.
    var e = w.event;
    if (!running || !e || e.type !== 'message' || !(e.currentTarget instanceof w.MessagePort)) return;
    if (w.site_connect_draw) return w.site_connect_draw.draw(p);
    if (drawing) return drawing.length < 64 && drawing.push(p);
    drawing = [p];
    var s = d.createElement('script'); // rrweb never records a script
    s.src = (api && api.gatewayOrigin || '') + '/cobrowse/draw.js';
    s.async = true;
    s.onload = s.onerror = function () {
      var q = drawing || [];
      drawing = null;
      if (s.parentNode) s.parentNode.removeChild(s);
      if (running && w.site_connect_draw) q.forEach(w.site_connect_draw.draw);
    };
    (d.head || d.documentElement).appendChild(s);
  }

  // ---- remote control (docs/CONTROL.md): webroot/cobrowse/control.js, loaded when a grant arrives ----
  // Only what came from the gateway counts: site_connect.js marks those deliveries with a boolean `retained`; the
  // page's own publishes on these topics (delivered locally) carry none and are ignored.
  var ctlWait = null; // [kind, payload] waiting for control.js
  var ctlRules = {
    open: function (el) { return !isPassword(el) && markerAt(el, true) === UNMASKED; }, // the mirror shows its value
    marked: function (el) { return markerAt(el, true) === MASKED; },
  };
  function control(kind, p, info) {
    if (!api || !info || typeof info.retained !== 'boolean') return;
    var c = w.site_connect_control;
    if (c) return c[kind](api, p, ctlRules);
    if (ctlWait) return ctlWait.push([kind, p]);
    if (kind !== 'state' || !p) return; // nothing granted yet
    ctlWait = [[kind, p]];
    var s = d.createElement('script');
    s.src = api.gatewayOrigin + '/cobrowse/control.js';
    s.addEventListener('load', function () {
      var q = ctlWait || [];
      ctlWait = null;
      if (s.parentNode) s.parentNode.removeChild(s);
      q.forEach(function (x) { control(x[0], x[1], { retained: false }); });
    });
    (d.head || d.documentElement).appendChild(s);
  }

  // ---- adopted style sheets set to none ----
  // rrweb records a host's adopted style sheets only when the new list is not empty: `document.adoptedStyleSheets = []`
  // would leave the mirror styled as before. The prototypes' setters are wrapped before rrweb takes them over (it
  // patches each document and shadow root with the setter it finds there), and an empty list is recorded as rrweb would.
  var adoptedHooks = [];

  function hookAdopted() {
    [w.Document, w.ShadowRoot].forEach(function (C) {
      var proto = C && C.prototype;
      var desc = proto && Object.getOwnPropertyDescriptor(proto, 'adoptedStyleSheets');
      if (!desc || !desc.set || !desc.configurable) return;
      var hooked = {
        configurable: true, enumerable: desc.enumerable, get: desc.get,
        set: function (sheets) {
          desc.set.call(this, sheets);
          if (running && rr && sheets && sheets.length === 0) adoptedNone(this);
        },
      };
      Object.defineProperty(proto, 'adoptedStyleSheets', hooked);
      adoptedHooks.push([proto, desc, hooked]);
    });
  }

  function unhookAdopted() {
    adoptedHooks.forEach(function (h) {
      var now = Object.getOwnPropertyDescriptor(h[0], 'adoptedStyleSheets');
      if (now && now.set === h[2].set) Object.defineProperty(h[0], 'adoptedStyleSheets', h[1]);
    });
    adoptedHooks = [];
  }

  function adoptedNone(host) {
    var id = rr.record.mirror ? rr.record.mirror.getId(host.nodeType === 11 ? host.host : host) : -1;
    if (id > 0) onEvent({ type: 3, data: { source: 15, id: id, styleIds: [] }, timestamp: now() });
  }

  // ---- start / stop ----
  function begin(lib) {
    running = true;
    healed = new WeakSet();
    unrecordable = new WeakSet();
    lastField = new WeakMap();
    lastScroll = new WeakMap();
    pollTimer = w.setInterval(scheduleCheck, POLL_MS);
    if (!adoptedHooks.length) hookAdopted();
    hookWarn();
    tokens = BUDGET;
    refilled = lastFull = now();
    var stopFn = lib.record({
      emit: onEvent,
      recordAfter: 'DOMContentLoaded',
      maskAllInputs: false, // the options below mask every kind of field, and let [data-site-connect-unmask] through
      maskInputOptions: MASK_ALL,
      maskInputFn: maskInput,
      maskTextSelector: MASK_TEXT,
      maskTextFn: maskTextFn,
      blockSelector: BLOCK,
      slimDOMOptions: 'all',
      inlineImages: false,
      recordCanvas: false,
      collectFonts: false,
      recordCrossOriginIframes: false,
      sampling: { mousemove: 50, scroll: 100, media: 800 }, // every keystroke: the agent sees typing as it happens
      errorHandler: function () { return true; }, // a failing observer must not break the host page
    });
    if (typeof stopFn === 'function') stopRecord = stopFn;
  }

  function start(a, info) {
    if (!a || typeof a.publish !== 'function' || typeof a.subscribe !== 'function') {
      throw new TypeError('site_connect_recorder.start: api must have publish and subscribe');
    }
    var id = (info && info.cobrowse_id) || a.cobrowse_id || null;
    if (api && id === cid) return stop; // already recording this co-browse (a retained start seen again)
    if (api) stop('restart');
    var g = ++gen;
    api = a;
    cid = id;
    rid = Math.random().toString(36).slice(2, 10) + now().toString(36);
    seq = 0;
    subs = [
      a.subscribe(TOPIC + 'resync', function () { onResync(); }),
      a.subscribe(TOPIC + 'pointer', function (p) { onPointer(p); }),
      a.subscribe(TOPIC + 'draw', function (p) { onDraw(p); }),
      a.subscribe(TOPIC + 'stop', function () { stop('stop'); }),
      a.subscribe(TOPIC + 'control_state', function (p, i) { control('state', p, i); }),
      a.subscribe(TOPIC + 'control_act', function (p, i) { control('act', p, i); }),
    ];
    loadRrweb(a.gatewayOrigin || '', function (lib) { if (g === gen) begin(lib); });
    return stop;
  }

  function stop(reason) {
    gen++;
    running = false;
    var s = stopRecord;
    stopRecord = null;
    if (s) try { s(); } catch (e) { /* already stopped */ }
    unhookAdopted();
    unhookWarn();
    clearT(timer);
    clearT(snapTimer);
    clearT(checkTimer);
    w.clearInterval(pollTimer);
    timer = snapTimer = checkTimer = pollTimer = 0;
    buf = [];
    bufFull = resnap = false;
    removeOverlay();
    if (w.site_connect_draw) w.site_connect_draw.clear();
    if (w.site_connect_control) w.site_connect_control.stop();
    ctlWait = null;
    var a = api;
    api = null;
    cid = null;
    if (a && typeof a.unsubscribe === 'function') {
      subs.forEach(function (id) { try { a.unsubscribe(id); } catch (e) { /* gone already */ } });
    }
    subs = [];
    return reason;
  }

  /**
   * "Show the agent this page" (docs/ATTACHMENTS.md): one full snapshot, masked exactly as a co-browse is, then
   * done({type: 'snapshot', events, title}) — events null when a co-browse is recording or no snapshot came.
   * Nothing is published.
   */
  function pageSnapshot(origin, done) {
    if (api) return done({ type: 'snapshot', events: null });
    var parts = [];
    var over = false;
    var t = setT(function () { end(null); }, 10000);
    function end(ev) {
      if (over) return;
      over = true;
      clearT(t);
      stop('snapshot');
      done({ type: 'snapshot', events: ev, title: d.title });
    }
    start({
      gatewayOrigin: origin,
      subscribe: function () { return 0; },
      unsubscribe: function () {},
      publish: function (topic, p) {
        if (topic !== TOPIC + 'events' || !p || !p.full) return;
        if (p.events) return end(p.events);
        parts[p.part] = p.data;
        if (parts.filter(String).length === p.parts) {
          try { end(JSON.parse(parts.join(''))); } catch (e) { end(null); }
        }
      }
    }, { cobrowse_id: 'snapshot' });
  }

  w.site_connect_recorder = { start: start, stop: stop, snapshot: pageSnapshot };
})(window, document);
