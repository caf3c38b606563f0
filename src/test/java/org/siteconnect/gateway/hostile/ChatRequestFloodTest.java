package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Eventually;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Chat requests from anonymous pages are bounded: one live chat per page session, a rate per session and per
 * client address, a bound on each site's waiting queue, and none outlives its session.
 */
class ChatRequestFloodTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String STATE = "~pagesession/chat/state";
  private Vertx vertx;
  private int port;
  private Http http;
  private String admin;
  private final List<BridgeClient> sockets = new ArrayList<>();

  private void start(JsonObject chat, JsonObject sessions) throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port).put("chat", chat).put("sessions", sessions);
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
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

  /** A page socket of a new session, or of {@code resume}'s session, reading its session topics. */
  private BridgeClient page(String resume) throws Exception {
    BridgeClient p = socket();
    JsonObject session = p.hello(TestGateway.SITE, resume);
    assertEquals("session", session.getString("op"), session.encode());
    lastResume = session.getString("resume");
    p.subscribe("all", "~pagesession/#");
    return p;
  }

  private static void trigger(BridgeClient p) {
    p.publish("~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
  }

  private List<JsonObject> chats(String state) throws Exception {
    return new JsonArray(http.get("/api/v1/chats", admin).body())
        .stream()
            .map(o -> (JsonObject) o)
            .filter(c -> state.equals(c.getString("state")))
            .toList();
  }

  /** The answer to a trigger: {@code waiting} (the chat id) or the {@code chat/error} code. */
  private static String answer(BridgeClient p) throws InterruptedException {
    JsonObject f =
        BridgeClient.body(p.next(x -> "msg".equals(BridgeClient.body(x).getString("op"))
            && (STATE.equals(BridgeClient.body(x).getString("topic"))
                    && "waiting"
                        .equals(BridgeClient.body(x)
                            .getJsonObject("payload", new JsonObject())
                            .getString("state"))
                || "~pagesession/chat/error".equals(BridgeClient.body(x).getString("topic")))));
    JsonObject payload = f.getJsonObject("payload");
    return payload.containsKey("code") ? payload.getString("code") : "waiting";
  }

  @Test
  @DisplayName(
      "five sockets of one session send 20 triggers each at once: one waiting chat, and it ends with the session")
  void oneSessionOneChat() throws Exception {
    start(
        new JsonObject().put("visitorGraceSeconds", 3600),
        new JsonObject().put("codeTtlSeconds", 10));
    BridgeClient first = page(null);
    String resume = lastResume;
    List<BridgeClient> tabs = new ArrayList<>(List.of(first));
    for (int i = 0; i < 4; i++) {
      tabs.add(page(resume));
    }
    for (int i = 0; i < 20; i++) {
      tabs.forEach(ChatRequestFloodTest::trigger);
    }
    Eventually.until(
        "a waiting chat", Duration.ofSeconds(5), () -> chats("waiting").size(), n -> n > 0);
    Set<String> ids = new java.util.HashSet<>();
    first.assertNone(
        f -> STATE.equals(BridgeClient.body(f).getString("topic"))
            && BridgeClient.body(f).getValue("payload") instanceof JsonObject p
            && p.getString("chat_id") != null
            && ids.add(p.getString("chat_id"))
            && ids.size() > 1,
        1500);
    assertEquals(1, chats("waiting").size(), "one live chat per session");

    tabs.forEach(BridgeClient::close);
    Eventually.until(
        "no waiting chat once the session ended",
        Duration.ofSeconds(40),
        () -> chats("waiting").size(),
        n -> n == 0);
  }

  private String lastResume;

  @Test
  @DisplayName(
      "a trigger → end loop is refused with rate-limited after chat.requestsPerSessionHour")
  void triggerEndLoop() throws Exception {
    start(new JsonObject().put("requestsPerSessionHour", 3), new JsonObject());
    BridgeClient p = page(null);
    for (int i = 0; i < 3; i++) {
      trigger(p);
      assertEquals("waiting", answer(p), "request " + (i + 1));
      p.publish("~pagesession/chat/end", new JsonObject());
      p.nextPayload(STATE, s -> "ended".equals(s.getString("state")), 5000);
    }
    trigger(p);
    assertEquals("rate-limited", answer(p));
    assertEquals(0, chats("waiting").size());
  }

  @Test
  @DisplayName(
      "eight sessions of one address trigger at once: chat.requestsPerAddressHour of them wait, the rest are refused")
  void perAddress() throws Exception {
    start(new JsonObject().put("requestsPerAddressHour", 5), new JsonObject());
    assertEquals(Map.of("waiting", 5L, "rate-limited", 3L), burstOfSessions(8));
    assertEquals(5, chats("waiting").size());
  }

  @Test
  @DisplayName(
      "eight sessions trigger at once: chat.maxWaitingPerSite wait, the rest get queue-full, and the queue stays that size")
  void waitingPerSite() throws Exception {
    start(new JsonObject().put("maxWaitingPerSite", 3), new JsonObject());
    assertEquals(Map.of("waiting", 3L, "queue-full", 5L), burstOfSessions(8));
    assertEquals(3, chats("waiting").size());
  }

  private Map<String, Long> burstOfSessions(int n) throws Exception {
    List<BridgeClient> pages = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pages.add(page(null));
    }
    pages.forEach(ChatRequestFloodTest::trigger);
    Map<String, Long> answers = new HashMap<>();
    for (BridgeClient p : pages) {
      answers.merge(answer(p), 1L, Long::sum);
    }
    return answers.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
