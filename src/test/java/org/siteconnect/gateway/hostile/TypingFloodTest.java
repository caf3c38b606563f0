package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.AgentConsoles;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/** A visitor's typing reaches the agent at most chat.typingPerSecond times a second, and its last state always. */
class TypingFloodTest {
  private static final String PASSWORD = "correct horse battery";
  private Vertx vertx;
  private final List<BridgeClient> sockets = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    sockets.forEach(BridgeClient::close);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private BridgeClient page(int port, String resume) throws Exception {
    BridgeClient p = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    sockets.add(p);
    JsonObject session = p.hello(TestGateway.SITE, resume);
    assertEquals("session", session.getString("op"), session.encode());
    lastResume = session.getString("resume");
    p.subscribe("all", "~pagesession/#");
    return p;
  }

  @Test
  @DisplayName(
      "five sockets of one session send 50 typing each at once: the agent gets a few, the last one 'stopped'")
  void typingBurst() throws Exception {
    vertx = Vertx.vertx();
    int port = TestGateway.freePort();
    TestGateway.start(
        vertx, TestGateway.config(port), Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    Http http = new Http(port);
    String admin = http.login("admin", PASSWORD);
    BridgeClient console = AgentConsoles.available(vertx, port, http, admin, "acme/sales");
    sockets.add(console);

    BridgeClient first = page(port, null);
    String resume = lastResume;
    first.publish("~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    String chatId = first
        .nextPayload("~pagesession/chat/state", s -> "waiting".equals(s.getString("state")), 5000)
        .getString("chat_id");
    assertEquals(
        200, http.post("/api/v1/chats/" + chatId + "/accept", null, admin).status());
    first.nextPayload("~pagesession/chat/state", s -> "active".equals(s.getString("state")), 5000);
    String typing = "$agents/acme/chats/sales/" + chatId + "/typing";
    console.subscribe("typing", typing);

    List<BridgeClient> tabs = new ArrayList<>(List.of(first));
    for (int i = 0; i < 4; i++) {
      tabs.add(page(port, resume));
    }
    long started = System.currentTimeMillis();
    for (int i = 0; i < 50; i++) {
      for (BridgeClient t : tabs) {
        t.publish("~pagesession/chat/typing", new JsonObject().put("typing", i % 2 == 0));
      }
    }
    for (BridgeClient t : tabs) {
      t.fence();
    }
    first.publish("~pagesession/chat/typing", new JsonObject().put("typing", false));
    first.fence();
    long burstMillis = System.currentTimeMillis() - started;

    List<Boolean> relayed = new ArrayList<>();
    console.assertNone(
        f -> {
          JsonObject b = BridgeClient.body(f);
          if ("msg".equals(b.getString("op")) && typing.equals(b.getString("topic"))) {
            relayed.add(b.getJsonObject("payload").getBoolean("typing"));
          }
          return false;
        },
        2000);
    // chat.typingPerSecond (2): the burst's seconds, rounded up, plus the last state after it.
    long allowed = 2 * (burstMillis / 1000 + 1) + 2;
    assertTrue(
        relayed.size() <= allowed,
        relayed.size() + " relayed in a burst of " + burstMillis + " ms, at most " + allowed);
    assertTrue(
        !relayed.isEmpty() && !relayed.get(relayed.size() - 1), "the last state: " + relayed);
  }

  private String lastResume;
}
