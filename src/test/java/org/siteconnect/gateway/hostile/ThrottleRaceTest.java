package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Issue 15 item 4: throttles count an attempt when it arrives, not when its check answers. Bursts of concurrent
 * code redemptions and logins against a real gateway, over real sockets.
 */
class ThrottleRaceTest {
  private static final String PASSWORD = "correct horse battery";
  private Vertx vertx;
  private int port;
  private Http http;
  private Burst burst;
  private String admin;

  private void start(JsonObject cobrowse) throws Exception {
    start(cobrowse, new JsonObject());
  }

  private void start(JsonObject cobrowse, JsonObject agents) throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port).put("cobrowse", cobrowse);
    config.getJsonObject("agents").mergeIn(agents);
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    burst = new Burst(vertx, port, null);
    admin = http.login("admin", PASSWORD);
  }

  @AfterEach
  void stop() throws Exception {
    if (burst != null) {
      burst.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private String agent(String login) throws Exception {
    Http.Response created = http.post(
        "/api/v1/agents",
        new JsonObject()
            .put("login", login)
            .put("password", "a long password")
            .put("buttons", new JsonArray().add("acme/support")),
        admin);
    assertEquals(201, created.status(), created.body());
    return http.login(login, "a long password");
  }

  private String liveCode() throws Exception {
    return BridgeClient.connect(vertx, port, TestGateway.origin(port))
        .hello(TestGateway.SITE)
        .getString("code");
  }

  private static List<JsonObject> wrongCodes(int n, List<String> live, long seed) {
    Random random = new Random(seed);
    List<JsonObject> out = new ArrayList<>();
    while (out.size() < n) {
      String guess = String.format("%06d", random.nextInt(1_000_000));
      if (!live.contains(guess)) {
        out.add(new JsonObject().put("code", guess));
      }
    }
    return out;
  }

  @Test
  @DisplayName(
      "150 concurrent redemptions by one agent: at most 5 reach the code check; the admin redeems at once")
  void redemptionBurst() throws Exception {
    start(new JsonObject());
    String eve = agent("eve");
    String inBurst = liveCode();
    String forAdmin = liveCode();
    List<JsonObject> bodies = wrongCodes(149, List.of(inBurst, forAdmin), 1);
    bodies.add(
        new JsonObject().put("code", inBurst)); // the real code last, after the limit is spent
    List<Burst.Answer> answers = burst.all("/api/v1/cobrowse", bodies, eve);
    Map<Integer, Integer> statuses = Burst.statuses(answers);
    int evaluated = statuses.getOrDefault(404, 0) + statuses.getOrDefault(200, 0);
    System.out.println("redemption burst of 150: " + statuses + ", evaluated " + evaluated);
    assertTrue(
        evaluated <= 5, "at most 5 codes checked in a burst, was " + evaluated + " " + statuses);
    assertEquals(150 - evaluated, statuses.getOrDefault(429, 0), "the rest refused: " + statuses);
    boolean redeemedInBurst = answers.get(149).status() == 200;
    if (!redeemedInBurst) {
      assertEquals(
          429,
          http.post("/api/v1/cobrowse", new JsonObject().put("code", inBurst), eve)
              .status(),
          "eve is locked out, even with a real code");
    }
    // One agent's guessing locks out that agent only: the admin redeems at once.
    Http.Response mine =
        http.post("/api/v1/cobrowse", new JsonObject().put("code", forAdmin), admin);
    assertEquals(200, mine.status(), mine.body());
    if (!redeemedInBurst) {
      assertEquals(
          200,
          http.post("/api/v1/cobrowse", new JsonObject().put("code", inBurst), admin)
              .status());
    }
  }

  @Test
  @DisplayName(
      "three agents spend the site's hourly budget: each is locked for at most lockoutMax, the admin still redeems")
  void siteBudget() throws Exception {
    start(new JsonObject().put("maxFailuresPerSiteHour", 10));
    List<String> bots = List.of(agent("bot1"), agent("bot2"), agent("bot3"));
    String code = liveCode();
    for (int i = 0; i < bots.size(); i++) {
      burst.all("/api/v1/cobrowse", wrongCodes(20, List.of(code), 10 + i), bots.get(i));
    }
    for (String bot : bots) {
      Http.Response r =
          http.post("/api/v1/cobrowse", wrongCodes(1, List.of(code), 99).get(0), bot);
      assertEquals(429, r.status());
      int retryAfter = Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(
          retryAfter <= 900, "a contributing agent waits at most lockoutMaxSeconds: " + retryAfter);
    }
    Http.Response r = http.post("/api/v1/cobrowse", new JsonObject().put("code", code), admin);
    assertEquals(200, r.status(), "an agent without failures is not refused: " + r.body());
  }

  @Test
  @DisplayName("the doubling lockout stops at cobrowse.lockoutMaxSeconds")
  void lockoutCap() throws Exception {
    start(new JsonObject()
        .put("maxStraightFailures", 1)
        .put("lockoutBaseSeconds", 1)
        .put("lockoutMaxSeconds", 2));
    String eve = agent("eve");
    List<JsonObject> guesses = wrongCodes(6, List.of(), 3);
    int longest = 0;
    for (JsonObject guess : guesses) {
      Http.Response r = http.post("/api/v1/cobrowse", guess, eve);
      long deadline = System.currentTimeMillis() + 10_000;
      while (r.status() == 429 && System.currentTimeMillis() < deadline) {
        int retryAfter = Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow());
        longest = Math.max(longest, retryAfter);
        assertTrue(retryAfter <= 2, "Retry-After " + retryAfter + " s over the 2 s cap");
        Thread.sleep(200); // the lockout is a clock: poll until it has passed
        r = http.post("/api/v1/cobrowse", guess, eve);
      }
      assertEquals(404, r.status(), r.body());
    }
    System.out.println("longest lockout after 6 straight failures: " + longest + " s (cap 2 s)");
    assertTrue(longest >= 1);
  }

  @Test
  @DisplayName(
      "14 concurrent logins with wrong passwords and the right one last: at most 5 checked, no token while locked")
  void loginBurst() throws Exception {
    // Many checks per address allowed, so that the failure limit, not the hashing queue, is what
    // bounds the burst.
    start(new JsonObject(), new JsonObject().put("loginHashesPerAddress", 100));
    agent("ann");
    List<JsonObject> bodies = new ArrayList<>();
    for (int i = 0; i < 13; i++) {
      bodies.add(new JsonObject().put("login", "ann").put("password", "wrong password " + i));
    }
    bodies.add(new JsonObject().put("login", "ann").put("password", "a long password"));
    List<Burst.Answer> answers = burst.all("/api/v1/login", bodies, null);
    Map<Integer, Integer> statuses = Burst.statuses(answers);
    int evaluated = statuses.getOrDefault(401, 0) + statuses.getOrDefault(200, 0);
    System.out.println("login burst of 14: " + statuses + ", evaluated " + evaluated);
    assertTrue(evaluated <= 5, "at most 5 passwords checked, was " + evaluated + " " + statuses);
    if (answers.get(13).status() != 200) {
      Http.Response right = http.post("/api/v1/login", bodies.get(13), null);
      assertEquals(429, right.status(), "locked: no token even for the right password");
      assertNotNull(right.headers().firstValue("Retry-After").orElse(null));
    }
  }
}
