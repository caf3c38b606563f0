package org.siteconnect.gateway.bus;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;

/**
 * Every service request gets an answer: the result, or the failure as a {@link ServiceError} (an unexpected one
 * logged and answered {@code 500 internal}). Without this a failed future or an exception inside a handler left
 * the caller waiting for its reply deadline and then blaming a node failure.
 */
public final class ServiceHandlers {
  private ServiceHandlers() {}

  /** A consumer that answers an exception thrown inside {@code handler} as a failure instead of not at all. */
  public static <T> Handler<Message<T>> guard(Handler<Message<T>> handler) {
    return message -> {
      try {
        handler.handle(message);
      } catch (RuntimeException e) {
        fail(message, e);
      }
    };
  }

  public static void reply(Message<?> message, Future<?> result) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else {
        fail(message, ar.cause());
      }
    });
  }

  public static void fail(Message<?> message, Throwable err) {
    message.reply(ServiceError.from(err));
  }
}
