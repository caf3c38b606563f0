package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
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
import org.siteconnect.gateway.support.TestGateway;

/**
 * Issue 15 item 5: a flood of failing logins from one address does not make logins from other addresses fail,
 * and a login is JSON only (another website cannot make a browser post one as text/plain or a form).
 */
class LoginFloodTest {
  private static final String PASSWORD = "correct horse battery";
  private Vertx vertx;
  private int port;

  private void start(JsonObject agents) {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port);
    config.getJsonObject("agents").mergeIn(agents);
    // The tests' own connections come from 127.0.0.x: a load balancer there may name IPv6 clients.
    config
        .getJsonObject("http")
        .put("trustedProxies", new io.vertx.core.json.JsonArray().add("127.0.0.1"));
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "150 concurrent bad logins from 127.0.0.2: a login from 127.0.0.3 succeeds promptly, nobody gets 503")
  void floodFromOneAddress() throws Exception {
    start(new JsonObject().put("passwordIterations", 100_000)); // about half the shipped cost
    try (Burst attacker = new Burst(vertx, port, "127.0.0.2");
        Burst agent = new Burst(vertx, port, "127.0.0.3")) {
      // What one login costs on this machine right now, with nothing else going on.
      long alone = agent
          .post(
              "/api/v1/login",
              new JsonObject().put("login", "admin").put("password", PASSWORD),
              null)
          .await(30, TimeUnit.SECONDS)
          .millis();
      List<Future<Burst.Answer>> flood = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        flood.add(attacker.post(
            "/api/v1/login",
            new JsonObject().put("login", "intruder-" + i).put("password", "guess " + i),
            null));
      }
      Future.any(flood).await(30, TimeUnit.SECONDS); // the flood is being answered
      Burst.Answer legit = agent
          .post(
              "/api/v1/login",
              new JsonObject().put("login", "admin").put("password", PASSWORD),
              null)
          .await(30, TimeUnit.SECONDS);
      List<Burst.Answer> answers = Burst.await(flood);
      System.out.println(
          "flood of 150 from 127.0.0.2: " + Burst.statuses(answers) + "; login from 127.0.0.3: "
              + legit.status() + " in " + legit.millis() + " ms (alone: " + alone + " ms)");
      assertEquals(200, legit.status(), legit.body());
      // It shares the machine with one running check of the flood; behind the flood it would take
      // 150 checks.
      assertTrue(
          legit.millis() <= Math.min(4_500, 4 * alone + 1_500),
          "served promptly: " + legit.millis() + " ms, alone " + alone + " ms");
      assertEquals(
          0,
          answers.stream().filter(a -> a.status() != 401 && a.status() != 429).count(),
          "the flood gets 401 or 429, nothing times out: " + Burst.statuses(answers));
    }
  }

  @Test
  @DisplayName(
      "40 concurrent bad logins from 40 addresses of one IPv6 /64: at most 5 checked, the rest 429; another /64 logs in")
  void ipv6AddressesCountByTheirSlash64() throws Exception {
    start(new JsonObject().put("loginMaxFailuresPerAddress", 5));
    try (Burst client = new Burst(vertx, port, null)) {
      List<Future<Burst.Answer>> flood = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        flood.add(client.postWith(
            "/api/v1/login",
            new JsonObject().put("login", "intruder-" + i).put("password", "guess " + i),
            Map.of("X-Forwarded-For", "2001:db8:1:2::" + Integer.toHexString(i + 1))));
      }
      List<Burst.Answer> answers = Burst.await(flood);
      Burst.Answer other = Burst.within(
          client.postWith(
              "/api/v1/login",
              new JsonObject().put("login", "admin").put("password", PASSWORD),
              Map.of("X-Forwarded-For", "2001:db8:9:9::1")),
          30,
          "a login from another /64");
      // One /64 is one address: at most 5 checks (fewer while loginHashesPerAddress of them run),
      // the rest 429.
      Map<Integer, Integer> statuses = Burst.statuses(answers);
      int checked = statuses.getOrDefault(401, 0);
      assertTrue(checked >= 1 && checked <= 5, "checked: " + statuses);
      assertEquals(40 - checked, statuses.getOrDefault(429, 0), "refused: " + statuses);
      assertEquals(200, other.status(), other.body());
    }
  }

  @Test
  @DisplayName(
      "POST /api/v1/login answers 415 to text/plain, a form or no Content-Type, and checks nothing")
  void jsonOnly() throws Exception {
    start(new JsonObject().put("loginMaxFailures", 1));
    try (Burst client = new Burst(vertx, port, null)) {
      String body =
          new JsonObject().put("login", "admin").put("password", "wrong").encode();
      for (String type : new String[] {
        "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", null
      }) {
        // 30 s like the flood test: the clean-clone CI shares two cores with other runs.
        Burst.Answer a =
            Burst.within(client.post("/api/v1/login", body, type, null), 30, "a login as " + type);
        assertEquals(415, a.status(), type + ": " + a.body());
        assertEquals("unsupported-media-type", a.json().getJsonObject("error").getString("code"));
      }
      Burst.Answer ok = client
          .post(
              "/api/v1/login",
              new JsonObject().put("login", "admin").put("password", PASSWORD).encode(),
              "application/json; charset=utf-8",
              null)
          .await(30, TimeUnit.SECONDS);
      assertEquals(200, ok.status(), "the refused posts did not count as failures: " + ok.body());
    }
  }
}
