package org.siteconnect.gateway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/** The agent REST API and agent bridge sessions on a real gateway. */
class AgentApiTest {
  static final String ADMIN_PASSWORD = "correct horse battery";
  private Vertx vertx;
  private int port;
  private Http http;

  private void start(JsonObject overrides) {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port);
    overrides.forEach(e -> config.put(e.getKey(), e.getValue()));
    config.getJsonObject("agents", new JsonObject()).put("passwordIterations", 10_000);
    if (!config.containsKey("agents")) {
      config.put(
          "agents",
          new JsonObject().put("maxWritesPerMinute", 1_000_000).put("passwordIterations", 10_000));
    }
    TestGateway.start(
        vertx, config, java.util.Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, ADMIN_PASSWORD));
    http = new Http(port);
  }

  private void start() {
    start(new JsonObject());
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private String createAgent(String admin, String login, String... buttons) throws Exception {
    Http.Response r = http.post(
        "/api/v1/agents",
        new JsonObject()
            .put("login", login)
            .put("name", "Agent " + login)
            .put("password", "a long password")
            .put("buttons", new JsonArray(java.util.List.of(buttons))),
        admin);
    assertEquals(201, r.status(), r.body());
    return http.login(login, "a long password");
  }

  @Test
  @DisplayName("the admin from SC_ADMIN_PASSWORD logs in and sees itself; no token means 401")
  void loginAndMe() throws Exception {
    start();
    assertEquals(401, http.get("/api/v1/me", null).status());
    assertEquals("unauthorized", http.get("/api/v1/me", "nonsense").errorCode());
    String token = http.login("admin", ADMIN_PASSWORD);
    Http.Response me = http.get("/api/v1/me", token);
    assertEquals(200, me.status(), me.body());
    assertEquals("admin", me.json().getString("login"));
    assertFalse(me.body().contains("pbkdf2"), "the password hash never leaves the server");
    assertEquals(2, me.json().getJsonArray("buttons").size());
  }

  @Test
  @DisplayName("a wrong password and an unknown login get the same answer")
  void sameAnswerForUnknownLogin() throws Exception {
    start();
    Http.Response wrong = http.post(
        "/api/v1/login",
        new JsonObject().put("login", "admin").put("password", "nope nope nope"),
        null);
    Http.Response unknown = http.post(
        "/api/v1/login",
        new JsonObject().put("login", "ghost").put("password", "nope nope nope"),
        null);
    assertEquals(401, wrong.status());
    assertEquals(wrong.status(), unknown.status());
    assertEquals(wrong.body(), unknown.body());
  }

  @Test
  @DisplayName("after five failed logins the account is locked, even for the right password")
  void loginRateLimited() throws Exception {
    start();
    for (int i = 0; i < 5; i++) {
      assertEquals(
          401,
          http.post(
                  "/api/v1/login",
                  new JsonObject().put("login", "admin").put("password", "wrong " + i + " xxxx"),
                  null)
              .status());
    }
    Http.Response locked = http.post(
        "/api/v1/login",
        new JsonObject().put("login", "admin").put("password", ADMIN_PASSWORD),
        null);
    assertEquals(429, locked.status(), locked.body());
    assertEquals("rate-limited", locked.errorCode());
    assertTrue(locked.headers().firstValue("Retry-After").isPresent());
  }

  @Test
  @DisplayName("a token expires after its time to live")
  void tokenExpires() throws Exception {
    start(new JsonObject()
        .put(
            "agents",
            new JsonObject().put("maxWritesPerMinute", 1_000_000).put("tokenTtlSeconds", 1)));
    String token = http.login("admin", ADMIN_PASSWORD);
    assertEquals(200, http.get("/api/v1/me", token).status());
    long deadline = System.currentTimeMillis() + 5_000;
    int status = 200;
    while (status == 200 && System.currentTimeMillis() < deadline) {
      status = http.get("/api/v1/me", token).status();
    }
    assertEquals(401, status);
  }

  @Test
  @DisplayName("validation errors name the field; unknown fields and wrong types are refused")
  void validation() throws Exception {
    start();
    String admin = http.login("admin", ADMIN_PASSWORD);
    Http.Response unknown =
        http.post("/api/v1/agents", new JsonObject().put("login", "x").put("colour", "red"), admin);
    assertEquals(400, unknown.status());
    assertTrue(unknown.json().getJsonObject("error").getString("message").contains("colour"));
    Http.Response type = http.post("/api/v1/agents", new JsonObject().put("login", 5), admin);
    assertTrue(
        type.json().getJsonObject("error").getString("message").contains("login"), type.body());
    Http.Response shortPw = http.post(
        "/api/v1/agents", new JsonObject().put("login", "bob").put("password", "short"), admin);
    assertEquals(400, shortPw.status());
    assertTrue(shortPw.body().contains("password"));
    Http.Response badButton = http.post(
        "/api/v1/agents",
        new JsonObject()
            .put("login", "bob")
            .put("password", "long enough pw")
            .put("buttons", new JsonArray().add("acme/nope")),
        admin);
    assertEquals(400, badButton.status());
    assertEquals(400, http.post("/api/v1/login", "not json", null).status());
    Http.Response big =
        http.post("/api/v1/login", "{\"login\":\"" + "x".repeat(70_000) + "\"}", null);
    assertEquals(413, big.status(), big.body());
    assertEquals(404, http.get("/api/v1/nothing", admin).status());
  }

  @Test
  @DisplayName("maxChats out of 1-100 is refused with 400, however large, on create and update")
  void maxChatsRange() throws Exception {
    start();
    String admin = http.login("admin", ADMIN_PASSWORD);
    for (String tooBig : new String[] {"4294967298", "2147483648", "101", "0", "-1"}) {
      Http.Response created = http.post(
          "/api/v1/agents",
          "{\"login\":\"bob\",\"password\":\"a long password\",\"maxChats\":" + tooBig + "}",
          admin);
      assertEquals(400, created.status(), tooBig + ": " + created.body());
      Http.Response updated =
          http.send("PUT", "/api/v1/agents/admin", "{\"maxChats\":" + tooBig + "}", admin);
      assertEquals(400, updated.status(), tooBig + ": " + updated.body());
    }
    assertEquals(1, new JsonArray(http.get("/api/v1/agents", admin).body()).size());
    assertEquals(3, http.get("/api/v1/me", admin).json().getInteger("maxChats"));
    Http.Response hundred = http.post(
        "/api/v1/agents",
        new JsonObject()
            .put("login", "bob")
            .put("password", "a long password")
            .put("maxChats", 100),
        admin);
    assertEquals(201, hundred.status(), hundred.body());
    assertEquals(100, hundred.json().getInteger("maxChats"));
  }

  @Test
  @DisplayName("only admins manage agents; a new agent can log in and is refused admin calls")
  void adminOnly() throws Exception {
    start();
    String admin = http.login("admin", ADMIN_PASSWORD);
    String bob = createAgent(admin, "bob", "acme/sales");
    assertEquals(403, http.get("/api/v1/agents", bob).status());
    Http.Response list = http.get("/api/v1/agents", admin);
    assertEquals(2, new JsonArray(list.body()).size());
    assertEquals(
        409,
        http.post(
                "/api/v1/agents",
                new JsonObject().put("login", "bob").put("password", "another long one"),
                admin)
            .status());
    assertEquals(204, http.send("DELETE", "/api/v1/agents/bob", null, admin).status());
    assertEquals(401, http.get("/api/v1/me", bob).status(), "deleting an agent revokes its tokens");
  }

  @Test
  @DisplayName("logout revokes the token and closes that agent's console socket")
  void logoutClosesSockets() throws Exception {
    start();
    String token = http.login("admin", ADMIN_PASSWORD);
    BridgeClient console = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    console.command(new JsonObject().put("op", "agent-hello").put("token", token));
    assertEquals(
        "admin", console.nextBody("agent-session").getJsonObject("agent").getString("login"));
    assertEquals(204, http.post("/api/v1/logout", null, token).status());
    assertEquals("unauthorized", console.nextBody("err").getString("code"));
    long deadline = System.currentTimeMillis() + 5_000;
    while (!console.isClosed() && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(console.isClosed());
    assertEquals(401, http.get("/api/v1/me", token).status());
  }

  @Test
  @DisplayName("a bad token on the bridge gets unauthorized")
  void badTokenOnBridge() throws Exception {
    start();
    BridgeClient console = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    console.command(new JsonObject().put("op", "agent-hello").put("token", "forged"));
    assertEquals("unauthorized", console.nextBody("err").getString("code"));
  }

  @Test
  @DisplayName(
      "a button is enabled while a connected agent is available for it; pages see the retained state")
  void buttonAvailability() throws Exception {
    start(new JsonObject()
        .put(
            "agents",
            new JsonObject()
                .put("maxWritesPerMinute", 1_000_000)
                .put("disconnectGraceSeconds", 0)));
    String admin = http.login("admin", ADMIN_PASSWORD);
    BridgeClient page = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    page.hello(TestGateway.SITE);
    page.command(new JsonObject()
        .put("op", "sub")
        .put("id", "b")
        .put("filter", "$sites/acme/chat_button/+"));
    assertTrue(page.nextBody("suback").getBoolean("granted"));
    assertEquals("disabled", salesState(page));

    // available but no console connected: still disabled
    Http.Response set = http.send(
        "PUT", "/api/v1/me/buttons/acme/sales", new JsonObject().put("available", true), admin);
    assertEquals(200, set.status(), set.body());
    assertFalse(set.json().getBoolean("enabled"));

    BridgeClient console = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    console.command(new JsonObject().put("op", "agent-hello").put("token", admin));
    console.nextBody("agent-session");
    assertEquals("enabled", salesState(page));

    BridgeClient late = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    late.hello(TestGateway.SITE);
    late.command(new JsonObject()
        .put("op", "sub")
        .put("id", "b")
        .put("filter", "$sites/acme/chat_button/sales"));
    late.nextBody("suback");
    assertEquals("enabled", salesState(late));

    http.send(
        "PUT", "/api/v1/me/buttons/acme/sales", new JsonObject().put("available", false), admin);
    assertEquals("disabled", salesState(page));
    http.send(
        "PUT", "/api/v1/me/buttons/acme/sales", new JsonObject().put("available", true), admin);
    assertEquals("enabled", salesState(page));
    console.close();
    assertEquals("disabled", salesState(page));

    assertEquals(
        403,
        http.send(
                "PUT",
                "/api/v1/me/buttons/other/sales",
                new JsonObject().put("available", true),
                admin)
            .status());
    page.command(new JsonObject().put("op", "sub").put("id", "x").put("filter", "$sites/other/#"));
    assertFalse(
        page.nextBody("suback").getBoolean("granted"), "a page reads only its own site's state");
  }

  /** The next state message for the sales button (the support button's messages are skipped). */
  private static String salesState(BridgeClient page) throws InterruptedException {
    JsonObject msg =
        BridgeClient.body(page.next(f -> "msg".equals(BridgeClient.body(f).getString("op"))
            && BridgeClient.body(f).getString("topic", "").endsWith("/sales")));
    return msg.getJsonObject("payload").getString("state");
  }

  @Test
  @DisplayName("backends publish with an API key within its grants; the key is checked by its hash")
  void publishWithApiKey() throws Exception {
    String key = "backend-secret-key";
    String sha = HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256")
            .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    start(new JsonObject()
        .put(
            "api",
            new JsonObject()
                .put(
                    "keys",
                    new JsonArray()
                        .add(new JsonObject()
                            .put("name", "crm")
                            .put("sha256", sha)
                            .put("publish", new JsonArray().add("public/#"))))));
    BridgeClient page = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    page.hello(TestGateway.SITE);
    page.command(new JsonObject().put("op", "sub").put("id", "p").put("filter", "public/#"));
    page.nextBody("suback");
    JsonObject body = new JsonObject()
        .put("topic", "public/offers")
        .put("payload", new JsonObject().put("pct", 10));
    assertEquals(401, http.send("POST", "/api/v1/publish", body, null).status());
    assertEquals(
        401,
        http.send("POST", "/api/v1/publish", body, null, "X-Api-Key", "wrong").status());
    Http.Response ok = http.send("POST", "/api/v1/publish", body, null, "X-Api-Key", key);
    assertEquals(202, ok.status(), ok.body());
    assertEquals(10, page.nextBody("msg").getJsonObject("payload").getInteger("pct"));
    assertEquals(
        403,
        http.send(
                "POST",
                "/api/v1/publish",
                body.copy().put("topic", "private/x"),
                null,
                "X-Api-Key",
                key)
            .status());
    assertEquals(
        403,
        http.send(
                "POST",
                "/api/v1/publish",
                body.copy().put("topic", "$sites/acme/chat_button/sales"),
                null,
                "X-Api-Key",
                key)
            .status());
    Http.Response bad = http.send(
        "POST", "/api/v1/publish", body.copy().put("topic", "public/#"), null, "X-Api-Key", key);
    assertEquals("invalid-topic", bad.errorCode());
    assertNotNull(bad.json().getJsonObject("error").getString("message"));
  }
}
