package org.siteconnect.gateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HandedOverTest {

  @Test
  void theEventBusDeliversTheBridgesTreeAndLaterCopiesAreRealOnes() throws Exception {
    JsonObject payload =
        new JsonObject().put("events", new io.vertx.core.json.JsonArray().add("x"));
    JsonObject parsed = new JsonObject().put("op", "pub").put("payload", payload);
    Vertx vertx = Vertx.vertx();
    try {
      CompletableFuture<JsonObject> got = new CompletableFuture<>();
      vertx.eventBus().<JsonObject>localConsumer("handed-over-test", m -> got.complete(m.body()));
      HandedOver handed = new HandedOver(parsed);
      vertx.eventBus().send("handed-over-test", handed);
      JsonObject body = got.get(10, TimeUnit.SECONDS);
      assertSame(handed, body, "the local delivery hands the tree over");
      assertSame(payload, body.getValue("payload"), "the payload is the parsed one, not a copy");
      JsonObject copy = body.copy();
      assertNotSame(body, copy);
      assertNotSame(payload, copy.getValue("payload"));
      assertEquals(parsed, copy);
    } finally {
      vertx.close().await();
    }
  }
}
