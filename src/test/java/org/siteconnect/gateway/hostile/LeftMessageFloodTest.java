package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/** Left (offline) messages from anonymous pages are bounded per session, per client address and per site. */
class LeftMessageFloodTest {
  private static final String PASSWORD = "correct horse battery";
  private Vertx vertx;
  private int port;
  private Http http;
  private String admin;
  private String lastResume;
  private final List<BridgeClient> sockets = new ArrayList<>();

  private JsonObject config;

  private void start(JsonObject chat) throws Exception {
    port = TestGateway.freePort();
    config = TestGateway.config(port).put("chat", chat);
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
    sockets.forEach(BridgeClient::close);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private BridgeClient page(String resume) throws Exception {
    BridgeClient p = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    sockets.add(p);
    JsonObject session = p.hello(TestGateway.SITE, resume);
    assertEquals("session", session.getString("op"), session.encode());
    lastResume = session.getString("resume");
    p.subscribe("all", "~pagesession/#");
    return p;
  }

  private static void leave(BridgeClient p, int i) {
    p.publish(
        "~pagesession/chat/leave_message",
        new JsonObject()
            .put("button_id", "sales")
            .put("name", "Ann " + i)
            .put("contact", "ann@example.org")
            .put("text", "please call me " + i));
  }

  /** Counts the answers to {@code n} left messages of this socket: {@code left} or the error code. */
  private static void answers(BridgeClient p, int n, Map<String, Integer> into)
      throws InterruptedException {
    for (int i = 0; i < n; i++) {
      JsonObject f =
          BridgeClient.body(p.next(x -> "msg".equals(BridgeClient.body(x).getString("op"))
              && BridgeClient.body(x)
                  .getString("topic", "")
                  .matches("~pagesession/chat/(left|error)")));
      JsonObject payload = f.getJsonObject("payload");
      into.merge(payload.containsKey("code") ? payload.getString("code") : "left", 1, Integer::sum);
    }
  }

  private int stored() throws Exception {
    return new io.vertx.core.json.JsonArray(http.get("/api/v1/messages", admin).body()).size();
  }

  @Test
  @DisplayName(
      "four sockets of one session send 5 left messages each at once: chat.leftMessagesPerSessionHour are stored")
  void perSession() throws Exception {
    start(new JsonObject().put("leftMessagesPerSessionHour", 3));
    List<BridgeClient> tabs = new ArrayList<>(List.of(page(null)));
    String resume = lastResume;
    for (int i = 0; i < 3; i++) {
      tabs.add(page(resume));
    }
    for (int i = 0; i < 5; i++) {
      for (BridgeClient t : tabs) {
        leave(t, i);
      }
    }
    Map<String, Integer> answers = new HashMap<>();
    // Every socket of the session reads every answer of the session: one socket counts them all.
    answers(tabs.get(0), 20, answers);
    assertEquals(Map.of("left", 3, "rate-limited", 17), answers);
    assertEquals(3, stored());
  }

  @Test
  @DisplayName(
      "eight sessions of one address leave a message at once: chat.leftMessagesPerAddressHour are stored")
  void perAddress() throws Exception {
    start(new JsonObject().put("leftMessagesPerAddressHour", 5));
    assertEquals(Map.of("left", 5, "rate-limited", 3), burstOfSessions(8));
    assertEquals(5, stored());
  }

  @Test
  @DisplayName(
      "a site holds at most chat.maxLeftMessagesPerSite: more are refused with storage-full, nothing is deleted")
  void perSite() throws Exception {
    start(new JsonObject().put("maxLeftMessagesPerSite", 4));
    assertEquals(Map.of("left", 4, "storage-full", 4), burstOfSessions(8));
    assertEquals(4, stored());
    // Counted from the store after a restart too.
    sockets.forEach(BridgeClient::close);
    sockets.clear();
    vertx.close().await(10, TimeUnit.SECONDS);
    boot();
    assertEquals(Map.of("storage-full", 1), burstOfSessions(1));
  }

  private Map<String, Integer> burstOfSessions(int n) throws Exception {
    List<BridgeClient> pages = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pages.add(page(null));
    }
    for (int i = 0; i < n; i++) {
      leave(pages.get(i), i);
    }
    Map<String, Integer> answers = new HashMap<>();
    for (BridgeClient p : pages) {
      answers(p, 1, answers);
    }
    return answers;
  }
}
