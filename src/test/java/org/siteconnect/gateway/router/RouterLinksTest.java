package org.siteconnect.gateway.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.bus.ForwardBatch;
import org.siteconnect.gateway.support.Eventually;
import org.siteconnect.gateway.support.OnContext;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Two routers' links in one JVM, each node with a Vert.x of its own: node A forwards to node B over a link, and over
 * the event bus (recorded here) when the link cannot open or breaks — in order either way.
 */
class RouterLinksTest {
  private Vertx vertxA;
  private Vertx vertxB;
  private Context contextA;
  private Context contextB;
  private RouterLinks linksA;
  private RouterLinks linksB;
  /** What B's router got over the link, and whether on its own context. */
  private final List<String> receivedByB = new CopyOnWriteArrayList<>();

  private final List<Boolean> onRouterContext = new CopyOnWriteArrayList<>();
  /** What A sent to B over the event bus instead. */
  private final List<String> overEventBus = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertxA = Vertx.vertx();
    vertxB = Vertx.vertx();
    contextA = vertxA.getOrCreateContext();
    contextB = vertxB.getOrCreateContext();
    linksA = new RouterLinks(vertxA, "A", "127.0.0.1", 0, m -> {}, (node, messages) -> {
      assertEquals("B", node);
      messages.forEach(m -> overEventBus.add(m.topic()));
    });
    linksB = new RouterLinks(
        vertxB,
        "B",
        "127.0.0.1",
        0,
        m -> {
          receivedByB.add(m.topic());
          onRouterContext.add(Vertx.currentContext() == contextB);
        },
        (node, messages) -> {});
    on(contextA, linksA::start);
    on(contextB, linksB::start);
  }

  @AfterEach
  void stop() throws Exception {
    vertxA.close().await(10, TimeUnit.SECONDS);
    vertxB.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "forwards sent while the link opens wait for it; they and the later ones reach the peer's router in order")
  void forwardsArriveInOrder() throws Exception {
    on(contextA, () -> {
      linksA.peerAnnounced("B", linksB.describe());
      linksA.send("B", batch(0, 10)); // the link is still opening
      return null;
    });
    awaitTrue(() -> on(contextA, linksA::connectedCount) == 1, "the link opened");
    for (int i = 10; i < 200; i += 10) {
      int from = i;
      on(contextA, () -> {
        linksA.send("B", batch(from, from + 10));
        return null;
      });
    }
    awaitTrue(() -> receivedByB.size() == 200, "all 200 arrived");
    assertEquals(topics(0, 200), receivedByB);
    assertTrue(onRouterContext.stream().allMatch(b -> b), "delivered on the router's own context");
    assertEquals(List.of(), overEventBus);
  }

  @Test
  @DisplayName(
      "a link that cannot open: what waited for it and every later forward go over the event bus, in order")
  void unreachablePeerFallsBack() throws Exception {
    int closedPort = TestGateway.freePort();
    on(contextA, () -> {
      linksA.peerAnnounced(
          "B", new JsonObject().put("host", "127.0.0.1").put("port", closedPort).put("token", "t"));
      linksA.send("B", batch(0, 5));
      return null;
    });
    awaitTrue(() -> overEventBus.size() == 5, "the five waiting went over the event bus");
    on(contextA, () -> {
      linksA.send("B", batch(5, 8));
      return null;
    });
    assertEquals(topics(0, 8), overEventBus);
    assertEquals(0, on(contextA, linksA::connectedCount));
  }

  @Test
  @DisplayName("a link the peer closes (its node stopped): later forwards go over the event bus")
  void brokenLinkFallsBack() throws Exception {
    on(contextA, () -> {
      linksA.peerAnnounced("B", linksB.describe());
      return null;
    });
    awaitTrue(() -> on(contextA, linksA::connectedCount) == 1, "the link opened");
    vertxB.close().await(10, TimeUnit.SECONDS);
    awaitTrue(() -> on(contextA, () -> linksA.overEventBus("B")), "A saw the link close");
    on(contextA, () -> {
      linksA.send("B", batch(0, 3));
      return null;
    });
    assertEquals(topics(0, 3), overEventBus);
  }

  @Test
  @DisplayName("a link opened with another token is closed by the peer and delivers nothing")
  void wrongTokenIsRefused() throws Exception {
    JsonObject forged = linksB.describe().put("token", "not-the-token");
    on(contextA, () -> {
      linksA.peerAnnounced("B", forged);
      linksA.send("B", batch(0, 3));
      return null;
    });
    awaitTrue(() -> on(contextA, () -> linksA.overEventBus("B")), "B closed it");
    on(contextA, () -> {
      linksA.send("B", batch(3, 4));
      return null;
    });
    assertEquals(List.of(), receivedByB);
    assertEquals(topics(3, 4), overEventBus, "after the close, forwards take the event bus");
  }

  private static List<ForwardBatch.Forwarded> batch(int from, int to) {
    List<ForwardBatch.Forwarded> out = new ArrayList<>();
    for (String topic : topics(from, to)) {
      out.add(new ForwardBatch.Forwarded(topic, new JsonObject().put("n", topic), false, null));
    }
    return out;
  }

  private static List<String> topics(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "public/link/" + i).toList();
  }

  private static void awaitTrue(Callable<Boolean> condition, String what) throws Exception {
    Eventually.until(what, Duration.ofSeconds(10), condition, reached -> reached);
  }

  private static <T> T on(Context context, Callable<T> action) throws Exception {
    return OnContext.call(context, action);
  }
}
