package org.siteconnect.gateway.cobrowse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * The agent's marks on the visitor's page (docs/DRAWING.md): relayed only from the live co-browse's agent, rebuilt
 * from checked fields, bounded per stroke, per second and per message — over the real page protocol.
 */
class CobrowseDrawTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String TOKEN = "metrics-token-metrics-token";
  private static final String DRAW = "~pagesession/cobrowsing/draw";
  private static final int PER_SECOND = 5;
  private static final int MAX_POINTS = 50;
  private static final int MAX_BYTES = 2048;
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
    JsonObject config = TestGateway.config(port)
        .put(
            "cobrowse",
            new JsonObject()
                .put("drawStrokesPerSecond", PER_SECOND)
                .put("drawMaxPoints", MAX_POINTS)
                .put("drawMaxBytes", MAX_BYTES))
        .put("ops", new JsonObject().put("metricsToken", TOKEN));
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
    visitor = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    String code = visitor.hello(TestGateway.SITE).getString("code");
    visitor.command(
        new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    visitor.nextBody("suback");
    console = agentConsole(admin);
    id = http.post("/api/v1/cobrowse", new JsonObject().put("code", code), admin)
        .json()
        .getString("cobrowse_id");
    visitor.nextPayload("~pagesession/cobrowsing/consent_request", p -> true, 5000);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private BridgeClient agentConsole(String token) throws Exception {
    BridgeClient c = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    c.command(new JsonObject().put("op", "agent-hello").put("token", token));
    c.nextBody("agent-session");
    return c;
  }

  private void allow() throws InterruptedException {
    visitor.command(
        new JsonObject().put("op", "consent").put("cobrowse_id", id).put("allow", true));
    visitor.nextPayload("~pagesession/cobrowsing/start", p -> true, 5000);
  }

  private static void pub(BridgeClient c, String topic, JsonObject payload) {
    c.command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
  }

  private void draw(BridgeClient c, JsonObject payload) {
    pub(c, "agent/admin/cobrowse/" + id + "/draw", payload);
  }

  private static JsonObject stroke(String strokeId, String tool, int points) {
    JsonArray p = new JsonArray();
    for (int i = 0; i < points * 2; i++) {
      p.add(100 + i);
    }
    return new JsonObject().put("id", strokeId).put("t", tool).put("c", 0).put("p", p);
  }

  private static JsonObject strokes(JsonObject... s) {
    return new JsonObject().put("s", new JsonArray(List.of((Object[]) s)));
  }

  /**
   * The draw messages the page got until the agent's {@code clear} (sent last, never rate-limited), which proves
   * that everything sent before it was handled.
   */
  private List<JsonObject> drawsUntilClear() throws InterruptedException {
    draw(console, new JsonObject().put("clear", true));
    List<JsonObject> got = new ArrayList<>();
    while (true) {
      JsonObject p = visitor.nextPayload(DRAW, x -> true, 10_000);
      if (p.getBoolean("clear", false)) {
        return got;
      }
      got.add(p);
    }
  }

  private double refused(String reason) throws Exception {
    Matcher m = Pattern.compile(
            "sc_cobrowse_draw_refused_total\\{reason=\"" + reason + "\",?\\} ([0-9.E]+)")
        .matcher(http.get("/metrics", TOKEN).body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  @DisplayName(
      "a mark reaches the page rebuilt from its checked fields; before consent, from another agent or from the page itself: nothing")
  void onlyTheLiveAgent() throws Exception {
    draw(console, strokes(stroke("early", "arrow", 2))); // waiting for consent: refused
    console.fence();
    allow();
    JsonObject arrow = stroke("a1", "arrow", 2).put("extra", "<script>");
    arrow.getJsonArray("p").set(0, 120.6);
    draw(console, strokes(arrow).put("more", 1)); // an unknown top-level field: malformed
    draw(console, strokes(arrow));
    JsonObject got = visitor.nextPayload(DRAW, p -> true, 5000);
    assertEquals(
        new JsonObject()
            .put(
                "s",
                new JsonArray()
                    .add(new JsonObject()
                        .put("id", "a1")
                        .put("t", "arrow")
                        .put("c", 0)
                        .put("p", new JsonArray().add(121).add(101).add(102).add(103)))),
        got);

    // Another agent: not on admin's topic (the bridge refuses), and on its own topic the service
    // refuses.
    http.post(
        "/api/v1/agents",
        new JsonObject()
            .put("login", "bob")
            .put("password", "a long password")
            .put("buttons", new JsonArray().add("acme/sales")),
        admin);
    BridgeClient bob = agentConsole(http.login("bob", "a long password"));
    draw(bob, strokes(stroke("b1", "pen", 3)));
    assertEquals("not-allowed", bob.nextBody("err").getString("code"));
    pub(bob, "agent/bob/cobrowse/" + id + "/draw", strokes(stroke("b2", "pen", 3)));
    bob.fence();
    // The page's own script: refused by the gateway, so the recorder never hears it.
    pub(visitor, DRAW, strokes(stroke("v1", "pen", 3)));
    assertEquals("not-allowed", visitor.nextBody("err").getString("code"));
    pub(visitor, "pagesession/x/cobrowsing/draw", strokes(stroke("v2", "pen", 3)));
    assertEquals(List.of(), drawsUntilClear());
    assertEquals(2, refused("not-allowed"), "before consent, bob on his own topic");
    assertEquals(1, refused("malformed"));
  }

  @Test
  @DisplayName(
      "a concurrent burst from three sockets of the agent: exactly the strokes-per-second budget passes, the rest is counted")
  void burst() throws Exception {
    allow();
    List<BridgeClient> sockets = List.of(console, agentConsole(admin), agentConsole(admin));
    int each = 12;
    CountDownLatch go = new CountDownLatch(1);
    long started = System.currentTimeMillis();
    List<CompletableFuture<Void>> senders = new ArrayList<>();
    for (int s = 0; s < sockets.size(); s++) {
      BridgeClient c = sockets.get(s);
      int n = s;
      senders.add(CompletableFuture.runAsync(() -> {
        try {
          go.await();
          for (int i = 0; i < each; i++) {
            draw(c, strokes(stroke("s" + n + "-" + i, "pen", 2)));
          }
          c.fence();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    go.countDown();
    CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    long elapsed = System.currentTimeMillis() - started;
    int passed = drawsUntilClear().size();
    int total = sockets.size() * each;
    // The bucket holds PER_SECOND strokes and refills PER_SECOND a second while the burst goes on.
    long allowed = PER_SECOND + (elapsed * PER_SECOND + 999) / 1000;
    assertTrue(
        passed >= PER_SECOND && passed <= allowed,
        passed + " of " + total + " passed in " + elapsed + " ms (at most " + allowed + ")");
    assertEquals(total - passed, refused("rate-limited"), "every refused stroke is counted");
  }

  @Test
  @DisplayName(
      "a pen stroke in parts stops at the point bound; shapes take two points; big messages are refused")
  void bounds() throws Exception {
    allow();
    console.command(new JsonObject()
        .put("op", "sub")
        .put("id", "cb")
        .put("filter", "$agents/acme/cobrowse/admin/" + id + "/#"));
    console.nextBody("suback");
    draw(console, strokes(stroke("p1", "pen", 30)));
    draw(console, strokes(stroke("p1", "pen", 20))); // 50 points: the bound, still fine
    draw(console, strokes(stroke("p1", "pen", 1))); // 51: refused
    draw(console, strokes(stroke("r1", "rect", 3))); // a rectangle of three points: malformed
    draw(console, strokes(stroke("a1", "arrow", 2), stroke("a1", "arrow", 2))); // an arrow again
    JsonObject[] big = new JsonObject[8];
    for (int i = 0; i < big.length; i++) {
      big[i] = stroke("big" + i, "pen", 45);
    }
    draw(console, strokes(big)); // > 2048 bytes
    draw(console, strokes(stroke("x1", "pen", 1).put("c", 7))); // no such colour
    List<JsonObject> got = drawsUntilClear();
    assertEquals(2, got.size(), got.toString());
    assertEquals(
        60, got.get(0).getJsonArray("s").getJsonObject(0).getJsonArray("p").size());
    assertEquals(
        40, got.get(1).getJsonArray("s").getJsonObject(0).getJsonArray("p").size());
    assertEquals(1, refused("too-many-points"));
    assertEquals(1, refused("too-big"));
    assertEquals(3, refused("malformed"));
    List<String> told = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      told.add(console
          .nextPayload("$agents/acme/cobrowse/admin/" + id + "/draw_refused", p -> true, 5000)
          .getString("reason"));
    }
    assertEquals(
        List.of("too-many-points", "malformed", "malformed", "too-big", "malformed"),
        told,
        "the agent's console hears why each mark did not reach the visitor");
  }
}
