package org.siteconnect.gateway.router;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.siteconnect.gateway.bus.ServiceBus;

/**
 * Requests from a router to the services, which live on the leader node. While a new leader takes over (a
 * few seconds after the old one died) nobody answers: such requests are retried with backoff instead of
 * failing the page, for as long as the caller still wants the answer and at most {@link #GIVE_UP_MS}.
 * A request sent to a leader that has just died is lost without an error; when the new leader announces itself
 * ({@link #servicesUp}) the requests still waiting are sent again at once instead of after their timeout.
 * Owned by the router verticle's event loop.
 */
final class ServiceCalls {
  static final long GIVE_UP_MS = 30_000;

  private final Vertx vertx;
  private final Set<Call> waiting = new LinkedHashSet<>();

  ServiceCalls(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Message<JsonObject>> request(String address, JsonObject body, BooleanSupplier wanted) {
    Call call = new Call(address, body, wanted, System.currentTimeMillis() + GIVE_UP_MS);
    call.send();
    return call.result.future();
  }

  /** A (new) leader is up: whatever is still waiting for an answer is asked again there. */
  void servicesUp() {
    List<Call> again = new ArrayList<>(waiting);
    again.forEach(Call::send);
  }

  private final class Call {
    final String address;
    final JsonObject body;
    final BooleanSupplier wanted;
    final long deadline;
    final Promise<Message<JsonObject>> result = Promise.promise();
    long backoff = 100;
    long retryTimer = -1;
    int attempts;

    Call(String address, JsonObject body, BooleanSupplier wanted, long deadline) {
      this.address = address;
      this.body = body;
      this.wanted = wanted;
      this.deadline = deadline;
    }

    void send() {
      if (retryTimer >= 0) {
        vertx.cancelTimer(retryTimer);
        retryTimer = -1;
      }
      waiting.add(this);
      int attempt = ++attempts;
      vertx
          .eventBus()
          .<JsonObject>request(
              address, body, new DeliveryOptions().setSendTimeout(ServiceBus.REPLY_TIMEOUT_MS))
          .onSuccess(this::answered)
          .onFailure(err -> {
            if (attempt == attempts) { // an attempt overtaken by a re-send has nothing more to say
              failed(err);
            }
          });
    }

    private void answered(Message<JsonObject> reply) {
      waiting.remove(this);
      result.tryComplete(
          reply); // an earlier attempt may answer after a re-send: the first answer wins
    }

    private void failed(Throwable err) {
      if (result.future().isComplete()) {
        return;
      }
      // An answer (even a refusal) ends it; no answer (no handler yet, a dead node, a timeout) is
      // retried.
      boolean nobodyThere =
          err instanceof ReplyException r && r.failureType() != ReplyFailure.RECIPIENT_FAILURE;
      if (!nobodyThere
          || !wanted.getAsBoolean()
          || System.currentTimeMillis() + backoff > deadline) {
        waiting.remove(this);
        result.tryFail(err);
        return;
      }
      if (retryTimer < 0) {
        retryTimer = vertx.setTimer(backoff, id -> {
          retryTimer = -1;
          send();
        });
        backoff = Math.min(backoff * 2, 2_000);
      }
    }
  }
}
