package org.siteconnect.gateway.support;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Polls a state that offers no event to await (a REST view, a gauge, a delivery log) until it is reached. The
 * pause between probes grows from 10 ms to 200 ms, so a fast answer is seen at once and a slow one costs little.
 */
public final class Eventually {
  private Eventually() {}

  /**
   * @return the first probed value that is {@code done}
   * @throws AssertionError naming {@code what} and the last value when {@code timeout} passes first
   */
  public static <T> T until(String what, Duration timeout, Callable<T> probe, Predicate<T> done)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMs = 10;
    while (true) {
      T value = probe.call();
      if (done.test(value)) {
        return value;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            what + " not reached in " + timeout.toMillis() + " ms; last: " + value);
      }
      Thread.sleep(pauseMs);
      pauseMs = Math.min(200, pauseMs * 2);
    }
  }
}
