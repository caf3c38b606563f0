package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.Gateway;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Issue 9 soak: clients that connect, subscribe, publish and leave, over and over. Afterwards no SockJS
 * connection, page, session or subscription is left behind; in the long mode
 * ({@code -Dsc.soak.seconds=3600 -Dsc.soak.clients=200}) the heap must also be back within 10 % of its warm-up size.
 */
class SoakTest {
  private static final int SECONDS = Integer.getInteger("sc.soak.seconds", 15);
  private static final int CLIENTS = Integer.getInteger("sc.soak.clients", 40);
  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("churning clients leave no connection, page, session or subscription behind")
  void churn() throws Exception {
    vertx = Vertx.vertx();
    int port = TestGateway.freePort();
    Gateway gateway = TestGateway.start(
        vertx,
        TestGateway.config(port).put("sessions", new JsonObject().put("codeTtlSeconds", 10)));
    // The gateway's own components subscribe too: those stay.
    double exactBase = gauge(gateway, "sc_subscriptions", "exact");
    double wildcardBase = gauge(gateway, "sc_subscriptions", "wildcard");
    Random random = new Random(42);
    List<BridgeClient> live = new ArrayList<>();
    long warmupHeap = -1;
    long end = System.currentTimeMillis() + SECONDS * 1000L;
    long warmupEnd = System.currentTimeMillis() + SECONDS * 200L;
    int rounds = 0;
    while (System.currentTimeMillis() < end) {
      if (live.size() < CLIENTS) {
        BridgeClient c = BridgeClient.connect(vertx, port, TestGateway.origin(port));
        c.hello(TestGateway.SITE);
        c.command(new JsonObject().put("op", "sub").put("id", "a").put("filter", "public/#"));
        c.command(new JsonObject().put("op", "sub").put("id", "b").put("filter", "~pagesession/#"));
        live.add(c);
      }
      BridgeClient someone = live.get(random.nextInt(live.size()));
      someone.command(
          new JsonObject().put("op", "pub").put("topic", "public/soak").put("payload", rounds));
      someone.drainSeen();
      if (random.nextInt(3) == 0) {
        BridgeClient leaving = live.remove(random.nextInt(live.size()));
        if (random.nextBoolean()) {
          leaving.command(new JsonObject().put("op", "bye"));
        }
        leaving.close();
      }
      rounds++;
      if (warmupHeap < 0 && System.currentTimeMillis() > warmupEnd) {
        warmupHeap = usedHeapAfterGc();
      }
    }
    live.forEach(BridgeClient::close);
    long deadline = System.currentTimeMillis() + 10_000;
    while (gateway.connections().size() > 0 && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(0, gateway.connections().size(), "SockJS connections left");
    deadline = System.currentTimeMillis() + 10_000;
    while (gauge(gateway, "sc_subscriptions", "wildcard") > wildcardBase
        && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(0.0, gauge(gateway, "sc_pages_connected", null), "pages left");
    assertEquals(
        wildcardBase,
        gauge(gateway, "sc_subscriptions", "wildcard"),
        "wildcard subscriptions left");
    assertEquals(
        exactBase, gauge(gateway, "sc_subscriptions", "exact"), "exact subscriptions left");
    // Sessions outlive their connections by the idle TTL (10 s here): wait for them, then nothing
    // may remain.
    deadline = System.currentTimeMillis() + 30_000;
    while (gauge(gateway, "sc_page_sessions", null) > 0 && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(
        0.0, gauge(gateway, "sc_page_sessions", null), "page sessions left after their TTL");
    assertTrue(rounds > 100, "rounds " + rounds);
    if (SECONDS >= 600) {
      // Only meaningful over a long run: the test's own JVM also holds the clients, JIT and metric
      // caches.
      long heap = usedHeapAfterGc();
      assertTrue(heap <= warmupHeap * 1.10, "heap " + heap + " vs warm-up " + warmupHeap);
    }
  }

  private static double gauge(Gateway g, String name, String kind) {
    var search = g.metrics().registry().find(name);
    if (kind != null) {
      search = search.tag("kind", kind);
    }
    return search.gauge().value();
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
