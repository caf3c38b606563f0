package org.siteconnect.gateway.cobrowse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Co-browse across tabs over the real page protocol: a tab with the join ticket joins without consent and its
 * stream takes over; guessed tickets, another site's session, a session already co-browsed and a ticket of an
 * ended co-browse join nothing. Also GET /cobrowse/{id}: its owner only.
 */
class CobrowseJoinTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String START = "~pagesession/cobrowsing/start";
  private Vertx vertx;
  private int port;
  private Http http;
  private String admin;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    JsonObject conf = TestGateway.config(port);
    conf.getJsonArray("sites")
        .add(new JsonObject()
            .put("key", "other")
            .put("origins", new JsonArray().add(TestGateway.SITE_ORIGIN)));
    TestGateway.start(vertx, conf, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private BridgeClient page(String site, JsonObject[] session) throws Exception {
    BridgeClient p = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    session[0] = p.hello(site);
    p.command(new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    p.nextBody("suback");
    return p;
  }

  private static JsonObject next(BridgeClient p, String topic) throws InterruptedException {
    return BridgeClient.body(p.next(f -> "msg".equals(BridgeClient.body(f).getString("op"))
            && topic.equals(BridgeClient.body(f).getString("topic"))))
        .getJsonObject("payload");
  }

  private static boolean isStart(JsonObject f) {
    return START.equals(BridgeClient.body(f).getString("topic"));
  }

  private static void pub(BridgeClient p, String topic, JsonObject payload) {
    p.command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
  }

  private static JsonObject batch(String id, int seq, boolean full) {
    JsonObject b = new JsonObject()
        .put("cobrowse_id", id)
        .put("rid", "r" + seq)
        .put("seq", seq)
        .put("events", new JsonArray().add(new JsonObject().put("type", full ? 2 : 3)));
    return full ? b.put("full", true) : b;
  }

  @Test
  @DisplayName(
      "a tab with the ticket joins without consent; guessed, cross-site, already-co-browsed and dead tickets join nothing")
  void join() throws Exception {
    JsonObject[] s = new JsonObject[1];
    BridgeClient tabA = page(TestGateway.SITE, s);
    String code = s[0].getString("code");
    BridgeClient console = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    console.command(new JsonObject().put("op", "agent-hello").put("token", admin));
    console.nextBody("agent-session");
    Http.Response redeemed =
        http.post("/api/v1/cobrowse", new JsonObject().put("code", code), admin);
    String id = redeemed.json().getString("cobrowse_id");
    assertTrue(
        redeemed.json().containsKey("chat_id"), "the redeem answer says whether there is a chat");
    assertNull(redeemed.json().getString("chat_id"));
    console.command(new JsonObject()
        .put("op", "sub")
        .put("id", "cb")
        .put("filter", "$agents/acme/cobrowse/admin/" + id + "/#"));
    console.nextBody("suback");
    next(tabA, "~pagesession/cobrowsing/consent_request");
    // The visitor's answer as the frame's consent UI sends it (never a page publish).
    tabA.command(new JsonObject().put("op", "consent").put("cobrowse_id", id).put("allow", true));
    String ticket = next(tabA, START).getString("join");
    assertTrue(ticket != null && ticket.matches("[A-Za-z0-9_-]{32}"), ticket);

    // Attacks: a burst of guessed tickets from a session of the same site, the real ticket from
    // another site's
    // session, and the co-browsed session itself (already in it). None gets a start.
    BridgeClient guesser = page(TestGateway.SITE, new JsonObject[1]);
    for (int i = 0; i < 50; i++) { // near misses: the real ticket with one character changed
      char c = ticket.charAt(i % 32);
      String guess =
          ticket.substring(0, i % 32) + (c == 'A' ? 'B' : 'A') + ticket.substring(i % 32 + 1);
      pub(guesser, "~pagesession/cobrowsing/join", new JsonObject().put("ticket", guess));
    }
    pub(guesser, "~pagesession/cobrowsing/join", new JsonObject().put("ticket", code));
    pub(guesser, "~pagesession/cobrowsing/join", new JsonObject().put("ticket", 42));
    BridgeClient otherSite = page("other", new JsonObject[1]);
    pub(otherSite, "~pagesession/cobrowsing/join", new JsonObject().put("ticket", ticket));
    pub(tabA, "~pagesession/cobrowsing/join", new JsonObject().put("ticket", ticket));

    // The visitor's second tab: the ticket from its own origin's storage.
    BridgeClient tabB = page(TestGateway.SITE, new JsonObject[1]);
    pub(tabB, "~pagesession/cobrowsing/join", new JsonObject().put("ticket", ticket));
    JsonObject startB = next(tabB, START);
    assertEquals(id, startB.getString("cobrowse_id"));
    tabB.assertNone(
        f -> "~pagesession/cobrowsing/consent_request"
            .equals(BridgeClient.body(f).getString("topic")),
        200);
    guesser.fence();
    otherSite.fence();
    guesser.assertNone(CobrowseJoinTest::isStart, 300);
    otherSite.assertNone(CobrowseJoinTest::isStart, 0);

    // Tab B records (a full snapshot): its stream goes to the agent, a late batch of tab A does
    // not.
    pub(tabB, "~pagesession/cobrowsing/events", batch(id, 1, true));
    pub(tabA, "~pagesession/cobrowsing/events", batch(id, 9, false));
    pub(tabB, "~pagesession/cobrowsing/events", batch(id, 2, false));
    JsonObject first = BridgeClient.body(
            console.next(f -> BridgeClient.body(f).getString("topic", "").endsWith("/events")))
        .getJsonObject("payload");
    JsonObject second = BridgeClient.body(
            console.next(f -> BridgeClient.body(f).getString("topic", "").endsWith("/events")))
        .getJsonObject("payload");
    assertEquals(1, first.getInteger("seq"));
    assertEquals(2, second.getInteger("seq"), "tab A's late batch (seq 9) was not relayed");
    // Tab reports say which tab of how many; the agent's pointer goes to the tab it sees.
    pub(
        tabB,
        "~pagesession/cobrowsing/tab",
        new JsonObject().put("tab", "tabB").put("title", "Cart").put("visible", true));
    JsonObject report = BridgeClient.body(
            console.next(f -> BridgeClient.body(f).getString("topic", "").endsWith("/tab")))
        .getJsonObject("payload");
    assertEquals(2, report.getInteger("index"));
    assertEquals(2, report.getInteger("of"));
    assertTrue(report.getBoolean("current"));
    console.command(new JsonObject()
        .put("op", "pub")
        .put("topic", "agent/admin/cobrowse/" + id + "/pointer")
        .put("payload", new JsonObject().put("x", 5).put("y", 6)));
    assertEquals(5, next(tabB, "~pagesession/cobrowsing/pointer").getInteger("x"));

    // GET /cobrowse/{id}: the owner sees it (with the tab), nobody else.
    Http.Response info = http.get("/api/v1/cobrowse/" + id, admin);
    assertEquals(200, info.status(), info.body());
    assertEquals("Cart", info.json().getJsonObject("tab").getString("title"));
    http.post(
        "/api/v1/agents",
        new JsonObject()
            .put("login", "bob")
            .put("password", "a long password")
            .put("buttons", new JsonArray().add("acme/sales")),
        admin);
    assertEquals(
        404,
        http.get("/api/v1/cobrowse/" + id, http.login("bob", "a long password")).status());

    // Stop from tab B: every tab stops; the ticket is dead afterwards.
    pub(tabB, "~pagesession/cobrowsing/end", new JsonObject().put("reason", "visitor"));
    assertEquals("visitor", next(tabA, "~pagesession/cobrowsing/stop").getString("reason"));
    assertEquals("visitor", next(tabB, "~pagesession/cobrowsing/stop").getString("reason"));
    BridgeClient late = page(TestGateway.SITE, new JsonObject[1]);
    pub(late, "~pagesession/cobrowsing/join", new JsonObject().put("ticket", ticket));
    late.fence();
    late.assertNone(CobrowseJoinTest::isStart, 300);
  }

  @Test
  @DisplayName(
      "a burst of 30 tabs joining at once: cobrowse.maxTabs (20, the co-browsed one too) join, at most cobrowse.maxPageAuditsPerMinute (10) joins are audited, one row counts the rest")
  void joinBurstBounded() throws Exception {
    JsonObject[] s = new JsonObject[1];
    BridgeClient tabA = page(TestGateway.SITE, s);
    String id = http.post(
            "/api/v1/cobrowse", new JsonObject().put("code", s[0].getString("code")), admin)
        .json()
        .getString("cobrowse_id");
    next(tabA, "~pagesession/cobrowsing/consent_request");
    tabA.command(new JsonObject().put("op", "consent").put("cobrowse_id", id).put("allow", true));
    String ticket = next(tabA, START).getString("join");
    java.util.List<BridgeClient> tabs = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      tabs.add(page(TestGateway.SITE, new JsonObject[1]));
    }
    tabs.forEach(
        t -> pub(t, "~pagesession/cobrowsing/join", new JsonObject().put("ticket", ticket)));
    int joined = 0;
    for (BridgeClient t : tabs) {
      t.fence();
      try {
        t.next(CobrowseJoinTest::isStart, 1000);
        joined++;
      } catch (AssertionError none) {
        // refused: the co-browse has as many tabs as it may
      }
    }
    assertEquals(19, joined);
    pub(tabA, "~pagesession/cobrowsing/end", new JsonObject().put("reason", "visitor"));
    java.util.function.Supplier<java.util.List<String>> details = () -> {
      try {
        java.util.List<String> out = new java.util.ArrayList<>();
        new JsonArray(http.get("/api/v1/audit?limit=1000&action=cobrowse-started", admin)
                .body())
            .forEach(e -> out.add(((JsonObject) e).getString("detail", "")));
        return out;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    org.siteconnect.gateway.support.Eventually.until(
        "the co-browse's end in the audit log",
        java.time.Duration.ofSeconds(5),
        () -> http.get("/api/v1/audit?action=cobrowse-stopped", admin).body(),
        b -> b.contains(id));
    Thread.sleep(300); // nothing more comes
    java.util.List<String> rows =
        details.get().stream().filter(d -> d.contains("tab")).toList();
    assertEquals(11, rows.size(), "10 joins and one row for the rest");
    assertEquals(
        1, rows.stream().filter(d -> d.startsWith("9 more tabs joined")).count(), rows.toString());
  }
}
