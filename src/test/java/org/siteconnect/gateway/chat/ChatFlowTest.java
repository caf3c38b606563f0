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
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/** The chat flow over the real page protocol and REST: trigger, accept, messages, resend, end, transcript. */
class ChatFlowTest {
  private static final String PASSWORD = "correct horse battery";
  private Vertx vertx;
  private int port;
  private JsonObject config;
  private Http http;
  private String admin;

  @BeforeEach
  void start() throws Exception {
    port = TestGateway.freePort();
    config = TestGateway.config(port)
        .put(
            "agents",
            new JsonObject()
                .put("maxWritesPerMinute", 1_000_000)
                .put("passwordIterations", 10_000)
                .put("disconnectGraceSeconds", 0));
    boot();
  }

  private void boot() throws Exception {
    vertx = Vertx.vertx();
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private BridgeClient page() throws Exception {
    BridgeClient p = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    p.hello(TestGateway.SITE);
    p.command(new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    p.nextBody("suback");
    return p;
  }

  private void agentAvailable() throws Exception {
    BridgeClient console = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    console.command(new JsonObject().put("op", "agent-hello").put("token", admin));
    console.nextBody("agent-session");
    assertEquals(
        200,
        http.send(
                "PUT",
                "/api/v1/me/buttons/acme/sales",
                new JsonObject().put("available", true),
                admin)
            .status());
  }

  private static void pub(BridgeClient p, String topic, JsonObject payload) {
    p.command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
  }

  private static JsonObject next(BridgeClient p, String topic) throws InterruptedException {
    return BridgeClient.body(p.next(f -> "msg".equals(BridgeClient.body(f).getString("op"))
            && topic.equals(BridgeClient.body(f).getString("topic"))))
        .getJsonObject("payload");
  }

  private static JsonObject nextState(BridgeClient p, String state) throws InterruptedException {
    return BridgeClient.body(p.next(f -> "msg".equals(BridgeClient.body(f).getString("op"))
            && "~pagesession/chat/state".equals(BridgeClient.body(f).getString("topic"))
            && state.equals(BridgeClient.body(f)
                .getJsonObject("payload", new JsonObject())
                .getString("state"))))
        .getJsonObject("payload");
  }

  @Test
  @DisplayName(
      "trigger → accept → three messages each way in order → a resend is dropped → end → rating hides the frame")
  void wholeChat() throws Exception {
    agentAvailable();
    BridgeClient visitor = page();
    pub(visitor, "~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    next(visitor, "~pagesession/show_frame");
    String chatId = nextState(visitor, "waiting").getString("chat_id");

    JsonArray chats = new JsonArray(http.get("/api/v1/chats", admin).body());
    assertEquals("waiting", chats.getJsonObject(0).getString("state"));
    assertEquals(
        200, http.post("/api/v1/chats/" + chatId + "/accept", null, admin).status());
    assertEquals(
        409,
        http.post("/api/v1/chats/" + chatId + "/accept", null, admin).status(),
        "accepted once");
    assertEquals("Administrator", nextState(visitor, "active").getString("agent_name"));
    assertTrue(next(visitor, "~pagesession/chat/message").getString("text").contains("joined"));

    List<Long> seqs = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      pub(
          visitor,
          "~pagesession/chat/send",
          new JsonObject().put("cid", "v" + i).put("text", "visitor " + i));
      JsonObject ack = next(visitor, "~pagesession/chat/ack");
      assertEquals("v" + i, ack.getString("cid"));
      Http.Response sent = http.post(
          "/api/v1/chats/" + chatId + "/messages",
          new JsonObject().put("cid", "a" + i).put("text", "<b>agent</b> " + i),
          admin);
      assertEquals(200, sent.status(), sent.body());
      seqs.add(ack.getLong("seq"));
      seqs.add(sent.json().getLong("seq"));
    }
    for (int i = 1; i < seqs.size(); i++) {
      assertTrue(seqs.get(i) > seqs.get(i - 1), "sequence numbers grow: " + seqs);
    }
    // A resend of a stored message is re-acknowledged with the same seq and not stored twice.
    pub(
        visitor,
        "~pagesession/chat/send",
        new JsonObject().put("cid", "v2").put("text", "visitor 2"));
    assertEquals(seqs.get(2), next(visitor, "~pagesession/chat/ack").getLong("seq"));
    assertEquals(
        200,
        http.post(
                "/api/v1/chats/" + chatId + "/messages",
                new JsonObject().put("cid", "a2").put("text", "<b>agent</b> 2"),
                admin)
            .status());

    JsonArray transcript =
        http.get("/api/v1/chats/" + chatId + "/messages", admin).json().getJsonArray("messages");
    List<String> texts =
        transcript.stream().map(o -> ((JsonObject) o).getString("text")).toList();
    assertEquals(
        List.of(
            "Administrator joined the chat",
            "visitor 1",
            "<b>agent</b> 1",
            "visitor 2",
            "<b>agent</b> 2",
            "visitor 3",
            "<b>agent</b> 3"),
        texts,
        "in order, HTML kept as text, no duplicates");

    // A client that reconnects asks for everything after its last seq.
    pub(visitor, "~pagesession/chat/sync", new JsonObject().put("after", seqs.get(3)));
    JsonArray history = next(visitor, "~pagesession/chat/history").getJsonArray("messages");
    assertEquals(2, history.size());

    assertEquals(200, http.post("/api/v1/chats/" + chatId + "/end", null, admin).status());
    JsonObject ended = nextState(visitor, "ended");
    assertEquals("ended", ended.getString("state"));
    assertEquals(
        "agent", ended.getString("ended_by"), "a code the widget says in the visitor's language");
    pub(
        visitor,
        "~pagesession/chat/rate",
        new JsonObject().put("chat_id", chatId).put("rating", 5));
    next(visitor, "~pagesession/hide_frame");
  }

  @Test
  @DisplayName("empty, oversize and non-text messages are refused with a clear error")
  void badMessages() throws Exception {
    agentAvailable();
    BridgeClient visitor = page();
    pub(visitor, "~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    String chatId = nextState(visitor, "waiting").getString("chat_id");
    http.post("/api/v1/chats/" + chatId + "/accept", null, admin);
    nextState(visitor, "active");
    pub(visitor, "~pagesession/chat/send", new JsonObject().put("cid", "e").put("text", "   "));
    assertEquals("empty", next(visitor, "~pagesession/chat/error").getString("code"));
    pub(
        visitor,
        "~pagesession/chat/send",
        new JsonObject().put("cid", "l").put("text", "x".repeat(4097)));
    assertEquals("too-long", next(visitor, "~pagesession/chat/error").getString("code"));
    pub(visitor, "~pagesession/chat/send", new JsonObject().put("cid", "n").put("text", 42));
    assertEquals("not-text", next(visitor, "~pagesession/chat/error").getString("code"));
    assertEquals(
        400,
        http.post(
                "/api/v1/chats/" + chatId + "/messages",
                new JsonObject().put("cid", "x").put("text", ""),
                admin)
            .status());
  }

  @Test
  @DisplayName(
      "with nobody available the visitor is told so and may leave a message that agents can read")
  void unavailableLeavesMessage() throws Exception {
    BridgeClient visitor = page();
    pub(visitor, "~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    nextState(visitor, "unavailable");
    pub(
        visitor,
        "~pagesession/chat/leave_message",
        new JsonObject()
            .put("button_id", "sales")
            .put("name", "Vi")
            .put("contact", "vi@example.org")
            .put("text", "please call back"));
    next(visitor, "~pagesession/chat/left");
    JsonArray left = new JsonArray(http.get("/api/v1/messages", admin).body());
    assertEquals("please call back", left.getJsonObject(0).getString("text"));
  }

  @Test
  @DisplayName("a transcript survives a gateway restart")
  void transcriptSurvivesRestart() throws Exception {
    agentAvailable();
    BridgeClient visitor = page();
    pub(visitor, "~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    String chatId = nextState(visitor, "waiting").getString("chat_id");
    http.post("/api/v1/chats/" + chatId + "/accept", null, admin);
    pub(
        visitor,
        "~pagesession/chat/send",
        new JsonObject().put("cid", "v1").put("text", "remember me"));
    next(visitor, "~pagesession/chat/ack");
    vertx.close().await(10, TimeUnit.SECONDS);
    boot();
    JsonArray transcript =
        http.get("/api/v1/chats/" + chatId + "/messages", admin).json().getJsonArray("messages");
    assertTrue(transcript.stream()
        .anyMatch(o -> "remember me".equals(((JsonObject) o).getString("text"))));
  }
}
