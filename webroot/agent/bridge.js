/*! SiteConnect agent console: the bridge client (docs/PROTOCOL.md, "Frame ⇄ gateway" framing and
 * "Agent console ⇄ gateway"). The SockJS/Vert.x bridge framing, the ping and the equal-jitter backoff are the
 * small parts of webroot/frame/frame.js the console needs, copied here (our own code) so the two pages can change
 * independently. */
(function (w) {
  'use strict';
  const PING_MS = 20000;

  /** MQTT 3.1.1 §4.7 filter matching: '+' is one level, '#' (last) the rest; '$…' topics never match a leading wildcard. */
  function matches(filter, topic) {
    if (topic.charAt(0) === '$' && (filter.charAt(0) === '+' || filter.charAt(0) === '#')) return false; // MQTT-4.7.2-1
    const f = filter.split('/');
    const t = topic.split('/');
    for (let i = 0; i < f.length; i++) {
      if (f[i] === '#') return true; // MQTT-4.7.1-2: also matches the parent level
      if (i >= t.length) return false;
      if (f[i] !== '+' && f[i] !== t[i]) return false;
    }
    return f.length === t.length;
  }

  /**
   * Opens the agent's bridge connection and keeps it open until close(): welcome → agent-hello with the token →
   * agent-session, then the subscriptions (sent again after every reconnect). Reconnects with exponential backoff
   * and equal jitter; an `unauthorized` answer stops for good and calls onUnauthorized.
   *
   * opts: {token, url?, baseMs?, maxMs?, onState(state, detail), onSession(agent), onUnauthorized(message)}
   * states: connecting | live | reconnecting | closed
   */
  function connectBridge(opts) {
    const url = opts.url || w.location.origin + '/eventbus';
    const baseMs = opts.baseMs || 1000;
    const maxMs = opts.maxMs || 30000;
    const subs = new Map(); // id -> {filter, onMessage, onAck}
    let sock = null;
    let inbound = null; // the one address this socket sends commands to (from the welcome)
    let live = false; // agent-session received on this socket
    let halted = false;
    let attempt = 0;
    let timer = 0;
    let ping = 0;
    let lastAck = null; // the retained messages right after a suback belong to that subscription
    let lastError = null;

    function state(s, detail) {
      if (opts.onState) opts.onState(s, detail || {});
    }
    function raw(frame) {
      if (sock && sock.readyState === 1) sock.send(JSON.stringify(frame));
    }
    function send(body) {
      if (inbound) raw({ type: 'send', address: inbound, body: body });
    }
    function backoff(n) { // min(maxMs, baseMs·2^(n-1)), half fixed and half random
      const cap = Math.min(maxMs, baseMs * Math.pow(2, n - 1));
      return Math.round(cap / 2 + Math.random() * cap / 2);
    }

    function connect() {
      clearTimeout(timer);
      lastAck = null;
      const s = sock = new w.SockJS(url, null, { transports: ['websocket', 'xhr-streaming', 'xhr-polling'] });
      state('connecting', { attempt: attempt });
      s.onopen = function () {
        clearInterval(ping);
        ping = setInterval(function () { raw({ type: 'ping' }); }, PING_MS);
      };
      s.onmessage = function (e) {
        let f;
        try { f = JSON.parse(e.data); } catch (x) { return; }
        if (s !== sock || !f) return;
        if (f.type === 'rec' && f.body) { // read by the body's op, never by the frame's address
          if (f.body.op === 'welcome') {
            inbound = f.body.send;
            send({ op: 'agent-hello', token: opts.token });
          } else {
            onServer(f.body);
          }
        } else if (f.type === 'err') {
          console.warn('agent console: bridge error', f.body);
        }
      };
      s.onclose = function (e) {
        if (s !== sock) return;
        lost(e && e.reason ? 'closed: ' + e.reason : null);
      };
    }

    function drop() {
      live = false;
      inbound = null;
      clearInterval(ping);
      clearTimeout(timer);
      const s = sock;
      sock = null;
      if (s) { s.onclose = s.onmessage = s.onopen = null; s.close(); }
    }

    function lost(reason) {
      drop();
      if (halted) return;
      if (reason) lastError = reason;
      attempt++;
      const ms = backoff(attempt);
      state('reconnecting', { attempt: attempt, retryInMs: ms, error: lastError });
      timer = setTimeout(connect, ms);
    }

    function onServer(b) {
      switch (b.op) {
        case 'agent-session':
          live = true;
          attempt = 0;
          lastError = null;
          subs.forEach(function (x, id) { send({ op: 'sub', id: id, filter: x.filter }); });
          state('live', { agent: b.agent });
          if (opts.onSession) opts.onSession(b.agent || {});
          break;
        case 'suback': {
          const x = subs.get(b.id);
          lastAck = x ? b.id : null;
          if (!x) return;
          if (!b.granted) subs.delete(b.id);
          if (x.onAck) x.onAck(!!b.granted, b.reason);
          break;
        }
        case 'msg':
          deliver(b);
          break;
        case 'err':
          onErr(b);
          break;
        default:
          lastAck = null;
      }
    }

    function deliver(b) {
      if (typeof b.topic !== 'string') return;
      const info = { topic: b.topic, retained: !!b.retained };
      const owner = b.sub != null ? b.sub : b.retained ? lastAck : null;
      if (owner != null) { // a retained message answers one subscription only
        const x = subs.get(owner);
        if (x && matches(x.filter, b.topic)) x.onMessage(b.payload, info);
        return;
      }
      lastAck = null;
      subs.forEach(function (x) { if (matches(x.filter, b.topic)) x.onMessage(b.payload, info); });
    }

    function onErr(b) {
      lastAck = null;
      if (b.code === 'unauthorized') { // the token is unknown, expired or revoked: no point in retrying
        halt({ error: b.code });
        if (opts.onUnauthorized) opts.onUnauthorized(b.message || 'Your session has ended.');
        return;
      }
      const x = b.ref != null ? subs.get(b.ref) : null;
      if (x) { // a refused subscription
        subs.delete(b.ref);
        if (x.onAck) x.onAck(false, b.code);
      } else if (!live) { // agent-hello refused for another reason: try again later
        lost(b.code + (b.message ? ' (' + b.message + ')' : ''));
      } else if (b.code === 'no-session') {
        live = false;
        send({ op: 'agent-hello', token: opts.token });
      } else {
        console.warn('agent console: server error', b.code, b.message);
      }
    }

    function online() { // the network is back: do not wait out a long backoff
      if (!halted && !sock) connect();
    }
    w.addEventListener('online', online);

    function halt(detail) {
      if (halted) return;
      halted = true;
      w.removeEventListener('online', online);
      drop();
      state('closed', detail);
    }

    connect();

    return {
      /**
       * Subscribes (now if live, and again after every reconnect); onAck(granted, reason) and
       * onMessage(payload, {topic, retained}). The same id and filter again only replaces the callbacks.
       */
      subscribe(id, filter, onMessage, onAck) {
        const had = subs.get(id);
        subs.set(id, { filter: filter, onMessage: onMessage, onAck: onAck });
        if (live && !(had && had.filter === filter)) send({ op: 'sub', id: id, filter: filter });
      },
      unsubscribe(id) {
        if (subs.delete(id) && live) send({ op: 'unsub', id: id });
      },
      /** Publishes now if live (agents may publish on `agent/<login>/…`); nothing is queued for later. */
      publish(topic, payload) {
        if (live) send({ op: 'pub', topic: topic, payload: payload === undefined ? null : payload });
      },
      get live() { return live; },
      /** Closes for good (logout, or the console is leaving). */
      close() {
        halt({});
      },
    };
  }

  w.scAgentBridge = { connect: connectBridge, matches: matches };
})(window);
