package org.siteconnect.gateway.ops;

import io.vertx.core.Vertx;
import java.util.function.LongConsumer;

/**
 * Measures event-loop lag on the calling verticle's loop: how late a timer fires, the worst of each second
 * published. An idle loop is probed once a second (issue 22: ten wake-ups a second per loop were a fifth of an
 * idle node's CPU with 2,000 pages); a tick 5 ms late or later switches to a probe every 100 ms, as before, for
 * at least the next 10 s.
 */
public final class LagProbe {
  static final long SLOW_MS = 1_000;
  static final long FAST_MS = 100;
  /** A tick this late says the loop is busy: probe fast. */
  static final long BUSY_NANOS = 5_000_000;
  /** Fast ticks after the last busy one before the probe slows down again (10 s). */
  static final int FAST_TICKS = 100;

  private LagProbe() {}

  public static void start(Vertx vertx, GatewayMetrics metrics, String loop) {
    Ticks ticks = new Ticks(nanos -> metrics.eventLoopLag(loop, nanos));
    schedule(vertx, ticks, SLOW_MS);
  }

  private static void schedule(Vertx vertx, Ticks ticks, long delayMs) {
    long expected = System.nanoTime() + delayMs * 1_000_000;
    vertx.setTimer(delayMs, id -> {
      long delay = ticks.tick(Math.max(0, System.nanoTime() - expected));
      schedule(vertx, ticks, delay);
    });
  }

  /** The probe's state: which pace, the worst lag of the current second. One event loop only. */
  static final class Ticks {
    private final LongConsumer publish;
    private int fastLeft;
    private int fastInSecond;
    private long worst;

    Ticks(LongConsumer publish) {
      this.publish = publish;
    }

    /** One tick {@code lagNanos} late; returns the delay to the next tick in ms. */
    long tick(long lagNanos) {
      worst = Math.max(worst, lagNanos);
      if (lagNanos >= BUSY_NANOS) {
        fastLeft = FAST_TICKS;
      } else if (fastLeft > 0) {
        fastLeft--;
      }
      if (fastLeft == 0 || ++fastInSecond >= SLOW_MS / FAST_MS) {
        publish.accept(worst); // a slow tick is a second; fast ones publish every tenth
        worst = 0;
        fastInSecond = 0;
      }
      return fastLeft > 0 ? FAST_MS : SLOW_MS;
    }
  }
}
