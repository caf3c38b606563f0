package org.siteconnect.gateway.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.Stores;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.chat.ChatMessage;
import org.siteconnect.gateway.chat.ChatRecord;
import org.siteconnect.gateway.chat.LeftMessage;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/** chat.retentionDays purges what it promises (docs/PRIVACY.md), including a chat left "live" by a restart. */
class RetentionTest {
  private static final String PASSWORD = "correct horse battery";
  private static final long DAY = 86_400_000L;
  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "at start, chats and left messages older than chat.retentionDays go — a stale waiting or active chat too — "
          + "and recent ones stay; the audit entries that outlive a chat are still erased by its id")
  void retentionPurgesStaleChats() throws Exception {
    vertx = Vertx.vertx();
    int port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port);
    config.put("chat", new JsonObject().put("retentionDays", 30));
    long now = System.currentTimeMillis();
    Stores stores =
        Stores.open(vertx, GatewayConfig.from(config).data()).await(10, TimeUnit.SECONDS);
    stores.chats().create(chat("stale", ChatRecord.ACTIVE, now - 31 * DAY)).await();
    stores.chats().create(chat("waited", ChatRecord.WAITING, now - 40 * DAY)).await();
    stores.chats().create(chat("recent", ChatRecord.ACTIVE, now - 29 * DAY)).await();
    stores
        .chats()
        .append("stale", "c1", ChatMessage.VISITOR, "Visitor", "hi", now - 31 * DAY)
        .await();
    stores
        .chats()
        .leave(
            new LeftMessage("old", "acme", "sales", "Ann", "ann@example.org", "x", now - 31 * DAY))
        .await();
    stores.close().await();

    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    Http http = new Http(port);
    String admin = http.login("admin", PASSWORD);
    for (String gone : new String[] {"stale", "waited"}) {
      JsonObject counts = http.post(
              "/api/v1/privacy/export", new JsonObject().put("chatId", gone), admin)
          .json()
          .getJsonObject("counts");
      assertEquals(0, counts.getInteger("chats"), gone + ": " + counts);
      assertEquals(0, counts.getInteger("messages"), gone + ": " + counts);
    }
    assertEquals(
        1,
        http.post("/api/v1/privacy/export", new JsonObject().put("chatId", "recent"), admin)
            .json()
            .getJsonObject("counts")
            .getInteger("chats"));
    assertEquals(
        0,
        http.post("/api/v1/privacy/export", new JsonObject().put("email", "ann@example.org"), admin)
            .json()
            .getJsonObject("counts")
            .getInteger("leftMessages"));
    long deadline = System.currentTimeMillis() + 5_000;
    JsonArray ended;
    do {
      ended = new JsonArray(http.get("/api/v1/audit?action=chat-ended", admin).body());
    } while (ended.size() < 2 && System.currentTimeMillis() < deadline);
    assertEquals(2, ended.size(), ended.encode());
    assertTrue(ended.encode().contains("ended by retention"), ended.encode());

    // The audit entries outlive the chats they name (180 days against 90 by default): the chat id
    // still reaches them.
    JsonObject erased = http.post(
            "/api/v1/privacy/erase", new JsonObject().put("chatId", "stale"), admin)
        .json();
    assertEquals(1, erased.getJsonObject("erased").getInteger("auditEntries"), erased.encode());
    assertTrue(http.get("/api/v1/audit?action=chat-ended", admin).body().contains("chat (erased)"));
  }

  private static ChatRecord chat(String id, String state, long createdAt) {
    return new ChatRecord(
        id,
        "acme",
        "sales",
        "sid-" + id,
        null,
        null,
        state,
        createdAt,
        null,
        null,
        null,
        null,
        "token-" + id);
  }
}
