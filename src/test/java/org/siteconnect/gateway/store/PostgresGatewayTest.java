package org.siteconnect.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;
import org.siteconnect.gateway.support.TestPostgres;

/** Two gateway nodes configured with the same {@code data.postgres} share agents and the audit log. */
class PostgresGatewayTest {
  private static final String PASSWORD = "correct horse battery";
  private Vertx admin;
  private GatewayConfig.Postgres db;
  private Vertx nodeA;
  private Vertx nodeB;

  @BeforeEach
  void createDatabase() {
    TestPostgres.require();
    admin = Vertx.vertx();
    db = TestPostgres.createDatabase(admin);
  }

  @AfterEach
  void stop() throws Exception {
    for (Vertx v : new Vertx[] {nodeA, nodeB}) {
      if (v != null) {
        v.close().await(10, TimeUnit.SECONDS);
      }
    }
    if (admin != null) {
      TestPostgres.dropDatabase(admin, db);
      admin.close().await(10, TimeUnit.SECONDS);
    }
  }

  private Http startNode(Vertx vertx) {
    int port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port);
    config
        .getJsonObject("data")
        .put(
            "postgres",
            new JsonObject()
                .put("host", db.host())
                .put("port", db.port())
                .put("database", db.database())
                .put("user", db.user())
                .put("password", db.password())
                .put("poolSize", 2));
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    return new Http(port);
  }

  @Test
  @DisplayName("an agent created on node A logs in on node B, and B's admin sees A's audit entries")
  void nodesShareDurableData() throws Exception {
    nodeA = Vertx.vertx();
    nodeB = Vertx.vertx();
    Http a = startNode(nodeA);
    Http b = startNode(nodeB);

    String adminOnA = a.login("admin", PASSWORD);
    Http.Response created = a.post(
        "/api/v1/agents",
        new JsonObject().put("login", "bob").put("name", "Bob").put("password", "a long password"),
        adminOnA);
    assertEquals(201, created.status(), created.body());
    b.login("bob", "a long password");

    String adminOnB = b.login("admin", PASSWORD);
    JsonArray agents = new JsonArray(b.get("/api/v1/agents", adminOnB).body());
    assertEquals(2, agents.size(), "one admin (bootstrapped once) and bob: " + agents.encode());
    long deadline = System.currentTimeMillis() + 5_000;
    String audit = "";
    while (!audit.contains("agent-created") && System.currentTimeMillis() < deadline) {
      audit = b.get("/api/v1/audit", adminOnB).body();
    }
    assertTrue(audit.contains("\"action\":\"agent-created\""), "A's entry seen on B: " + audit);
  }
}
