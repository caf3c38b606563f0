package org.siteconnect.gateway.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/** The webhook admin API with the default SSRF guard on: refusals, filters, bounds under a burst, access. */
class WebhookAdminTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String SECRET = "a webhook secret of some length";
  /** An IP literal on the public internet: registration does not connect, and there is no name to resolve. */
  private static final String PUBLIC_URL = "http://93.184.215.14/hook";

  private Vertx vertx;
  private int port;
  private Http http;
  private String admin;

  private void start(JsonObject webhooks) {
    port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port).put("webhooks", webhooks);
    config
        .getJsonArray("sites")
        .add(new JsonObject()
            .put("key", "beta")
            .put("origins", new JsonArray().add("http://localhost:5998"))
            .put("buttons", new JsonArray().add(new JsonObject().put("id", "help"))));
    vertx = Vertx.vertx();
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    try {
      admin = http.login("admin", PASSWORD);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private Http.Response register(String url, Object filters, String secret) throws Exception {
    return http.post(
        "/api/v1/webhooks",
        new JsonObject().put("url", url).put("filters", filters).put("secret", secret),
        admin);
  }

  private Http.Response register(String url, String filter) throws Exception {
    return register(url, new JsonArray().add(filter), SECRET);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "http://127.0.0.1:8080/hook",
        "http://127.8.9.10/",
        "http://localhost:8080/hook",
        "http://10.1.2.3/hook",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0:8080/",
        "http://224.0.0.1/",
        "http://[::1]:8080/hook",
        "http://[::]/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:10.0.0.1]/",
        "ftp://93.184.215.14/hook",
        "file:///etc/passwd",
        "gopher://93.184.215.14/"
      })
  @DisplayName("internal targets and non-http(s) schemes are refused by default")
  void ssrfRefused(String url) throws Exception {
    start(new JsonObject());
    Http.Response r = register(url, "$sites/acme/#");
    assertEquals(400, r.status(), r.body());
    assertEquals("target-refused", r.errorCode(), r.body());
  }

  @Test
  @DisplayName("each delivery checks the address again: an internal target is not contacted")
  void refusedAtDelivery() throws Exception {
    vertx = Vertx.vertx();
    try (Receiver receiver = new Receiver()) {
      GatewayConfig.Webhooks c = GatewayConfig.from(TestGateway.config(1)).webhooks();
      Sender sender = new Sender(vertx, c, new TargetGuard(false, List.of()));
      Hook hook = new Hook(
          "h1",
          "acme",
          receiver.url("/x"),
          List.of(),
          SECRET,
          true,
          "admin",
          0,
          0,
          null,
          null,
          null);
      Delivery d = new Delivery(
          "h1", 1, "id1", "$sites/acme/x", "{}", 0, 0, Delivery.PENDING, 0, 0, null, null, null);
      Sender.Outcome outcome = sender.send(hook, d).await(10, TimeUnit.SECONDS);
      assertFalse(outcome.delivered());
      assertTrue(outcome.error().contains("internal"), outcome.error());
      assertEquals(0, receiver.hits().size(), "nothing reached the loopback receiver");
      // allowed by a CIDR in webhooks.allowedTargets
      Sender allowed = new Sender(vertx, c, new TargetGuard(false, List.of("127.0.0.0/8")));
      assertTrue(allowed.send(hook, d).await(10, TimeUnit.SECONDS).delivered());
      assertEquals(1, receiver.hits().size());
    }
  }

  @Test
  @DisplayName(
      "bad filters, secrets, URLs and fields are 400s that name the problem; another site is 403")
  void validation() throws Exception {
    start(new JsonObject().put("maxFiltersPerHook", 3).put("maxUrlLength", 64));
    Object[][] cases = {
      {"$sites/acme/chats/a+", 400, "'$sites/acme/chats/a+'"},
      {"$sites/acme/#/x", 400, "'$sites/acme/#/x'"},
      {"$sites/+/chats/#", 400, "'$sites/+/chats/#'"},
      {"public/#", 400, "'public/#'"},
      {"$share/g/$sites/acme/#", 400, "'$share/g/$sites/acme/#'"},
      {"$sites/other/#", 403, "'$sites/other/#'"},
    };
    for (Object[] c : cases) {
      Http.Response r = register(PUBLIC_URL, (String) c[0]);
      assertEquals(c[1], r.status(), r.body());
      assertTrue(
          r.json().getJsonObject("error").getString("message").contains((String) c[2]), r.body());
    }
    Http.Response two =
        register(PUBLIC_URL, new JsonArray().add("$sites/acme/#").add("$sites/beta/#"), SECRET);
    assertEquals(400, two.status(), "one site per hook: " + two.body());
    Http.Response many = register(
        PUBLIC_URL,
        new JsonArray()
            .add("$sites/acme/a")
            .add("$sites/acme/b")
            .add("$sites/acme/c")
            .add("$sites/acme/d"),
        SECRET);
    assertEquals(400, many.status(), many.body());
    assertTrue(many.body().contains("at most 3"), many.body());
    assertEquals(
        400, register(PUBLIC_URL, new JsonArray().add("$sites/acme/#"), "short").status());
    assertEquals(
        400,
        register(PUBLIC_URL + "/" + "x".repeat(64), new JsonArray().add("$sites/acme/#"), SECRET)
            .status());
    assertEquals(400, register(PUBLIC_URL, new JsonArray(), SECRET).status());
    assertEquals(400, register(PUBLIC_URL, "not an array", SECRET).status());
    Http.Response unknown = http.post(
        "/api/v1/webhooks",
        new JsonObject()
            .put("url", PUBLIC_URL)
            .put("filters", new JsonArray().add("$sites/acme/#"))
            .put("secret", SECRET)
            .put("events", "all"),
        admin);
    assertEquals(400, unknown.status());
    assertTrue(unknown.body().contains("'events'"), unknown.body());
  }

  @Test
  @DisplayName(
      "register, list, get, update, delete; the secret is never shown; agents and anonymous are refused")
  void crud() throws Exception {
    start(new JsonObject());
    Http.Response made = register(PUBLIC_URL, "$sites/acme/chats/+/message");
    assertEquals(201, made.status(), made.body());
    String id = made.json().getString("id");
    assertEquals("acme", made.json().getString("site"));
    assertTrue(made.json().getBoolean("enabled"));
    assertFalse(made.body().contains(SECRET));

    JsonArray list = new JsonArray(http.get("/api/v1/webhooks", admin).body());
    assertEquals(1, list.size());
    assertEquals(id, list.getJsonObject(0).getString("id"));

    Http.Response updated = http.send(
        "PUT",
        "/api/v1/webhooks/" + id,
        new JsonObject()
            .put(
                "filters", new JsonArray().add("$sites/acme/chats/#").add("$sites/acme/messages/#"))
            .put("enabled", false),
        admin);
    assertEquals(200, updated.status(), updated.body());
    assertEquals(2, updated.json().getJsonArray("filters").size());
    assertFalse(updated.json().getBoolean("enabled"));
    assertEquals(
        400,
        http.send(
                "PUT",
                "/api/v1/webhooks/" + id,
                new JsonObject().put("url", "http://10.0.0.1/"),
                admin)
            .status(),
        "SSRF checked on update too");
    assertEquals(false, http.get("/api/v1/webhooks/" + id, admin).json().getBoolean("enabled"));

    Http.Response created = http.post(
        "/api/v1/agents",
        new JsonObject()
            .put("login", "ann")
            .put("name", "Ann")
            .put("password", "another long password")
            .put("roles", new JsonArray().add("agent"))
            .put("buttons", new JsonArray().add("acme/sales")),
        admin);
    assertEquals(201, created.status(), created.body());
    String ann = http.login("ann", "another long password");
    assertEquals(403, http.get("/api/v1/webhooks", ann).status(), "agents are not admins");
    assertEquals(401, http.get("/api/v1/webhooks", null).status());

    assertEquals(204, http.send("DELETE", "/api/v1/webhooks/" + id, null, admin).status());
    assertEquals(404, http.get("/api/v1/webhooks/" + id, admin).status());
    assertEquals(404, http.get("/api/v1/webhooks/" + id + "/deliveries", admin).status());
    JsonArray audit = new JsonArray(http.get("/api/v1/audit", admin).body());
    List<String> actions =
        audit.stream().map(o -> ((JsonObject) o).getString("action")).toList();
    assertTrue(
        actions.containsAll(List.of("webhook-created", "webhook-updated", "webhook-deleted")),
        actions.toString());
  }

  @Test
  @DisplayName(
      "a burst of 20 concurrent registrations per site creates exactly the bounds (3 per site, 4 in all)")
  void boundsUnderBurst() throws Exception {
    start(new JsonObject().put("maxHooksPerSite", 3).put("maxHooks", 4));
    assertEquals(List.of(3, 17), burst("acme", 20));
    assertEquals(List.of(1, 19), burst("beta", 20));
    assertEquals(4, new JsonArray(http.get("/api/v1/webhooks", admin).body()).size());
  }

  @Test
  @DisplayName(
      "10 hooks each get a URL change and a delete at the same moment: every deleted hook stays deleted (not "
          + "listed, 404), and an update answered 200 was applied before its delete")
  void updateRacingDelete() throws Exception {
    start(new JsonObject());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Http.Response r = register(PUBLIC_URL, "$sites/acme/#");
      assertEquals(201, r.status(), r.body());
      ids.add(new JsonObject(r.body()).getString("id"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> updates = new ArrayList<>();
      List<Future<Integer>> deletes = new ArrayList<>();
      for (String id : ids) {
        updates.add(pool.submit(() -> {
          go.await();
          return http.send(
                  "PUT",
                  "/api/v1/webhooks/" + id,
                  new JsonObject().put("url", "http://93.184.215.15/moved"),
                  admin)
              .status();
        }));
        deletes.add(pool.submit(() -> {
          go.await();
          return http.send("DELETE", "/api/v1/webhooks/" + id, null, admin).status();
        }));
      }
      go.countDown();
      for (int i = 0; i < ids.size(); i++) {
        assertEquals(204, deletes.get(i).get(30, TimeUnit.SECONDS));
        int update = updates.get(i).get(30, TimeUnit.SECONDS);
        assertTrue(update == 200 || update == 404, "update: " + update);
        assertEquals(404, http.get("/api/v1/webhooks/" + ids.get(i), admin).status());
      }
      assertEquals(0, new JsonArray(http.get("/api/v1/webhooks", admin).body()).size());
    } finally {
      pool.shutdownNow();
    }
  }

  /** [created, refused with 409] of {@code n} registrations sent at once. */
  private List<Integer> burst(String site, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Callable<Integer> call = () -> {
          go.await();
          return register(PUBLIC_URL, "$sites/" + site + "/#").status();
        };
        answers.add(pool.submit(call));
      }
      go.countDown();
      int created = 0;
      int refused = 0;
      for (Future<Integer> a : answers) {
        int status = a.get(30, TimeUnit.SECONDS);
        if (status == 201) {
          created++;
        } else if (status == 409) {
          refused++;
        } else {
          throw new AssertionError("unexpected status " + status);
        }
      }
      return List.of(created, refused);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName(
      "pages and agent consoles cannot subscribe to the event trees, even of a button they serve")
  void eventTreesAreNotReadable() throws Exception {
    start(new JsonObject());
    BridgeClient page = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    page.hello(TestGateway.SITE);
    for (String filter : List.of(
        "$sites/acme/chats/#",
        "$sites/acme/chats/+/message",
        "$sites/acme/messages/#",
        "$sites/acme/cobrowse/+/started",
        "$sites/acme/#",
        "$sites/acme/+/+/message")) {
      assertFalse(granted(page, filter), "page: " + filter);
    }
    assertTrue(granted(page, "$sites/acme/chat_button/+"), "the button states stay readable");

    BridgeClient console = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    console.command(new JsonObject().put("op", "agent-hello").put("token", admin));
    console.nextBody("agent-session");
    for (String filter : List.of(
        "$sites/acme/chats/+/message",
        "$sites/acme/chats/#",
        "$sites/acme/#",
        "$sites/acme/messages/m1")) {
      assertFalse(granted(console, filter), "console of an agent serving every button: " + filter);
    }
    assertTrue(granted(console, "$sites/acme/chat_button/+"));
  }

  private static boolean granted(BridgeClient client, String filter) throws InterruptedException {
    client.command(new JsonObject().put("op", "sub").put("id", filter).put("filter", filter));
    return client.nextBody("suback").getBoolean("granted");
  }
}
