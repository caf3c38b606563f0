package org.siteconnect.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.ops.GatewayMetrics;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/** The OpenAPI contract routes, validates and authenticates /api/v1 on a real gateway. */
class ApiContractTest {
  private static final String ADMIN_PASSWORD = "correct horse battery";
  private static Vertx vertx;
  private static int port;
  private static Http http;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    TestGateway.start(
        vertx, TestGateway.config(port), Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, ADMIN_PASSWORD));
    http = new Http(port);
    admin = http.login("admin", ADMIN_PASSWORD);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** "METHOD /path" of every operation in the contract file. */
  private static TreeSet<String> contractOperations() throws Exception {
    TreeSet<String> ops = new TreeSet<>();
    JsonObject paths = contractFile().getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        ops.add(method.toUpperCase() + " " + path);
      }
    }
    return ops;
  }

  private static JsonObject contractFile() throws Exception {
    try (InputStream in = RestApi.class.getClassLoader().getResourceAsStream(RestApi.CONTRACT)) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  @DisplayName(
      "the router and the contract list the same routes, and no route exists outside the contract")
  void sameRoutes() throws Exception {
    Router router = RestApi.router(
            vertx, GatewayConfig.from(TestGateway.config(port)), new GatewayMetrics())
        .await(10, TimeUnit.SECONDS);
    TreeSet<String> routed = new TreeSet<>();
    List<String> outside = new ArrayList<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() == null) {
        continue; // root handlers, the 404 answer, the failure handler
      }
      String path = route.getPath().replaceAll(":([A-Za-z_]+)", "{$1}");
      for (HttpMethod m : route.methods()) {
        routed.add(m.name() + " " + path);
      }
      if (route.getMetadata(RouterBuilder.KEY_META_DATA_OPERATION) == null) {
        outside.add(route.getPath());
      }
    }
    assertEquals(contractOperations(), routed);
    assertEquals(List.of(), outside, "routes added by hand, outside the contract");
    assertTrue(routed.size() >= 26, "every REST route is in the contract: " + routed.size());
  }

  @Test
  @DisplayName(
      "every operation of the contract has a handler: none answers 404 or the library's 503 stub")
  void everyOperationBound() throws Exception {
    for (String op : contractOperations()) {
      String method = op.substring(0, op.indexOf(' '));
      String path = "/api/v1" + op.substring(op.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "x");
      Http.Response r = http.send(method, path, null, null);
      // A bound operation may answer 404 itself (single sign-on not configured), never the
      // router's catch-all.
      assertFalse(r.body().contains("no such API endpoint"), op + ": " + r.body());
      assertNotEquals(503, r.status(), op + ": " + r.body());
    }
    assertEquals(404, http.get("/api/v1/nothing", admin).status());
    assertEquals("not-found", http.get("/api/v1/chats/x/nothing", admin).errorCode());
    assertEquals(404, http.send("DELETE", "/api/v1/chats", null, admin).status());
    for (String odd : List.of(
        "/api/v1//me",
        "/api/v1/chats/%2F/messages",
        "/api/v1/chats//messages",
        "/api/v1/",
        "/api/v1")) {
      int status = http.get(odd, admin).status();
      assertTrue(status == 200 || status == 400 || status == 404, odd + ": " + status);
    }
  }

  @Test
  @DisplayName(
      "another spelling of an agent path (//, /./, /x/..) is authenticated like the path itself")
  void oddSpellingsAuthenticated() throws Exception {
    for (String odd : List.of(
        "/api/v1//me", "/api/v1/./me", "/api/v1/x/../me", "/api/v1//agents", "/api/v1/me//")) {
      Http.Response anonymous = http.get(odd, null);
      assertTrue(
          anonymous.status() == 401 || anonymous.status() == 404, odd + ": " + anonymous.status());
      int status = http.get(odd, admin).status();
      assertTrue(status == 200 || status == 404, odd + " as admin: " + status);
    }
  }

  @Test
  @DisplayName(
      "GET /api/v1/openapi.json serves the contract to anyone, naming this gateway as its server")
  void servesContract() throws Exception {
    Http.Response r = http.get("/api/v1/openapi.json", null);
    assertEquals(200, r.status(), r.body());
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
    JsonObject served = r.json();
    assertEquals("3.1.0", served.getString("openapi"));
    assertEquals(
        TestGateway.origin(port) + "/api/v1",
        served.getJsonArray("servers").getJsonObject(0).getString("url"));
    assertEquals(contractFile().getJsonObject("paths"), served.getJsonObject("paths"));
  }

  @Test
  @DisplayName("an unknown field is refused with 400 naming it and the allowed ones")
  void unknownField() throws Exception {
    Http.Response r =
        http.post("/api/v1/agents", new JsonObject().put("login", "x").put("colour", "red"), admin);
    assertEquals(400, r.status(), r.body());
    assertEquals("bad-request", r.errorCode());
    assertEquals(
        "unknown field 'colour' (allowed: buttons, login, maxChats, name, password, roles)",
        message(r));
  }

  @Test
  @DisplayName("a wrong type is refused with 400 naming the field and the type it must have")
  void wrongType() throws Exception {
    Http.Response typing =
        http.post("/api/v1/chats/c1/typing", new JsonObject().put("typing", "yes"), admin);
    assertEquals(400, typing.status(), typing.body());
    assertEquals("field 'typing' must be true or false", message(typing));
    Http.Response roles = http.post(
        "/api/v1/agents",
        new JsonObject().put("login", "bob").put("roles", new JsonArray().add(1)),
        admin);
    assertEquals("field 'roles/0' must be a string", message(roles));
    Http.Response since = http.get("/api/v1/audit?since=yesterday", admin);
    assertEquals(400, since.status(), since.body());
    assertEquals("parameter 'since' must be a whole number", message(since));
    Http.Response array = http.post("/api/v1/cobrowse", "[1]", admin);
    assertEquals("the body must be a JSON object", message(array));
  }

  @Test
  @DisplayName(
      "a missing required field, an empty body and a body that is not JSON are refused with 400")
  void missingRequired() throws Exception {
    Http.Response r = http.post("/api/v1/cobrowse", new JsonObject(), admin);
    assertEquals(400, r.status(), r.body());
    assertEquals("field 'code' is required", message(r));
    Http.Response empty = http.send("POST", "/api/v1/cobrowse", null, admin);
    assertEquals("a JSON object body is required", message(empty));
    Http.Response broken = http.post("/api/v1/cobrowse", "{\"code\":", admin);
    assertEquals("the body is not valid JSON", message(broken));
    Http.Response login = http.post("/api/v1/login", new JsonObject().put("login", "admin"), null);
    assertEquals("field 'password' is required", message(login));
  }

  @Test
  @DisplayName("an oversized string, an empty id and a value outside the enum are refused with 400")
  void limits() throws Exception {
    Http.Response code =
        http.post("/api/v1/cobrowse", new JsonObject().put("code", "1".repeat(33)), admin);
    assertEquals(400, code.status(), code.body());
    assertEquals("field 'code' is longer than 32 characters", message(code));
    Http.Response login = http.post(
        "/api/v1/login", new JsonObject().put("login", "a".repeat(65)).put("password", "p"), null);
    assertEquals("field 'login' is longer than 64 characters", message(login));
    Http.Response cid =
        http.post("/api/v1/chats/c1/messages", new JsonObject().put("cid", ""), admin);
    assertEquals("field 'cid' must not be empty", message(cid));
    Http.Response reason =
        http.post("/api/v1/cobrowse/x/resync", new JsonObject().put("reason", "boredom"), admin);
    assertEquals(
        "field 'reason' must be one of agent, digest, error, gap, missing-node, no-snapshot",
        message(reason));
  }

  @Test
  @DisplayName(
      "authentication comes first: no token gets 401 whatever the body; a body of another type gets 415")
  void authenticationAndMediaType() throws Exception {
    Http.Response anonymous =
        http.post("/api/v1/agents", new JsonObject().put("colour", "red"), null);
    assertEquals(401, anonymous.status(), anonymous.body());
    assertEquals("log in first: send 'Authorization: Bearer <token>'", message(anonymous));
    assertEquals(401, http.post("/api/v1/cobrowse", "{}", "not-a-token").status());
    Http.Response basic =
        http.send("GET", "/api/v1/me", null, null, "Authorization", "Basic YWRtaW46YWRtaW4=");
    assertEquals(401, basic.status());
    Http.Response key = http.post("/api/v1/publish", new JsonObject().put("topic", "a"), null);
    assertEquals("a valid X-Api-Key header is required", message(key));
    java.net.http.HttpResponse<String> text = java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(TestGateway.origin(port) + "/api/v1/cobrowse"))
                .header("Content-Type", "text/plain")
                .header("Authorization", "Bearer " + admin)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"code\":\"1\"}"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(415, text.statusCode(), text.body());
    assertEquals(
        "unsupported-media-type",
        new JsonObject(text.body()).getJsonObject("error").getString("code"));
  }

  @Test
  @DisplayName("a burst of 60 concurrent requests, half invalid, each gets its own answer")
  void concurrentBurst() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<CompletableFuture<Http.Response>> answers = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        JsonObject body = i % 2 == 0
            ? new JsonObject().put("code", "9".repeat(33))
            : new JsonObject().put("code", "000" + i);
        answers.add(CompletableFuture.supplyAsync(
            () -> {
              try {
                return http.post("/api/v1/cobrowse", body, admin);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            pool));
      }
      for (int i = 0; i < answers.size(); i++) {
        Http.Response r = answers.get(i).get(20, TimeUnit.SECONDS);
        if (i % 2 == 0) {
          assertEquals(400, r.status(), r.body());
          assertEquals("field 'code' is longer than 32 characters", message(r));
        } else {
          // a well-formed code that matches no page: the co-browse service's answer, not the
          // validator's
          assertNotEquals(400, r.status(), r.body());
          assertTrue(r.status() == 404 || r.status() == 429, r.status() + " " + r.body());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName(
      "deeply nested bodies get 400, never a 500: past the parser's depth limit and just below it")
  void deepBodies() throws Exception {
    String tooDeep = "{\"code\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
    Http.Response r = http.post("/api/v1/cobrowse", tooDeep, admin);
    assertEquals(400, r.status(), r.body());
    assertEquals("the body is not valid JSON", message(r));
    String deep = "{\"code\":" + "[".repeat(900) + "]".repeat(900) + "}";
    Http.Response d = http.post("/api/v1/cobrowse", deep, admin);
    assertEquals(400, d.status(), d.body());
    assertEquals("field 'code' must be a string", message(d));
  }

  @Test
  @DisplayName("no validation answer carries the library's wording, JSON pointers or stack traces")
  void noLibraryText() throws Exception {
    for (Http.Response r : List.of(
        http.post("/api/v1/agents", new JsonObject().put("maxChats", "many"), admin),
        http.post("/api/v1/login", "[]", null),
        http.get("/api/v1/chats/c1/messages?after=soon", admin),
        http.post("/api/v1/me/password", new JsonObject().put("current", 1), admin))) {
      assertEquals(400, r.status(), r.body());
      String m = message(r);
      assertFalse(
          m.contains("Instance")
              || m.contains("#/")
              || m.contains("Reason")
              || m.contains("Exception"),
          m);
    }
  }

  private static String message(Http.Response r) {
    return r.json().getJsonObject("error").getString("message");
  }
}
