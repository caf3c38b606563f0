package org.siteconnect.gateway.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ServiceBus;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.ops.GatewayMetrics;
import org.siteconnect.gateway.support.TestGateway;

/**
 * A broken store under the chat service: every agent request is answered at once with {@code 500 internal} and
 * no SQL text, instead of no answer (the caller's 5 s deadline, then a 503 that blamed a node failure) or the
 * database's error message.
 */
class ChatStoreFailureTest {
  private static final String SQL_TEXT = "ERROR: relation \"left_messages\" does not exist";
  private Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    ServiceError.registerCodec(vertx.eventBus());
    // The topic router's side of the chat service's start-up subscriptions.
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.ROUTER_SUBSCRIBE, m -> m.reply(new JsonObject().put("ok", true)));
    GatewayConfig config = GatewayConfig.from(TestGateway.config(TestGateway.freePort()));
    vertx
        .deployVerticle(new ChatVerticle(config, brokenStore(), new GatewayMetrics()))
        .await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Starts (no live chats, nothing to purge); every query after that fails as a lost table would. */
  private static ChatStore brokenStore() {
    return (ChatStore) Proxy.newProxyInstance(
        ChatStore.class.getClassLoader(),
        new Class<?>[] {ChatStore.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "live" -> Future.succeededFuture(List.of());
          case "purgeBefore" -> Future.succeededFuture(0);
          case "leftCounts" -> Future.succeededFuture(java.util.Map.of());
          default -> Future.failedFuture(new SQLException(SQL_TEXT));
        });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {Addresses.CHAT_LEFT_MESSAGES, Addresses.CHAT_LIST, Addresses.CHAT_MESSAGES})
  void aStoreFailureIsAnsweredAtOnceAsInternal(String address) throws Exception {
    JsonObject request = new JsonObject()
        .put("login", "ann")
        .put("sites", new JsonArray().add(TestGateway.SITE))
        .put("buttons", new JsonArray().add(TestGateway.SITE + "/sales"))
        .put("chat_id", "c1");
    long started = System.nanoTime();
    Throwable failure = new ServiceBus(vertx.eventBus())
        .request(address, request)
        .map(reply -> (Throwable) null)
        .otherwise(err -> err)
        .await(10, TimeUnit.SECONDS);
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertInstanceOf(ReplyException.class, failure, "the request must fail, not succeed");
    assertTrue(
        tookMs < 1_000,
        address + " answered after " + tookMs + " ms (the reply deadline is "
            + ServiceBus.REPLY_TIMEOUT_MS + " ms)");
    ServiceError error = ServiceError.from(failure);
    assertEquals(500, error.status(), failure.toString());
    assertEquals("internal", error.code());
    assertFalse(
        error.getMessage().contains("left_messages") || error.getMessage().contains("relation"),
        error.getMessage());
  }
}
