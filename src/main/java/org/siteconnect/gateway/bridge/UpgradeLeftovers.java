package org.siteconnect.gateway.bridge;

import io.netty.channel.Channel;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.VertxHandler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets go of what Vert.x 5.0.7 keeps of a page's HTTP upgrade once its WebSocket is open (issue 22: about 1.5 KB of
 * heap per idle page). Three references keep the upgrade request ({@code Http1xServerRequest}, its response, the
 * {@code RoutingContextImpl} with its wrappers, the request headers and the {@code Http1xServerConnection}) alive
 * for the socket's whole life:
 *
 * <ol>
 *   <li>vertx-web's {@code SockJSSocketBase.routingContext} (final; the raw WebSocket socket,
 *       {@code RawWebSocketTransport$RawWSSockJSSocket}, is created with the upgrade's context and only ever asks it
 *       for {@code session()} and {@code user()}, on every ping) — replaced by one shared stand-in that has neither;
 *   <li>vertx-core's {@code VertxHandler.connectionFactory} (final) of the WebSocket channel: the lambda that made
 *       the {@code WebSocketConnectionImpl}, capturing the {@code ServerWebSocketHandshaker} (→ request) and the
 *       HTTP connection; only used when the handler is added to the pipeline, which has happened — set to null;
 *   <li>the request headers, held by the WebSocket ({@code WebSocketImplBase.headers}) and by the socket
 *       ({@code RawWSSockJSSocket.headers}) — replaced by an empty map: {@link BridgeGuard} reads the client
 *       address from them when the socket opens, nothing reads them later.
 * </ol>
 *
 * <p>Only for the raw WebSocket endpoint ({@code /eventbus/websocket}, what frame.js uses); SockJS transports are
 * left alone. Reaches into internals by reflection: if they are not as expected (another Vert.x) nothing is
 * changed and the reason is logged once. Call on the socket's event loop, after {@link DirectWebSocketQueue}.
 */
final class UpgradeLeftovers {
  private static final Logger LOG = LoggerFactory.getLogger(UpgradeLeftovers.class);
  private static final String RAW_SOCKET =
      "io.vertx.ext.web.handler.sockjs.impl.RawWebSocketTransport$RawWSSockJSSocket";
  private static final String WEBSOCKET_CONNECTION =
      "io.vertx.core.http.impl.WebSocketConnectionImpl";

  /** What the socket holds instead of the upgrade's context: no web session, no user, nothing else. */
  static final RoutingContext RELEASED = (RoutingContext) Proxy.newProxyInstance(
      UpgradeLeftovers.class.getClassLoader(), new Class<?>[] {RoutingContext.class}, (p, m, a) -> {
        switch (m.getName()) {
          case "session", "user" -> {
            return null;
          }
          case "toString" -> {
            return "RoutingContext(released after the WebSocket upgrade)";
          }
          case "hashCode" -> {
            return System.identityHashCode(p);
          }
          case "equals" -> {
            return p == a[0];
          }
          default ->
            throw new IllegalStateException(
                "the upgrade request of this WebSocket was released (issue 22): " + m.getName());
        }
      });

  /** The headers a released socket has: none, read-only (one instance for all). */
  static final MultiMap NO_HEADERS = HeadersMultiMap.caseInsensitive().copy(false);

  private static final Field ROUTING_CONTEXT;
  private static final Field SOCKET_HEADERS;
  private static final Field SOCKET_WS;
  private static final Field WRAPPED_WS;
  private static final Field WEBSOCKET_HEADERS;
  private static final Field CONNECTION_FACTORY;

  static {
    Field[] fields = new Field[6];
    try {
      Class<?> raw = Class.forName(RAW_SOCKET);
      fields[0] = accessible(raw.getSuperclass().getDeclaredField("routingContext"));
      fields[1] = accessible(raw.getDeclaredField("headers"));
      fields[2] = accessible(raw.getDeclaredField("ws"));
      fields[3] = accessible(Class.forName("io.vertx.ext.web.impl.ServerWebSocketWrapper")
          .getDeclaredField("delegate"));
      fields[4] = accessible(
          Class.forName("io.vertx.core.http.impl.WebSocketImplBase").getDeclaredField("headers"));
      fields[5] = accessible(VertxHandler.class.getDeclaredField("connectionFactory"));
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("WebSockets keep their upgrade request (about 1.5 KB each): [{}]", e.toString());
      fields = new Field[6];
    }
    ROUTING_CONTEXT = fields[0];
    SOCKET_HEADERS = fields[1];
    SOCKET_WS = fields[2];
    WRAPPED_WS = fields[3];
    WEBSOCKET_HEADERS = fields[4];
    CONNECTION_FACTORY = fields[5];
  }

  private UpgradeLeftovers() {}

  private static Field accessible(Field f) {
    f.setAccessible(true);
    return f;
  }

  /** Releases the upgrade request of a raw WebSocket page socket; true if it did. */
  static boolean release(SockJSSocket socket) {
    if (ROUTING_CONTEXT == null || !socket.getClass().getName().equals(RAW_SOCKET)) {
      return false;
    }
    RoutingContext rc = socket.routingContext();
    HttpConnection http = rc == null || rc == RELEASED ? null : rc.request().connection();
    if (!(http instanceof ConnectionBase base)) {
      return false;
    }
    Channel channel = base.channel();
    VertxHandler<?> handler = channel.pipeline().get(VertxHandler.class);
    if (!channel.eventLoop().inEventLoop()
        || handler == null
        || handler.getConnection() == null
        || !handler.getConnection().getClass().getName().equals(WEBSOCKET_CONNECTION)) {
      return false;
    }
    try {
      Object ws = SOCKET_WS.get(socket);
      if (WRAPPED_WS.getDeclaringClass().isInstance(ws)) {
        ws = WRAPPED_WS.get(ws);
      }
      if (!WEBSOCKET_HEADERS.getDeclaringClass().isInstance(ws)) {
        return false;
      }
      WEBSOCKET_HEADERS.set(ws, NO_HEADERS);
      SOCKET_HEADERS.set(socket, NO_HEADERS);
      CONNECTION_FACTORY.set(handler, null);
      ROUTING_CONTEXT.set(socket, RELEASED);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("kept the upgrade request of a WebSocket", e);
      return false;
    }
  }
}
