/*! SiteConnect agent console: co-browse (DESIGN §6, docs/PROTOCOL.md "Co-browse").
 * The code form, the co-browse state, and the live mirror: rrweb's Replayer in live mode inside an iframe whose
 * sandbox is exactly `allow-same-origin` (no script ever runs in it), fed only through window.scSanitize.
 * The agent's pointer (and click highlight) goes to the visitor's page.
 *
 *   window.scCobrowse.mount(container, {token, bridge, view?, hooks?}) → {destroy(), forget(), stop(), refit(), state, id}
 *     token:  the agent's bearer token (a string, or a function returning the current one)
 *     bridge: {subscribe(filter, fn(payload, topic), onAck?(granted)) → id, unsubscribe?(id), publish(topic, payload)}
 *     view:   where the mirror goes (a wide element, shown while co-browsing); default: the container
 *     hooks:  for the co-browse view (cobrowse-view.js), all optional: state(state, reason, id), message(kind,
 *             payload) for every state/events/tab message, mirror(mirror | null), room() → {width, height} the
 *             mirror may fill
 *   window.scCobrowse.createMirror(root) → {iframe, add(events), destroy()} (after scCobrowse.loadRrweb())
 *
 * Data from the visitor's page only ever reaches this document through textContent, attributes we set ourselves,
 * and the sanitised events the replayer builds inside the sandboxed iframe.
 */
(function (w, d) {
  'use strict';
  const RRWEB_JS = '/vendor/rrweb/rrweb.min.js';
  const RRWEB_CSS = '/vendor/rrweb/rrweb.min.css';
  const KEEP = 'siteconnect.agent.cobrowse'; // sessionStorage: the co-browse in progress survives a reload
  const POINTER_MS = 33; // ~30 pointer messages a second at most
  const SNAPSHOT_WAIT_MS = 2500; // active without a full snapshot for this long: ask for one
  const RESYNC_GAP_MS = 1000; // at most one resync request this often (the page honours one a second)
  const MAX_PARTS = 256; // a chunked batch larger than this (about 15 MB) is refused
  const STAMP_STEP_MS = 0.01; // between two events' replay times (timestamps near 1.7e12 resolve 0.0002 ms)
  // The replayer keeps every event it was given (for seeking, which the live mirror never does): beyond these, the
  // oldest are let go, whether or not a snapshot came since (a page that never sends one must not fill the memory).
  const MAX_EVENTS_KEPT = 4000;
  const MAX_BYTES_KEPT = 8e6; // about, as the page's JSON
  const DIGEST_GAP_MS = 1000; // a structure digest walks the whole mirror: at most one this often
  const SANDBOX = 'allow-same-origin';
  // The states' texts: cobrowse.state.<state> in the console's catalogue (webroot/i18n/console, docs/I18N.md).

  // ---- rrweb, loaded once from the gateway (packed into the jar at build time) ----
  let loading = null;
  function loadRrweb() {
    if (w.rrweb && w.rrweb.Replayer) return Promise.resolve(w.rrweb);
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      if (!d.querySelector('link[data-sc-rrweb]')) {
        d.head.append(el('link', { rel: 'stylesheet', href: RRWEB_CSS, 'data-sc-rrweb': '' }));
      }
      const s = el('script', { src: RRWEB_JS, 'data-sc-rrweb': '' });
      s.addEventListener('load', () => (w.rrweb && w.rrweb.Replayer ? resolve(w.rrweb) : reject(new Error('rrweb did not load'))));
      s.addEventListener('error', () => reject(new Error('rrweb could not be loaded')));
      d.head.append(s);
    });
    loading.catch(() => { loading = null; });
    return loading;
  }

  const el = w.scUi.el;

  // ---- the recorder's structure digest (recorder.js structureDigest), checked against the mirror ----
  const DIGEST_TAG = 'sc-digest';
  const DIGEST_GIVE_UP = 3; // mismatches in a row (fresh snapshots did not mend it): stop asking until one matches

  const EXTENT_TAG = 'sc-extent';
  const MAX_EXTENT = 1e6;

  /**
   * The recorder's own custom events (digest, scroll extent) as plain custom events of checked numbers, or null for
   * anything else (the sanitiser drops other custom events).
   */
  function digestEvent(e) {
    if (!e || e.type !== 5 || !e.data || typeof e.timestamp !== 'number') return null;
    const p = e.data.payload || {};
    if (e.data.tag === EXTENT_TAG) {
      const width = Number(p.w);
      const height = Number(p.h);
      if (!(width >= 0 && width <= MAX_EXTENT && height >= 0 && height <= MAX_EXTENT)) return null;
      return { type: 5, timestamp: e.timestamp, data: { tag: EXTENT_TAG, payload: { w: Math.round(width), h: Math.round(height) } } };
    }
    if (e.data.tag !== DIGEST_TAG) return null;
    const n = Number(p.n);
    const h = String(p.h);
    if (!(n >= 0 && n <= 1e8) || !/^[0-9a-z]{1,8}$/.test(h)) return null;
    return { type: 5, timestamp: e.timestamp, data: { tag: DIGEST_TAG, payload: { n: n, h: h } } };
  }

  /** What structureDigest in recorder.js computes, on the mirror's document with the replayer's ids. */
  function structureDigest(doc, m) {
    let h = 0x811c9dc5;
    let n = 0;
    const mix = (x) => {
      for (let i = 0; i < x.length; i++) { h ^= x.charCodeAt(i); h = Math.imul(h, 0x01000193); }
    };
    const walk = (parent) => {
      for (let c = parent.firstChild; c; c = c.nextSibling) {
        if (c.nodeType !== 1) continue;
        const id = m.getId(c);
        if (id < 0) continue;
        n++;
        mix(id + '(');
        if (c.shadowRoot) { mix('#'); walk(c.shadowRoot); }
        if (c.localName === 'iframe') {
          let inner = null;
          try { inner = c.contentDocument; } catch (e) { /* none */ }
          if (inner && m.getId(inner) > 0) { mix('['); walk(inner); }
        }
        if (c.localName !== 'textarea') walk(c);
        mix(')');
      }
    };
    walk(doc);
    return { n: n, h: (h >>> 0).toString(36) };
  }

  // ---- the mirror ----
  /**
   * A live replayer under `root`. Throws when the iframe it made is not sandboxed exactly `allow-same-origin`.
   * add(events) sanitises a batch and re-stamps it so it plays at once (the visitor's clock is not ours).
   * onError(error, reason) hears of an event that failed ('error') and of every replayer warning — a node an event
   * names that the mirror does not have ('missing-node'), a structure digest that differs ('digest'): from then on the
   * mirror is wrong.
   */
  function createMirror(root, onError) {
    const rr = w.rrweb;
    const sanitize = w.scSanitize.create();
    const report = (e, reason) => { if (onError) onError(e, reason); };
    const logger = {
      log() { /* debug output: not wanted */ },
      warn(prefix, text) {
        const msg = String(typeof prefix === 'string' && prefix.startsWith('[replayer]') ? text : prefix);
        if (/destroyed/.test(msg)) return;
        report(new Error(msg), /not found/.test(msg) ? 'missing-node' : 'error');
      },
    };
    const replayer = new rr.Replayer([], {
      root: root, liveMode: true, mouseTail: false, showWarning: true, showDebug: false, logger: logger,
      triggerFocus: false, UNSAFE_replayCanvas: false, pauseAnimation: false, skipInactive: false, speed: 1,
    });
    const iframe = replayer.iframe;
    iframe.setAttribute('sandbox', SANDBOX); // rrweb made it so; say it again and check it
    if (!iframe || iframe.getAttribute('sandbox') !== SANDBOX || iframe.sandbox.length !== 1
        || !iframe.sandbox.contains(SANDBOX)) {
      replayer.destroy();
      throw new Error('the mirror iframe is not sandboxed as required');
    }
    iframe.setAttribute('data-testid', 'cobrowse-iframe');
    iframe.setAttribute('title', w.scUi.t('cobrowse.mirrorTitle'));
    iframe.setAttribute('referrerpolicy', 'no-referrer');
    // Nothing in the mirror may take the agent's keyboard focus (a page's modal dialog or autofocus field would take
    // the chat's typing); remote control takes its input on the glass over the mirror (control.js), never in here.
    iframe.inert = true;
    // One bad event must not stop the replayer's timer for good: report it and ask for a fresh snapshot.
    ['applyIncremental', 'rebuildFullSnapshot'].forEach(function (name) {
      const orig = replayer[name];
      replayer[name] = function () {
        // A rebuild keeps the document, and with it adopted sheets the page no longer has (the snapshot re-adopts).
        if (name === 'rebuildFullSnapshot') try { iframe.contentDocument.adoptedStyleSheets = []; } catch (e) { /* none */ }
        if (name === 'applyIncremental') { dropReplacedTexts(arguments[0]); dropMisplacedRemoves(arguments[0]); }
        try { return orig.apply(replayer, arguments); } catch (e) { report(e, 'error'); }
      };
    });
    /**
     * A text node added again with other text (rrweb re-adds a moved style's text alone, uncaptured) is built anew by
     * the replayer, which leaves the old node where it was: the text (a style's rules) would be there twice.
     */
    function dropReplacedTexts(e) {
      const adds = e && e.data && e.data.source === 0 && Array.isArray(e.data.adds) ? e.data.adds : [];
      const m = replayer.getMirror();
      for (const a of adds) {
        if (!a || !a.node || a.node.type !== 3) continue;
        const old = m.getNode(a.node.id);
        const meta = old && m.getMeta(old);
        // (the replayer reuses a node whose recorded text is the same, and builds a new one otherwise)
        if (meta && old.nodeType === 3 && old.parentNode && meta.textContent !== a.node.textContent) old.parentNode.removeChild(old);
      }
    }

    /**
     * A remove of a node that is not under the parent it names is already done: rrweb's observer of one shadow root
     * reports a node that left it after another observer placed it anew. The replayer would fail on it (and the
     * console re-sync for nothing); what is wrong with the structure, the digest still catches.
     */
    function dropMisplacedRemoves(e) {
      const d = e && e.data;
      if (!d || d.source !== 0 || !Array.isArray(d.removes) || !d.removes.length) return;
      const m = replayer.getMirror();
      d.removes = d.removes.filter(function (r) {
        const target = r && m.getNode(r.id);
        let parent = r && m.getNode(r.parentId);
        if (!target || !parent) return true; // the replayer's own handling (a warning: re-sync)
        if (r.isShadow && parent.shadowRoot) parent = parent.shadowRoot;
        return target.parentNode === parent;
      });
    }

    let digestMisses = 0;
    let digestAt = -Infinity; // when the mirror was last walked for a digest
    let casts = 0; // events the replayer applied
    let held = null; // a digest that came too soon after the last: {want, casts} (checked later if still current)
    let heldTimer = 0;
    replayer.on('event-cast', function () { casts++; });
    replayer.on('custom-event', function (e) {
      if (e && e.data && e.data.tag === EXTENT_TAG) { extent(e.data.payload); return; }
      if (!e || !e.data || e.data.tag !== DIGEST_TAG) return;
      const wait = digestAt + DIGEST_GAP_MS - performance.now();
      if (wait <= 0) { checkDigest(e.data.payload); return; }
      held = { want: e.data.payload, casts: casts + 1 }; // (its own event-cast comes right after this)
      if (!heldTimer) heldTimer = setTimeout(checkHeld, wait);
    });
    /** A held digest still describes the mirror when nothing was applied after it; else a later one will come. */
    function checkHeld() {
      heldTimer = 0;
      const h = held;
      held = null;
      if (h && h.casts === casts) checkDigest(h.want);
    }
    function checkDigest(want) {
      digestAt = performance.now();
      let got;
      try { got = structureDigest(iframe.contentDocument, replayer.getMirror()); } catch (x) { return; }
      if (got.n === want.n && got.h === want.h) { digestMisses = 0; return; }
      if (++digestMisses > DIGEST_GIVE_UP) return;
      report(new Error('the mirror has ' + got.n + ' elements in another structure than the page\'s ' + want.n), 'digest');
    }
    /** The mirror's document at least as big as the page's, so that the page's window scroll fits in it. */
    function extent(size) {
      const root = iframe.contentDocument && iframe.contentDocument.documentElement;
      if (!root) return;
      root.style.setProperty('min-width', size.w + 'px');
      root.style.setProperty('min-height', size.h + 'px');
    }
    const baseline = Date.now();
    let lastStamp = 0;
    replayer.startLive(baseline);

    const weights = new WeakMap(); // event → its share of its batch's bytes
    let keptBytes = 0;
    /** The oldest events beyond MAX_EVENTS_KEPT or MAX_BYTES_KEPT let go (the replayer's timer holds its own queue). */
    function trim() {
      const ctx = replayer.service && replayer.service.state && replayer.service.state.context;
      const list = ctx && ctx.events;
      if (!Array.isArray(list)) return;
      let i = 0;
      while (i < list.length - 1 && (list.length - i > MAX_EVENTS_KEPT || keptBytes > MAX_BYTES_KEPT)) {
        keptBytes -= weights.get(list[i]) || 0;
        i++;
      }
      if (i > 0) list.splice(0, i);
    }

    /** Only the last digest of a batch is worth checking: the earlier ones describe states already gone. */
    function lastDigestOnly(list) {
      let last = -1;
      list.forEach((e, i) => { if (e.type === 5 && e.data.tag === DIGEST_TAG) last = i; });
      return list.filter((e, i) => i === last || !(e.type === 5 && e.data.tag === DIGEST_TAG));
    }

    return {
      iframe: iframe,
      replayer: replayer,
      /** Plays a batch; `bytes`: about how big it was as the page's JSON. */
      add(events, bytes) {
        const clean = lastDigestOnly(events.map((e) => digestEvent(e) || sanitize(e)).filter(Boolean));
        const lost = sanitize.lost();
        if (lost) report(new Error('left out of the mirror: ' + lost), 'error');
        if (!clean.length) return;
        const weight = (Number(bytes) || 0) / clean.length;
        const shift = Date.now() - clean[clean.length - 1].timestamp;
        clean.forEach(function (e) {
          // Strictly increasing in the order the page sent them: rrweb's timer puts an action among others of the
          // same time at no fixed place, and many events share a millisecond (a batch and the field states after it).
          e.timestamp = Math.max(baseline, e.timestamp + shift, lastStamp + STAMP_STEP_MS);
          lastStamp = e.timestamp;
          weights.set(e, weight);
          keptBytes += weight;
          replayer.addEvent(e);
        });
        trim();
      },
      destroy() {
        clearTimeout(heldTimer);
        try { replayer.destroy(); } catch (e) { /* already gone */ }
      },
    };
  }

  // ---- one co-browse box ----
  function mount(container, opts) {
    const bridge = opts.bridge;
    const hooks = opts.hooks || {};
    const hook = (name, ...args) => { try { if (hooks[name]) return hooks[name](...args); } catch (e) { console.warn('co-browse view:', e); } return undefined; };
    const token = typeof opts.token === 'function' ? opts.token : () => opts.token;

    // The console's own markup (form, input, status line) is used when present; otherwise we make ours.
    let form = container.querySelector('form');
    const ownForm = !form;
    if (!form) {
      form = el('form', { class: 'row' },
        el('label', { text: w.scUi.t('cobrowse.codeLabel') },
          el('input', { name: 'code', inputmode: 'numeric', autocomplete: 'off', required: true, pattern: '[0-9]{4,12}', maxlength: 12 })),
        el('button', { type: 'submit', text: w.scUi.t('cobrowse.start') }));
      container.append(form);
    }
    const input = form.querySelector('input');
    const submit = form.querySelector('button');
    let result = container.querySelector('[role="status"]');
    if (!result) container.append(result = el('p', { class: 'result', role: 'status', hidden: true }));

    const stateLine = el('p', { class: 'sc-cb-state', 'data-testid': 'cobrowse-state', 'data-state': 'idle', 'aria-live': 'polite' });
    const viewport = el('span', { class: 'sc-cb-viewport muted small', 'data-testid': 'cobrowse-viewport' });
    const stopButton = el('button', { type: 'button', class: 'sc-cb-stop', 'data-testid': 'cobrowse-stop', text: w.scUi.t('cobrowse.stop'), hidden: true });
    const bar = el('div', { class: 'sc-cb-bar' }, stateLine, viewport, stopButton);
    const screen = el('div', { class: 'sc-cb-screen' }); // rrweb's wrapper goes here, scaled to fit
    const glass = el('div', { class: 'sc-cb-glass', 'data-testid': 'cobrowse-glass', title: w.scUi.t('cobrowse.glassTip') });
    // Shown over the mirror while it is known to be wrong, until the fresh snapshot asked for is in.
    const resyncing = el('div', { class: 'sc-cb-resyncing', 'data-testid': 'cobrowse-resyncing', role: 'status', hidden: true,
      text: 'Re-syncing: the mirror was out of step with the visitor\'s page; a fresh copy is on its way…' });
    const stage = el('div', { class: 'sc-cb-stage', 'data-testid': 'cobrowse-mirror', 'data-sync': 'live', hidden: true }, screen, glass, resyncing);
    const box = el('div', { class: 'sc-cb' }, bar);
    container.append(box);
    const view = opts.view || box;
    view.append(stage);
    // Remote control (control.js, docs/CONTROL.md): its button beside the state line, the mirror as its input.
    const control = w.scControl ? w.scControl.attach({ bar, glass, stage, where: (e) => where(e),
      send: (a) => { if (cb && cb.login) bridge.publish('agent/' + cb.login + '/cobrowse/' + cb.id + '/control', a); },
      mirrorDoc: () => (mirror && mirror.iframe.contentDocument) || null }) : null;

    let cb = null; // {id, site, login, state, reason, sub, rid, seq, snapshot, parts, timer}
    let mirror = null;
    let queue = Promise.resolve(); // batches in order, also across the asynchronous load of rrweb
    let lastResync = 0;
    let dims = { width: 0, height: 0 };
    let scale = 1;
    let destroyed = false;

    function show(text, kind) {
      result.textContent = text || '';
      result.hidden = !text;
      if (kind) result.setAttribute('data-kind', kind); else result.removeAttribute('data-kind');
    }

    function setState(state, reason) {
      const t = w.scUi.t; // docs/I18N.md: the state and the reason are codes
      const text = state === 'ended' ? t('cobrowse.ended.' + (reason || 'unknown'), null, t('cobrowse.ended', { reason: reason }))
        : state === 'idle' ? '' : t('cobrowse.state.' + state, null, state);
      stateLine.textContent = text;
      stateLine.setAttribute('data-state', state);
      box.setAttribute('data-state', state);
      if (reason) stateLine.setAttribute('data-reason', reason); else stateLine.removeAttribute('data-reason');
      const live = state === 'waiting-consent' || state === 'active' || state === 'pending';
      stopButton.hidden = !(state === 'waiting-consent' || state === 'active');
      submit.disabled = live;
      input.disabled = live;
      stage.hidden = state !== 'active' || !mirror;
      if (view !== box) view.hidden = stage.hidden;
      if (!stage.hidden) fit();
      hook('state', state, reason, cb ? cb.id : null);
      if (control) control.state(state);
    }

    // ---- REST ----
    const api = w.scUi.rest({ token: token });

    function keep() {
      try {
        if (cb) sessionStorage.setItem(KEEP, JSON.stringify({ id: cb.id, site: cb.site, login: cb.login }));
        else sessionStorage.removeItem(KEEP);
      } catch (x) { /* private mode: no resume after a reload */ }
    }

    form.addEventListener('submit', onSubmit);
    async function onSubmit(e) {
      e.preventDefault();
      if (submit.disabled || cb) return;
      const code = input.value.replace(/\s+/g, '');
      setState('pending');
      show(w.scUi.t('cobrowse.asking'), 'pending');
      let r;
      try {
        r = await api('POST', '/cobrowse', { code: code });
      } catch (x) {
        setState('idle');
        show(x.message, 'error'); // 404 invalid-code, 429 rate-limited: the server's own words
        return;
      }
      if (destroyed) return;
      input.value = '';
      show(w.scUi.t('cobrowse.accepted'), 'ok');
      begin({ id: r.cobrowse_id, site: r.site, login: r.agent }, r.state, true);
    }

    stopButton.addEventListener('click', stopNow);
    async function stopNow() {
      if (!cb) return;
      const id = cb.id;
      stopButton.disabled = true;
      try {
        await api('POST', '/cobrowse/' + encodeURIComponent(id) + '/stop');
        if (cb && cb.id === id) finish('ended', 'agent');
      } catch (x) {
        if (x.status === 404 && cb && cb.id === id) finish('ended', 'ended');
        else show(x.message, 'error');
      } finally {
        stopButton.disabled = false;
      }
    }

    /** Follows co-browse `c` ({id, site, login}) from `state` on. */
    function begin(c, state, known) {
      cb = { id: c.id, site: c.site, login: c.login, rid: null, seq: -1, snapshot: false, parts: new Map(), timer: 0 };
      let acks = 0;
      keep();
      setState(state || 'waiting-consent');
      const filter = '$agents/' + c.site + '/cobrowse/' + c.login + '/' + c.id + '/#'; // only the redeemer may read it
      const mine = cb;
      cb.sub = bridge.subscribe(filter, function (payload, topic) {
        if (cb === mine) onMessage(payload, String(topic || ''));
      }, function (granted) {
        // Subscribed (again, after a reconnect): whatever was missed meanwhile, a fresh snapshot covers it (and
        // the answer says whether it is active). Only a co-browse just redeemed and waiting for consent needs none.
        if (cb !== mine || granted === false) return;
        if (acks++ === 0 && known && state === 'waiting-consent') return;
        resync(true);
      });
      if (state === 'active') expectSnapshot();
    }

    function finish(state, reason) {
      if (!cb) return;
      const c = cb;
      cb = null;
      clearTimeout(c.timer);
      clearTimeout(resyncTimer);
      resyncTimer = 0;
      if (bridge.unsubscribe && c.sub != null) bridge.unsubscribe(c.sub);
      keep();
      setSync(false);
      dropMirror();
      setState(state, reason);
    }

    function onMessage(payload, topic) {
      if (!payload || typeof payload !== 'object') return;
      const kind = topic.slice(topic.lastIndexOf('/') + 1);
      hook('message', kind, payload);
      if (control) control.message(kind, payload);
      if (kind === 'state') {
        const s = String(payload.state || '');
        if (s === 'active') {
          if (stateLine.getAttribute('data-state') !== 'active') setState('active');
          expectSnapshot();
        } else if (s === 'declined' || payload.reason === 'declined') {
          finish('declined', 'declined');
        } else if (s === 'ended') {
          finish('ended', typeof payload.reason === 'string' ? payload.reason : 'ended');
        } else if (s === 'waiting-consent') {
          setState('waiting-consent');
        }
      } else if (kind === 'events') {
        events(payload);
      } else if (kind === 'draw_refused' && drawing) {
        drawing.refused(payload);
      }
    }

    /** Active but no full snapshot within a moment (we joined late, or it was lost): ask for one. */
    function expectSnapshot() {
      if (!cb || cb.snapshot) return;
      clearTimeout(cb.timer);
      const mine = cb;
      cb.timer = setTimeout(function () { if (cb === mine && !cb.snapshot) { resync(false, 'no-snapshot'); expectSnapshot(); } }, SNAPSHOT_WAIT_MS);
    }

    /** The mirror is known to be wrong (`reason`): hide it behind "re-syncing", drop batches until a fresh snapshot. */
    function outOfStep(reason) {
      if (!cb) return;
      cb.snapshot = false;
      setSync(true);
      resync(false, reason);
      expectSnapshot();
    }

    function setSync(behind) {
      resyncing.hidden = !behind;
      stage.setAttribute('data-sync', behind ? 'resyncing' : 'live');
      stateLine.setAttribute('data-sync', behind ? 'resyncing' : 'live');
    }

    let resyncTimer = 0;
    /** Asks the page for a fresh full snapshot: at once, or as soon as the page takes one again (one a second). */
    async function resync(force, reason) {
      if (!cb) return;
      const now = Date.now();
      if (!force && now - lastResync < RESYNC_GAP_MS) {
        if (!resyncTimer) {
          resyncTimer = setTimeout(() => { resyncTimer = 0; resync(false, reason); }, lastResync + RESYNC_GAP_MS - now);
        }
        return;
      }
      clearTimeout(resyncTimer);
      resyncTimer = 0;
      lastResync = now;
      const mine = cb;
      try {
        await api('POST', '/cobrowse/' + encodeURIComponent(mine.id) + '/resync', { reason: reason || 'agent' });
        if (cb === mine && stateLine.getAttribute('data-state') !== 'active') {
          setState('active'); // the state message went by before we listened
          expectSnapshot();
        }
      } catch (x) {
        // 409: not active yet (waiting for consent); 404: it is over (we missed how while away).
        if (x.status === 404 && cb === mine) finish('ended', 'ended');
      }
    }

    // ---- the event stream: {cobrowse_id, rid, seq, full?, events:[…]} or chunked {…, part, parts, data} ----
    function events(p) {
      if (p.cobrowse_id != null && p.cobrowse_id !== cb.id) return;
      if (typeof p.data === 'string') {
        const parts = Number(p.parts);
        const part = Number(p.part);
        if (!(parts >= 1 && parts <= MAX_PARTS && part >= 0 && part < parts)) return;
        const key = String(p.rid) + ':' + p.seq;
        let a = cb.parts.get(key);
        if (!a) {
          a = { chunks: new Array(parts), got: 0 };
          cb.parts.set(key, a);
          if (cb.parts.size > 3) cb.parts.delete(cb.parts.keys().next().value); // abandoned assemblies
        }
        if (a.chunks.length !== parts || a.chunks[part] != null) return;
        a.chunks[part] = p.data;
        if (++a.got < parts) return;
        cb.parts.delete(key);
        let list;
        const text = a.chunks.join('');
        try { list = JSON.parse(text); } catch (x) { outOfStep('error'); return; }
        batch(p, list, text.length);
      } else if (Array.isArray(p.events)) {
        let size = 0;
        try { size = JSON.stringify(p.events).length; } catch (x) { /* counted as nothing */ }
        batch(p, p.events, size);
      }
    }

    function batch(p, list, bytes) {
      const c = cb;
      const seq = Number(p.seq);
      if (!Array.isArray(list) || !isFinite(seq)) return;
      if (p.full) {
        if (c.rid === p.rid && seq <= c.seq) return; // a resend we already have
        c.rid = p.rid;
        c.seq = seq;
        c.snapshot = true;
        clearTimeout(c.timer);
        clearTimeout(resyncTimer); // whatever we were about to ask for is here
        resyncTimer = 0;
      } else {
        if (!c.snapshot || p.rid !== c.rid) { // nothing to apply it to yet: ask, unless a fresh snapshot is on its way
          if (Date.now() - lastResync >= SNAPSHOT_WAIT_MS) resync(false, 'no-snapshot');
          return;
        }
        if (seq <= c.seq) return; // a resend after the page's reconnect
        if (seq > c.seq + 1) { c.seq = seq; outOfStep('gap'); return; } // lost some
        c.seq = seq;
      }
      if (stateLine.getAttribute('data-state') !== 'active') setState('active');
      queue = queue.then(() => play(c, list, !!p.full, bytes)).catch((e) => console.warn('co-browse mirror:', e.message));
    }

    async function play(c, list, full, bytes) {
      if (cb !== c) return;
      if (!mirror) {
        if (!full) return;
        await loadRrweb();
        if (cb !== c || destroyed) return;
        mirror = createMirror(screen, function (e, reason) {
          if (cb !== c || !c.snapshot) return; // already waiting for a fresh snapshot
          console.warn('co-browse mirror: out of step (' + reason + ')', e && e.message);
          outOfStep(reason);
        });
        mirror.replayer.on('resize', (dim) => { dims = { width: dim.width, height: dim.height }; fit(); });
        hook('mirror', mirror);
        setState('active');
      }
      mirror.add(list, bytes);
      if (full && cb === c && c.snapshot) setSync(false);
    }

    function dropMirror() {
      if (mirror) { mirror.destroy(); hook('mirror', null); }
      mirror = null;
      stage.hidden = true;
      if (view !== box) view.hidden = true;
      screen.replaceChildren();
      viewport.textContent = '';
    }

    // ---- scale the visitor's viewport into the box ----
    function fit() {
      if (!mirror || !dims.width || !dims.height) return;
      const given = hook('room');
      const room = given ? given.width : Math.max(200, view.clientWidth - 4);
      const tall = given ? given.height : Math.max(240, Math.round(w.innerHeight * 0.75));
      scale = Math.max(0.05, Math.min(1, room / dims.width, tall / dims.height));
      const wrapper = screen.firstElementChild;
      if (wrapper) {
        wrapper.style.transformOrigin = '0 0';
        wrapper.style.transform = 'scale(' + scale + ')';
      }
      stage.style.width = Math.round(dims.width * scale) + 'px';
      stage.style.height = Math.round(dims.height * scale) + 'px';
      viewport.textContent = w.scUi.t('cbv.window', { w: String(dims.width), h: String(dims.height) })
        + (scale < 1 ? w.scUi.t('cobrowse.shownAt', { pct: Math.round(scale * 100) }) : '');
      viewport.setAttribute('data-width', String(dims.width));
      viewport.setAttribute('data-height', String(dims.height));
    }
    w.addEventListener('resize', fit);

    // ---- the agent's pointer, in the visitor's viewport coordinates ----
    let lastSent = 0;
    let pending = null;
    let pointerTimer = 0;
    function where(e) {
      const r = glass.getBoundingClientRect();
      const x = Math.round((e.clientX - r.left) / scale);
      const y = Math.round((e.clientY - r.top) / scale);
      return { x: Math.max(0, Math.min(dims.width, x)), y: Math.max(0, Math.min(dims.height, y)) };
    }
    function sendPointer(p) {
      if (!cb || !cb.login || stateLine.getAttribute('data-state') !== 'active') return;
      lastSent = Date.now();
      bridge.publish('agent/' + cb.login + '/cobrowse/' + cb.id + '/pointer', p);
    }
    glass.addEventListener('mousemove', function (e) {
      pending = where(e);
      const wait = POINTER_MS - (Date.now() - lastSent);
      if (wait <= 0) { clearTimeout(pointerTimer); pointerTimer = 0; sendPointer(pending); pending = null; }
      else if (!pointerTimer) pointerTimer = setTimeout(function () { pointerTimer = 0; if (pending) sendPointer(pending); pending = null; }, wait);
    });
    glass.addEventListener('click', function (e) {
      const p = where(e);
      p.click = true;
      sendPointer(p);
      const ring = el('span', { class: 'sc-cb-ring' });
      ring.style.left = (e.clientX - glass.getBoundingClientRect().left) + 'px';
      ring.style.top = (e.clientY - glass.getBoundingClientRect().top) + 'px';
      glass.append(ring);
      setTimeout(() => ring.remove(), 700);
    });

    // ---- drawing on the visitor's page (webroot/agent/cobrowse-draw.js, docs/DRAWING.md) ----
    const drawing = w.scCobrowseDraw ? w.scCobrowseDraw.attach({ stage: stage, glass: glass, bridge: bridge, info: () => ({
      id: cb && cb.id, login: cb && cb.login, active: !!mirror && stateLine.getAttribute('data-state') === 'active',
      scale: scale, width: dims.width, height: dims.height, iframe: mirror && mirror.iframe }) }) : null;

    // A co-browse this tab was following before a reload: pick it up again (the resync tells how it stands).
    setState('idle');
    try {
      const kept = JSON.parse(sessionStorage.getItem(KEEP) || 'null');
      if (kept && kept.id && kept.site) begin(kept, 'waiting-consent', false);
    } catch (x) { /* nothing kept */ }

    return {
      destroy() {
        destroyed = true;
        const c = cb;
        cb = null;
        if (c) { clearTimeout(c.timer); if (bridge.unsubscribe && c.sub != null) bridge.unsubscribe(c.sub); }
        dropMirror();
        if (drawing) drawing.destroy();
        if (control) control.destroy();
        w.removeEventListener('resize', fit);
        form.removeEventListener('submit', onSubmit);
        input.disabled = submit.disabled = false;
        if (ownForm) form.remove();
        box.remove();
        stage.remove();
      },
      /** Forgets the co-browse kept for a reload (the agent logged out). */
      forget() {
        try { sessionStorage.removeItem(KEEP); } catch (x) { /* nothing kept */ }
      },
      get state() { return stateLine.getAttribute('data-state'); },
      get id() { return cb ? cb.id : null; },
      get scale() { return scale; },
      stop: stopNow,
      refit: fit,
    };
  }

  w.scCobrowse = { mount: mount, createMirror: createMirror, loadRrweb: loadRrweb };
})(window, document);
