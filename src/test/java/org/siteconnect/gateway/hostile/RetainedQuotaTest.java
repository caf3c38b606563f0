package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.Gateway;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Issue 15.3: anonymous pages used to fill the one shared retained store with retained publishes on their own
 * {@code ~pagesession/…} topics; then the gateway's own retained publishes were refused (no chat state, no consent
 * request), also after the attackers left. Now each page session has a quota, the server keeps its retained state
 * in a budget of its own, and a session's retained messages die with it.
 */
class RetainedQuotaTest {
  private static final String PASSWORD = "correct horse battery";
  private static final int ATTACKERS = 4;
  private static final int PUBLISHES = 90;
  private static final String PAYLOAD = "x".repeat(4096);
  /** Then small ones, to fill what the large ones left of a shared store to the last few bytes. */
  private static final String SMALL = "y".repeat(16);

  private Vertx vertx;
  private Gateway gateway;
  private int port;

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private BridgeClient page() throws Exception {
    BridgeClient p = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    assertEquals("session", p.hello(TestGateway.SITE).getString("op"));
    p.command(new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    p.nextBody("suback");
    return p;
  }

  /** The payload of the next message on the topic, or an empty object if none comes within five seconds. */
  private static JsonObject payloadOn(BridgeClient p, String topic) throws InterruptedException {
    try {
      return BridgeClient.body(p.next(f -> "msg".equals(BridgeClient.body(f).getString("op"))
              && topic.equals(BridgeClient.body(f).getString("topic"))))
          .getJsonObject("payload");
    } catch (AssertionError none) {
      return new JsonObject();
    }
  }

  @Test
  @DisplayName(
      "a retained flood gets retained-quota per session; chat state and consent requests still reach pages; "
          + "the attackers' retained messages end with their sessions")
  void floodCannotStarveTheServer() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    gateway = TestGateway.start(
        vertx,
        TestGateway.config(port)
            .put("bridge", new JsonObject().put("maxMessagesPerSecond", 10_000))
            .put("topics", new JsonObject().put("retainedMaxBytes", 200_000))
            .put("sessions", new JsonObject().put("codeTtlSeconds", 10)),
        Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    Http http = new Http(port);
    String admin = http.login("admin", PASSWORD);
    double baseline = retained();

    List<BridgeClient> attackers = new ArrayList<>();
    for (int a = 0; a < ATTACKERS; a++) {
      attackers.add(page());
    }
    for (BridgeClient attacker : attackers) { // every publish in flight before the first answer
      for (int i = 0; i < 2 * PUBLISHES; i++) {
        boolean large = i < PUBLISHES;
        attacker.command(new JsonObject()
            .put("op", "pub")
            .put("topic", "~pagesession/junk/" + i)
            .put("payload", large ? PAYLOAD : SMALL)
            .put("retain", true)
            .put("mid", "m" + i));
      }
    }
    Map<String, Integer> outcomes = new TreeMap<>();
    int stored = 0;
    int mostStoredBySession = 0;
    long mostBytesBySession = 0;
    for (BridgeClient attacker : attackers) {
      int mine = 0;
      long myBytes = 0;
      for (int i = 0; i < 2 * PUBLISHES; i++) {
        String mid = "m" + i;
        JsonObject answer =
            BridgeClient.body(attacker.next(f -> mid.equals(BridgeClient.body(f).getString("mid"))
                || mid.equals(BridgeClient.body(f).getString("ref"))));
        String outcome =
            "puback".equals(answer.getString("op")) ? "stored" : answer.getString("code");
        outcomes.merge(outcome, 1, Integer::sum);
        if ("stored".equals(outcome)) {
          mine++;
          myBytes += i < PUBLISHES ? PAYLOAD.length() : SMALL.length();
        }
      }
      stored += mine;
      mostStoredBySession = Math.max(mostStoredBySession, mine);
      mostBytesBySession = Math.max(mostBytesBySession, myBytes);
    }

    // A visitor asks for a chat: the chat service's retained state still reaches it.
    BridgeClient visitor = page();
    visitor.command(new JsonObject()
        .put("op", "pub")
        .put("topic", "~pagesession/chat/trigger")
        .put("payload", new JsonObject().put("button_id", "sales")));
    JsonObject chatState = payloadOn(visitor, "~pagesession/chat/state");
    // An agent redeems another visitor's code: the consent request reaches that page.
    BridgeClient watched = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    String code = watched.hello(TestGateway.SITE).getString("code");
    watched.command(new JsonObject()
        .put("op", "sub")
        .put("id", "cb")
        .put("filter", "~pagesession/cobrowsing/#"));
    watched.nextBody("suback");
    Http.Response redeemed =
        http.post("/api/v1/cobrowse", new JsonObject().put("code", code), admin);
    assertEquals(200, redeemed.status(), redeemed.body());
    JsonObject consent = payloadOn(watched, "~pagesession/cobrowsing/consent_request");
    // A page may not plant retained state where the server keeps its own.
    visitor.command(new JsonObject()
        .put("op", "pub")
        .put("topic", "~pagesession/cobrowsing/consent_request")
        .put("payload", new JsonObject().put("agent_name", "forged"))
        .put("retain", true)
        .put("mid", "forge"));
    String forged = BridgeClient.body(
            visitor.next(f -> "forge".equals(BridgeClient.body(f).getString("ref"))
                || "forge".equals(BridgeClient.body(f).getString("mid"))))
        .getString("code", "stored");

    double beforeLeaving = retained();
    for (BridgeClient attacker : attackers) {
      attacker.command(new JsonObject().put("op", "bye"));
      attacker.close();
    }
    long leftAt = System.currentTimeMillis();
    long deadline = leftAt + 60_000; // sessions end 10 s after bye; a starved machine takes longer
    while (retained() > beforeLeaving - stored && System.currentTimeMillis() < deadline) {
      Thread.sleep(100); // polling a gauge: there is no event to await
    }
    System.out.printf(
        "retained quota: %d sessions x %d retained publishes of 4 KiB and %d of 16 B -> %s (at most %d "
            + "messages, %d bytes kept per session); chat state %s; consent request %s; forged consent %s; retained "
            + "%.0f -> %.0f (baseline %.0f) %d ms after the attackers left%n",
        ATTACKERS,
        PUBLISHES,
        PUBLISHES,
        outcomes,
        mostStoredBySession,
        mostBytesBySession,
        chatState.isEmpty() ? "missing" : chatState,
        consent.isEmpty() ? "missing" : "delivered",
        forged,
        beforeLeaving,
        retained(),
        baseline,
        System.currentTimeMillis() - leftAt);
    assertTrue(
        mostStoredBySession <= 32 && mostBytesBySession <= 65_536,
        "one session keeps at most 32 messages, 64 KiB: " + mostStoredBySession + ", "
            + mostBytesBySession);
    assertTrue(
        java.util.Set.of("stored", "retained-quota", "retained-full")
            .containsAll(outcomes.keySet()),
        outcomes.toString());
    // 200,000 bytes for pages in all: three sessions fill their quota, the fourth finds the pages'
    // budget full.
    assertTrue(
        outcomes.getOrDefault("retained-quota", 0) >= (ATTACKERS - 1) * (2 * PUBLISHES - 16),
        outcomes.toString());
    assertEquals(
        "unavailable",
        chatState.getString("state"),
        "the chat service's state reached the visitor");
    assertEquals(redeemed.json().getString("cobrowse_id"), consent.getString("cobrowse_id"));
    assertEquals("not-allowed", forged);
    assertEquals(
        beforeLeaving - stored,
        retained(),
        "the attackers' retained messages went with their sessions");
  }

  private double retained() {
    return gateway.metrics().registry().find("sc_retained_messages").gauge().value();
  }
}
