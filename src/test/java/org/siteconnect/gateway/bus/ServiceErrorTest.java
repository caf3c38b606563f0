package org.siteconnect.gateway.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one mapping from a failure to what a client sees: status, code, Retry-After, and never exception text. */
class ServiceErrorTest {
  private static final String SQL_TEXT = "ERROR: relation \"left_messages\" does not exist";

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(ServiceError.badRequest("field 'x' is required"), 400, "bad-request", 0L),
        Arguments.of(ServiceError.unauthorized("log in first"), 401, "unauthorized", 0L),
        Arguments.of(ServiceError.forbidden("admins only"), 403, "forbidden", 0L),
        Arguments.of(
            ServiceError.of(403, "password-change-required", "choose one"),
            403,
            "password-change-required",
            0L),
        Arguments.of(ServiceError.notFound("no agent 'x'"), 404, "not-found", 0L),
        Arguments.of(
            ServiceError.notFound("invalid-code", "this code is not valid"),
            404,
            "invalid-code",
            0L),
        Arguments.of(ServiceError.conflict("already accepted"), 409, "conflict", 0L),
        Arguments.of(ServiceError.rateLimited("try again in 30 s", 30), 429, "rate-limited", 30L),
        Arguments.of(ServiceError.unavailable("busy", "too many logins"), 503, "busy", 0L),
        Arguments.of(ServiceError.internal("abc"), 500, "internal", 0L),
        // Nobody answered: the services are moving to a new leader, or none is up yet.
        Arguments.of(
            new ReplyException(ReplyFailure.NO_HANDLERS, "No handlers for address x"),
            503,
            "unavailable",
            0L),
        Arguments.of(
            new ReplyException(ReplyFailure.TIMEOUT, "Timed out after waiting 5000(ms)"),
            503,
            "unavailable",
            0L),
        // A refusal from a node without the codec keeps its status; the code follows from it.
        Arguments.of(
            new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 404, "gone"), 404, "not-found", 0L),
        Arguments.of(
            new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 503, "try later"),
            503,
            "unavailable",
            0L),
        Arguments.of(
            new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 500, "internal: " + SQL_TEXT),
            500,
            "internal",
            0L),
        Arguments.of(new SQLException(SQL_TEXT), 500, "internal", 0L),
        Arguments.of(
            new NullPointerException("Cannot invoke \"String.length()\" because \"login\" is null"),
            500,
            "internal",
            0L),
        Arguments.of(
            new IllegalStateException("an agent with login 'x' exists"), 500, "internal", 0L));
  }

  @ParameterizedTest
  @MethodSource("table")
  void mapsEachFailureToStatusCodeAndRetryAfter(
      Throwable failure, int status, String code, long retryAfter) {
    ServiceError e = ServiceError.from(failure);
    assertEquals(status, e.status());
    assertEquals(code, e.code());
    assertEquals(retryAfter, e.retryAfterSeconds());
    assertEquals(code, e.body().getJsonObject("error").getString("code"));
    assertEquals(e.getMessage(), e.body().getJsonObject("error").getString("message"));
    if (status == 500) {
      assertTrue(e.getMessage().startsWith("internal error (reference "), e.getMessage());
      assertFalse(
          e.getMessage().contains("relation")
              || e.getMessage().contains("left_messages")
              || e.getMessage().contains("null")
              || e.getMessage().contains("exists"),
          e.getMessage());
    }
  }

  @Test
  void anUnexpectedFailureIsLoggedWithItsReferenceAndStackButTheClientSeesOnlyTheReference() {
    PrintStream err = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ServiceError e;
    try {
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      e = ServiceError.from(new SQLException(SQL_TEXT));
    } finally {
      System.setErr(err);
    }
    Matcher reference = Pattern.compile("reference ([0-9a-f]{12})\\)").matcher(e.getMessage());
    assertTrue(reference.find(), e.getMessage());
    String logged = log.toString(StandardCharsets.UTF_8);
    assertTrue(logged.contains("internal error [" + reference.group(1) + "]"), logged);
    assertTrue(logged.contains(SQL_TEXT) && logged.contains("\tat "), logged);
    assertFalse(
        ServiceError.from(new SQLException(SQL_TEXT)).getMessage().contains(reference.group(1)),
        "each failure gets its own reference");
  }

  @Test
  void crossesTheClusterWithCodeAndRetryAfter() {
    ServiceError.Codec codec = new ServiceError.Codec();
    Buffer wire = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(
        wire, ServiceError.rateLimited("too many wrong codes; try again in 30 s", 30));
    ServiceError back = codec.decodeFromWire("prefix".length(), wire);
    assertInstanceOf(ReplyException.class, back);
    assertEquals(ReplyFailure.RECIPIENT_FAILURE, back.failureType());
    assertEquals(429, back.failureCode());
    assertEquals("rate-limited", back.code());
    assertEquals("too many wrong codes; try again in 30 s", back.getMessage());
    assertEquals(30, back.retryAfterSeconds());
  }
}
