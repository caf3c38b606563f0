package org.siteconnect.gateway.hostile;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15.6: 300 connections sending their headers byte by byte used to stay open past 130 s. The server now
 * closes a connection whose request headers are not complete within http.headerTimeoutSeconds (default 10), and
 * a keep-alive connection without a request after http.idleTimeoutSeconds; WebSockets are left to the bridge.
 */
class SlowlorisTest {
  private static final int CONNECTIONS = 300;
  private static final byte[] TRICKLE = ("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + "X-Slow: " + "a".repeat(4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
  private Vertx vertx;
  private NetClient net; // referenced: the GC closes unreferenced clients

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("300 connections sending headers byte by byte are all closed within the header timeout; others are served")
  void slowHeadersAreCutOff() throws Exception {
    vertx = Vertx.vertx();
    int port = TestGateway.freePort();
    TestGateway.start(vertx, TestGateway.config(port)); // the default header timeout: 10 s
    long limitMs = 10_000;
    Http http = new Http(port);
    assertEquals(200, http.get("/health/live", null).status()); // warm: the time below is the server's, not the client's start
    net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5_000));
    long[] openedAt = new long[CONNECTIONS];
    long[] closedAt = new long[CONNECTIONS];
    List<NetSocket> sockets = new ArrayList<>();
    List<Future<NetSocket>> connects = new ArrayList<>();
    for (int i = 0; i < CONNECTIONS; i++) {
      int n = i;
      connects.add(net.connect(port, "127.0.0.1").onSuccess(s -> {
        openedAt[n] = System.currentTimeMillis();
        s.closeHandler(v -> closedAt[n] = System.currentTimeMillis());
      }));
    }
    Future.all(connects).await(30, TimeUnit.SECONDS);
    connects.forEach(f -> sockets.add(f.result()));
    int[] sent = new int[1];
    long trickle = vertx.setPeriodic(200, id -> { // one byte per connection every 200 ms, never the end
      int at = sent[0]++ % TRICKLE.length;
      sockets.forEach(s -> s.write(Buffer.buffer(new byte[] {TRICKLE[at]})));
    });
    CompletableFuture<Void> allClosed = new CompletableFuture<>();
    long watch = vertx.setPeriodic(100, id -> {
      if (Arrays.stream(closedAt).allMatch(t -> t > 0)) {
        allClosed.complete(null);
      }
    });
    // Meanwhile an ordinary request is answered at once.
    Thread.sleep(2_000);
    long t0 = System.nanoTime();
    Http.Response normal = http.get("/health/live", null);
    long normalMs = (System.nanoTime() - t0) / 1_000_000;
    try {
      allClosed.get(limitMs + 10_000, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // reported below
    }
    vertx.cancelTimer(trickle);
    vertx.cancelTimer(watch);
    long closed = Arrays.stream(closedAt).filter(t -> t > 0).count();
    long longest = 0;
    for (int i = 0; i < CONNECTIONS; i++) {
      longest = Math.max(longest, (closedAt[i] > 0 ? closedAt[i] : System.currentTimeMillis()) - openedAt[i]);
    }
    System.out.printf("slowloris: %d of %d trickling connections closed, the longest lived %d ms (header timeout "
        + "%d ms); a normal request meanwhile: %d in %d ms; %d bytes sent each%n", closed, CONNECTIONS, longest,
        limitMs, normal.status(), normalMs, sent[0]);
    assertEquals(200, normal.status());
    assertEquals(CONNECTIONS, closed, "every trickling connection was closed");
    assertTrue(longest <= limitMs + 5_000, "closed within the header timeout plus slack: " + longest + " ms");
  }

  @Test
  @DisplayName("an idle keep-alive connection is closed after the idle timeout; an idle WebSocket stays open")
  void idleHttpClosedWebSocketKept() throws Exception {
    vertx = Vertx.vertx();
    int port = TestGateway.freePort();
    TestGateway.start(vertx, TestGateway.config(port).put("http", TestGateway.config(port).getJsonObject("http")
        .put("idleTimeoutSeconds", 2).put("headerTimeoutSeconds", 1)));
    BridgeClient page = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    assertEquals("session", page.hello(TestGateway.SITE).getString("op"));
    net = vertx.createNetClient();
    NetSocket keepAlive = net.connect(port, "127.0.0.1").await(5, TimeUnit.SECONDS);
    CompletableFuture<Long> closed = new CompletableFuture<>();
    StringBuilder answer = new StringBuilder();
    keepAlive.handler(b -> answer.append(b.toString(StandardCharsets.US_ASCII)));
    keepAlive.closeHandler(v -> closed.complete(System.currentTimeMillis()));
    keepAlive.write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    long answeredAt = System.currentTimeMillis();
    long closedAt = closed.get(10, TimeUnit.SECONDS);
    assertTrue(answer.toString().startsWith("HTTP/1.1 200"), answer.toString());
    long idleMs = closedAt - answeredAt;
    assertTrue(idleMs >= 1_500 && idleMs <= 4_000, "closed after the 2 s idle timeout: " + idleMs + " ms");
    // The WebSocket has been idle as long as that and more, and still works.
    Thread.sleep(2_500); // the quiet spell under test: nothing happens that could be awaited
    assertFalse(page.isClosed(), "the WebSocket is governed by the bridge ping timeout, not the HTTP idle timeout");
    page.command(new JsonObject().put("op", "sub").put("id", "s").put("filter", "~pagesession/x"));
    assertTrue(page.nextBody("suback").getBoolean("granted"));
    System.out.printf("idle: keep-alive connection closed %d ms after its answer (idle timeout 2 s); WebSocket open "
        + "and answering after %d ms idle%n", idleMs, System.currentTimeMillis() - answeredAt);
  }
}
