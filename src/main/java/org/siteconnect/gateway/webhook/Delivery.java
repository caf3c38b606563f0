package org.siteconnect.gateway.webhook;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * One row of the outbox: an event for one hook. {@code id} is the idempotency id, the same on every attempt and
 * replay; {@code sequence} grows per hook. {@code state}: {@link #PENDING}, {@link #DELIVERED} or {@link #FAILED}
 * (given up).
 */
public record Delivery(
    String hookId,
    long sequence,
    String id,
    String topic,
    String payload,
    long publishedAt,
    long queuedAt,
    String state,
    int attempts,
    long nextAttemptAt,
    Integer lastStatus,
    String lastError,
    Long deliveredAt) {
  public static final String PENDING = "pending";
  public static final String DELIVERED = "delivered";
  public static final String FAILED = "failed";

  /** The POST body: {@code {id, hook, sequence, topic, payload, publishedAt}}. */
  public String body() {
    return new JsonObject()
        .put("id", id)
        .put("hook", hookId)
        .put("sequence", sequence)
        .put("topic", topic)
        .put("payload", Json.decodeValue(payload))
        .put("publishedAt", publishedAt)
        .encode();
  }

  /** The delivery log's line. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("sequence", sequence)
        .put("id", id)
        .put("topic", topic)
        .put("state", state)
        .put("attempts", attempts)
        .put("lastStatus", lastStatus)
        .put("lastError", lastError)
        .put("publishedAt", publishedAt)
        .put("nextAttemptAt", PENDING.equals(state) ? nextAttemptAt : null)
        .put("deliveredAt", deliveredAt);
  }
}
