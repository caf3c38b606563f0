package org.siteconnect.gateway.cobrowse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Eventually;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/** Remote control (docs/CONTROL.md): the server's checks, over the real page protocol, REST and /metrics. */
class CobrowseControlTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String TOKEN = "scrape-token-0123456789";
  private static final int RATE = 20;
  private static final String ACT = "~pagesession/cobrowsing/control_act";
  private Vertx vertx;
  private int port;
  private Http http;
  private String admin;
  private BridgeClient visitor;
  private BridgeClient console;
  private String id;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    TestGateway.start(
        vertx,
        TestGateway.config(port)
            .put("ops", new JsonObject().put("metricsToken", TOKEN))
            .put("cobrowse", new JsonObject().put("maxControlEventsPerSecond", RATE)),
        Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
    // An active co-browse: the visitor consented to viewing (and to nothing else).
    visitor = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    String code = visitor.hello(TestGateway.SITE).getString("code");
    visitor.command(
        new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    visitor.nextBody("suback");
    id = http.post("/api/v1/cobrowse", new JsonObject().put("code", code), admin)
        .json()
        .getString("cobrowse_id");
    console = agent(admin);
    console.command(new JsonObject()
        .put("op", "sub")
        .put("id", "cb")
        .put("filter", "$agents/acme/cobrowse/admin/" + id + "/#"));
    console.nextBody("suback");
    visitor.command(
        new JsonObject().put("op", "consent").put("cobrowse_id", id).put("allow", true));
    next(visitor, "~pagesession/cobrowsing/start");
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private BridgeClient agent(String token) throws Exception {
    BridgeClient c = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    c.command(new JsonObject().put("op", "agent-hello").put("token", token));
    c.nextBody("agent-session");
    return c;
  }

  private static Predicate<JsonObject> msg(String topic) {
    return f -> "msg".equals(BridgeClient.body(f).getString("op"))
        && topic.equals(BridgeClient.body(f).getString("topic"));
  }

  private static Object next(BridgeClient p, String topic) throws InterruptedException {
    return BridgeClient.body(p.next(msg(topic))).getValue("payload");
  }

  private JsonObject controlState() throws InterruptedException {
    return BridgeClient.body(console.next(
            f -> BridgeClient.body(f).getString("topic", "").endsWith(id + "/control")))
        .getJsonObject("payload");
  }

  private void control(BridgeClient from, String login, JsonObject payload) {
    from.command(new JsonObject()
        .put("op", "pub")
        .put("topic", "agent/" + login + "/cobrowse/" + id + "/control")
        .put("payload", payload));
  }

  private static JsonObject click(int x, int y) {
    return new JsonObject().put("type", "click").put("x", x).put("y", y);
  }

  private double refused(String reason) throws Exception {
    String line = "sc_cobrowse_control_refused_total{reason=\"" + reason + "\"";
    return http.get("/metrics", TOKEN)
        .body()
        .lines()
        .filter(l -> l.startsWith(line))
        .findFirst()
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .orElse(0.0);
  }

  private void grant() throws Exception {
    control(console, "admin", new JsonObject().put("type", "request"));
    assertEquals("requested", controlState().getString("state"));
    JsonObject asked =
        visitor.nextPayload("~pagesession/cobrowsing/control_request", p -> true, 5000);
    assertEquals(id, asked.getString("cobrowse_id"));
    visitor.command(
        new JsonObject().put("op", "control").put("cobrowse_id", id).put("allow", true));
    assertEquals("granted", controlState().getString("state"));
    assertEquals(
        "granted",
        visitor
            .nextPayload("~pagesession/cobrowsing/control_state", p -> true, 5000)
            .getString("state"));
  }

  private List<String> audit() throws Exception {
    List<String> actions = new ArrayList<>();
    new JsonArray(http.get("/api/v1/audit", admin).body())
        .forEach(e -> actions.add(((JsonObject) e).getString("action")));
    return actions;
  }

  @Test
  @DisplayName(
      "no action before a grant; a grant only from the frame's control command of the asked session; then only the holder's actions reach the page, cleaned; revoke stops them; all audited and refusals counted")
  void grantAndChecks() throws Exception {
    control(console, "admin", click(10, 20));
    visitor.assertNone(msg(ACT), 300);
    assertEquals(1.0, refused("no-grant"));

    control(console, "admin", new JsonObject().put("type", "request"));
    assertEquals("requested", controlState().getString("state"));
    next(visitor, "~pagesession/cobrowsing/control_request");
    // The page cannot answer by publishing, nor fake the prompt; an agent has no session to answer
    // from.
    JsonObject yes = new JsonObject().put("cobrowse_id", id).put("allow", true);
    for (String topic :
        new String[] {"~pagesession/cobrowsing/control", "~pagesession/cobrowsing/control_state"}) {
      visitor.command(new JsonObject()
          .put("op", "pub")
          .put("topic", topic)
          .put("payload", yes)
          .put("mid", topic));
      assertEquals(
          "not-allowed",
          BridgeClient.body(visitor.next(f -> topic.equals(BridgeClient.body(f).getString("ref"))))
              .getString("code"));
    }
    console.command(yes.copy().put("op", "control").put("mid", "agent-grant"));
    console.next(f -> "agent-grant".equals(BridgeClient.body(f).getString("ref")));
    // A second page session of the same site is not the one asked.
    BridgeClient other = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    other.hello(TestGateway.SITE);
    other.command(yes.copy().put("op", "control"));
    other.fence();
    control(console, "admin", click(1, 1));
    visitor.assertNone(msg(ACT), 300);
    assertTrue(refused("no-request") >= 1.0);
    assertEquals(2.0, refused("no-grant"));

    visitor.command(yes.copy().put("op", "control"));
    assertEquals("granted", controlState().getString("state"));
    JsonObject state = (JsonObject) next(visitor, "~pagesession/cobrowsing/control_state");
    assertEquals(id, state.getString("cobrowse_id"));
    assertEquals(new JsonArray().add(TestGateway.SITE_ORIGIN), state.getJsonArray("origins"));
    assertEquals(true, state.getBoolean("confirm_submit"));
    assertEquals("", next(visitor, "~pagesession/cobrowsing/control_request"));

    control(console, "admin", click(10, 20).put("extra", "dropped"));
    JsonObject act = (JsonObject) next(visitor, ACT);
    assertEquals("click", act.getString("type"));
    assertEquals(10.0, act.getDouble("x"));
    assertEquals(id, act.getString("cobrowse_id"));
    assertTrue(!act.containsKey("extra"), act.encode());

    // Another agent: not on its own topic (not the holder), not on the holder's (the router
    // refuses).
    http.post(
        "/api/v1/agents",
        new JsonObject().put("login", "bob").put("password", "a long password"),
        admin);
    BridgeClient bob = agent(http.login("bob", "a long password"));
    control(bob, "bob", click(5, 5));
    bob.command(new JsonObject()
        .put("op", "pub")
        .put("topic", "agent/admin/cobrowse/" + id + "/control")
        .put("payload", click(6, 6))
        .put("mid", "forged"));
    assertEquals(
        "not-allowed",
        BridgeClient.body(bob.next(f -> "forged".equals(BridgeClient.body(f).getString("ref"))))
            .getString("code"));
    // Malformed actions: an unknown type, a key not on the list, text too long, coordinates
    // missing.
    control(console, "admin", new JsonObject().put("type", "eval").put("x", 1).put("y", 1));
    control(console, "admin", new JsonObject().put("type", "key").put("key", "F12"));
    control(console, "admin", new JsonObject().put("type", "text").put("text", "x".repeat(300)));
    control(console, "admin", new JsonObject().put("type", "click"));
    console.fence();
    bob.fence();
    visitor.assertNone(msg(ACT), 300);
    assertEquals(1.0, refused("not-holder"));
    assertEquals(4.0, refused("bad-message"));

    // A new page in the controlled tab (a new recording's full snapshot) is audited.
    for (String rid : new String[] {"r1", "r2"}) {
      visitor.command(new JsonObject()
          .put("op", "pub")
          .put("topic", "~pagesession/cobrowsing/events")
          .put(
              "payload",
              new JsonObject()
                  .put("cobrowse_id", id)
                  .put("rid", rid)
                  .put("seq", 1)
                  .put("full", true)
                  .put("events", new JsonArray())));
    }
    visitor.fence();

    // The visitor takes control back (Esc): the agent is told, and its actions stop at once.
    visitor.command(new JsonObject()
        .put("op", "pub")
        .put("topic", "~pagesession/cobrowsing/release")
        .put("payload", new JsonObject().put("cobrowse_id", id).put("reason", "esc")));
    JsonObject revoked = controlState();
    assertEquals("revoked", revoked.getString("state"));
    assertEquals("esc", revoked.getString("reason"));
    assertEquals("", next(visitor, "~pagesession/cobrowsing/control_state"));
    control(console, "admin", click(10, 20));
    console.fence();
    visitor.assertNone(msg(ACT), 300);
    assertEquals(3.0, refused("no-grant"));

    List<String> actions = Eventually.until(
        "the revoke in the audit log",
        Duration.ofSeconds(5),
        this::audit,
        a -> a.contains("control-revoked"));
    for (String a : List.of(
        CobrowseControl.AUDIT_ASKED,
        CobrowseControl.AUDIT_GRANTED,
        CobrowseControl.AUDIT_NAVIGATED,
        CobrowseControl.AUDIT_REVOKED)) {
      assertTrue(actions.contains(a), a + " in " + actions);
    }
  }

  @Test
  @DisplayName(
      "a concurrent burst of actions: at most the configured rate per second reaches the page, the rest is refused and counted")
  void rateBounded() throws Exception {
    grant();
    int burst = 160;
    // Four connections of the holder at once (each under the bridge's own 100 commands a second).
    List<BridgeClient> holders = List.of(console, agent(admin), agent(admin), agent(admin));
    for (int i = 0; i < burst; i++) {
      control(holders.get(i % holders.size()), "admin", click(i, i).put("n", i));
    }
    for (BridgeClient h : holders) {
      h.fence();
    }
    int[] relayed = {0};
    long quiet = System.currentTimeMillis() + 500;
    while (System.currentTimeMillis() < quiet) {
      try {
        visitor.next(msg(ACT), 100);
        relayed[0]++;
        quiet = System.currentTimeMillis() + 500;
      } catch (AssertionError none) {
        // none within 100 ms
      }
    }
    // The burst is sent within well under a second: one window, or two when it straddles a
    // boundary.
    assertTrue(relayed[0] >= RATE && relayed[0] <= 2 * RATE, "relayed " + relayed[0]);
    assertEquals(burst - relayed[0], refused("rate"), 0.0);
  }

  private List<JsonObject> auditRows(String action) throws Exception {
    List<JsonObject> rows = new ArrayList<>();
    new JsonArray(http.get("/api/v1/audit?limit=1000&action=" + action, admin).body())
        .forEach(e -> rows.add((JsonObject) e));
    return rows;
  }

  private void fullSnapshot(BridgeClient page, String rid) {
    page.command(new JsonObject()
        .put("op", "pub")
        .put("topic", "~pagesession/cobrowsing/events")
        .put(
            "payload",
            new JsonObject()
                .put("cobrowse_id", id)
                .put("rid", rid)
                .put("seq", 1)
                .put("full", true)
                .put("events", new JsonArray())));
  }

  @Test
  @DisplayName(
      "a controlled page flipping between two recordings, then a burst of new ones: a return to a recording is no new page, at most cobrowse.maxPageAuditsPerMinute navigations are audited, one row counts the rest")
  void navigationAuditsBounded() throws Exception {
    grant();
    for (int i = 0; i < 60; i++) { // A, B, A, B, …: one new page (B), the rest are returns
      fullSnapshot(visitor, i % 2 == 0 ? "A" : "B");
    }
    for (int i = 0; i < 30; i++) {
      fullSnapshot(visitor, "new" + i);
    }
    visitor.fence();
    assertEquals(200, http.post("/api/v1/cobrowse/" + id + "/stop", null, admin).status());
    Eventually.until(
        "the revoke in the audit log",
        Duration.ofSeconds(5),
        () -> audit(),
        a -> a.contains(CobrowseControl.AUDIT_REVOKED));
    List<JsonObject> rows = Eventually.until(
        "the navigation rows",
        Duration.ofSeconds(5),
        () -> auditRows(CobrowseControl.AUDIT_NAVIGATED),
        r -> r.size() >= 11);
    Thread.sleep(300); // nothing more comes
    rows = auditRows(CobrowseControl.AUDIT_NAVIGATED);
    List<String> details = rows.stream().map(r -> r.getString("detail", "")).toList();
    assertEquals(11, rows.size(), "10 new pages and one row for the rest");
    assertEquals(
        1,
        details.stream().filter(d -> d.startsWith("21 more new pages")).count(),
        details.toString());
  }

  @Test
  @DisplayName(
      "the visitor declines control: the agent is told, no action reaches the page; the agent's release and the co-browse's end clear the grant")
  void declineAndRelease() throws Exception {
    control(console, "admin", new JsonObject().put("type", "request"));
    controlState();
    next(visitor, "~pagesession/cobrowsing/control_request");
    visitor.command(
        new JsonObject().put("op", "control").put("cobrowse_id", id).put("allow", false));
    assertEquals("declined", controlState().getString("state"));
    control(console, "admin", click(1, 1));
    console.fence();
    visitor.assertNone(msg(ACT), 300);

    grant();
    control(console, "admin", new JsonObject().put("type", "release"));
    JsonObject revoked = controlState();
    assertEquals("agent", revoked.getString("reason"));
    assertEquals("", next(visitor, "~pagesession/cobrowsing/control_state"));

    grant();
    assertEquals(200, http.post("/api/v1/cobrowse/" + id + "/stop", null, admin).status());
    assertEquals("", next(visitor, "~pagesession/cobrowsing/control_state"));
    control(console, "admin", click(1, 1));
    console.fence();
    visitor.assertNone(msg(ACT), 300);
    assertTrue(audit().contains(CobrowseControl.AUDIT_DECLINED));
  }
}
