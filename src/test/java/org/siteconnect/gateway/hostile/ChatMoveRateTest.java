package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
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
import org.siteconnect.gateway.support.Eventually;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * A chat's visitor rate belongs to the chat, not to the page session that holds it: moving the chat to a new
 * session ({@code chat/sync} with its id and token) does not start a new minute, and a chat is not taken from
 * a session that still has a live connection.
 */
class ChatMoveRateTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String STATE = "~pagesession/chat/state";
  private static final String HISTORY = "~pagesession/chat/history";
  private static final int PER_MINUTE = 30;
  private Vertx vertx;
  private int port;
  private Http http;
  private String admin;
  private final List<BridgeClient> sockets = new ArrayList<>();
  private String chatId;
  private String chatToken;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    TestGateway.start(
        vertx,
        TestGateway.config(port)
            .put("chat", new JsonObject().put("maxMessagesPerMinute", PER_MINUTE)),
        Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
    BridgeClient console = socket();
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

  @AfterEach
  void stop() throws Exception {
    sockets.forEach(BridgeClient::close);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private BridgeClient socket() throws Exception {
    BridgeClient c = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    sockets.add(c);
    return c;
  }

  /** A page socket of a new session, reading its session topics. */
  private BridgeClient newSession() throws Exception {
    BridgeClient p = socket();
    assertEquals("session", p.hello(TestGateway.SITE).getString("op"));
    p.subscribe("all", "~pagesession/#");
    return p;
  }

  /** An active chat on a new session's page. */
  private BridgeClient activeChat() throws Exception {
    BridgeClient p = newSession();
    p.publish("~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    JsonObject waiting = p.nextPayload(STATE, s -> "waiting".equals(s.getString("state")), 5000);
    chatId = waiting.getString("chat_id");
    chatToken = waiting.getString("token");
    assertEquals(
        200, http.post("/api/v1/chats/" + chatId + "/accept", null, admin).status());
    p.nextPayload(STATE, s -> "active".equals(s.getString("state")), 5000);
    return p;
  }

  /** The state a sync with the chat's id and token answers. */
  private String sync(BridgeClient p) throws InterruptedException {
    p.publish(
        "~pagesession/chat/sync",
        new JsonObject().put("after", 0).put("chat_id", chatId).put("token", chatToken));
    return p.nextPayload(HISTORY, h -> true, 5000).getString("state");
  }

  /** Sends {@code n} lines; returns how many were acknowledged (the rest got rate-limited). */
  private int send(BridgeClient p, String prefix, int n) throws InterruptedException {
    for (int i = 0; i < n; i++) {
      p.publish(
          "~pagesession/chat/send",
          new JsonObject().put("cid", prefix + i).put("text", prefix + i));
    }
    int acked = 0;
    for (int i = 0; i < n; i++) {
      JsonObject f = BridgeClient.body(p.next(x -> {
        String topic = BridgeClient.body(x).getString("topic", "");
        return topic.equals("~pagesession/chat/ack") || topic.equals("~pagesession/chat/error");
      }));
      if (f.getString("topic").endsWith("/ack")) {
        acked++;
      } else {
        assertEquals("rate-limited", f.getJsonObject("payload").getString("code"), f.encode());
      }
    }
    return acked;
  }

  private long storedVisitorLines() throws Exception {
    return http
        .get("/api/v1/chats/" + chatId + "/messages", admin)
        .json()
        .getJsonArray("messages")
        .stream()
        .filter(m -> "visitor".equals(((JsonObject) m).getString("from")))
        .count();
  }

  @Test
  @DisplayName(
      "a chat moved through six new sessions (a reload each) stores at most chat.maxMessagesPerMinute visitor lines a minute")
  void moveKeepsTheCount() throws Exception {
    BridgeClient page = activeChat();
    int acked = send(page, "s0-", 40);
    for (int s = 1; s <= 5; s++) {
      page.command(new JsonObject().put("op", "bye"));
      page.close(); // the old page is gone: a reload whose session could not be resumed
      BridgeClient next = newSession();
      // the reload case still works: the new session takes the chat back once the old page is gone
      Eventually.until("the chat moved", Duration.ofSeconds(5), () -> sync(next), "active"::equals);
      page = next;
      acked += send(page, "s" + s + "-", 40);
    }
    assertEquals(PER_MINUTE, acked, "acknowledged over six sessions");
    assertEquals(PER_MINUTE, storedVisitorLines(), "stored over six sessions");
  }

  @Test
  @DisplayName("a new session cannot take a chat whose page is still connected")
  void noMoveFromALivePage() throws Exception {
    BridgeClient page = activeChat();
    BridgeClient other = newSession();
    assertEquals("none", sync(other), "the other session's sync");
    assertTrue(send(page, "a-", 1) == 1, "the chat's own page still sends");
    assertEquals(1, storedVisitorLines());
  }
}
