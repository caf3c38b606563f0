package org.siteconnect.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.ClusterFixture;

/**
 * Three gateway JVMs: a publish goes to the nodes whose pages subscribe to it, and to no other (DESIGN §9,
 * cluster forwarding).
 */
class ClusterForwardingTest extends ClusterFixture {
  private static final Pattern FORWARDED_IN =
      Pattern.compile("sc_cluster_forwarded_total\\{direction=\"in\",?\\} ([0-9.E]+)");

  @Override
  protected int nodeCount() {
    return 3;
  }

  /** Publishes forwarded to this node's router so far (its {@code /metrics}). */
  private long forwardedIn(int node) throws Exception {
    Matcher m = FORWARDED_IN.matcher(metrics(node));
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  @DisplayName(
      "a page's publish reaches a wildcard subscriber on another node; the node without a matching page gets nothing")
  void onlyMatchingNodesAreForwardedTo() throws Exception {
    BridgeClient a = page(0);
    BridgeClient b = page(1);
    BridgeClient c = page(2);
    b.subscribe("wild", "public/fwd/+/today");
    c.subscribe("other", "public/fwd-other");
    long beforeB = forwardedIn(1);
    long beforeC = forwardedIn(2);
    for (int i = 0; i < 20; i++) {
      a.publish("public/fwd/news/today", new JsonObject().put("n", i));
    }
    for (int i = 0; i < 20; i++) {
      assertEquals(
          i, b.nextMessage("public/fwd/news/today").getJsonObject("payload").getInteger("n"));
    }
    // Sent after the twenty: once C has it, anything forwarded to C before it has arrived too.
    a.publish("public/fwd-other", "for C");
    assertEquals("for C", c.nextMessage("public/fwd-other").getString("payload"));
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
      subscriber.subscribe(
          "race-" + i, topic); // a filter no page used before: the other nodes learn it now
      a.publish(topic, i);
      assertEquals(i, subscriber.nextMessage(topic).getInteger("payload"), "publish " + i);
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
    b1.subscribe("one", "public/unsub/x");
    b2.subscribe("two", "public/unsub/x");
    c.subscribe("fence", "public/unsub/fence");
    b1.command(new JsonObject().put("op", "unsub").put("id", "one"));
    b1.nextBody("unsuback");
    a.publish("public/unsub/x", "still");
    assertEquals("still", b2.nextMessage("public/unsub/x").getString("payload"));
    b2.command(new JsonObject().put("op", "unsub").put("id", "two"));
    b2.nextBody("unsuback");
    // The delta that withdraws the filter is not awaited by unsuback: give it the time a fence
    // takes.
    b2.subscribe("fence", "public/unsub/fence2");
    long before = forwardedIn(1);
    a.publish("public/unsub/x", "nobody");
    a.publish("public/unsub/fence", "for C");
    c.nextMessage("public/unsub/fence");
    a.publish("public/unsub/fence2", "for B");
    b2.nextMessage("public/unsub/fence2");
    assertEquals(1, forwardedIn(1) - before, "B got the fence only");
  }
}
