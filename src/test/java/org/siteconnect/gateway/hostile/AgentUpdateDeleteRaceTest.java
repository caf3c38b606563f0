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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/** A change of an agent racing its deletion: the change either happened first or answers 404 and is not audited. */
class AgentUpdateDeleteRaceTest {
  private static final String PASSWORD = "correct horse battery";
  private static final int ROUNDS = 20;
  private Vertx vertx;
  private int port;
  private Http http;
  private String admin;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    TestGateway.start(
        vertx, TestGateway.config(port), Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** The audit log, once the deletion of {@code last} is in it (entries are written asynchronously). */
  private JsonArray auditOnceWritten(String last) throws Exception {
    return org.siteconnect.gateway.support.Eventually.until(
        "the deletion of " + last + " in the audit log",
        java.time.Duration.ofSeconds(10),
        () ->
            new JsonArray(http.get("/api/v1/audit?actor=admin&limit=500", admin).body()),
        audit -> audit.stream()
            .map(JsonObject.class::cast)
            .anyMatch(e -> last.equals(e.getString("target"))
                && "agent-deleted".equals(e.getString("action"))));
  }

  @Test
  @DisplayName("PUT and DELETE of one agent at once: never a 200 for a change after the deletion")
  void updateRacingDelete() throws Exception {
    List<Burst.Answer> puts = new ArrayList<>();
    try (Burst burst = new Burst(vertx, port, null)) {
      for (int i = 0; i < ROUNDS; i++) {
        String login = "racer" + i;
        Http.Response created = http.post(
            "/api/v1/agents",
            new JsonObject().put("login", login).put("password", "a long password"),
            admin);
        assertEquals(201, created.status(), created.body());
        // A new password is hashed between reading the account and writing it: the deletion lands
        // there.
        List<Future<Burst.Answer>> sent = List.of(
            burst.send(
                HttpMethod.PUT,
                "/api/v1/agents/" + login,
                new JsonObject().put("password", "another long password"),
                admin),
            burst.send(HttpMethod.DELETE, "/api/v1/agents/" + login, null, admin));
        List<Burst.Answer> answers = Burst.await(sent);
        assertEquals(204, answers.get(1).status(), answers.get(1).body());
        puts.add(answers.get(0));
      }
    }
    JsonArray audit = auditOnceWritten("racer" + (ROUNDS - 1));
    for (int i = 0; i < ROUNDS; i++) {
      String login = "racer" + i;
      Burst.Answer put = puts.get(i);
      assertTrue(put.status() == 200 || put.status() == 404, login + ": " + put.body());
      List<String> actions = new ArrayList<>();
      for (int e = audit.size() - 1; e >= 0; e--) { // oldest first
        JsonObject entry = audit.getJsonObject(e);
        if (login.equals(entry.getString("target"))) {
          actions.add(entry.getString("action"));
        }
      }
      List<String> expected = put.status() == 200
          ? List.of("agent-created", "agent-updated", "agent-deleted")
          : List.of("agent-created", "agent-deleted");
      assertEquals(expected, actions, login + " answered " + put.status() + " " + put.body());
    }
  }
}
