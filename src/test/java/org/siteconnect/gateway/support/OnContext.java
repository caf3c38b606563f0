package org.siteconnect.gateway.support;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs test code on a verticle's context, as its own handlers run, and waits for it. */
public final class OnContext {
  private OnContext() {}

  /**
   * Runs {@code action} on {@code context} and waits (10 s at most) for its result, and for the result itself when
   * it is a future; every message handed to that context before has been handled by then.
   */
  public static <T> T call(Context context, Callable<T> action) throws Exception {
    CompletableFuture<T> out = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        out.complete(action.call());
      } catch (Exception e) {
        out.completeExceptionally(e);
      }
    });
    T result = out.get(10, TimeUnit.SECONDS);
    if (result instanceof Future<?> f) {
      f.await(10, TimeUnit.SECONDS);
    }
    return result;
  }
}
