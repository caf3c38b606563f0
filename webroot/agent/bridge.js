/*! SiteConnect agent console: the agent's session on the bridge (docs/PROTOCOL.md "Agent console ⇄ gateway"),
 * over the bridge client the frame uses too (shared/bridge.js). */
// @ts-check
import { matches } from '../shared/topics.js';
import { openBridge, backoff } from '../shared/bridge.js';
import { t as tr } from './lang.js';

export const scAgentBridge = (function (w) {
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
    let conn = null; // the bridge connection (shared/bridge.js)
    let live = false; // agent-session received on this socket
    let halted = false;
    let attempt = 0;
    let timer = 0;
    let lastAck = null; // the retained messages right after a suback belong to that subscription
    let lastError = null;

    function state(s, detail) {
      if (opts.onState) opts.onState(s, detail || {});
    }
    function send(body) {
      if (conn) conn.send(body);
    }

    function connect() {
      clearTimeout(timer);
      lastAck = null;
      const c = conn = openBridge(url, {
        who: 'agent console',
        onWelcome: function () { send({ op: 'agent-hello', token: opts.token }); },
        onBody: function (b) { if (c === conn) onServer(b); },
        onClose: function (reason) { if (c === conn) lost(reason ? 'closed: ' + reason : null); },
      });
      state('connecting', { attempt: attempt });
    }

    function drop() {
      live = false;
      clearTimeout(timer);
      const c = conn;
      conn = null;
      if (c) c.close();
    }

    function lost(reason) {
      drop();
      if (halted) return;
      if (reason) lastError = reason;
      attempt++;
      const ms = backoff(attempt, baseMs, maxMs);
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
        if (opts.onUnauthorized) opts.onUnauthorized(b.message || tr('bridge.sessionEnded'));
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
      if (!halted && !conn) connect();
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

  return { connect: connectBridge, matches: matches };
})(window);
