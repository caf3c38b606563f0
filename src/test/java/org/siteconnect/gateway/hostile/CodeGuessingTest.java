package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
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

/** Issue 9: guessing codes never works, and a wrong code's answer says nothing about why it was wrong. */
class CodeGuessingTest {
  private static final String PASSWORD = "correct horse battery";
  private static final int GUESSES = Integer.getInteger("sc.fuzz.guesses", 10_000);
  private Vertx vertx;
  private org.siteconnect.gateway.Gateway gateway;
  private int port;
  private Http http;

  private String start(JsonObject cobrowse) throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    gateway = TestGateway.start(
        vertx,
        TestGateway.config(port)
            .put("cobrowse", cobrowse)
            .put("sessions", new JsonObject().put("codeTtlSeconds", 10)),
        Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    return http.login("admin", PASSWORD);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private List<String> liveCodes(int pages) throws Exception {
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < pages; i++) {
      BridgeClient p = BridgeClient.connect(vertx, port, TestGateway.origin(port));
      codes.add(p.hello(TestGateway.SITE).getString("code"));
    }
    return codes;
  }

  @Test
  @DisplayName(
      "10,000 random guesses from one agent and from ten agents: no success, lockouts and the site cap hold")
  void guessesNeverWin() throws Exception {
    String admin = start(new JsonObject());
    List<String> live = liveCodes(20);
    List<String> agents = new ArrayList<>();
    agents.add(admin);
    for (int i = 0; i < 9; i++) {
      http.post(
          "/api/v1/agents",
          new JsonObject()
              .put("login", "g" + i)
              .put("password", "a long password")
              .put("buttons", new JsonArray().add("acme/sales")),
          admin);
      agents.add(http.login("g" + i, "a long password"));
    }
    Random random = new Random(7);
    int successes = 0;
    int notFound = 0;
    int limited = 0;
    for (int i = 0; i < GUESSES; i++) {
      String guess = String.format("%06d", random.nextInt(1_000_000));
      if (live.contains(guess)) {
        continue; // a guess is a wrong code by definition; skip the 20-in-a-million true hits
      }
      String token = i < GUESSES / 2 ? admin : agents.get(i % agents.size());
      Http.Response r = http.post("/api/v1/cobrowse", new JsonObject().put("code", guess), token);
      switch (r.status()) {
        case 200 -> successes++;
        case 404 -> notFound++;
        case 429 -> limited++;
        default -> throw new AssertionError("unexpected " + r.status() + " " + r.body());
      }
    }
    assertEquals(0, successes);
    assertTrue(
        notFound <= 100,
        "at most 100 failures an hour reach the code check for a site: " + notFound);
    assertTrue(limited >= GUESSES - 200, "the rest are refused by the limits: " + limited);
  }

  @Test
  @DisplayName("unknown, expired and used codes get the same answer, with medians within 5 ms")
  void sameAnswerSameTime() throws Exception {
    String admin = start(new JsonObject()
        .put("maxStraightFailures", 1_000_000)
        .put("maxFailuresPerAgentHour", 1_000_000)
        .put("maxFailuresPerSiteHour", 1_000_000));
    int samples = 60;
    // used: redeem once, then keep asking for it
    String used = liveCodes(1).get(0);
    assertEquals(
        200,
        http.post("/api/v1/cobrowse", new JsonObject().put("code", used), admin).status());
    long[] unknown = new long[samples];
    long[] usedTimes = new long[samples];
    String body = null;
    for (int i = 0; i < samples; i++) {
      long t0 = System.nanoTime();
      Http.Response a = http.post(
          "/api/v1/cobrowse",
          new JsonObject().put("code", String.format("%06d", 999_000 + i)),
          admin);
      unknown[i] = System.nanoTime() - t0;
      t0 = System.nanoTime();
      Http.Response b = http.post("/api/v1/cobrowse", new JsonObject().put("code", used), admin);
      usedTimes[i] = System.nanoTime() - t0;
      assertEquals(404, a.status());
      assertEquals(a.body(), b.body(), "unknown and used codes answer alike");
      body = a.body();
    }
    // expired: the page leaves (bye) and its session, with the code, ends after the TTL (10 s
    // here).
    BridgeClient leaving = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    String expired = leaving.hello(TestGateway.SITE).getString("code");
    double before = sessions();
    leaving.command(new JsonObject().put("op", "bye"));
    leaving.close();
    long deadline = System.currentTimeMillis() + 30_000;
    while (sessions() >= before && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(sessions() < before, "the session expired");
    Http.Response e = http.post("/api/v1/cobrowse", new JsonObject().put("code", expired), admin);
    assertEquals(body, e.body(), "an expired code answers like the others");
    long medianGap = Math.abs(median(unknown) - median(usedTimes)) / 1_000_000;
    assertTrue(medianGap < 5, "median timing gap " + medianGap + " ms");
  }

  private double sessions() {
    return gateway.metrics().registry().find("sc_page_sessions").gauge().value();
  }

  private static long median(long[] values) {
    long[] copy = values.clone();
    Arrays.sort(copy);
    return copy[copy.length / 2];
  }
}
