package org.siteconnect.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.siteconnect.gateway.bus.SecretHashes.sha256Hex;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.siteconnect.gateway.Stores;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.support.AgentConsoles;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.GatewayProcess;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;
import org.siteconnect.gateway.support.TestPostgres;

/**
 * Restarts do not disturb people (docs/LIFECYCLE.md): a real gateway process restarted with SIGTERM, or killed
 * with SIGKILL, on the same database (embedded H2 or PostgreSQL). Afterwards the agent's token still works, its
 * button is enabled without it doing anything, the live chat goes on both ways, and the visitor's page resumes
 * with the same contact code. Only the token's SHA-256 is in the database.
 */
class RestartKeepsPeopleTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String BUTTON = "$sites/acme/chat_button/sales";
  private final Vertx vertx = Vertx.vertx();
  private final List<GatewayProcess> processes = new ArrayList<>();
  private GatewayConfig.Postgres pg;

  @AfterEach
  void stop() throws Exception {
    processes.forEach(GatewayProcess::close);
    if (pg != null) {
      TestPostgres.dropDatabase(vertx, pg);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static JsonObject next(BridgeClient p, String topic) throws InterruptedException {
    return p.nextPayload(topic, x -> true, 15_000);
  }

  private static void pub(BridgeClient p, String topic, JsonObject payload) {
    p.command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
  }

  private static void sub(BridgeClient p, String filter) throws InterruptedException {
    p.command(new JsonObject().put("op", "sub").put("id", filter).put("filter", filter));
    assertTrue(p.nextBody("suback").getBoolean("granted"), filter);
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({"SIGTERM, h2", "SIGKILL, h2", "SIGTERM, postgres", "SIGKILL, postgres"})
  @DisplayName(
      "after a restart the agent stays logged in and available, the chat goes on and the code is the same")
  void restartKeepsPeople(
      String signal, String database, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    JsonObject data = new JsonObject().put("dir", dir.resolve("data").toString());
    if (database.equals("postgres")) {
      TestPostgres.require();
      pg = TestPostgres.createDatabase(vertx);
      data.put("postgres", TestPostgres.config(pg));
    }
    int port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port)
        .put("data", data)
        .put("ops", new JsonObject().put("drainSeconds", 2))
        .put(
            "agents",
            new JsonObject()
                .put("maxWritesPerMinute", 1_000_000)
                .put("passwordIterations", 10_000)
                .put("disconnectGraceSeconds", 120))
        .put("chat", new JsonObject().put("visitorGraceSeconds", 15));
    Path conf = dir.resolve("conf.json");
    Files.writeString(conf, config.encode());
    Map<String, String> env = Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD);
    processes.add(GatewayProcess.start(conf, env));

    Http http = new Http(port);
    String admin = http.login("admin", PASSWORD);
    BridgeClient console = AgentConsoles.available(vertx, port, http, admin, "acme/sales");

    BridgeClient visitor = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    JsonObject session = visitor.hello(TestGateway.SITE);
    String code = session.getString("code");
    String resume = session.getString("resume");
    assertNotNull(code);
    sub(visitor, "~pagesession/#");
    pub(visitor, "~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    String chatId = visitor
        .nextPayload("~pagesession/chat/state", s -> "waiting".equals(s.getString("state")), 15_000)
        .getString("chat_id");
    assertEquals(
        200, http.post("/api/v1/chats/" + chatId + "/accept", null, admin).status());
    pub(
        visitor,
        "~pagesession/chat/send",
        new JsonObject().put("cid", "v1").put("text", "before the restart"));
    next(visitor, "~pagesession/chat/ack");

    if (signal.equals("SIGTERM")) {
      processes.get(0).terminate(15_000);
    } else {
      processes.get(0).kill();
    }
    visitor.close();
    console.close();
    processes.add(GatewayProcess.start(conf, env));

    // The agent's token still works, and its button is on for a page without it doing anything.
    Http.Response me = http.get("/api/v1/me", admin);
    assertEquals(200, me.status(), me.body());
    BridgeClient other = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    other.hello(TestGateway.SITE);
    sub(other, BUTTON);
    assertEquals("enabled", next(other, BUTTON).getString("state"));

    // The visitor's page comes back with its resume token: the same session and contact code.
    BridgeClient back = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    JsonObject resumed = back.hello(TestGateway.SITE, resume);
    assertEquals(true, resumed.getBoolean("resumed"), resumed.encode());
    assertEquals(code, resumed.getString("code"), "the same contact code");
    sub(back, "~pagesession/#");

    // The chat goes on, both ways.
    pub(back, "~pagesession/chat/sync", new JsonObject().put("after", 0));
    JsonObject history = next(back, "~pagesession/chat/history");
    assertEquals("active", history.getString("state"), history.encode());
    pub(
        back,
        "~pagesession/chat/send",
        new JsonObject().put("cid", "v2").put("text", "after the restart"));
    next(back, "~pagesession/chat/ack");
    Http.Response sent = http.post(
        "/api/v1/chats/" + chatId + "/messages",
        new JsonObject().put("cid", "a1").put("text", "agent after the restart"),
        admin);
    assertEquals(200, sent.status(), sent.body());
    assertEquals(
        "agent after the restart",
        back.nextPayload(
                "~pagesession/chat/message",
                m -> "agent after the restart".equals(m.getString("text")),
                15_000)
            .getString("text"));
    JsonObject transcript =
        http.get("/api/v1/chats/" + chatId + "/messages", admin).json();
    String texts = transcript.getJsonArray("messages").encode();
    assertTrue(texts.contains("before the restart") && texts.contains("after the restart"), texts);

    // The database holds the SHA-256 of the token and of the resume token, never the secrets
    // themselves.
    back.close();
    other.close();
    processes.get(1).terminate(15_000);
    Stores stores = Stores.open(
            vertx, new GatewayConfig.Data(dir.resolve("data").toString(), pg))
        .await(30, TimeUnit.SECONDS);
    try {
      assertEquals(
          List.of("admin"),
          column(stores, "SELECT login FROM agent_token WHERE token_hash = $1", sha256Hex(admin)));
      assertEquals(
          List.of(code),
          column(
              stores, "SELECT code FROM page_session WHERE resume_hash = $1", sha256Hex(resume)));
      for (String table : List.of("agent_token", "page_session", "agent_availability")) {
        StringBuilder all = new StringBuilder();
        stores
            .database()
            .run("SELECT * FROM " + table)
            .await(30, TimeUnit.SECONDS)
            .forEach(row -> all.append(row.deepToString()));
        assertTrue(!all.toString().contains(admin) && !all.toString().contains(resume), table);
      }
    } finally {
      stores.close().await(30, TimeUnit.SECONDS);
    }

    // Logout deletes the saved login: after another restart the token no longer works.
    processes.add(GatewayProcess.start(conf, env));
    assertEquals(204, http.post("/api/v1/logout", null, admin).status());
    processes.get(2).terminate(15_000);
    processes.add(GatewayProcess.start(conf, env));
    assertEquals(401, http.get("/api/v1/me", admin).status());
    BridgeClient late = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    late.hello(TestGateway.SITE);
    sub(late, BUTTON);
    assertEquals("disabled", next(late, BUTTON).getString("state"), "nobody is available any more");
    late.close();
    assertTrue(!processes.get(0).output().contains(admin), "the token is never printed");
  }

  private static List<String> column(Stores stores, String sql, Object arg) throws Exception {
    List<String> out = new ArrayList<>();
    stores
        .database()
        .run(sql, arg)
        .await(30, TimeUnit.SECONDS)
        .forEach(r -> out.add(r.getString(0)));
    return out;
  }
}
