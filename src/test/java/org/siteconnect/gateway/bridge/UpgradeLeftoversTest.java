package org.siteconnect.gateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 22: a raw WebSocket page socket lets go of its upgrade request once open, and the event-bus bridge keeps
 * working over it: pings (which ask the socket for its web session), sends, deliveries and the close.
 */
class UpgradeLeftoversTest {
  private Vertx vertx;
  private io.vertx.core.http.WebSocketClient client;
  private int port;
  private final List<Object> events = new CopyOnWriteArrayList<>();
  private final List<Boolean> released = new CopyOnWriteArrayList<>();
  private final CompletableFuture<WeakReference<Object>> request = new CompletableFuture<>();
  private final CompletableFuture<JsonObject> received = new CompletableFuture<>();
  private final List<Throwable> problems = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>consumer("in", m -> received.complete(m.body()));
    Router router = Router.router(vertx);
    SockJSBridgeOptions bridge = new SockJSBridgeOptions()
        .addInboundPermitted(new PermittedOptions().setAddress("in"))
        .addOutboundPermitted(new PermittedOptions().setAddress("out"));
    router
        .route("/eventbus/*")
        .subRouter(SockJSHandler.create(vertx, new SockJSHandlerOptions()).bridge(bridge, event -> {
          events.add(event.type());
          if (event.type() == BridgeEventType.SOCKET_CREATED) {
            try {
              opened(event.socket());
            } catch (Throwable t) {
              problems.add(t);
            }
          }
          event.complete(true);
        }));
    HttpServer server = vertx
        .createHttpServer(new HttpServerOptions().setStrictThreadMode(true))
        .requestHandler(router)
        .listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  private void opened(io.vertx.ext.web.handler.sockjs.SockJSSocket socket) {
    request.complete(new WeakReference<>(socket.routingContext().request()));
    DirectWebSocketQueue.install(socket);
    released.add(UpgradeLeftovers.release(socket));
    assertSame(UpgradeLeftovers.RELEASED, socket.routingContext());
    assertTrue(socket.headers().isEmpty());
    assertNull(socket.webSession());
    assertNull(socket.webUser());
    assertThrows(IllegalStateException.class, () -> socket.routingContext().request());
    assertTrue(UpgradeLeftovers.release(socket) == false, "once is enough");
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "the upgrade request is released (collectable) and pings, sends, deliveries and the close still work")
  void releasedAndWorking() throws Exception {
    LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    client =
        vertx.createWebSocketClient(); // kept: a client nobody references is closed when collected
    WebSocket ws = client
        .connect(new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/eventbus/websocket"))
        .await(10, TimeUnit.SECONDS);
    assertEquals(List.of(), problems);
    ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
    ws.binaryMessageHandler(
        b -> frames.add(b.toJsonObject())); // the bridge writes Buffers: binary frames
    ws.closeHandler(v -> closed.complete(null));
    ws.writeTextMessage(
        new JsonObject().put("type", "register").put("address", "out").encode());
    ws.writeTextMessage(new JsonObject().put("type", "ping").encode());
    ws.writeTextMessage(new JsonObject()
        .put("type", "send")
        .put("address", "in")
        .put("body", new JsonObject().put("n", 1))
        .encode());
    assertEquals(1, received.get(10, TimeUnit.SECONDS).getInteger("n"));
    assertEquals(List.of(true), released);
    assertTrue(events.contains(BridgeEventType.SOCKET_PING), events.toString());

    vertx.eventBus().send("out", new JsonObject().put("m", 2));
    JsonObject delivered = frames.poll(10, TimeUnit.SECONDS);
    assertEquals(2, delivered.getJsonObject("body").getInteger("m"), String.valueOf(delivered));

    WeakReference<Object> upgrade = request.get(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (upgrade.get() != null && System.nanoTime() < deadline) {
      System.gc();
    }
    assertNull(upgrade.get(), "nothing holds the upgrade request of an open WebSocket any more");

    ws.writeTextMessage(
        new JsonObject().put("type", "ping").encode()); // still answered without error
    ws.close().await(10, TimeUnit.SECONDS);
    closed.get(10, TimeUnit.SECONDS);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!events.contains(BridgeEventType.SOCKET_CLOSED) && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertTrue(events.contains(BridgeEventType.SOCKET_CLOSED), events.toString());
  }
}
