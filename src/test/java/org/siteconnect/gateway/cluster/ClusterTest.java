package org.siteconnect.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.ClusterFixture;
import org.siteconnect.gateway.support.ClusterNodes;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Three gateway JVMs in one cluster: what a page on one node, an agent on another and a backend on a third
 * see together (DESIGN §9).
 */
class ClusterTest extends ClusterFixture {
  /** The smallest session lifetime the configuration takes: a page's session ends 10 s after its {@code bye}. */
  private static final int SESSION_GRACE_SECONDS = 10;

  @Override
  protected int nodeCount() {
    return 3;
  }

  @Override
  protected JsonObject nodeConfig() {
    return new JsonObject()
        .put("sessions", new JsonObject().put("codeTtlSeconds", SESSION_GRACE_SECONDS));
  }

  private static JsonObject payloadOn(BridgeClient c, String topic, Predicate<JsonObject> wanted)
      throws InterruptedException {
    return c.nextPayload(topic, wanted, 15_000);
  }

  @Test
  @DisplayName(
      "a backend publishing on node C reaches pages on A and B, through exact and wildcard filters, once")
  void backendPublishReachesEveryNode() throws Exception {
    BridgeClient a = page(0);
    BridgeClient b = page(1);
    a.subscribe("exact", "public/news/today");
    b.subscribe("wild", "public/+/today");
    Http c = new Http(nodes.port(2));
    Http.Response r = c.send(
        "POST",
        "/api/v1/publish",
        new JsonObject()
            .put("topic", "public/news/today")
            .put("payload", new JsonObject().put("n", 1)),
        null,
        "X-Api-Key",
        ClusterNodes.API_KEY);
    assertEquals(202, r.status(), r.body());
    assertEquals(1, a.nextMessage("public/news/today").getJsonObject("payload").getInteger("n"));
    assertEquals(1, b.nextMessage("public/news/today").getJsonObject("payload").getInteger("n"));
    a.assertNone(f -> "msg".equals(BridgeClient.body(f).getString("op")), 300);
    b.assertNone(f -> "msg".equals(BridgeClient.body(f).getString("op")), 300);
  }

  @Test
  @DisplayName(
      "a retained message published on one node is what a page subscribing on another node gets")
  void retainedIsTheSameEverywhere() throws Exception {
    Http a = new Http(nodes.port(0));
    assertEquals(
        202,
        a.send(
                "POST",
                "/api/v1/publish",
                new JsonObject()
                    .put("topic", "public/motd")
                    .put("payload", "hello from A")
                    .put("retain", true),
                null,
                "X-Api-Key",
                ClusterNodes.API_KEY)
            .status());
    BridgeClient onA = page(0);
    onA.subscribe(
        "motd", "public/motd"); // once A has it retained, the forward to B and C went out before
    assertEquals("hello from A", onA.nextMessage("public/motd").getString("payload"));
    for (int node : new int[] {1, 2}) {
      BridgeClient p = page(node);
      p.subscribe("motd", "public/motd");
      JsonObject m = p.nextMessage("public/motd");
      assertEquals("hello from A", m.getString("payload"));
      assertTrue(m.getBoolean("retained"), "delivered as retained on node " + node);
    }
  }

  @Test
  @DisplayName(
      "a page's retained message, kept by every node, is deleted on every node when its session ends")
  void pageRetainedEndsWithTheSessionEverywhere() throws Exception {
    BridgeClient writer = page(0);
    writer.command(new JsonObject()
        .put("op", "pub")
        .put("topic", "public/left-by-page")
        .put("payload", "mine")
        .put("retain", true)
        .put("mid", "r"));
    writer.nextBody("puback");
    BridgeClient reader = page(1);
    reader.subscribe("first", "public/left-by-page");
    assertEquals(
        "mine",
        reader.nextMessage("public/left-by-page").getString("payload"),
        "node B keeps a copy");
    writer.command(new JsonObject().put("op", "bye"));
    writer.close();
    long deadline =
        System.currentTimeMillis() + 30_000; // bye: the session ends after the resume grace
    int probe = 0;
    boolean gone = false;
    while (!gone && System.currentTimeMillis() < deadline) {
      Thread.sleep(1_000); // the session service's clock: nothing to await from here
      String id = "probe-" + probe++;
      reader.subscribe(id, "public/left-by-page");
      reader.fence();
      boolean[] seen = {false};
      reader.drainMatching(
          f -> seen[0] |= "public/left-by-page".equals(BridgeClient.body(f).getString("topic")));
      gone = !seen[0];
      reader.command(new JsonObject().put("op", "unsub").put("id", id));
    }
    assertTrue(gone, "the retained message outlived its session on node B");
  }

  @Test
  @DisplayName("contact codes are unique across the cluster")
  void codesUniqueClusterWide() throws Exception {
    Set<String> codes = new HashSet<>();
    int sessions = 0;
    for (int i = 0; i < 30; i++) {
      BridgeClient p = connect(i % 3);
      codes.add(p.hello(TestGateway.SITE).getString("code"));
      sessions++;
    }
    assertEquals(sessions, codes.size(), "every session has its own code: " + codes);
  }

  @Test
  @DisplayName(
      "page on A, agent on B: the button turns on, one chat per trigger, messages both ways")
  void chatAcrossNodes() throws Exception {
    Http http = new Http(nodes.port(1));
    String token = http.login("admin", ClusterNodes.ADMIN_PASSWORD);
    BridgeClient agent = console(1, token);
    agent.subscribe("queue", "$agents/acme/chat_queue/sales");
    agent.subscribe("chats", "$agents/acme/chats/sales/#");
    BridgeClient visitor = page(0);
    visitor.subscribe("button", "$sites/acme/chat_button/sales");
    visitor.subscribe("mine", "~pagesession/#");
    assertEquals(
        200,
        new Http(nodes.port(2))
            .send(
                "PUT",
                "/api/v1/me/buttons/acme/sales",
                new JsonObject().put("available", true),
                token)
            .status());
    payloadOn(
        visitor, "$sites/acme/chat_button/sales", p -> "enabled".equals(p.getString("state")));

    // Trigger from pages on all three nodes: the shared subscription hands each to one chat
    // service, once.
    List<BridgeClient> others = List.of(page(1), page(2));
    visitor.publish("~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    for (BridgeClient o : others) {
      o.publish("~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    }
    JsonObject waiting =
        payloadOn(visitor, "~pagesession/chat/state", p -> "waiting".equals(p.getString("state")));
    String chatId = waiting.getString("chat_id");
    // The agents' queue topic says when all three are stored; then the REST list must hold exactly
    // three.
    payloadOn(
        agent,
        "$agents/acme/chat_queue/sales",
        p -> p.getJsonArray("waiting", new JsonArray()).size() >= 3);
    JsonArray listed =
        new JsonArray(new JsonArray(http.get("/api/v1/chats", token).body())
            .stream()
                .filter(o -> "waiting".equals(((JsonObject) o).getString("state")))
                .toList());
    assertEquals(3, listed.size(), "three triggers, three chats: " + listed);

    assertEquals(
        200, http.post("/api/v1/chats/" + chatId + "/accept", null, token).status());
    payloadOn(visitor, "~pagesession/chat/state", p -> "active".equals(p.getString("state")));
    visitor.publish(
        "~pagesession/chat/send", new JsonObject().put("cid", "v1").put("text", "hello from A"));
    payloadOn(visitor, "~pagesession/chat/ack", p -> "v1".equals(p.getString("cid")));
    payloadOn(agent, "$agents/acme/chats/sales/" + chatId + "/message", p -> "hello from A"
        .equals(p.getString("text")));
    assertEquals(
        200,
        http.post(
                "/api/v1/chats/" + chatId + "/messages",
                new JsonObject().put("cid", "a1").put("text", "hello from B"),
                token)
            .status());
    payloadOn(
        visitor, "~pagesession/chat/message", p -> "hello from B".equals(p.getString("text")));
  }

  @Test
  @DisplayName("co-browse: the agent on C redeems the code of a page on A and watches its events")
  void cobrowseAcrossNodes() throws Exception {
    Http http = new Http(nodes.port(2));
    String token = http.login("admin", ClusterNodes.ADMIN_PASSWORD);
    BridgeClient agent = console(2, token);
    BridgeClient visitor = connect(0);
    String code = visitor.hello(TestGateway.SITE).getString("code");
    visitor.subscribe("mine", "~pagesession/#");
    Http.Response redeemed =
        http.post("/api/v1/cobrowse", new JsonObject().put("code", code), token);
    assertEquals(200, redeemed.status(), redeemed.body());
    String id = redeemed.json().getString("cobrowse_id");
    agent.subscribe("cb", "$agents/acme/cobrowse/admin/" + id + "/#");
    JsonObject ask = payloadOn(
        visitor,
        "~pagesession/cobrowsing/consent_request",
        p -> id.equals(p.getString("cobrowse_id")));
    visitor.command(new JsonObject()
        .put("op", "consent")
        .put("cobrowse_id", ask.getString("cobrowse_id"))
        .put("allow", true));
    payloadOn(visitor, "~pagesession/cobrowsing/start", p -> id.equals(p.getString("cobrowse_id")));
    visitor.publish(
        "~pagesession/cobrowsing/events",
        new JsonObject()
            .put(
                "events",
                new JsonArray().add(new JsonObject().put("type", 2).put("data", "snapshot"))));
    JsonObject events = payloadOn(
        agent, "$agents/acme/cobrowse/admin/" + id + "/events", p -> p.containsKey("events"));
    assertEquals("snapshot", events.getJsonArray("events").getJsonObject(0).getString("data"));
    Http.Response again = http.post("/api/v1/cobrowse", new JsonObject().put("code", code), token);
    assertEquals(404, again.status(), "the code died on redemption, cluster-wide");
    // The refusal crossed from the leader with its code (the ServiceError codec), not only its
    // status.
    assertEquals(
        "invalid-code", again.json().getJsonObject("error").getString("code"), again.body());
  }
}
