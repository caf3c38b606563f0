package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Issue 9: a visitor's connection dropped 100 times during a chat, sending while it is down. The client does
 * what the frame does — resume the session, resubscribe, resend what was not acknowledged, ask for everything
 * after its last sequence number — and in the end both sides have every message exactly once.
 */
class ReconnectChatTest {
  private static final String PASSWORD = "correct horse battery";
  private static final int DROPS = Integer.getInteger("sc.fuzz.drops", 100);
  private Vertx vertx;
  private int port;

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** The visitor side of a chat, with the frame's reconnect rules. */
  private final class Visitor {
    String resume;
    String chatId;
    String chatToken;
    long lastSeq;
    final Map<String, String> unacked = new LinkedHashMap<>();
    final TreeMap<Long, String> seen = new TreeMap<>();
    BridgeClient conn;

    void connect() throws Exception {
      conn = BridgeClient.connect(vertx, port, TestGateway.origin(port));
      JsonObject session = conn.hello(TestGateway.SITE, resume);
      resume = session.getString("resume");
      conn.command(
          new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
      conn.nextBody("suback");
      if (chatId != null) {
        unacked.forEach(this::publishSend);
        publish(
            "~pagesession/chat/sync",
            new JsonObject().put("after", lastSeq).put("chat_id", chatId).put("token", chatToken));
        JsonObject history = payloadOf("~pagesession/chat/history");
        history.getJsonArray("messages").forEach(m -> record((JsonObject) m));
      }
    }

    void publish(String topic, JsonObject payload) {
      conn.command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
    }

    void publishSend(String cid, String text) {
      publish("~pagesession/chat/send", new JsonObject().put("cid", cid).put("text", text));
    }

    JsonObject payloadOf(String topic) throws InterruptedException {
      return BridgeClient.body(
              conn.next(f -> topic.equals(BridgeClient.body(f).getString("topic"))))
          .getJsonObject("payload");
    }

    void record(JsonObject m) {
      long seq = m.getLong("seq");
      seen.putIfAbsent(seq, m.getString("text"));
      lastSeq = Math.max(lastSeq, seq);
      if ("visitor".equals(m.getString("from"))) {
        unacked.remove(m.getString("cid"));
      }
    }

    /** Takes every frame that has arrived: acks and messages. */
    void absorb() {
      conn.drainMatching(f -> {
        JsonObject b = BridgeClient.body(f);
        if ("~pagesession/chat/ack".equals(b.getString("topic"))) {
          unacked.remove(b.getJsonObject("payload").getString("cid"));
        } else if ("~pagesession/chat/message".equals(b.getString("topic"))) {
          record(b.getJsonObject("payload"));
        }
      });
    }
  }

  @Test
  @DisplayName("100 dropped connections mid-chat: no message lost, none doubled, on either side")
  void dropsLoseNothing() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    TestGateway.start(
        vertx,
        TestGateway.config(port)
            .put(
                "agents",
                new JsonObject()
                    .put("maxWritesPerMinute", 1_000_000)
                    .put("passwordIterations", 10_000)
                    .put("disconnectGraceSeconds", 600))
            .put("chat", new JsonObject().put("maxMessagesPerMinute", 10_000)),
        Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    Http http = new Http(port);
    String admin = http.login("admin", PASSWORD);
    BridgeClient console = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    console.command(new JsonObject().put("op", "agent-hello").put("token", admin));
    console.nextBody("agent-session");
    http.send(
        "PUT", "/api/v1/me/buttons/acme/sales", new JsonObject().put("available", true), admin);

    Visitor v = new Visitor();
    v.connect();
    v.publish("~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    JsonObject state;
    do {
      state = v.payloadOf("~pagesession/chat/state");
    } while (!"waiting".equals(state.getString("state")));
    v.chatId = state.getString("chat_id");
    v.chatToken = state.getString("token");
    assertEquals(
        200, http.post("/api/v1/chats/" + v.chatId + "/accept", null, admin).status());

    List<String> sentByVisitor = new ArrayList<>();
    List<String> sentByAgent = new ArrayList<>();
    for (int i = 0; i < DROPS; i++) {
      String cid = "v" + i;
      String text = "visitor " + i;
      v.unacked.put(cid, text);
      sentByVisitor.add(text);
      v.publishSend(cid, text); // may or may not make it before the drop
      v.conn.close(); // the drop
      String agentText = "agent " + i; // the agent talks while the visitor is away
      assertEquals(
          200,
          http.post(
                  "/api/v1/chats/" + v.chatId + "/messages",
                  new JsonObject().put("cid", "a" + i).put("text", agentText),
                  admin)
              .status());
      sentByAgent.add(agentText);
      v.connect(); // resume, resubscribe, resend unacked, sync after lastSeq
      v.absorb();
    }
    // settle: one last sync after everything
    v.publish("~pagesession/chat/sync", new JsonObject().put("after", v.lastSeq));
    v.payloadOf("~pagesession/chat/history")
        .getJsonArray("messages")
        .forEach(m -> v.record((JsonObject) m));
    v.absorb();

    JsonArray transcript =
        http.get("/api/v1/chats/" + v.chatId + "/messages", admin).json().getJsonArray("messages");
    List<String> stored = transcript.stream()
        .map(o -> ((JsonObject) o).getString("text"))
        .filter(t -> !t.endsWith("joined the chat"))
        .toList();
    List<String> storedVisitor =
        stored.stream().filter(t -> t.startsWith("visitor ")).toList();
    List<String> storedAgent =
        stored.stream().filter(t -> t.startsWith("agent ")).toList();
    assertEquals(sentByVisitor, storedVisitor, "every visitor message stored once, in order");
    assertEquals(sentByAgent, storedAgent, "every agent message stored once, in order");
    List<String> visitorView =
        v.seen.values().stream().filter(t -> !t.endsWith("joined the chat")).toList();
    assertEquals(stored, visitorView, "the visitor sees exactly the transcript");
    assertEquals(Map.of(), v.unacked, "nothing left unacknowledged");
  }
}
