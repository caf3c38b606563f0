package org.siteconnect.gateway.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Eventually;
import org.siteconnect.gateway.support.GatewayProcess;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;
import org.siteconnect.gateway.support.TestPostgres;

/**
 * The outbox survives kill -9: a gateway in its own JVM sends a real chat's events to a slow receiver, dies in the
 * middle of a delivery, and after a restart on the same database every event arrives, in order per topic, any
 * duplicate with its id.
 */
class WebhookKillTest {
  private static final String PASSWORD = "correct horse battery";
  private static final int MESSAGES = 20;
  private final List<GatewayProcess> processes = new ArrayList<>();
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    processes.forEach(GatewayProcess::close);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "kill -9 mid-delivery, restart on the same H2 file: every chat event arrives, in order per topic, duplicates share their id")
  void nothingLostAcrossKillOnH2(@TempDir Path dir) throws Exception {
    nothingLostAcrossKill(dir, new JsonObject().put("dir", dir.resolve("data").toString()));
  }

  @Test
  @DisplayName("the same on PostgreSQL")
  void nothingLostAcrossKillOnPostgres(@TempDir Path dir) throws Exception {
    TestPostgres.require();
    GatewayConfig.Postgres db = TestPostgres.createDatabase(vertx);
    try {
      nothingLostAcrossKill(
          dir,
          new JsonObject()
              .put("dir", dir.resolve("data").toString())
              .put("postgres", TestPostgres.configJson(db, 4)));
    } finally {
      processes.forEach(GatewayProcess::close);
      processes.clear();
      TestPostgres.dropDatabase(vertx, db);
    }
  }

  private void nothingLostAcrossKill(Path dir, JsonObject data) throws Exception {
    try (Receiver receiver = new Receiver()) {
      receiver.answer(
          hit -> new Receiver.Answer(200, 250)); // slow: a delivery is in flight most of the time
      int port = TestGateway.freePort();
      JsonObject config = TestGateway.config(port)
          .put("data", data)
          .put(
              "agents",
              new JsonObject()
                  .put("maxWritesPerMinute", 1_000_000)
                  .put("passwordIterations", 10_000)
                  .put("disconnectGraceSeconds", 60))
          .put(
              "webhooks",
              new JsonObject()
                  .put("allowPrivateTargets", true)
                  .put("backoffBaseMs", 50)
                  .put("backoffMaxMs", 500)
                  .put("responseTimeoutMs", 5_000));
      Path conf = dir.resolve("conf.json");
      Files.writeString(conf, config.encode());
      Map<String, String> env = Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD);
      GatewayProcess first = GatewayProcess.start(conf, env);
      processes.add(first);

      Http http = new Http(port);
      String admin = http.login("admin", PASSWORD);
      Http.Response hook = http.post(
          "/api/v1/webhooks",
          new JsonObject()
              .put("url", receiver.url("/events"))
              .put("filters", new JsonArray().add("$sites/acme/chats/#"))
              .put("secret", "a webhook secret of some length"),
          admin);
      assertEquals(201, hook.status(), hook.body());
      String hookId = hook.json().getString("id");

      String chatId = chat(port, http, admin);
      for (int i = 1; i <= MESSAGES; i++) {
        Http.Response sent = http.post(
            "/api/v1/chats/" + chatId + "/messages",
            new JsonObject().put("cid", "a" + i).put("text", "agent " + i),
            admin);
        assertEquals(200, sent.status(), sent.body());
      }
      // requested, accepted, "joined" and the agent's lines: all in the outbox before the kill
      int expected = 3 + MESSAGES;
      awaitLog(http, admin, hookId, expected);
      receiver.await(h -> h.size() >= 4, 30_000, "four deliveries before the kill");
      first.kill();
      int beforeRestart = receiver.hits().size();
      assertTrue(beforeRestart < expected, "killed mid-way: " + beforeRestart + " of " + expected);

      GatewayProcess second = GatewayProcess.start(conf, env);
      processes.add(second);
      admin = http.login("admin", PASSWORD);
      assertEquals(
          200, http.post("/api/v1/chats/" + chatId + "/end", null, admin).status());
      int total = expected + 1; // and "ended", after the restart
      List<Receiver.Hit> hits = receiver.await(
          h -> h.stream().map(Receiver.Hit::sequence).distinct().count() >= total,
          60_000,
          "all " + total + " events");

      TreeSet<Long> all =
          LongStream.rangeClosed(1, total).boxed().collect(Collectors.toCollection(TreeSet::new));
      TreeSet<Long> seen =
          hits.stream().map(Receiver.Hit::sequence).collect(Collectors.toCollection(TreeSet::new));
      assertEquals(all, seen, "every sequence arrived");
      Map<Long, String> idOf = new HashMap<>();
      Map<String, Long> lastOfTopic = new HashMap<>();
      for (Receiver.Hit h : hits) {
        assertEquals(
            idOf.computeIfAbsent(h.sequence(), s -> h.id()), h.id(), "a duplicate keeps its id");
        long last = lastOfTopic.getOrDefault(h.topic(), 0L);
        assertTrue(
            h.sequence() >= last,
            "in order on " + h.topic() + ": " + h.sequence() + " after " + last);
        lastOfTopic.put(h.topic(), h.sequence());
      }
      List<String> texts = hits.stream()
          .filter(h -> h.topic().endsWith("/message"))
          .map(h -> h.json().getJsonObject("payload").getString("text"))
          .distinct()
          .toList();
      assertEquals(MESSAGES + 1, texts.size(), texts.toString());
      assertEquals("agent " + MESSAGES, texts.get(texts.size() - 1));
      assertTrue(
          lastOfTopic
              .keySet()
              .containsAll(List.of(
                  "$sites/acme/chats/" + chatId + "/requested",
                  "$sites/acme/chats/" + chatId + "/accepted",
                  "$sites/acme/chats/" + chatId + "/message",
                  "$sites/acme/chats/" + chatId + "/ended")),
          lastOfTopic.keySet().toString());
      System.out.printf(
          "webhook kill test: %d events, %d requests (%d duplicates), %d before the kill%n",
          total, hits.size(), hits.size() - total, beforeRestart);
    }
  }

  /** A visitor's chat on acme/sales, accepted by the admin; its id. */
  private String chat(int port, Http http, String admin) throws Exception {
    BridgeClient console = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    console.command(new JsonObject().put("op", "agent-hello").put("token", admin));
    console.nextBody("agent-session");
    http.send(
        "PUT", "/api/v1/me/buttons/acme/sales", new JsonObject().put("available", true), admin);
    BridgeClient visitor = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    visitor.hello(TestGateway.SITE);
    visitor.command(
        new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    visitor.nextBody("suback");
    visitor.command(new JsonObject()
        .put("op", "pub")
        .put("topic", "~pagesession/chat/trigger")
        .put("payload", new JsonObject().put("button_id", "sales")));
    String chatId = BridgeClient.body(visitor.next(f -> "~pagesession/chat/state"
                .equals(BridgeClient.body(f).getString("topic"))
            && "waiting".equals(BridgeClient.body(f).getJsonObject("payload").getString("state"))))
        .getJsonObject("payload")
        .getString("chat_id");
    assertEquals(
        200, http.post("/api/v1/chats/" + chatId + "/accept", null, admin).status());
    return chatId;
  }

  private static void awaitLog(Http http, String admin, String hookId, int count) throws Exception {
    Eventually.until(
        "the outbox holds " + count + " events",
        Duration.ofSeconds(20),
        () -> new JsonArray(
                http.get("/api/v1/webhooks/" + hookId + "/deliveries", admin).body())
            .size(),
        size -> size >= count);
  }
}
