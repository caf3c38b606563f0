package org.siteconnect.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.ClusterFixture;
import org.siteconnect.gateway.support.ClusterNodes;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Two gateway JVMs (node 0, started first, is the leader and runs the co-browse service): a co-browse whose
 * visitor and agent are both on node 1 is relayed on node 1, never through the leader; one whose agent is on
 * the other node goes through the leader as before (docs/COBROWSE.md, issue 22).
 */
class ClusterCobrowseRelayTest extends ClusterFixture {
  private static final int LEADER = 0;
  private static final int OTHER = 1;
  private static final int BATCHES = 40;

  private String token;

  /** A co-browse under way: the visitor's page, the agent's console, its id and events topic. */
  private record Live(BridgeClient visitor, BridgeClient agent, String id, String events) {}

  @Override
  protected int nodeCount() {
    return 2;
  }

  @BeforeAll
  void signIn() throws Exception {
    token = new Http(nodes.port(OTHER)).login("admin", ClusterNodes.ADMIN_PASSWORD);
  }

  /** The visitor on {@code visitorNode} consents to the agent watching from {@code agentNode}. */
  private Live start(int visitorNode, int agentNode) throws Exception {
    BridgeClient agent = console(agentNode, token);
    BridgeClient visitor = connect(visitorNode);
    String code = visitor.hello(TestGateway.SITE).getString("code");
    visitor.subscribe("mine", "~pagesession/#");
    Http.Response redeemed = new Http(nodes.port(agentNode))
        .post("/api/v1/cobrowse", new JsonObject().put("code", code), token);
    assertEquals(200, redeemed.status(), redeemed.body());
    String id = redeemed.json().getString("cobrowse_id");
    agent.subscribe("cb", "$agents/acme/cobrowse/admin/" + id + "/#");
    visitor.nextPayload(
        "~pagesession/cobrowsing/consent_request",
        p -> id.equals(p.getString("cobrowse_id")),
        15_000);
    visitor.command(
        new JsonObject().put("op", "consent").put("cobrowse_id", id).put("allow", true));
    visitor.nextPayload(
        "~pagesession/cobrowsing/start", p -> id.equals(p.getString("cobrowse_id")), 15_000);
    return new Live(visitor, agent, id, "$agents/acme/cobrowse/admin/" + id + "/events");
  }

  private static void batch(BridgeClient visitor, int seq, boolean full) {
    visitor.command(new JsonObject()
        .put("op", "pub")
        .put("topic", "~pagesession/cobrowsing/events")
        .put(
            "payload",
            new JsonObject()
                .put("full", full)
                .put("rid", "r1")
                .put(
                    "events",
                    new JsonArray().add(new JsonObject().put("type", 3).put("seq", seq)))));
  }

  /** Sends a full snapshot and then incremental batches; the agent must get every one, in order. */
  private static void streamAndCheck(Live live) throws Exception {
    for (int i = 0; i < BATCHES; i++) {
      batch(live.visitor(), i, i == 0);
    }
    for (int i = 0; i < BATCHES; i++) {
      JsonObject got =
          live.agent().nextPayload(live.events(), p -> p.containsKey("events"), 15_000);
      assertEquals(
          i, got.getJsonArray("events").getJsonObject(0).getInteger("seq"), "batch in order");
      assertEquals(i == 0, got.getBoolean("full"));
    }
  }

  /** {@code sc_cobrowse_relayed_events_total{path=...}} on a node (0 before its first batch). */
  private double relayed(int node, String path) throws Exception {
    String prefix = "sc_cobrowse_relayed_events_total{path=\"" + path + "\"";
    return metrics(node)
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static boolean eventsOn(JsonObject frame, Live live) {
    JsonObject body = BridgeClient.body(frame);
    return "msg".equals(body.getString("op")) && live.events().equals(body.getString("topic"));
  }

  /** Batches relayed so far: by the leader's co-browse service, and on node 1 by its same-node relay. */
  private record Counts(double leader, double local) {
    Counts since(Counts before) {
      return new Counts(leader - before.leader, local - before.local);
    }
  }

  private Counts counts() throws Exception {
    return new Counts(relayed(LEADER, "leader"), relayed(OTHER, "local"));
  }

  /** A co-browse of a page on node 1 watched from {@code agentNode}: every batch in order, by the path expected. */
  private void streamedVia(int agentNode, Counts expected) throws Exception {
    Live live = start(OTHER, agentNode);
    Counts before = counts();
    streamAndCheck(live);
    assertEquals(expected, counts().since(before));
  }

  @Test
  @DisplayName(
      "visitor and agent on node 1: every batch reaches the agent in order, relayed on node 1, none by the leader")
  void sameNodeIsRelayedThere() throws Exception {
    streamedVia(OTHER, new Counts(0, BATCHES));
  }

  @Test
  @DisplayName(
      "visitor on node 1, agent on node 0: the batches go through the leader, every one, in order")
  void crossNodeGoesThroughTheLeader() throws Exception {
    streamedVia(LEADER, new Counts(BATCHES, 0));
  }

  @Test
  @DisplayName(
      "the visitor stops on node 1: a batch sent right after the stop never reaches the agent on node 1")
  void visitorStopEndsTheRelayAtOnce() throws Exception {
    Live live = start(OTHER, OTHER);
    streamAndCheck(live);
    Counts before = counts();
    live.visitor()
        .command(new JsonObject()
            .put("op", "pub")
            .put("topic", "~pagesession/cobrowsing/end")
            .put("payload", new JsonObject().put("reason", "visitor")));
    for (int i = 0; i < 5; i++) {
      batch(live.visitor(), 1000 + i, i == 0);
    }
    live.agent()
        .nextPayload(
            "$agents/acme/cobrowse/admin/" + live.id() + "/state",
            p -> "ended".equals(p.getString("state")),
            15_000);
    live.visitor().fence();
    live.agent().assertNone(f -> eventsOn(f, live), 500);
    assertEquals(new Counts(0, 0), counts().since(before), "nothing relayed after the stop");
  }

  @Test
  @DisplayName(
      "the agent stops on node 0 (the leader): once the console hears it ended, the visitor's batches go nowhere")
  void agentStopOnTheOtherNodeEndsTheRelay() throws Exception {
    Live live = start(OTHER, OTHER);
    streamAndCheck(live);
    Http.Response stopped =
        new Http(nodes.port(LEADER)).post("/api/v1/cobrowse/" + live.id() + "/stop", null, token);
    assertTrue(stopped.status() < 300, stopped.status() + " " + stopped.body());
    live.agent()
        .nextPayload(
            "$agents/acme/cobrowse/admin/" + live.id() + "/state",
            p -> "ended".equals(p.getString("state")),
            15_000);
    Counts before = counts();
    for (int i = 0; i < 5; i++) {
      batch(live.visitor(), 2000 + i, i == 0);
    }
    live.visitor().fence();
    live.agent().assertNone(f -> eventsOn(f, live), 500);
    assertEquals(new Counts(0, 0), counts().since(before), "neither node 1 nor the leader relays");
  }

  @Test
  @DisplayName(
      "another page session on node 1 publishing events is refused: the agent gets only the co-browsed page's batches")
  void forgedBatchFromAnotherSessionIsRefused() throws Exception {
    Live live = start(OTHER, OTHER);
    BridgeClient intruder = connect(OTHER);
    intruder.hello(TestGateway.SITE);
    batch(live.visitor(), 0, true);
    live.agent().nextPayload(live.events(), p -> p.containsKey("events"), 15_000);
    Counts before = counts();
    for (int i = 0; i < 5; i++) {
      batch(intruder, 666, i == 0);
    }
    intruder.fence();
    batch(live.visitor(), 1, false);
    JsonObject next = live.agent().nextPayload(live.events(), p -> p.containsKey("events"), 15_000);
    assertEquals(1, next.getJsonArray("events").getJsonObject(0).getInteger("seq"));
    live.agent().assertNone(f -> eventsOn(f, live), 500);
    assertEquals(
        new Counts(0, 1),
        counts().since(before),
        "only the visitor's batch, relayed on node 1; the leader refused the forged ones");
  }
}
