package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/** An agent's REST changes have a budget (agents.maxWritesPerMinute): a script's flood stops, reads go on. */
class AgentWriteBudgetTest {
  private static final String PASSWORD = "correct horse battery";
  private static final int PER_MINUTE = 40; // a bucket of 10
  private Vertx vertx;
  private Burst burst;

  @AfterEach
  void stop() throws Exception {
    if (burst != null) {
      burst.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "60 concurrent availability toggles by one agent: the bucket's 10 (+1 refilled) pass, the rest get 429 "
          + "with Retry-After; the agent still reads, and another agent still writes")
  void floodOfToggles() throws Exception {
    vertx = Vertx.vertx();
    int port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port);
    config.getJsonObject("agents").put("maxWritesPerMinute", PER_MINUTE);
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    Http http = new Http(port);
    burst = new Burst(vertx, port, null);
    String admin = http.login("admin", PASSWORD);
    Http.Response created = http.post(
        "/api/v1/agents",
        new JsonObject()
            .put("login", "bea")
            .put("password", PASSWORD)
            .put("buttons", new JsonArray().add("acme/sales")),
        admin);
    assertEquals(201, created.status(), created.body());
    String bea = http.login("bea", PASSWORD);

    List<Future<Burst.Answer>> toggles = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      toggles.add(burst.send(
          HttpMethod.PUT,
          "/api/v1/me/buttons/acme/sales",
          new JsonObject().put("available", i % 2 == 0),
          bea));
    }
    List<Burst.Answer> answers = Burst.await(toggles);
    Map<Integer, Integer> statuses = Burst.statuses(answers);
    int passed = statuses.getOrDefault(200, 0);
    assertTrue(passed >= 10 && passed <= 11, statuses.toString());
    assertEquals(60 - passed, statuses.getOrDefault(429, 0), statuses.toString());
    for (Burst.Answer a : answers) {
      if (a.status() == 429) {
        assertEquals("rate-limited", a.json().getJsonObject("error").getString("code"));
        assertTrue(Long.parseLong(a.retryAfter()) >= 1, a.toString());
      }
    }

    assertEquals(200, http.get("/api/v1/me", bea).status());

    // Made-up tokens on logout (its token is checked by its service) share no budget with anyone.
    List<Future<Burst.Answer>> bogus = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      bogus.add(burst.post("/api/v1/logout", new JsonObject(), "made-up-token-" + i));
    }
    assertEquals(Map.of(401, 40), Burst.statuses(Burst.await(bogus)));
    Http.Response changed = http.post(
        "/api/v1/me/password",
        new JsonObject().put("current", PASSWORD).put("password", "another long password"),
        bea);
    assertEquals(200, changed.status(), changed.body());
    assertEquals(
        200,
        http.send(
                "PUT",
                "/api/v1/me/buttons/acme/sales",
                new JsonObject().put("available", true),
                admin)
            .status());
  }
}
