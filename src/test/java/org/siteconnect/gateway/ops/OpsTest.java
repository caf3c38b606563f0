package org.siteconnect.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.Gateway;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/** Metrics, audit log, readiness and drain on a real gateway. */
class OpsTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String TOKEN = "scrape-token-0123456789";
  private Vertx vertx;
  private Gateway gateway;
  private int port;
  private Http http;

  private void start(JsonObject ops) throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    gateway = TestGateway.start(
        vertx,
        TestGateway.config(port).put("ops", ops),
        Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private double metric(String line) throws Exception {
    Http.Response r = http.get("/metrics", TOKEN);
    assertEquals(200, r.status(), r.body());
    return r.body()
        .lines()
        .filter(l -> l.startsWith(line + " ") || l.startsWith(line + "{") && !line.contains("{"))
        .findFirst()
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .orElse(0.0);
  }

  /** Waits until the value (read through the real endpoint) satisfies the check. */
  private void eventually(Supplier<Boolean> check) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (!check.get()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("condition not met within 5 s");
      }
      Thread.onSpinWait();
    }
  }

  private double quietly(String line) {
    try {
      return metric(line);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("/metrics refuses requests without the token and is off without one configured")
  void metricsNeedToken() throws Exception {
    start(new JsonObject().put("metricsToken", TOKEN));
    assertEquals(401, http.get("/metrics", null).status());
    assertEquals(401, http.get("/metrics", "wrong-token-wrong-token").status());
    assertEquals(200, http.get("/metrics", TOKEN).status());
  }

  @Test
  @DisplayName("metrics move: connected pages, publishes, a wrong code")
  void metricsMove() throws Exception {
    start(new JsonObject().put("metricsToken", TOKEN));
    assertEquals(0.0, metric("sc_pages_connected"));
    BridgeClient a = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    a.hello(TestGateway.SITE);
    BridgeClient b = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    b.hello(TestGateway.SITE);
    eventually(() -> quietly("sc_pages_connected") == 2.0);
    assertEquals(2.0, metric("sc_sockjs_sessions{transport=\"raw-websocket\"}"));
    b.command(new JsonObject().put("op", "sub").put("id", "s").put("filter", "public/#"));
    b.nextBody("suback");
    double in = metric("sc_messages_in_total{scope=\"global\"}");
    a.command(new JsonObject()
        .put("op", "pub")
        .put("topic", "public/x")
        .put("payload", 1)
        .put("mid", "m"));
    a.nextBody("puback");
    assertEquals(in + 1, metric("sc_messages_in_total{scope=\"global\"}"));
    assertTrue(metric("sc_subscriptions{kind=\"wildcard\"}") >= 1);
    String admin = http.login("admin", PASSWORD);
    assertEquals(
        404,
        http.post("/api/v1/cobrowse", new JsonObject().put("code", "000000"), admin)
            .status());
    assertEquals(1.0, metric("sc_codes_total{result=\"refused\"}"));
    assertTrue(metric("sc_codes_total{result=\"issued\"}") >= 2);
    a.command(new JsonObject().put("op", "sub").put("id", "bad").put("filter", "a/#/b"));
    a.nextBody("err");
    assertEquals(1.0, metric("sc_bridge_rejections_total{reason=\"invalid-topic\"}"));
    a.close();
    eventually(() -> quietly("sc_pages_connected") == 1.0);
  }

  @Test
  @DisplayName(
      "audited actions appear for admins, without the code, and go after the retention period")
  void auditLog() throws Exception {
    start(new JsonObject().put("auditRetentionSeconds", 2).put("auditAddresses", "truncated"));
    http.post(
        "/api/v1/login",
        new JsonObject().put("login", "admin").put("password", "wrong password"),
        null);
    String admin = http.login("admin", PASSWORD);
    http.post(
        "/api/v1/agents",
        new JsonObject().put("login", "bob").put("password", "a long password"),
        admin);
    BridgeClient page = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    String code = page.hello(TestGateway.SITE).getString("code");
    http.post("/api/v1/cobrowse", new JsonObject().put("code", code), admin);
    String bob = http.login("bob", "a long password");
    assertEquals(403, http.get("/api/v1/audit", bob).status());
    JsonArray[] entries = new JsonArray[1];
    eventually(() -> {
      try {
        entries[0] = new JsonArray(http.get("/api/v1/audit", admin).body());
        return entries[0].size() >= 5;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    String all = entries[0].encode();
    for (String action : new String[] {"login-failed", "login", "agent-created", "code-redeemed"}) {
      assertTrue(all.contains("\"action\":\"" + action + "\""), action + " in " + all);
    }
    assertFalse(all.contains(code), "the code itself is never in the audit log");
    assertTrue(all.contains("127.0.0.0/24"), "addresses are truncated: " + all);
    JsonArray logins =
        new JsonArray(http.get("/api/v1/audit?action=login-failed", admin).body());
    assertEquals(1, logins.size());
    eventually(() -> {
      try {
        return new JsonArray(
                http.get("/api/v1/audit?action=login-failed", admin).body())
            .isEmpty();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  @DisplayName(
      "ready while up, not ready once draining; a drain tells frames to reconnect and refuses new sockets")
  void readinessAndDrain() throws Exception {
    start(new JsonObject());
    assertEquals(200, http.get("/health/live", null).status());
    assertEquals(200, http.get("/health/ready", null).status());
    BridgeClient page = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    page.hello(TestGateway.SITE);
    gateway.drain().await(5, TimeUnit.SECONDS);
    assertEquals("reconnect", page.nextBody("reconnect").getString("op"));
    assertEquals(503, http.get("/health/ready", null).status());
    assertEquals(200, http.get("/health/live", null).status());
    BridgeClient late = null;
    try {
      late = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    } catch (Throwable expected) {
      // the socket was refused outright: also fine
    }
    if (late != null) {
      assertTrue(late.welcomeBody() == null || late.isClosed() || awaitClosed(late));
    }
  }

  private static boolean awaitClosed(BridgeClient c) {
    long deadline = System.currentTimeMillis() + 5_000;
    while (!c.isClosed() && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    return c.isClosed();
  }
}
