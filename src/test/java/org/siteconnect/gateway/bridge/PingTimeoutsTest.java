package org.siteconnect.gateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PingTimeoutsTest {

  /** A socket whose close completes {@code closed}. */
  private static SockJSSocket socket(CompletableFuture<Void> closed) {
    return (SockJSSocket) Proxy.newProxyInstance(
        SockJSSocket.class.getClassLoader(),
        new Class<?>[] {SockJSSocket.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "close" -> {
            closed.complete(null);
            yield null;
          }
          case "write" -> Future.succeededFuture();
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> null;
        });
  }

  private static PageConnection connection(String id, CompletableFuture<Void> closed) {
    return new PageConnection(id, socket(closed), new RateLimiter(100), "websocket", null);
  }

  @Test
  @DisplayName("a connection is idle once its last ping (or its opening) is a whole timeout old")
  void idleAfterTimeout() {
    PingTimeouts timeouts = new PingTimeouts(120_000);
    PageConnection quiet = connection("a", new CompletableFuture<>());
    PageConnection pinging = connection("b", new CompletableFuture<>());
    long opened = quiet.lastPing();
    pinging.pinged(opened + 100_000);
    assertEquals(List.of(), timeouts.idle(List.of(quiet, pinging), opened + 119_999));
    assertEquals(List.of(quiet), timeouts.idle(List.of(quiet, pinging), opened + 120_000));
    assertEquals(List.of(quiet, pinging), timeouts.idle(List.of(quiet, pinging), opened + 220_000));
    assertEquals(30_000, timeouts.periodMs());
  }

  @Test
  @DisplayName("the sweep closes a page that stopped pinging and keeps one that pings")
  void sweepClosesOnlyTheSilent() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      CompletableFuture<Void> silentClosed = new CompletableFuture<>();
      CompletableFuture<Void> pingingClosed = new CompletableFuture<>();
      List<PageConnection> connections = new ArrayList<>();
      CompletableFuture<Boolean> pingerOpenWhenSilentClosed = new CompletableFuture<>();
      vertx.runOnContext(v -> {
        PageConnection silent = connection("silent", silentClosed);
        PageConnection pinging = connection("pinging", pingingClosed);
        connections.add(silent);
        connections.add(pinging);
        vertx.setPeriodic(20, id -> pinging.pinged(System.currentTimeMillis()));
        new PingTimeouts(200).start(vertx, connections);
        silentClosed.thenRun(() -> pingerOpenWhenSilentClosed.complete(!pingingClosed.isDone()));
      });
      silentClosed.get(5, TimeUnit.SECONDS);
      assertEquals(true, pingerOpenWhenSilentClosed.get(5, TimeUnit.SECONDS));
      assertFalse(pingingClosed.isDone());
    } finally {
      vertx.close().await();
    }
  }
}
