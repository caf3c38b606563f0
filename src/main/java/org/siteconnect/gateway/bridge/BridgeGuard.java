package org.siteconnect.gateway.bridge;

import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.HashMap;
import java.util.Map;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.RandomIds;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.net.ClientAddresses;
import org.siteconnect.gateway.ops.GatewayMetrics;
import org.siteconnect.gateway.ops.LogThrottle;

/**
 * The bridge policy (DESIGN §5): a socket gets a server-made connection id and may send only to this node's
 * inbound address and register only its own inbox; client headers and reply addresses are dropped and the
 * connection id is stamped on every inbound message; inbound messages are rate-limited per socket.
 * Runs on the HTTP verticle's event loop.
 */
public final class BridgeGuard implements Handler<BridgeEvent>, RelayIntake.Stash {
  /** Header the guard stamps on every inbound page command (client headers are stripped). */
  public static final String CONNECTION_HEADER = "sc-conn";
  /** Header with the command's size, which the router gives back to the {@link InboundBacklog} it counts in. */
  public static final String BACKLOG_HEADER = "sc-bytes";

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BridgeGuard.class);
  /** Clients cause socket errors at will: one line a minute at most. */
  private static final LogThrottle SOCKET_ERRORS_LOG = new LogThrottle(60_000);

  private final String inboundAddress;
  private final PageConnections connections;
  private final EventBus eventBus;
  private final int maxMessagesPerSecond;
  private final int maxFrameBytes;
  /** Unread bytes one connection may hold before it is closed as too slow (PageConnection.closeIfBehind). */
  private final int maxQueuedBytes;

  private final GatewayMetrics metrics;
  private final ClientAddresses clientAddresses;
  private final int socketsPerAddress;
  private final Map<SockJSSocket, PageConnection> bySocket = new HashMap<>();
  /** Open sockets per client address (its limit key), counted when the socket opens. */
  private final Map<String, Integer> socketsByAddress = new HashMap<>();

  private volatile boolean draining;

  /** Co-browse batches carried unparsed (issue 22 part 3): the payload the intake scanned, while its frame is read. */
  private final RelayIntake relayIntake = new RelayIntake(this);

  private SockJSSocket stashedFor;
  private RawPayload stashed;

  public BridgeGuard(
      String nodeId,
      PageConnections connections,
      EventBus eventBus,
      GatewayConfig.Bridge limits,
      GatewayMetrics metrics,
      ClientAddresses clientAddresses,
      int socketsPerAddress) {
    this.clientAddresses = clientAddresses;
    this.socketsPerAddress = socketsPerAddress;
    this.inboundAddress = Addresses.inbound(nodeId);
    this.connections = connections;
    this.eventBus = eventBus;
    this.maxMessagesPerSecond = limits.maxMessagesPerSecond();
    this.maxFrameBytes = limits.maxFrameBytes();
    this.maxQueuedBytes = limits.maxQueuedBytesPerConnection();
    this.metrics = metrics;
  }

  /** The ping timeout for the Vert.x bridge's options: off in effect, {@link #startPingTimeouts} does it. */
  public static final long BRIDGE_PING_TIMEOUT_MS = PingTimeouts.BRIDGE_TIMEOUT_MS;

  /**
   * Closes sockets without a ping for {@code timeoutMs} with one sweep on the calling (HTTP verticle's) loop
   * instead of the bridge's timer per socket (issue 22); returns the timer id.
   */
  public long startPingTimeouts(io.vertx.core.Vertx vertx, long timeoutMs) {
    return new PingTimeouts(timeoutMs).start(vertx, bySocket.values());
  }

  /** From now on new sockets are refused (the node is shutting down). */
  public void drain() {
    draining = true;
  }

  @Override
  public void handle(BridgeEvent event) {
    boolean ok = admit(event);
    if (!ok && event.type() != BridgeEventType.SOCKET_CREATED) {
      metrics.bridgeRejected(
          switch (event.type()) {
            case SEND -> "send-denied";
            case REGISTER -> "register-denied";
            case PUBLISH -> "publish-denied";
            default -> "denied";
          });
    }
    event.complete(ok);
  }

  /** websocket, xhr, xhr_streaming, or raw-websocket for the plain /eventbus/websocket endpoint. */
  static String transportOf(SockJSSocket socket) {
    String uri = socket.uri() == null ? "" : socket.uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String[] parts = path.split("/");
    String last = parts.length == 0 ? "" : parts[parts.length - 1];
    if (parts.length <= 3 && "websocket".equals(last)) {
      return "raw-websocket";
    }
    return switch (last) {
      case "websocket", "xhr", "xhr_streaming" -> last;
      default -> "other";
    };
  }

  private boolean admit(BridgeEvent event) {
    BridgeEventType type = event.type();
    SockJSSocket socket = event.socket();
    switch (type) {
      case SOCKET_CREATED -> {
        if (draining) {
          metrics.bridgeRejected("draining");
          return false;
        }
        return opened(socket);
      }
      case SOCKET_CLOSED -> {
        closed(socket);
        return true;
      }
      case SEND -> {
        return admitSend(socket, event.getRawMessage());
      }
      case REGISTER -> {
        PageConnection c = bySocket.get(socket);
        return c != null
            && Addresses.pageInbox(c.id()).equals(event.getRawMessage().getString("address"));
      }
      case SOCKET_PING -> {
        PageConnection c = bySocket.get(socket);
        if (c != null) {
          c.pinged(System.currentTimeMillis());
        }
        return true;
      }
      case UNREGISTER, RECEIVE, SOCKET_IDLE -> {
        return true;
      }
      default -> {
        return false; // PUBLISH and anything new: pages never publish on the raw event bus
      }
    }
  }

  private boolean opened(SockJSSocket socket) {
    String address = clientAddressOf(socket);
    int open = socketsByAddress.getOrDefault(address, 0);
    if (open >= socketsPerAddress) {
      metrics.bridgeRejected("address-limit-sockets");
      socket.write(PageFrames.error(
          "address-limit", "at most " + socketsPerAddress + " connections from one address", null));
      return false;
    }
    socketsByAddress.put(address, open + 1);
    boolean directQueue = DirectWebSocketQueue.install(socket); // issue 22: 4.6 KB less per page
    String id = newConnectionId();
    socket.setWriteQueueMaxSize(maxQueuedBytes);
    PageConnection connection = new PageConnection(
        id,
        socket,
        new RateLimiter(maxMessagesPerSecond),
        transportOf(socket),
        address,
        () -> metrics.bridgeRejected("too-slow"));
    metrics.sockJsOpened(connection.transport());
    bySocket.put(socket, connection);
    if ("raw-websocket".equals(connection.transport())) {
      PingFrames.install(socket, connection); // issue 22 part 1: pings stamped before any decoding
      if (directQueue) { // Vert.x's writes are not queued either: the two paths keep the frames'
        // order
        connection.writeDirectly(DirectFrames.of(socket, Math.min(65_536, maxFrameBytes)));
      }
    }
    connections.add(connection);
    socket.write(PageFrames.welcome(id, inboundAddress));
    UpgradeLeftovers.release(socket); // issue 22; the socket's headers are empty from here on
    // The bridge sets its own exception handler once this event completes; it logs a stack trace at
    // ERROR for
    // every frame of a message over the transport's limit and keeps the socket open. Ours replaces
    // it next tick.
    io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
    if (context != null) {
      context.runOnContext(v -> {
        socket.exceptionHandler(err -> socketFailed(socket, err));
        relayIntake.install(socket);
      });
    }
    return true;
  }

  /** A transport error (typically a message over the WebSocket limit): one throttled WARN, the socket closed. */
  private void socketFailed(SockJSSocket socket, Throwable err) {
    if (!bySocket.containsKey(socket)) {
      return; // already closing
    }
    metrics.bridgeRejected("socket-error");
    long suppressed = SOCKET_ERRORS_LOG.occurred(System.currentTimeMillis());
    if (suppressed >= 0) {
      LOG.warn(
          "closed a page socket after a transport error [{}: {}] ([{}] more since the last such line)",
          err.getClass().getSimpleName(),
          abbreviate(err.getMessage()),
          suppressed);
    }
    closed(socket);
    socket.close(1009, "message too big or malformed");
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 160 ? s.substring(0, 160) + "…" : s;
  }

  /** The limit key of the client behind the socket (the forwarded address only from a trusted proxy). */
  private String clientAddressOf(SockJSSocket socket) {
    String peer = socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress();
    var headers = socket.headers();
    String address = headers == null
        ? clientAddresses.resolve(peer, null, null)
        : clientAddresses.resolve(
            peer, headers.getAll("X-Forwarded-For"), headers.getAll("Forwarded"));
    return ClientAddresses.limitKey(address);
  }

  private void closed(SockJSSocket socket) {
    PageConnection connection = bySocket.remove(socket);
    if (connection != null) {
      socketsByAddress.computeIfPresent(
          connection.clientAddress(), (a, n) -> n <= 1 ? null : n - 1);
      metrics.sockJsClosed(connection.transport());
      connections.remove(connection.id());
      eventBus.send(
          Addresses.ROUTER_CONNECTION_CLOSED, new JsonObject().put("conn", connection.id()));
    }
  }

  private boolean admitSend(SockJSSocket socket, JsonObject raw) {
    PageConnection connection = bySocket.get(socket);
    if (connection == null || !inboundAddress.equals(raw.getString("address"))) {
      return false;
    }
    if (!connection.inboundRate().tryAcquire(System.currentTimeMillis())) {
      metrics.bridgeRejected("rate-limited");
      connection.write(PageFrames.error(
          "rate-limited",
          "more than " + maxMessagesPerSecond + " messages per second from this connection",
          null));
      return false;
    }
    if (!(raw.getValue("body") instanceof JsonObject body)) {
      metrics.bridgeRejected("bad-request");
      connection.write(
          PageFrames.error("bad-request", "the body must be a JSON object with an 'op'", null));
      return false;
    }
    RawPayload payload = stashedFor == socket ? stashed : null;
    release();
    if (payload != null && body.getValue("payload") instanceof JsonObject p && p.isEmpty()) {
      body.put("payload", payload); // the intake's scan of this frame: the page's text, unparsed
    }
    // The HTTP transport admits up to HttpVerticle.transportLimit(); the contract is
    // bridge.maxFrameBytes.
    long size = JsonSize.upTo(raw, maxFrameBytes);
    if (size > maxFrameBytes) {
      metrics.bridgeRejected("too-large");
      connection.write(PageFrames.error(
          "too-large", "a message may be at most " + maxFrameBytes + " bytes", refOf(body)));
      return false;
    }
    if (!connections.inbound().tryAdd(size)) {
      metrics.bridgeRejected("busy");
      connection.write(PageFrames.error(
          "busy",
          "the gateway is busy: this message was not taken, try again shortly",
          refOf(body)));
      return false;
    }
    // Identity is ours to say: drop whatever the client claimed, and no request/reply from pages.
    raw.remove("replyAddress");
    raw.put(
        "headers",
        new JsonObject()
            .put(CONNECTION_HEADER, connection.id())
            .put(BACKLOG_HEADER, Long.toString(size)));
    raw.put("body", new HandedOver(body)); // the router gets this tree, not a deep copy of it
    return true;
  }

  @Override
  public void hold(SockJSSocket socket, RawPayload payload) {
    stashedFor = socket;
    stashed = payload;
  }

  @Override
  public void release() {
    stashedFor = null;
    stashed = null;
  }

  /** The command's id or mid, so the client can tell which command was refused. */
  private static String refOf(JsonObject body) {
    Object ref = body.getValue("id") instanceof String id ? id : body.getValue("mid");
    return ref instanceof String s && s.length() <= 64 ? s : null;
  }

  private static String newConnectionId() {
    return RandomIds.urlSafe(16);
  }
}
