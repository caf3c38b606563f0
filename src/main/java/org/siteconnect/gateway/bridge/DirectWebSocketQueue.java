package org.siteconnect.gateway.bridge;

import io.netty.channel.Channel;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Strict thread mode for WebSockets (issue 22, docs/ARCHITECTURE.md "Strict thread mode"): Vert.x 5.0.7 (and 5.1)
 * honours {@code HttpServerOptions.setStrictThreadMode(true)} for HTTP connections but creates every WebSocket
 * connection with an MPSC outbound queue whose first chunk has 1,024 slots (4.6 KB of heap per idle page). This
 * gives the WebSocket connection under a page's socket the same direct queue strict mode gives an HTTP connection
 * ({@code VertxConnection.DirectOutboundMessageQueue}: a write goes straight to the Netty channel), which is only
 * correct while every write to that socket happens on its event loop: the rule strict mode imposes on all our HTTP
 * code anyway. Vert.x asserts it in {@code VertxConnection.write} (tests run with {@code -ea}).
 *
 * <p>Reaches into Vert.x internals by reflection; if they are not as expected (another Vert.x version) nothing is
 * changed and the reason is logged once.
 */
public final class DirectWebSocketQueue {
  private static final Logger LOG = LoggerFactory.getLogger(DirectWebSocketQueue.class);
  private static final String MPSC_QUEUE =
      "io.vertx.core.net.impl.VertxConnection$InternalMessageChannel";
  private static final Field QUEUE;
  private static final Constructor<?> DIRECT;

  static {
    Field queue = null;
    Constructor<?> direct = null;
    try {
      Field f = VertxConnection.class.getDeclaredField("outboundMessageQueue");
      f.setAccessible(true);
      Constructor<?> c = Class.forName(
              "io.vertx.core.net.impl.VertxConnection$DirectOutboundMessageQueue")
          .getDeclaredConstructor(VertxConnection.class);
      c.setAccessible(true);
      queue = f;
      direct = c;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info(
          "WebSocket connections keep Vert.x's MPSC outbound queue (about 4.6 KB each): [{}]",
          e.toString());
    }
    QUEUE = queue;
    DIRECT = direct;
  }

  private DirectWebSocketQueue() {}

  /**
   * Gives the WebSocket connection under {@code socket} the direct outbound queue; true if it was replaced. Call on
   * the socket's event loop before anything is written to it (SockJS fallbacks over HTTP are left alone: strict
   * mode already gives their connections the direct queue).
   */
  public static boolean install(SockJSSocket socket) {
    if (QUEUE == null) {
      return false;
    }
    Channel channel = channelOf(socket);
    VertxHandler<?> handler = channel == null ? null : channel.pipeline().get(VertxHandler.class);
    if (handler == null || !channel.eventLoop().inEventLoop()) {
      return false;
    }
    VertxConnection conn = handler.getConnection();
    try {
      Object current = QUEUE.get(conn);
      if (current == null
          || !current.getClass().getName().equals(MPSC_QUEUE)
          || !conn.channel().isWritable()) {
        return false;
      }
      QUEUE.set(conn, DIRECT.newInstance(conn));
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("kept the MPSC outbound queue of a WebSocket connection", e);
      return false;
    }
  }

  /** The Netty channel under {@code socket}'s HTTP connection, or null (not one of Vert.x's connections). */
  static Channel channelOf(SockJSSocket socket) {
    RoutingContext rc = socket.routingContext();
    HttpConnection http = rc == null ? null : rc.request().connection();
    return http instanceof ConnectionBase base ? base.channel() : null;
  }
}
