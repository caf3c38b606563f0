package org.siteconnect.gateway.cobrowse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/** Code → consent → relayed stream → stop → new code, over the real page protocol and REST. */
class CobrowseFlowTest {
  private static final String PASSWORD = "correct horse battery";
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

  private BridgeClient page(JsonObject[] session) throws Exception {
    BridgeClient p = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    session[0] = p.hello(TestGateway.SITE);
    p.command(new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    p.nextBody("suback");
    return p;
  }

  private static JsonObject next(BridgeClient p, String topic) throws InterruptedException {
    return BridgeClient.body(p.next(f -> "msg".equals(BridgeClient.body(f).getString("op"))
            && topic.equals(BridgeClient.body(f).getString("topic"))))
        .getJsonObject("payload");
  }

  private static void pub(BridgeClient p, String topic, JsonObject payload) {
    p.command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
  }

  /** The visitor's answer as the frame's consent UI sends it (DESIGN §11: never a page publish). */
  private static void consent(BridgeClient p, String id, boolean allow) {
    p.command(new JsonObject().put("op", "consent").put("cobrowse_id", id).put("allow", allow));
  }

  private Http.Response redeem(String code, String token) throws Exception {
    return http.post("/api/v1/cobrowse", new JsonObject().put("code", code), token);
  }

  @Test
  @DisplayName(
      "code → consent → events reach the agent → pointer reaches the page → agent stop → new code, old one dead")
  void wholeCobrowse() throws Exception {
    JsonObject[] session = new JsonObject[1];
    BridgeClient visitor = page(session);
    String code = session[0].getString("code");

    BridgeClient console = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    console.command(new JsonObject().put("op", "agent-hello").put("token", admin));
    console.nextBody("agent-session");

    Http.Response redeemed = redeem(code, admin);
    assertEquals(200, redeemed.status(), redeemed.body());
    String id = redeemed.json().getString("cobrowse_id");
    assertEquals("waiting-consent", redeemed.json().getString("state"));
    console.command(new JsonObject()
        .put("op", "sub")
        .put("id", "cb")
        .put("filter", "$agents/acme/cobrowse/admin/" + id + "/#"));
    assertTrue(console.nextBody("suback").getBoolean("granted"));

    assertEquals(
        id, next(visitor, "~pagesession/cobrowsing/consent_request").getString("cobrowse_id"));
    // Nothing is relayed before consent.
    pub(
        visitor,
        "~pagesession/cobrowsing/events",
        new JsonObject().put("cobrowse_id", id).put("seq", 0));
    consent(visitor, id, true);
    next(visitor, "~pagesession/cobrowsing/start");
    pub(
        visitor,
        "~pagesession/cobrowsing/events",
        new JsonObject()
            .put("cobrowse_id", id)
            .put("seq", 1)
            .put("events", new JsonArray().add(new JsonObject().put("type", 2))));
    JsonObject relayed = BridgeClient.body(
            console.next(f -> BridgeClient.body(f).getString("topic", "").endsWith("/events")))
        .getJsonObject("payload");
    assertEquals(1, relayed.getInteger("seq"), "the pre-consent batch (seq 0) was dropped");

    console.command(new JsonObject()
        .put("op", "pub")
        .put("topic", "agent/admin/cobrowse/" + id + "/pointer")
        .put("payload", new JsonObject().put("x", 10).put("y", 20)));
    assertEquals(10, next(visitor, "~pagesession/cobrowsing/pointer").getInteger("x"));

    assertEquals(200, http.post("/api/v1/cobrowse/" + id + "/stop", null, admin).status());
    assertEquals("agent", next(visitor, "~pagesession/cobrowsing/stop").getString("reason"));
    String fresh = next(visitor, "~pagesession/new_code").getString("code");
    assertNotEquals(code, fresh);
    assertTrue(fresh.matches("\\d{6}"));
    Http.Response old = redeem(code, admin);
    assertEquals(404, old.status());
    assertEquals("invalid-code", old.errorCode());
  }

  @Test
  @DisplayName("declined consent tells the agent and nothing is relayed")
  void declined() throws Exception {
    JsonObject[] session = new JsonObject[1];
    BridgeClient visitor = page(session);
    String id = redeem(session[0].getString("code"), admin).json().getString("cobrowse_id");
    BridgeClient console = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    console.command(new JsonObject().put("op", "agent-hello").put("token", admin));
    console.nextBody("agent-session");
    console.command(new JsonObject()
        .put("op", "sub")
        .put("id", "cb")
        .put("filter", "$agents/acme/cobrowse/admin/" + id + "/#"));
    console.nextBody("suback");
    consent(visitor, id, false);
    JsonObject state = BridgeClient.body(
            console.next(f -> BridgeClient.body(f).getString("topic", "").endsWith("/state")))
        .getJsonObject("payload");
    assertEquals("declined", state.getString("reason"));
    next(visitor, "~pagesession/new_code");
  }

  @Test
  @DisplayName(
      "a page publish cannot consent (plain, retained, faked request, control): refused, still waiting; the frame's consent command works")
  void pagePublishCannotConsent() throws Exception {
    JsonObject[] session = new JsonObject[1];
    BridgeClient visitor = page(session);
    String id = redeem(session[0].getString("code"), admin).json().getString("cobrowse_id");
    BridgeClient console = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    console.command(new JsonObject().put("op", "agent-hello").put("token", admin));
    console.nextBody("agent-session");
    console.command(new JsonObject()
        .put("op", "sub")
        .put("id", "cb")
        .put("filter", "$agents/acme/cobrowse/admin/" + id + "/#"));
    console.nextBody("suback");
    next(visitor, "~pagesession/cobrowsing/consent_request");
    JsonObject yes = new JsonObject().put("cobrowse_id", id).put("allow", true);
    String[] topics = {
      "~pagesession/cobrowsing/consent",
      "~pagesession/cobrowsing/consent/x",
      "~pagesession/cobrowsing/consent_request",
      "~pagesession/cobrowsing/control",
      "~pagesession/cobrowsing/control_consent"
    };
    int n = 0;
    for (String topic : topics) {
      for (boolean retain : new boolean[] {false, true}) {
        String mid = "m" + n++;
        visitor.command(new JsonObject()
            .put("op", "pub")
            .put("topic", topic)
            .put("payload", yes)
            .put("retain", retain)
            .put("mid", mid));
        JsonObject err =
            BridgeClient.body(visitor.next(f -> mid.equals(BridgeClient.body(f).getString("ref"))));
        assertEquals(
            "not-allowed", err.getString("code"), topic + " retain=" + retain + ": " + err);
      }
    }
    // Malformed consent commands change nothing either.
    visitor.command(new JsonObject()
        .put("op", "consent")
        .put("cobrowse_id", id)
        .put("allow", "yes")
        .put("mid", "bad"));
    assertEquals(
        "bad-request",
        BridgeClient.body(visitor.next(f -> "bad".equals(BridgeClient.body(f).getString("ref"))))
            .getString("code"));
    console.assertNone(f -> BridgeClient.body(f).getString("topic", "").endsWith("/state"), 300);
    consent(visitor, id, true);
    next(visitor, "~pagesession/cobrowsing/start");
    JsonObject state = BridgeClient.body(
            console.next(f -> BridgeClient.body(f).getString("topic", "").endsWith("/state")))
        .getJsonObject("payload");
    assertEquals("active", state.getString("state"));
  }

  @Test
  @DisplayName(
      "unknown, malformed and used codes get one identical answer; five wrong codes lock the agent out")
  void wrongCodesLockOut() throws Exception {
    JsonObject[] session = new JsonObject[1];
    page(session);
    Http.Response unknown = redeem("000000", admin);
    Http.Response malformed = redeem("abc", admin);
    assertEquals(404, unknown.status());
    assertEquals(unknown.body(), malformed.body());
    for (int i = 0; i < 3; i++) {
      assertEquals(404, redeem("00000" + i, admin).status());
    }
    Http.Response locked = redeem(session[0].getString("code"), admin);
    assertEquals(429, locked.status(), "locked out even for the right code");
  }

  @Test
  @DisplayName("two agents redeeming the same code at once: exactly one wins")
  void oneWinner() throws Exception {
    http.post(
        "/api/v1/agents",
        new JsonObject()
            .put("login", "bob")
            .put("password", "a long password")
            .put("buttons", new JsonArray().add("acme/sales")),
        admin);
    String bob = http.login("bob", "a long password");
    JsonObject[] session = new JsonObject[1];
    page(session);
    String code = session[0].getString("code");
    CompletableFuture<Http.Response> a =
        CompletableFuture.supplyAsync(() -> call(() -> redeem(code, admin)));
    CompletableFuture<Http.Response> b =
        CompletableFuture.supplyAsync(() -> call(() -> redeem(code, bob)));
    List<Integer> statuses = List.of(
        a.get(10, TimeUnit.SECONDS).status(), b.get(10, TimeUnit.SECONDS).status());
    assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
    assertEquals(1, statuses.stream().filter(s -> s == 404).count(), statuses.toString());
  }

  private interface Call {
    Http.Response run() throws Exception;
  }

  private static Http.Response call(Call c) {
    try {
      return c.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
