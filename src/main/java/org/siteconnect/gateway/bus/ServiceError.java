package org.siteconnect.gateway.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a request fails: an HTTP status, a stable code, a sentence written for the client and, for 429 and
 * 503, how many seconds to wait. Services answer with it ({@link ServiceHandlers}); REST and the wire render it
 * ({@link #from} maps any failure to one). It is a {@link ReplyException} so the event bus fails the caller's
 * future with it; its {@link Codec} (registered on every node) carries code and retry-after across the cluster,
 * where a plain ReplyException keeps only status and message. Exception text never goes in: an unexpected
 * failure becomes {@code 500 internal} with a reference that is also in the log line holding the stack.
 */
public final class ServiceError extends ReplyException {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceError.class);

  private final String code;
  private final long retryAfterSeconds;

  public ServiceError(int status, String code, String message, long retryAfterSeconds) {
    super(ReplyFailure.RECIPIENT_FAILURE, status, message, true);
    this.code = code;
    this.retryAfterSeconds = Math.max(0, retryAfterSeconds);
  }

  public static ServiceError of(int status, String code, String message) {
    return new ServiceError(status, code, message, 0);
  }

  public static ServiceError badRequest(String message) {
    return of(400, "bad-request", message);
  }

  public static ServiceError unauthorized(String message) {
    return of(401, "unauthorized", message);
  }

  public static ServiceError forbidden(String message) {
    return of(403, "forbidden", message);
  }

  public static ServiceError notFound(String message) {
    return of(404, "not-found", message);
  }

  public static ServiceError notFound(String code, String message) {
    return of(404, code, message);
  }

  public static ServiceError conflict(String message) {
    return of(409, "conflict", message);
  }

  public static ServiceError rateLimited(String message, long retryAfterSeconds) {
    return new ServiceError(429, "rate-limited", message, retryAfterSeconds);
  }

  public static ServiceError unavailable(String code, String message) {
    return of(503, code, message);
  }

  /** An unexpected failure, as the client sees it: no detail, only the reference that finds the log line. */
  public static ServiceError internal(String reference) {
    return of(500, "internal", "internal error (reference " + reference + ")");
  }

  public int status() {
    return failureCode();
  }

  public String code() {
    return code;
  }

  /** Seconds the client should wait before trying again (the Retry-After header); 0 when not said. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The REST body: {@code {"error":{"code","message"}}}. */
  public JsonObject body() {
    return new JsonObject()
        .put("error", new JsonObject().put("code", code).put("message", getMessage()));
  }

  /**
   * Any failure as a ServiceError. Nobody answering (no handler, the reply deadline passed) is {@code 503
   * unavailable}; a refusal (4xx, 503) from a peer without this codec keeps its status; anything else is logged
   * here with its stack under a fresh reference and becomes {@code 500 internal}.
   */
  public static ServiceError from(Throwable err) {
    if (err instanceof ServiceError e) {
      return e;
    }
    if (err instanceof ReplyException r && r.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      return unavailable("unavailable", "the service did not answer in time; try again shortly");
    }
    if (err instanceof ReplyException r && (r.failureCode() / 100 == 4 || r.failureCode() == 503)) {
      return of(
          r.failureCode(), codeOf(r.failureCode()), r.getMessage() == null ? "" : r.getMessage());
    }
    String reference = RandomIds.hex(6);
    LOG.error("internal error [{}]", reference, err);
    return internal(reference);
  }

  private static String codeOf(int status) {
    return switch (status) {
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not-found";
      case 409 -> "conflict";
      case 429 -> "rate-limited";
      case 503 -> "unavailable";
      default -> "bad-request";
    };
  }

  @Override
  public String toString() {
    return "ServiceError(" + status() + " " + code + ": " + getMessage() + ")";
  }

  /** Registers the codec on this node's event bus; every node must, before its services answer. */
  public static void registerCodec(EventBus eventBus) {
    eventBus.registerDefaultCodec(ServiceError.class, new Codec());
  }

  /** Status, code, message and retry-after as one length-prefixed JSON object. */
  public static final class Codec extends SharedJsonCodec<ServiceError> {
    public Codec() {
      super("siteconnect-service-error", ServiceError::toJson, ServiceError::fromJson);
    }
  }

  private static Buffer toJson(ServiceError error) {
    return new JsonObject()
        .put("status", error.status())
        .put("code", error.code)
        .put("message", error.getMessage())
        .put("retryAfter", error.retryAfterSeconds)
        .toBuffer();
  }

  private static ServiceError fromJson(Buffer buffer) {
    JsonObject json = new JsonObject(buffer);
    return new ServiceError(
        json.getInteger("status"),
        json.getString("code"),
        json.getString("message"),
        json.getLong("retryAfter", 0L));
  }
}
