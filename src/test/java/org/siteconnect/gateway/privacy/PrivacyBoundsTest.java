package org.siteconnect.gateway.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.Stores;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.chat.ChatMessage;
import org.siteconnect.gateway.chat.ChatRecord;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/** A visitor with more records than one call handles: exports say what they cut, erasure says to go again. */
class PrivacyBoundsTest {
  private static final String PASSWORD = "correct horse battery";
  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "one tab with 205 chats and 2,255 lines: the export holds 200 chats and 2,000 lines and says it is "
          + "truncated; erasure takes 199 (keeping the one the token names), answers complete=false, the second takes "
          + "the rest")
  void boundedPerCall() throws Exception {
    vertx = Vertx.vertx();
    int port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port);
    long now = System.currentTimeMillis();
    Stores stores =
        Stores.open(vertx, GatewayConfig.from(config).data()).await(10, TimeUnit.SECONDS);
    List<Future<?>> writes = new ArrayList<>();
    for (int i = 0; i < 205; i++) {
      String id = String.format("chat-%03d", i);
      writes.add(stores
          .chats()
          .create(new ChatRecord(
              id,
              "acme",
              "sales",
              "one-tab",
              null,
              null,
              ChatRecord.ENDED,
              now + i,
              null,
              now + i,
              "visitor",
              null,
              "token-" + i))
          .compose(v -> {
            Future<?> lines = Future.succeededFuture();
            for (int n = 0; n < 11; n++) {
              String cid = "c" + n;
              lines = lines.compose(x -> stores
                  .chats()
                  .append(id, cid, ChatMessage.VISITOR, "Visitor", "line " + cid, now));
            }
            return lines;
          }));
    }
    Future.all(writes).await(60, TimeUnit.SECONDS);
    stores.close().await();

    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    Http http = new Http(port);
    String admin = http.login("admin", PASSWORD);
    JsonObject byToken = new JsonObject().put("visitorToken", "token-7");

    JsonObject doc = http.post("/api/v1/privacy/export", byToken, admin).json();
    assertEquals(200, doc.getJsonObject("counts").getInteger("chats"));
    assertEquals(2_000, doc.getJsonObject("counts").getInteger("messages"));
    assertEquals(new JsonArray().add("visitor").add("messages"), doc.getJsonArray("truncated"));

    // The first round leaves the chat the token names: the rest of its tab is found through it next
    // time.
    JsonObject first = http.post("/api/v1/privacy/erase", byToken, admin).json();
    assertFalse(first.getBoolean("complete"), first.encode());
    assertEquals(199, first.getJsonObject("erased").getInteger("chats"));
    assertEquals(2_189, first.getJsonObject("erased").getInteger("messages"));
    JsonObject second = http.post("/api/v1/privacy/erase", byToken, admin).json();
    assertTrue(second.getBoolean("complete"), second.encode());
    assertEquals(6, second.getJsonObject("erased").getInteger("chats"), second.encode());
    assertEquals(66, second.getJsonObject("erased").getInteger("messages"));
    assertEquals(
        0,
        http.post("/api/v1/privacy/export", new JsonObject().put("chatId", "chat-204"), admin)
            .json()
            .getJsonObject("counts")
            .getInteger("chats"));
  }
}
