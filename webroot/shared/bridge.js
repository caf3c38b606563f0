// @ts-check
/**
 * The one client of the gateway's event-bus bridge (a plain WebSocket to /eventbus/websocket, or SockJS) (docs/PROTOCOL.md "Frame ⇄ gateway" framing), used by
 * the site-connect frame and the agent console: the Vert.x bridge frames, batches (?batch=1), the welcome that names
 * the socket's inbound address, the ping, and the equal-jitter backoff both pages reconnect with. What the bodies
 * mean (hello, sub, pub, …) stays with each page.
 */
const PING_MS = 20000;
const TRANSPORTS = ['websocket', 'xhr-streaming', 'xhr-polling'];

/**
 * @typedef {Record<string, any>} Body a command or an answer: {op, …}
 * @typedef {object} BridgeHandlers
 * @property {() => void} onWelcome the socket knows its inbound address: commands may be sent now
 * @property {(body: Body) => void} onBody an answer from the gateway (any op but welcome)
 * @property {(reason: string | null) => void} onClose the socket closed by itself (not called after close())
 * @property {string} who names the page in console warnings
 */

/**
 * Opens one bridge socket. Returns {send(body), ready, close()}; a closed connection is never reused: the caller
 * opens a new one (after backoff()).
 * @param {string} url the SockJS endpoint (…/eventbus), or ws(s)://…/eventbus/websocket for a plain WebSocket (the
 *   same frames; the gateway sends them as binary messages)
 * @param {BridgeHandlers} on
 * @param {{sock: WebSocket, queue: MessageEvent[]} | null} [early] a WebSocket to `url` the page opened before its
 *   scripts ran (frame/index.html), with the messages it received meanwhile: taken over instead of a new one
 */
export function openBridge(url, on, early) {
  /** @type {any} */
  const sock = early ? early.sock : /^ws/.test(url) ? new WebSocket(url) : new window.SockJS(url, null, { transports: TRANSPORTS });
  sock.binaryType = 'arraybuffer';
  let inbound = null; // the one address this socket sends commands to (from the welcome)
  let ping = 0;
  let closed = false;

  function raw(frame) {
    if (!closed && sock.readyState === 1) sock.send(JSON.stringify(frame));
  }
  function onFrame(f) {
    if (f && f.type === 'rec' && f.body) { // read by the body's op; the server writes straight to the socket
      if (f.body.op === 'welcome') {
        inbound = f.body.send;
        on.onWelcome();
      } else {
        on.onBody(f.body);
      }
    } else if (f && f.type === 'err') {
      console.warn(on.who + ': bridge error', f.body);
    }
  }
  function close() {
    if (closed) return;
    closed = true;
    inbound = null;
    clearInterval(ping);
    sock.onclose = sock.onmessage = sock.onopen = null;
    sock.close();
  }

  sock.onopen = function () {
    clearInterval(ping);
    ping = setInterval(function () { raw({ type: 'ping' }); }, PING_MS);
  };
  sock.onmessage = function (e) {
    let f;
    try { f = JSON.parse(typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data)); } catch (x) { return; }
    if (Array.isArray(f)) { // a batch: several bridge frames in one message, in order
      for (let i = 0; i < f.length && !closed; i++) onFrame(f[i]);
    } else if (!closed) {
      onFrame(f);
    }
  };
  sock.onclose = function (e) {
    if (closed) return;
    close();
    on.onClose(e && e.reason ? e.reason : null);
  };
  if (early) { // what happened before: opened, the messages in order, closed
    if (sock.readyState > 0) sock.onopen();
    early.queue.splice(0).forEach(function (e) { if (!closed) sock.onmessage(e); });
    if (sock.readyState > 1) sock.onclose(null);
  }

  return {
    /** Sends a command to this socket's inbound address (dropped before the welcome or after close). */
    send(body) {
      if (inbound) raw({ type: 'send', address: inbound, body: body });
    },
    /** Whether the welcome came and the socket is open. */
    get ready() { return inbound != null; },
    close: close,
  };
}

/**
 * Reconnect delay for attempt n (1, 2, …): min(maxMs, baseMs·2^(n-1)), half of it fixed and half random
 * ("equal jitter").
 * @param {number} n
 * @param {number} baseMs
 * @param {number} maxMs
 */
export function backoff(n, baseMs, maxMs) {
  const cap = Math.min(maxMs, baseMs * Math.pow(2, n - 1));
  return Math.round(cap / 2 + Math.random() * cap / 2);
}
