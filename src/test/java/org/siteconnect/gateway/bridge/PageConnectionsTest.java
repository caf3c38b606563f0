package org.siteconnect.gateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Write coalescing in {@link PageConnections}: what each socket gets when deliveries pile up. */
class PageConnectionsTest {
  private Vertx vertx;
  private Context loop;
  private PageConnections connections;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
    connections = new PageConnections();
    connections.bind(loop);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Counts writes over every socket of a test: which socket was written when. */
  private final java.util.concurrent.atomic.AtomicInteger writes =
      new java.util.concurrent.atomic.AtomicInteger();

  /** A socket that records what is written to it (and whether it was closed). */
  private final class FakeSocket {
    final List<String> written = new ArrayList<>();
    int lastWrite = -1;
    final List<String> events = new ArrayList<>();
    final SockJSSocket socket;
    /** Closed under the gateway (the page went away): Vert.x's WebSocket then throws on writeQueueFull. */
    boolean gone;

    FakeSocket(String uri) {
      socket = (SockJSSocket) Proxy.newProxyInstance(
          SockJSSocket.class.getClassLoader(),
          new Class<?>[] {SockJSSocket.class},
          (proxy, method, args) -> switch (method.getName()) {
            case "write" -> {
              String s = args[0].toString();
              written.add(s);
              events.add("write");
              lastWrite = writes.incrementAndGet();
              yield Future.succeededFuture();
            }
            case "uri" -> uri;
            case "writeQueueFull" -> {
              if (gone) {
                throw new IllegalStateException("WebSocket is closed");
              }
              yield false;
            }
            case "close" -> {
              events.add("close");
              yield null;
            }
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> null;
          });
    }
  }

  private PageConnection connection(String id, FakeSocket s) {
    PageConnection c = new PageConnection(id, s.socket, new RateLimiter(100), "websocket", null);
    connections.add(c);
    return c;
  }

  /** {@code n} batch-reading pages: their connections, and their sockets added to {@code sockets}. */
  private List<PageConnection> pages(int n, List<FakeSocket> sockets) {
    List<PageConnection> targets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      FakeSocket s = new FakeSocket("/eventbus/websocket?batch=1");
      sockets.add(s);
      targets.add(connection("p" + i, s));
    }
    return targets;
  }

  /** The topics of the messages in a batch frame, in order. */
  private static List<String> topics(String batchFrame) {
    return new JsonArray(batchFrame)
        .stream()
            .map(f -> ((JsonObject) f).getJsonObject("body").getString("topic"))
            .toList();
  }

  private static Buffer msg(int i) {
    return PageFrames.message("t/" + i, new JsonObject().put("i", i), false);
  }

  /** Holds the socket loop while {@code body} hands work over, so that it all waits for one drain. */
  private void whileLoopBusy(Runnable body) throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    loop.runOnContext(v -> {
      held.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertTrue(held.await(10, TimeUnit.SECONDS));
    body.run();
    release.countDown();
    settle();
  }

  /** Round trips through the socket loop until everything handed over is written (a drain takes several turns). */
  private void settle() throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    boolean idle = false;
    while (!idle && System.nanoTime() < until) {
      java.util.concurrent.CompletableFuture<Boolean> check =
          new java.util.concurrent.CompletableFuture<>();
      loop.runOnContext(v -> check.complete(connections.idle()));
      idle = check.get(10, TimeUnit.SECONDS);
    }
    assertTrue(idle, "the writes handed over were not all done within 10 s");
  }

  @Test
  @DisplayName(
      "deliveries that pile up for a batch-reading page go out as one batch frame, in order")
  void coalescesIntoOneBatch() throws Exception {
    FakeSocket a = new FakeSocket("/eventbus/websocket?batch=1");
    FakeSocket b = new FakeSocket("/eventbus/123/abc/websocket?x=1&batch=1");
    PageConnection ca = connection("a", a);
    PageConnection cb = connection("b", b);
    whileLoopBusy(() -> {
      connections.writeAll(List.of(ca, cb), msg(1));
      connections.writeAll(List.of(ca, cb), msg(2));
      connections.write(ca, msg(3));
    });
    assertEquals(1, a.written.size(), "one write for three frames");
    assertEquals(List.of("t/1", "t/2", "t/3"), topics(a.written.get(0)));
    assertEquals("rec", new JsonArray(a.written.get(0)).getJsonObject(0).getString("type"));
    assertEquals(1, b.written.size());
    assertEquals(2, new JsonArray(b.written.get(0)).size());
  }

  @Test
  @DisplayName("a page that did not ask for batches gets every frame on its own, in order")
  void noBatchesWithoutOptIn() throws Exception {
    FakeSocket a = new FakeSocket("/eventbus/websocket");
    PageConnection ca = connection("a", a);
    whileLoopBusy(() -> {
      for (int i = 1; i <= 3; i++) {
        connections.writeAll(List.of(ca), msg(i));
      }
    });
    assertEquals(3, a.written.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(
          "t/" + (i + 1),
          new JsonObject(a.written.get(i)).getJsonObject("body").getString("topic"));
    }
  }

  @Test
  @DisplayName("a single pending frame is written as it is, never wrapped in a batch")
  void singleFrameUnwrapped() throws Exception {
    FakeSocket a = new FakeSocket("/eventbus/websocket?batch=1");
    PageConnection ca = connection("a", a);
    whileLoopBusy(() -> connections.writeAll(List.of(ca), msg(1)));
    assertEquals(1, a.written.size());
    assertEquals("rec", new JsonObject(a.written.get(0)).getString("type"));
  }

  @Test
  @DisplayName(
      "a page whose socket closed while frames waited is marked closed; the others still get theirs")
  void socketClosedUnderneath() throws Exception {
    FakeSocket gone = new FakeSocket("/eventbus/websocket?batch=1");
    FakeSocket other = new FakeSocket("/eventbus/websocket?batch=1");
    gone.gone = true;
    PageConnection cg = connection("gone", gone);
    PageConnection co = connection("other", other);
    whileLoopBusy(() -> connections.writeAll(List.of(cg, co), msg(1)));
    assertFalse(cg.isOpen(), "no longer written to");
    assertTrue(co.isOpen());
    assertEquals(1, other.written.size());
    whileLoopBusy(() -> connections.writeAll(List.of(cg, co), msg(2)));
    assertEquals(1, gone.written.size(), "nothing more for the page that went away");
    assertEquals(2, other.written.size());
  }

  @Test
  @DisplayName("a close waits for the frames handed over before it")
  void closeAfterPendingFrames() throws Exception {
    FakeSocket a = new FakeSocket("/eventbus/websocket?batch=1");
    PageConnection ca = connection("a", a);
    whileLoopBusy(() -> {
      connections.write(ca, msg(1));
      connections.write(ca, PageFrames.error("unauthorized", "token revoked", null));
      connections.close("a");
    });
    assertEquals(List.of("write", "close"), a.events);
    assertEquals(2, new JsonArray(a.written.get(0)).size());
    assertFalse(ca.isOpen());
  }

  @Test
  @DisplayName("a broadcast to more pages than one turn writes still reaches every page once")
  void largeBroadcastYieldsAndFinishes() throws Exception {
    int n = PageConnections.WRITES_PER_TURN * 2 + 7;
    List<FakeSocket> sockets = new ArrayList<>();
    List<PageConnection> targets = pages(n, sockets);
    whileLoopBusy(() -> {
      connections.writeAll(targets, msg(1));
      connections.writeAll(targets, msg(2));
    });
    for (FakeSocket s : sockets) {
      assertEquals(1, s.written.size());
      assertEquals(2, new JsonArray(s.written.get(0)).size());
    }
  }

  @Test
  @DisplayName(
      "a command's answer is written before the pages that only wait for a large broadcast")
  void directFramesGoFirst() throws Exception {
    int n = PageConnections.WRITES_PER_TURN * 2 + 7;
    List<FakeSocket> sockets = new ArrayList<>();
    List<PageConnection> targets = pages(n, sockets);
    FakeSocket asker = new FakeSocket("/eventbus/websocket?batch=1");
    PageConnection askerConnection = connection("asker", asker);
    PageConnection lastTarget = targets.get(n - 1);
    whileLoopBusy(() -> {
      connections.writeAll(targets, msg(1));
      connections.write(askerConnection, msg(2)); // e.g. a suback
      connections.write(
          lastTarget, msg(3)); // a chat line for a page that also waits for the broadcast
    });
    assertEquals(1, asker.written.size());
    assertTrue(
        asker.lastWrite <= 2, "the answer went out first, not after " + n + " broadcast writes");
    FakeSocket last = sockets.get(n - 1);
    assertEquals(
        1, last.written.size(), "written once, early, with the broadcast frame before its own");
    assertTrue(last.lastWrite <= 2);
    assertEquals(List.of("t/1", "t/3"), topics(last.written.get(0)));
    for (FakeSocket s : sockets) {
      assertEquals(1, s.written.size());
    }
    assertEquals(n + 1, writes.get(), "every socket written exactly once");
  }

  @Test
  @DisplayName("the batch opt-in is read from the connection URL's query")
  void optInFromQuery() {
    assertTrue(PageConnection.readsBatches("/eventbus/websocket?batch=1"));
    assertTrue(PageConnection.readsBatches("/eventbus/info?t=1&batch=1"));
    assertFalse(PageConnection.readsBatches("/eventbus/websocket"));
    assertFalse(PageConnection.readsBatches("/eventbus/websocket?batch=10"));
    assertFalse(PageConnection.readsBatches("/eventbus/batch=1"));
    assertFalse(PageConnection.readsBatches(null));
  }
}
