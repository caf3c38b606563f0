package org.siteconnect.gateway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * An admin manages the agents of the sites it serves, as it does webhooks and transcripts: an admin of acme
 * cannot create, change or delete an account that serves beta.
 */
class AgentAdminScopeTest {
  private static final String PASSWORD = "correct horse battery";
  private Vertx vertx;
  private Http http;
  private String admin; // the first admin: serves every button
  private String ann; // an admin serving acme/sales only

  @BeforeEach
  void start() throws Exception {
    int port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port);
    config
        .getJsonArray("sites")
        .add(new JsonObject()
            .put("key", "beta")
            .put("origins", new JsonArray().add("http://localhost:5998"))
            .put("buttons", new JsonArray().add(new JsonObject().put("id", "b1"))));
    vertx = Vertx.vertx();
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
    assertEquals(
        201, create(admin, "ann", List.of("admin", "agent"), "acme/sales").status());
    assertEquals(201, create(admin, "bo", List.of("agent"), "beta/b1").status());
    assertEquals(201, create(admin, "cy", List.of("agent"), "acme/support").status());
    assertEquals(
        201, create(admin, "di", List.of("agent"), "acme/support", "beta/b1").status());
    ann = http.login("ann", "a long password");
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Http.Response create(String token, String login, List<String> roles, String... buttons)
      throws Exception {
    return http.post(
        "/api/v1/agents",
        new JsonObject()
            .put("login", login)
            .put("password", "a long password")
            .put("roles", new JsonArray(roles))
            .put("buttons", new JsonArray(List.of(buttons))),
        token);
  }

  private JsonObject agentAsSeenBy(String token, String login) throws Exception {
    return new JsonArray(http.get("/api/v1/agents", token).body())
        .stream()
            .map(JsonObject.class::cast)
            .filter(a -> login.equals(a.getString("login")))
            .findFirst()
            .orElse(null);
  }

  private static void assertNotAllowed(Http.Response r) {
    assertEquals(403, r.status(), r.body());
    assertEquals("not-allowed", r.errorCode(), r.body());
  }

  @Test
  @DisplayName("an admin of acme may not create an account with a button of beta, admin or not")
  void createOnAnotherSite() throws Exception {
    assertNotAllowed(create(ann, "eve", List.of("admin"), "beta/b1"));
    assertNotAllowed(create(ann, "eve", List.of("agent"), "acme/sales", "beta/b1"));
    assertEquals(null, agentAsSeenBy(admin, "eve"), "nothing was created");
    assertEquals(201, create(ann, "eve", List.of("admin"), "acme/support").status());
  }

  @Test
  @DisplayName(
      "an admin of acme may not change or delete an account that serves beta, nor give beta")
  void updateOnAnotherSite() throws Exception {
    JsonObject rename = new JsonObject().put("name", "Mallory");
    assertNotAllowed(http.send("PUT", "/api/v1/agents/bo", rename, ann));
    assertNotAllowed(http.send("PUT", "/api/v1/agents/di", rename, ann));
    assertNotAllowed(http.send("PUT", "/api/v1/agents/admin", rename, ann));
    JsonObject toBeta = new JsonObject().put("buttons", new JsonArray().add("beta/b1"));
    assertNotAllowed(http.send("PUT", "/api/v1/agents/cy", toBeta, ann));
    assertNotAllowed(http.send("PUT", "/api/v1/agents/ann", toBeta, ann));
    assertNotAllowed(http.send("DELETE", "/api/v1/agents/bo", null, ann));
    assertNotAllowed(http.send("DELETE", "/api/v1/agents/di", null, ann));
    assertNotAllowed(http.send("DELETE", "/api/v1/agents/admin", null, ann));
    assertEquals("bo", agentAsSeenBy(admin, "bo").getString("name"), "bo kept its name");
    assertEquals(
        List.of("beta/b1"), agentAsSeenBy(admin, "bo").getJsonArray("buttons").getList());
    assertEquals(
        List.of("acme/support"),
        agentAsSeenBy(admin, "cy").getJsonArray("buttons").getList());
    assertEquals(4 + 1, new JsonArray(http.get("/api/v1/agents", admin).body()).size());

    Http.Response own = http.send("PUT", "/api/v1/agents/cy", rename, ann);
    assertEquals(200, own.status(), own.body());
    assertEquals(204, http.send("DELETE", "/api/v1/agents/cy", null, ann).status());
    assertEquals(
        200,
        http.send("PUT", "/api/v1/agents/di", new JsonObject().put("name", "Di"), admin)
            .status(),
        "the first admin keeps full power");
    assertEquals(204, http.send("DELETE", "/api/v1/agents/bo", null, admin).status());
  }

  @Test
  @DisplayName(
      "an admin of acme lists the agents that serve acme (or nothing), not those of beta only")
  void listing() throws Exception {
    List<String> seen = new JsonArray(http.get("/api/v1/agents", ann).body())
        .stream().map(a -> ((JsonObject) a).getString("login")).sorted().toList();
    assertEquals(List.of("admin", "ann", "cy", "di"), seen);
    assertEquals(
        List.of("admin", "ann", "bo", "cy", "di"),
        new JsonArray(http.get("/api/v1/agents", admin).body())
            .stream().map(a -> ((JsonObject) a).getString("login")).sorted().toList());
  }
}
