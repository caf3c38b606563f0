package org.siteconnect.gateway.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.AgentConsoles;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/** Presence truth (docs/LIFECYCLE.md): requests of gone pages leave the queue; the chat's agent sees left/back/tab state. */
class VisitorPresenceTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String QUEUE = "$agents/acme/chat_queue/sales";
  private static final String VISITOR = "$agents/acme/visitor/admin/";
  private Vertx vertx;
  private int port;
  private Http http;
  private String admin;
  private BridgeClient console;

  @BeforeEach
  void start() throws Exception {
    port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port)
        .put(
            "agents",
            new JsonObject()
                .put("maxWritesPerMinute", 1_000_000)
                .put("passwordIterations", 10_000)
                .put("disconnectGraceSeconds", 0))
        .put("chat", new JsonObject().put("visitorGraceSeconds", 1));
    vertx = Vertx.vertx();
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
    console = AgentConsoles.available(vertx, port, http, admin, "acme/sales");
    for (String filter : List.of(QUEUE, VISITOR + "#")) {
      console.command(new JsonObject().put("op", "sub").put("id", filter).put("filter", filter));
      assertTrue(console.nextBody("suback").getBoolean("granted"), filter);
    }
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private record Visitor(BridgeClient page, String resume, String chatId) {}

  private Visitor request() throws Exception {
    BridgeClient p = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    String resume = p.hello(TestGateway.SITE).getString("resume");
    p.command(new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    p.nextBody("suback");
    pub(p, "~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    String chatId = p.nextPayload(
            "~pagesession/chat/state", s -> "waiting".equals(s.getString("state")), 5_000)
        .getString("chat_id");
    return new Visitor(p, resume, chatId);
  }

  private BridgeClient reconnect(Visitor v) throws Exception {
    BridgeClient p = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    JsonObject session = p.hello(TestGateway.SITE, v.resume());
    assertTrue(session.getBoolean("resumed"), session.encode());
    return p;
  }

  private static void pub(BridgeClient p, String topic, JsonObject payload) {
    p.command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
  }

  private static List<String> ids(JsonObject queue) {
    List<String> out = new ArrayList<>();
    queue
        .getJsonArray("waiting", new JsonArray())
        .forEach(o -> out.add(((JsonObject) o).getString("id")));
    return out;
  }

  private JsonObject chat(String id) throws Exception {
    JsonArray all = new JsonArray(http.get("/api/v1/chats", admin).body());
    for (Object o : all) {
      if (id.equals(((JsonObject) o).getString("id"))) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("no chat " + id + " in " + all.encode());
  }

  @Test
  @DisplayName(
      "a request whose page closed leaves the queue after the grace (visitor-left); one whose page came back stays")
  void goneRequestsLeaveTheQueue() throws Exception {
    Visitor gone = request();
    Visitor back = request();
    console.nextPayload(
        QUEUE, q -> ids(q).containsAll(List.of(gone.chatId(), back.chatId())), 5_000);

    long closed = System.currentTimeMillis();
    gone.page().close(); // the tab was killed: no bye
    back.page().close();
    BridgeClient again = reconnect(back); // a reload / network blip within the grace

    JsonObject queue = console.nextPayload(QUEUE, q -> !ids(q).contains(gone.chatId()), 10_000);
    long took = System.currentTimeMillis() - closed;
    assertTrue(took >= 900, "not before the grace: " + took + " ms");
    assertEquals(
        List.of(back.chatId()), ids(queue), "the request whose page came back still waits");
    assertEquals("ended", chat(gone.chatId()).getString("state"));
    assertEquals("visitor-left", chat(gone.chatId()).getString("endedBy"));
    // Well past the grace of the page that came back: its request is still there, and can be
    // accepted.
    console.drainSeen();
    console.assertNone(
        f -> "msg".equals(BridgeClient.body(f).getString("op"))
            && QUEUE.equals(BridgeClient.body(f).getString("topic")),
        1_500);
    assertEquals("waiting", chat(back.chatId()).getString("state"));
    assertEquals(
        200,
        http.post("/api/v1/chats/" + back.chatId() + "/accept", null, admin).status());
    again.close();
  }

  @Test
  @DisplayName(
      "in an open chat the agent sees the tab state (bounded, last one wins), 'left' after the grace and 'back'")
  void agentSeesPresence() throws Exception {
    Visitor v = request();
    assertEquals(
        200, http.post("/api/v1/chats/" + v.chatId() + "/accept", null, admin).status());
    v.page()
        .nextPayload("~pagesession/chat/state", s -> "active".equals(s.getString("state")), 5_000);
    String topic = VISITOR + v.chatId();

    pub(v.page(), "~pagesession/chat/presence", new JsonObject().put("state", "away"));
    assertEquals("away", console.nextPayload(topic, p -> true, 5_000).getString("presence"));

    // A burst of 40 changes (within the bridge's rate) in a few milliseconds: at most one relay per
    // second, and the last
    // state arrives.
    long t0 = System.currentTimeMillis();
    for (int i = 0; i < 40; i++) {
      pub(
          v.page(),
          "~pagesession/chat/presence",
          new JsonObject().put("state", i % 2 == 0 ? "reading" : "away"));
    }
    pub(v.page(), "~pagesession/chat/presence", new JsonObject().put("state", "reading"));
    JsonObject last = console.nextPayload(topic, p -> true, 5_000);
    assertEquals("reading", last.getString("presence"));
    assertTrue(System.currentTimeMillis() - t0 >= 500, "held until the relay interval is over");
    console.drainSeen();
    console.assertNone(
        f -> "msg".equals(BridgeClient.body(f).getString("op"))
            && topic.equals(BridgeClient.body(f).getString("topic")),
        1_500);

    v.page().close();
    assertEquals("left", console.nextPayload(topic, p -> true, 10_000).getString("presence"));
    assertEquals("active", chat(v.chatId()).getString("state"), "the chat stays open");
    BridgeClient again = reconnect(v);
    assertEquals("back", console.nextPayload(topic, p -> true, 5_000).getString("presence"));
    again.close();
  }

  @Test
  @DisplayName("another agent serving the same button cannot read the chat's presence topic")
  void onlyTheHolderReads() throws Exception {
    assertEquals(
        201,
        http.post(
                "/api/v1/agents",
                new JsonObject()
                    .put("login", "bob")
                    .put("name", "Bob")
                    .put("password", "bob-secret-password")
                    .put("roles", new JsonArray().add("agent"))
                    .put("buttons", new JsonArray().add("acme/sales")),
                admin)
            .status());
    String bob = http.login("bob", "bob-secret-password");
    BridgeClient other = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    other.command(new JsonObject().put("op", "agent-hello").put("token", bob));
    other.nextBody("agent-session");
    other.command(new JsonObject().put("op", "sub").put("id", "spy").put("filter", VISITOR + "#"));
    assertEquals(false, other.nextBody("suback").getBoolean("granted"), "admin's chats");
    other.command(new JsonObject()
        .put("op", "sub")
        .put("id", "wild")
        .put("filter", "$agents/acme/visitor/+/#"));
    assertEquals(false, other.nextBody("suback").getBoolean("granted"), "a wildcard login");
    other.command(new JsonObject()
        .put("op", "sub")
        .put("id", "own")
        .put("filter", "$agents/acme/visitor/bob/#"));
    assertEquals(true, other.nextBody("suback").getBoolean("granted"), "its own");
    other.close();
  }
}
