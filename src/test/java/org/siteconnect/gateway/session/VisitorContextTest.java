package org.siteconnect.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.AgentConsoles;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Eventually;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * The visitor context (docs/CONTEXT.md): the site's settings say what is kept, every field and the pages are bounded,
 * a burst is cut at the rate limit, and no agent of another site (or another button, for a chat) reads it.
 */
class VisitorContextTest {
  private static final String PASSWORD = "correct horse battery";
  private Vertx vertx;
  private int port;
  private Http http;
  private String admin; // serves acme (all buttons)
  private String sam; // serves acme/support only
  private String bo; // serves beta/help only
  private final List<BridgeClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port);
    config
        .getJsonArray("sites")
        .add(new JsonObject()
            .put("key", "beta")
            .put("origins", new JsonArray().add(TestGateway.SITE_ORIGIN))
            .put("buttons", new JsonArray().add(new JsonObject().put("id", "help")))
            .put("context", new JsonArray().add("path").add("query").add("localTime")));
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
    for (String[] a : new String[][] {{"sam", "acme/support"}, {"bo", "beta/help"}}) {
      Http.Response made = http.post(
          "/api/v1/agents",
          new JsonObject()
              .put("login", a[0])
              .put("password", "a long password")
              .put("buttons", new JsonArray().add(a[1])),
          admin);
      assertEquals(201, made.status(), made.body());
    }
    sam = http.login("sam", "a long password");
    bo = http.login("bo", "a long password");
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(BridgeClient::close);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private record Page(BridgeClient client, JsonObject session) {}

  private Page page(String site) throws Exception {
    BridgeClient p = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    clients.add(p);
    JsonObject session = p.hello(site);
    p.command(new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    p.nextBody("suback");
    return new Page(p, session);
  }

  private static void pub(BridgeClient p, String topic, JsonObject payload) {
    p.command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
  }

  private static JsonObject everything(String path) {
    return new JsonObject()
        .put("path", path)
        .put("query", "?q=secret")
        .put("title", "T".repeat(10_000))
        .put("referrer", "https://search.example/results?q=private+words")
        .put(
            "ua",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "Chrome/131.0.0.0 Mobile Safari/537.36")
        .put("language", "de-CH")
        .put("timeZone", "Europe/Zurich")
        .put("utcOffset", 60);
  }

  /** The handle agents see for the newest session of {@code site} with this label state. */
  private List<JsonObject> sessions(String token) throws Exception {
    Http.Response r = http.get("/api/v1/sessions", token);
    assertEquals(200, r.status(), r.body());
    List<JsonObject> out = new ArrayList<>();
    new JsonArray(r.body()).forEach(o -> out.add((JsonObject) o));
    return out;
  }

  /** Polls the session's context until {@code done} accepts it (the page's publish is handled asynchronously). */
  private JsonObject contextOf(String handle, String token, Predicate<JsonObject> done)
      throws Exception {
    return Eventually.until(
        "context of " + handle,
        Duration.ofSeconds(5),
        () -> {
          Http.Response r = http.get("/api/v1/sessions/" + handle + "/context", token);
          assertEquals(200, r.status(), r.body());
          return r.json().getJsonObject("context");
        },
        done);
  }

  private String handleOf(String site, Predicate<JsonObject> which) throws Exception {
    return sessions(admin).stream()
        .filter(s -> site.equals(s.getString("site")) && which.test(s))
        .findFirst()
        .orElseThrow()
        .getString("handle");
  }

  @Test
  @DisplayName(
      "the site's settings decide: the default keeps path (no query), title, referrer origin, device, language")
  void settingsHonoured() throws Exception {
    Page acme = page(TestGateway.SITE);
    assertEquals(
        new JsonArray(List.of("path", "title", "referrer", "device", "language")),
        acme.session().getJsonArray("context"),
        "the session answer tells the page what it may collect");
    pub(acme.client(), "~pagesession/context/page", everything("/pricing?utm=x#plans"));
    String handle = handleOf(TestGateway.SITE, s -> true);
    JsonObject c = contextOf(handle, admin, x -> x.containsKey("path"));
    assertEquals("/pricing", c.getString("path"), "no query string, no fragment");
    assertEquals(200, c.getString("title").length(), "the title is cut");
    assertTrue(c.getString("title").endsWith("…"));
    assertEquals("https://search.example", c.getString("referrer"), "the origin only");
    assertEquals("mobile", c.getString("device"), "derived from the user agent");
    assertEquals("de-CH", c.getString("language"));
    for (String never : List.of("browser", "os", "timeZone", "utcOffset", "query", "ua")) {
      assertFalse(c.containsKey(never), never + " is not collected by default: " + c.encode());
    }
    // the next page of the site: its referrer is the site itself, which does not replace where the
    // visitor came from
    pub(
        acme.client(),
        "~pagesession/context/page",
        new JsonObject().put("path", "/signup").put("referrer", TestGateway.SITE_ORIGIN));
    c = contextOf(handle, admin, x -> "/signup".equals(x.getString("path")));
    assertEquals("https://search.example", c.getString("referrer"));
    assertEquals(2, c.getJsonArray("pages").size());
    pub(acme.client(), "~pagesession/context/page", everything("/pricing"));
    contextOf(handle, admin, x -> "/pricing".equals(x.getString("path")));
    JsonObject listed = sessions(admin).stream()
        .filter(s -> handle.equals(s.getString("handle")))
        .findFirst()
        .orElseThrow();
    assertEquals("Visitor on /pricing", listed.getString("label"));

    Page beta = page("beta");
    assertEquals(
        new JsonArray(List.of("path", "query", "localTime")),
        beta.session().getJsonArray("context"));
    pub(beta.client(), "~pagesession/context/page", everything("/docs"));
    String betaHandle = handleOf("beta", s -> true);
    JsonObject b = contextOf(betaHandle, bo, x -> x.containsKey("path"));
    assertEquals("/docs?q=secret", b.getString("path"), "this site collects the query string");
    assertEquals("Europe/Zurich", b.getString("timeZone"));
    assertEquals(60, b.getInteger("utcOffset"));
    for (String never : List.of("title", "referrer", "device", "language", "browser", "ua")) {
      assertFalse(b.containsKey(never), never + " is not collected on beta: " + b.encode());
    }
  }

  @Test
  @DisplayName(
      "a burst from three pages at once: each keeps 30 updates a minute, the last 20 pages, bounded fields")
  void burstIsBounded() throws Exception {
    List<Page> pages = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      pages.add(page(TestGateway.SITE));
    }
    // 60 navigations per page, the three pages interleaved, sent without waiting
    IntStream.range(0, 60)
        .forEach(n -> pages.forEach(p -> pub(
            p.client(),
            "~pagesession/context/page",
            new JsonObject().put("path", "/p" + n).put("title", "x".repeat(5_000)))));
    List<String> handles = sessions(admin).stream()
        .filter(s -> TestGateway.SITE.equals(s.getString("site")))
        .map(s -> s.getString("handle"))
        .toList();
    assertEquals(3, handles.size());
    for (String handle : handles) {
      JsonObject c = contextOf(handle, admin, x -> "/p29".equals(x.getString("path")));
      JsonArray visited = c.getJsonArray("pages");
      assertEquals(20, visited.size(), "pages kept");
      assertEquals("/p10", visited.getJsonObject(0).getString("path"), "the oldest go first");
      assertEquals("/p29", visited.getJsonObject(19).getString("path"));
      assertEquals(200, c.getString("title").length());
    }
    // the rest of the burst was dropped, not delayed: nothing past /p29 arrives later
    long until = System.currentTimeMillis() + 700;
    while (System.currentTimeMillis() < until) {
      for (String handle : handles) {
        assertEquals("/p29", contextOf(handle, admin, x -> true).getString("path"));
      }
    }
    // the label follows the latest page
    assertTrue(
        sessions(admin).stream().allMatch(s -> "Visitor on /p29".equals(s.getString("label"))));
  }

  @Test
  @DisplayName(
      "another site's agent gets 404 for the session and never sees its label; a chat's context only for its button")
  void leastPrivilege() throws Exception {
    BridgeClient console = AgentConsoles.available(vertx, port, http, admin, "acme/sales");
    clients.add(console);
    Page acme = page(TestGateway.SITE);
    pub(acme.client(), "~pagesession/context/page", everything("/checkout"));
    String handle = handleOf(TestGateway.SITE, s -> true);
    contextOf(handle, admin, x -> x.containsKey("path"));

    Http.Response other = http.get("/api/v1/sessions/" + handle + "/context", bo);
    assertEquals(404, other.status(), other.body());
    assertEquals("no-session", other.errorCode());
    assertFalse(other.body().contains("/checkout"));
    assertTrue(sessions(bo).isEmpty(), "beta's agent lists no acme page");
    assertEquals(404, http.get("/api/v1/sessions/nope/context", bo).status());

    // two chats from the same page: the second lists the first as a chat before
    String first = chat(acme.client());
    assertEquals(
        200, http.post("/api/v1/chats/" + first + "/accept", null, admin).status());
    assertEquals(200, http.post("/api/v1/chats/" + first + "/end", null, admin).status());
    acme.client()
        .nextPayload("~pagesession/chat/state", s -> "ended".equals(s.getString("state")), 5_000);
    String second = chat(acme.client());

    Http.Response mine = http.get("/api/v1/chats/" + second + "/context", admin);
    assertEquals(200, mine.status(), mine.body());
    JsonObject ctx = mine.json();
    assertEquals(
        "/checkout", ctx.getJsonObject("session").getJsonObject("context").getString("path"));
    assertEquals(handle, ctx.getJsonObject("session").getString("handle"));
    assertEquals(1, ctx.getJsonArray("chatsBefore").size());
    assertEquals(first, ctx.getJsonArray("chatsBefore").getJsonObject(0).getString("id"));
    assertFalse(mine.body().contains("visitorToken") || mine.body().contains("\"sid\""));

    for (String stranger : List.of(sam, bo)) { // acme/support and beta/help do not serve acme/sales
      Http.Response r = http.get("/api/v1/chats/" + second + "/context", stranger);
      assertEquals(404, r.status(), r.body());
      assertFalse(r.body().contains("/checkout"));
    }
    assertEquals(401, http.get("/api/v1/chats/" + second + "/context", null).status());
  }

  private String chat(BridgeClient page) throws Exception {
    pub(page, "~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    return page.nextPayload(
            "~pagesession/chat/state", s -> "waiting".equals(s.getString("state")), 5_000)
        .getString("chat_id");
  }
}
