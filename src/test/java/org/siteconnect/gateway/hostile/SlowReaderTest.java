package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.Gateway;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Eventually;
import org.siteconnect.gateway.support.TestGateway;

/**
 * A client that stops reading used to have the gateway buffer every frame for it (issue 22's soak ran a node out of
 * heap so). Past {@code bridge.maxQueuedBytesPerConnection} unread bytes its connection is closed; the clients that
 * read get everything, and the node's heap does not hold the backlog.
 */
class SlowReaderTest {
  private static final int MAX_QUEUED = 1_048_576;
  private static final int PUBLISHERS = 4;
  private static final int ROUNDS = 30;
  private static final int MESSAGES_PER_ROUND = 5;
  private static final int SLOW_RECEIVE_BUFFER = 65_536;
  private static final String TOPIC = "public/flood";

  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "a subscriber that stops reading is closed past its queued-bytes bound while four publishers burst in rounds; readers get every message")
  void slowReaderIsClosedReadersGetEverything() throws Exception {
    vertx = Vertx.vertx();
    int port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port);
    config.put(
        "bridge",
        new JsonObject()
            .put("maxQueuedBytesPerConnection", MAX_QUEUED)
            .put("maxMessagesPerSecond", 10_000));
    Gateway gateway = TestGateway.start(vertx, config);
    String origin = TestGateway.origin(port);

    // A fixed receive buffer: the kernel's autotuning would otherwise let this socket take up to
    // net.ipv4.tcp_rmem's maximum (32 MB here) before the gateway sees it fall behind.
    BridgeClient slow = subscribed(
        port, origin, new WebSocketClientOptions().setReceiveBufferSize(SLOW_RECEIVE_BUFFER));
    BridgeClient reader = subscribed(port, origin, new WebSocketClientOptions());
    slow.pauseReading();

    String filler = "x".repeat(30_000);
    List<BridgeClient> publishers = new ArrayList<>();
    for (int p = 0; p < PUBLISHERS; p++) {
      BridgeClient c = BridgeClient.connect(vertx, port, origin);
      c.hello(TestGateway.SITE);
      publishers.add(c);
    }
    // Rounds: the four publishers burst at once, then the reader reads the round. A reader that
    // reads is at most one round (600 KB) behind, under the bound however busy the machine; the
    // one that stopped falls a round further behind each time (18 MB in all: past the bound and
    // the kernel's buffers, 4 MB send, 64 KB receive). Without rounds the publishers can outrun a
    // reader on a loaded machine, and it is rightly closed too.
    ExecutorService burst = Executors.newFixedThreadPool(PUBLISHERS);
    int received = 0;
    for (int round = 0; round < ROUNDS; round++) {
      List<Future<?>> sends = new ArrayList<>();
      for (int p = 0; p < PUBLISHERS; p++) {
        BridgeClient c = publishers.get(p);
        int publisher = p;
        int first = round * MESSAGES_PER_ROUND;
        sends.add(burst.submit(() -> {
          for (int i = first; i < first + MESSAGES_PER_ROUND; i++) {
            c.command(new JsonObject()
                .put("op", "pub")
                .put("topic", TOPIC)
                .put(
                    "payload",
                    new JsonObject().put("p", publisher).put("i", i).put("fill", filler)));
          }
        }));
      }
      for (Future<?> f : sends) {
        f.get(30, TimeUnit.SECONDS);
      }
      for (int m = 0; m < PUBLISHERS * MESSAGES_PER_ROUND; m++) {
        reader.nextPayload(TOPIC, payload -> true, 20_000);
        received++;
      }
    }
    burst.shutdown();
    assertEquals(
        PUBLISHERS * ROUNDS * MESSAGES_PER_ROUND,
        received,
        "the reading subscriber got every message");
    double closed = Eventually.until(
        "the slow reader closed as too slow",
        Duration.ofSeconds(20),
        () -> tooSlow(gateway),
        n -> n >= 1);
    assertEquals(1.0, closed, "only the client that stopped reading was closed");
    assertFalse(reader.isClosed(), "the reading subscriber stays connected");
    publishers.forEach(c -> assertFalse(c.isClosed(), "publishers stay connected"));
    slow.resumeReading(); // what it had not read, then the close
    assertTrue(slow.awaitClosed(10_000), "the slow reader's connection was closed");
  }

  private BridgeClient subscribed(int port, String origin, WebSocketClientOptions options)
      throws Exception {
    BridgeClient c = BridgeClient.connect(vertx, port, origin, options);
    c.hello(TestGateway.SITE);
    c.command(new JsonObject().put("op", "sub").put("id", "flood").put("filter", TOPIC));
    c.nextBody("suback");
    return c;
  }

  private static double tooSlow(Gateway gateway) {
    Counter c = gateway
        .metrics()
        .registry()
        .find("sc_bridge_rejections_total")
        .tag("reason", "too-slow")
        .counter();
    return c == null ? 0 : c.count();
  }
}
