package org.siteconnect.gateway.bridge;

import io.vertx.core.Handler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The co-browse relay's intake on a page's raw WebSocket (issue 22 part 3). The bridge parses every frame into a
 * tree, and the router encodes the tree again into the agent's frame: under co-browse load parse, size check and
 * encode were 57 % of the gateway's CPU. Here a text message that publishes recorder events is read by {@link
 * RelayFrameScan} (well-formed, its payload's range and encoded size, {@code full}/{@code rid}); the bridge is handed
 * the same frame with an empty payload, and the guard puts the payload back as a {@link RawPayload} that the router
 * writes into the agent's frame as it came. The guard's checks (rate, frame size) and the router's (topic, session,
 * relay rules) run as before. Any other message, and any the scan is unsure of, goes to the bridge unchanged.
 *
 * <p>Reaches into Vert.x internals by reflection to wrap the bridge's text handler (the raw WebSocket transport only;
 * SockJS transports keep the bridge's path); if they are not as expected nothing is changed and the reason is logged
 * once.
 */
final class RelayIntake {
  private static final Logger LOG = LoggerFactory.getLogger(RelayIntake.class);
  private static final Field WS;
  private static final Field AGGREGATOR;
  private static final Field TEXT_HANDLER;

  static {
    Field ws = null;
    Field aggregator = null;
    Field text = null;
    try {
      Class<?> raw = Class.forName(
          "io.vertx.ext.web.handler.sockjs.impl.RawWebSocketTransport$RawWSSockJSSocket");
      ws = raw.getDeclaredField("ws");
      ws.setAccessible(true);
      Class<?> base = Class.forName("io.vertx.core.http.impl.WebSocketImplBase");
      aggregator = base.getDeclaredField("frameAggregator");
      aggregator.setAccessible(true);
      text = Class.forName("io.vertx.core.http.impl.WebSocketImplBase$FrameAggregator")
          .getDeclaredField("textMessageHandler");
      text.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("co-browse batches take the bridge's parse on every transport: [{}]", e.toString());
      ws = null;
    }
    WS = ws;
    AGGREGATOR = aggregator;
    TEXT_HANDLER = text;
  }

  /** Where a scanned payload waits while the bridge handles its frame (same loop, same call). */
  interface Stash {
    void hold(SockJSSocket socket, RawPayload payload);

    void release();
  }

  private final RelayFrameScan scan = new RelayFrameScan();
  private final Stash stash;

  RelayIntake(Stash stash) {
    this.stash = stash;
  }

  /**
   * Wraps the bridge's text handler of a raw-WebSocket {@code socket}; true if it did. Call on the socket's loop
   * once the bridge has set its handler (the tick after SOCKET_CREATED).
   */
  @SuppressWarnings("unchecked")
  boolean install(SockJSSocket socket) {
    if (WS == null || !WS.getDeclaringClass().isInstance(socket)) {
      return false;
    }
    try {
      Object ws = unwrap(WS.get(socket));
      if (!(ws instanceof ServerWebSocket sws)
          || !AGGREGATOR.getDeclaringClass().isInstance(ws)) {
        return false;
      }
      Object aggregator = AGGREGATOR.get(ws);
      Object handler = aggregator == null ? null : TEXT_HANDLER.get(aggregator);
      if (!(handler instanceof Handler<?> h)) {
        return false;
      }
      Handler<String> bridge = (Handler<String>) h;
      sws.textMessageHandler(text -> take(socket, text, bridge));
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("a page socket keeps the bridge's parse for co-browse batches", e);
      return false;
    }
  }

  /** vertx-web hands the transport a wrapper ({@code ServerWebSocketWrapper}) around Vert.x's WebSocket. */
  private static Object unwrap(Object ws) throws IllegalAccessException {
    for (int i = 0; i < 3 && ws != null && !AGGREGATOR.getDeclaringClass().isInstance(ws); i++) {
      Field delegate;
      try {
        delegate = ws.getClass().getDeclaredField("delegate");
      } catch (NoSuchFieldException e) {
        return ws;
      }
      delegate.setAccessible(true);
      ws = delegate.get(ws);
    }
    return ws;
  }

  /** One text message from the page. */
  void take(SockJSSocket socket, String text, Handler<String> bridge) {
    RelayFrameScan.Found found = scan.scan(text);
    if (found == null) {
      bridge.handle(text);
      return;
    }
    RawPayload payload = new RawPayload(
        text,
        found.start(),
        found.end(),
        found.encodedLength(),
        found.full(),
        found.rid(),
        found.simple());
    String envelope = text.substring(0, found.start()) + "{}" + text.substring(found.end());
    stash.hold(socket, payload);
    try {
      bridge.handle(envelope);
    } finally {
      stash.release();
    }
  }
}
