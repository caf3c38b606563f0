package org.siteconnect.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.GatewayProcess;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/** SIGTERM during a chat: the node exits in time, and after a restart the visitor sees every acknowledged line. */
class SigtermDuringChatTest {
  private static final String PASSWORD = "correct horse battery";
  private final Vertx vertx = Vertx.vertx();
  private final List<GatewayProcess> processes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    processes.forEach(GatewayProcess::close);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static JsonObject next(BridgeClient p, String topic) throws InterruptedException {
    return BridgeClient.body(p.next(f -> "msg".equals(BridgeClient.body(f).getString("op"))
            && topic.equals(BridgeClient.body(f).getString("topic"))))
        .getJsonObject("payload");
  }

  private static void pub(BridgeClient p, String topic, JsonObject payload) {
    p.command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
  }

  private BridgeClient page(int port) throws Exception {
    BridgeClient p = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    p.hello(TestGateway.SITE);
    p.command(new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    p.nextBody("suback");
    return p;
  }

  @Test
  @DisplayName(
      "SIGTERM mid-chat exits within the drain time; after a restart the visitor gets every acked message")
  void sigtermKeepsAckedMessages(@TempDir Path dir) throws Exception {
    int port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port)
        .put("data", new JsonObject().put("dir", dir.resolve("data").toString()))
        .put("ops", new JsonObject().put("drainSeconds", 5))
        .put(
            "agents",
            new JsonObject()
                .put("maxWritesPerMinute", 1_000_000)
                .put("passwordIterations", 10_000)
                .put("disconnectGraceSeconds", 60));
    Path conf = dir.resolve("conf.json");
    Files.writeString(conf, config.encode());
    Map<String, String> env = Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD);
    GatewayProcess first = GatewayProcess.start(conf, env);
    processes.add(first);

    Http http = new Http(port);
    String admin = http.login("admin", PASSWORD);
    BridgeClient console = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    console.command(new JsonObject().put("op", "agent-hello").put("token", admin));
    console.nextBody("agent-session");
    http.send(
        "PUT", "/api/v1/me/buttons/acme/sales", new JsonObject().put("available", true), admin);

    BridgeClient visitor = page(port);
    pub(visitor, "~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    JsonObject waiting = BridgeClient.body(visitor.next(f -> "~pagesession/chat/state"
                .equals(BridgeClient.body(f).getString("topic"))
            && "waiting".equals(BridgeClient.body(f).getJsonObject("payload").getString("state"))))
        .getJsonObject("payload");
    String chatId = waiting.getString("chat_id");
    String token = waiting.getString("token");
    assertEquals(
        200, http.post("/api/v1/chats/" + chatId + "/accept", null, admin).status());

    List<String> acked = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      pub(
          visitor,
          "~pagesession/chat/send",
          new JsonObject().put("cid", "v" + i).put("text", "visitor " + i));
      next(visitor, "~pagesession/chat/ack");
      acked.add("visitor " + i);
      assertEquals(
          200,
          http.post(
                  "/api/v1/chats/" + chatId + "/messages",
                  new JsonObject().put("cid", "a" + i).put("text", "agent " + i),
                  admin)
              .status());
      acked.add("agent " + i);
    }

    long took = first.terminate(5_000 + 5_000);
    assertTrue(took < 10_000, "exited in " + took + " ms");
    assertTrue(first.output().contains("draining"), "output was:\n" + first.output());

    GatewayProcess second = GatewayProcess.start(conf, env);
    processes.add(second);
    BridgeClient back = page(port);
    pub(
        back,
        "~pagesession/chat/sync",
        new JsonObject().put("after", 0).put("chat_id", chatId).put("token", token));
    JsonObject history = next(back, "~pagesession/chat/history");
    assertEquals("active", history.getString("state"));
    JsonArray messages = history.getJsonArray("messages");
    List<String> texts = messages.stream()
        .map(o -> ((JsonObject) o).getString("text"))
        .filter(t -> !t.endsWith("joined the chat"))
        .toList();
    assertEquals(acked, texts, "every acknowledged message, once, in order");
  }
}
