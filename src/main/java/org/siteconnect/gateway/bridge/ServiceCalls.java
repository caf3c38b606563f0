package org.siteconnect.gateway.bridge;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

import java.util.function.BooleanSupplier;

/**
 * Requests from a router to the services, which live on the leader node. While a new leader takes over (a
 * few seconds after the old one died) nobody answers: such requests are retried with backoff instead of
 * failing the page, for as long as the caller still wants the answer and at most {@link #GIVE_UP_MS}.
 */
final class ServiceCalls {
  static final long GIVE_UP_MS = 30_000;
  private static final long ATTEMPT_TIMEOUT_MS = org.siteconnect.gateway.bus.ServiceBus.REPLY_TIMEOUT_MS;

  private ServiceCalls() {}

  static Future<Message<JsonObject>> request(Vertx vertx, String address, JsonObject body, BooleanSupplier wanted) {
    Promise<Message<JsonObject>> result = Promise.promise();
    attempt(vertx, address, body, wanted, System.currentTimeMillis() + GIVE_UP_MS, 100, result);
    return result.future();
  }

  private static void attempt(Vertx vertx, String address, JsonObject body, BooleanSupplier wanted, long deadline,
                              long backoff, Promise<Message<JsonObject>> result) {
    vertx.eventBus().<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(ATTEMPT_TIMEOUT_MS))
        .onSuccess(result::complete)
        .onFailure(err -> {
          // An answer (even a refusal) ends it; no answer (no handler yet, a dead node, a timeout) is retried.
          boolean nobodyThere = err instanceof ReplyException r && r.failureType() != ReplyFailure.RECIPIENT_FAILURE;
          if (!nobodyThere || !wanted.getAsBoolean() || System.currentTimeMillis() + backoff > deadline) {
            result.fail(err);
            return;
          }
          vertx.setTimer(backoff, id -> attempt(vertx, address, body, wanted, deadline, Math.min(backoff * 2, 2_000),
              result));
        });
  }
}
