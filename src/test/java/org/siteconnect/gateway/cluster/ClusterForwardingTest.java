package org.siteconnect.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.ClusterNodes;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Three gateway JVMs: a publish goes to the nodes whose pages subscribe to it, and to no other (DESIGN §9,
 * cluster forwarding).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterForwardingTest {
  private static final Pattern FORWARDED_IN =
      Pattern.compile("sc_cluster_forwarded_total\\{direction=\"in\",?\\} ([0-9.E]+)");
  private final Vertx vertx = Vertx.vertx();
  private final List<BridgeClient> clients = new ArrayList<>();
  private ClusterNodes nodes;

  @BeforeAll
  void startCluster() throws Exception {
    Path dir = Files.createTempDirectory("sc-cluster-fwd-");
    nodes = ClusterNodes.start(dir, 3);
  }

  @AfterAll
  void stopCluster() throws Exception {
    clients.forEach(BridgeClient::close);
    if (nodes != null) {
      nodes.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private BridgeClient page(int node) throws Exception {
    BridgeClient p =
        BridgeClient.connect(vertx, nodes.port(node), TestGateway.origin(nodes.port(node)));
    clients.add(p);
    assertEquals("session", p.hello(TestGateway.SITE).getString("op"));
    return p;
  }

  private static void sub(BridgeClient c, String id, String filter) throws InterruptedException {
    c.command(new JsonObject().put("op", "sub").put("id", id).put("filter", filter));
    JsonObject ack = c.next(f -> "suback".equals(BridgeClient.body(f).getString("op"))
        && id.equals(BridgeClient.body(f).getString("id")));
    assertTrue(BridgeClient.body(ack).getBoolean("granted"), "granted: " + ack);
  }

  private static void pub(BridgeClient c, String topic, Object payload) {
    c.command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
  }

  private static JsonObject message(BridgeClient c, String topic) throws InterruptedException {
    return BridgeClient.body(c.next(
        f -> "msg".equals(BridgeClient.body(f).getString("op"))
            && topic.equals(BridgeClient.body(f).getString("topic")),
        15_000));
  }

  /** Publishes forwarded to this node's router so far (its {@code /metrics}). */
  private long forwardedIn(int node) throws Exception {
    Http.Response r = new Http(nodes.port(node)).get("/metrics", ClusterNodes.METRICS_TOKEN);
    assertEquals(200, r.status(), r.body());
    Matcher m = FORWARDED_IN.matcher(r.body());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  @DisplayName(
      "a page's publish reaches a wildcard subscriber on another node; the node without a matching page gets nothing")
  void onlyMatchingNodesAreForwardedTo() throws Exception {
    BridgeClient a = page(0);
    BridgeClient b = page(1);
    BridgeClient c = page(2);
    sub(b, "wild", "public/fwd/+/today");
    sub(c, "other", "public/fwd-other");
    long beforeB = forwardedIn(1);
    long beforeC = forwardedIn(2);
    for (int i = 0; i < 20; i++) {
      pub(a, "public/fwd/news/today", new JsonObject().put("n", i));
    }
    for (int i = 0; i < 20; i++) {
      assertEquals(
          i, message(b, "public/fwd/news/today").getJsonObject("payload").getInteger("n"));
    }
    // Sent after the twenty: once C has it, anything forwarded to C before it has arrived too.
    pub(a, "public/fwd-other", "for C");
    assertEquals("for C", message(c, "public/fwd-other").getString("payload"));
    assertEquals(1, forwardedIn(2) - beforeC, "C got the one publish its page wants, no other");
    assertEquals(20, forwardedIn(1) - beforeB, "B got the twenty, not the one for C");
    c.assertNone(f -> "public/fwd/news/today".equals(BridgeClient.body(f).getString("topic")), 200);
  }

  @Test
  @DisplayName(
      "a publish made on node A right after a page on node B got its suback reaches that page, every time")
  void subscribeThenPublishAcrossNodes() throws Exception {
    BridgeClient a = page(0);
    BridgeClient b = page(1);
    BridgeClient c = page(2);
    for (int i = 0; i < 25; i++) {
      String topic = "public/race/" + i;
      BridgeClient subscriber = i % 2 == 0 ? b : c;
      sub(
          subscriber,
          "race-" + i,
          topic); // a filter no page used before: the other nodes learn it now
      pub(a, topic, i);
      assertEquals(i, message(subscriber, topic).getInteger("payload"), "publish " + i);
    }
  }

  @Test
  @DisplayName(
      "after a page unsubscribes, its node is no longer forwarded to; a second page's filter keeps it")
  void unsubscribeStopsForwarding() throws Exception {
    BridgeClient a = page(0);
    BridgeClient b1 = page(1);
    BridgeClient b2 = page(1);
    BridgeClient c = page(2);
    sub(b1, "one", "public/unsub/x");
    sub(b2, "two", "public/unsub/x");
    sub(c, "fence", "public/unsub/fence");
    b1.command(new JsonObject().put("op", "unsub").put("id", "one"));
    b1.nextBody("unsuback");
    pub(a, "public/unsub/x", "still");
    assertEquals("still", message(b2, "public/unsub/x").getString("payload"));
    b2.command(new JsonObject().put("op", "unsub").put("id", "two"));
    b2.nextBody("unsuback");
    // The delta that withdraws the filter is not awaited by unsuback: give it the time a fence
    // takes.
    sub(b2, "fence", "public/unsub/fence2");
    long before = forwardedIn(1);
    pub(a, "public/unsub/x", "nobody");
    pub(a, "public/unsub/fence", "for C");
    message(c, "public/unsub/fence");
    pub(a, "public/unsub/fence2", "for B");
    message(b2, "public/unsub/fence2");
    assertEquals(1, forwardedIn(1) - before, "B got the fence only");
  }
}
