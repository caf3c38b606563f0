package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
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
import org.siteconnect.gateway.bridge.BridgeGuard;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Eventually;
import org.siteconnect.gateway.support.TestGateway;

/**
 * A router that falls behind (a node short of CPU) used to have the bridge queue page commands for it without end:
 * issue 22's soak ran a node out of heap so. Past {@code bridge.maxInboundBacklogBytes} of commands not yet taken
 * up, the bridge refuses new ones with {@code busy}; what it took is delivered once the router catches up, and
 * then commands are taken again. The router is held back here by holding its deliveries at the event bus.
 */
class RouterBacklogTest {
  private static final int MAX_BACKLOG = 65_536;
  private static final int PUBLISHERS = 4;
  private static final int MESSAGES_EACH = 20;
  private static final String TOPIC = "public/backlog";

  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "while the router is held, a burst from four pages fills the backlog to its bound and the rest is refused busy; released, every taken message arrives once")
  void backlogIsBounded() throws Exception {
    vertx = Vertx.vertx();
    int port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port);
    config.put(
        "bridge",
        new JsonObject()
            .put("maxInboundBacklogBytes", MAX_BACKLOG)
            .put("maxMessagesPerSecond", 10_000));
    Gateway gateway = TestGateway.start(vertx, config);
    String origin = TestGateway.origin(port);
    String inbound = Addresses.inbound(gateway.nodeId());

    BridgeClient reader = BridgeClient.connect(vertx, port, origin);
    reader.hello(TestGateway.SITE);
    reader.subscribe("backlog", TOPIC);
    List<BridgeClient> publishers = new ArrayList<>();
    for (int p = 0; p < PUBLISHERS; p++) {
      BridgeClient c = BridgeClient.connect(vertx, port, origin);
      c.hello(TestGateway.SITE);
      publishers.add(c);
    }

    List<DeliveryContext<Object>> held = new ArrayList<>();
    boolean[] holding = {true};
    vertx.eventBus().addInboundInterceptor(ctx -> {
      synchronized (held) {
        if (holding[0] && inbound.equals(ctx.message().address())) {
          held.add(ctx);
          return;
        }
      }
      ctx.next();
    });

    String filler = "x".repeat(8_000); // 80 × 8 KB = 640 KB: ten times the bound
    ExecutorService burst = Executors.newFixedThreadPool(PUBLISHERS);
    List<Future<?>> sends = new ArrayList<>();
    for (int p = 0; p < PUBLISHERS; p++) {
      BridgeClient c = publishers.get(p);
      int publisher = p;
      sends.add(burst.submit(() -> {
        for (int i = 0; i < MESSAGES_EACH; i++) {
          c.command(new JsonObject()
              .put("op", "pub")
              .put("topic", TOPIC)
              .put("mid", publisher + "-" + i)
              .put("payload", new JsonObject().put("i", i).put("fill", filler)));
        }
      }));
    }
    for (Future<?> f : sends) {
      f.get(30, TimeUnit.SECONDS);
    }
    burst.shutdown();

    // Every command is either refused at once (busy) or taken and held: wait until they add up.
    int[] busy = {0};
    List<String> otherAnswers = new ArrayList<>();
    Eventually.until(
        "every command refused or held",
        Duration.ofSeconds(20),
        () -> {
          for (BridgeClient c : publishers) {
            c.drainMatching(f -> {
              JsonObject body = BridgeClient.body(f);
              if ("err".equals(body.getString("op")) && "busy".equals(body.getString("code"))) {
                busy[0]++;
              } else if (!"rejected"
                  .equals(f.getValue("body"))) { // the bridge's own word after ours

                otherAnswers.add(f.encode());
              }
            });
          }
          synchronized (held) {
            return busy[0] + held.size();
          }
        },
        n -> n >= PUBLISHERS * MESSAGES_EACH);
    assertEquals(List.of(), otherAnswers, "nothing but busy before the router catches up");
    int heldCount;
    long heldBytes = 0;
    synchronized (held) {
      heldCount = held.size();
      for (DeliveryContext<Object> ctx : held) {
        heldBytes += Long.parseLong(ctx.message().headers().get(BridgeGuard.BACKLOG_HEADER));
      }
    }
    assertEquals(
        PUBLISHERS * MESSAGES_EACH, busy[0] + heldCount, "each command refused or taken, once");
    assertTrue(busy[0] > 0 && heldCount > 0, busy[0] + " refused, " + heldCount + " taken");
    assertTrue(heldBytes <= MAX_BACKLOG, "the backlog stays within its bound: " + heldBytes);
    assertTrue(heldBytes > MAX_BACKLOG - 9_000, "it fills to the bound: " + heldBytes);
    assertEquals(heldBytes, backlog(gateway), "the gauge says what is held");

    synchronized (held) {
      holding[0] = false;
      held.forEach(DeliveryContext::next);
    }
    for (int i = 0; i < heldCount; i++) {
      reader.nextPayload(TOPIC, payload -> true, 20_000);
    }
    reader.assertNone(frame -> TOPIC.equals(BridgeClient.body(frame).getString("topic")), 500);
    Eventually.until(
        "the backlog empties", Duration.ofSeconds(10), () -> backlog(gateway), n -> n == 0);

    // Caught up: commands are taken again.
    BridgeClient again = publishers.get(0);
    again.command(new JsonObject()
        .put("op", "pub")
        .put("topic", TOPIC)
        .put("mid", "after")
        .put("payload", "after"));
    assertEquals("after", reader.nextMessage(TOPIC).getString("payload"));
  }

  private static long backlog(Gateway gateway) {
    return gateway.connections().inbound().bytes();
  }
}
