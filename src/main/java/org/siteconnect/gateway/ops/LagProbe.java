package org.siteconnect.gateway.ops;

import io.vertx.core.Vertx;

/** Measures event-loop lag on the calling verticle's loop: a 100 ms periodic timer and how late it fires. */
public final class LagProbe {
  private static final long PERIOD_MS = 100;

  private LagProbe() {}

  public static long start(Vertx vertx, GatewayMetrics metrics, String loop) {
    long[] expected = {System.nanoTime() + PERIOD_MS * 1_000_000};
    long[] worst = {0};
    int[] ticks = {0};
    return vertx.setPeriodic(PERIOD_MS, id -> {
      long now = System.nanoTime();
      worst[0] = Math.max(worst[0], Math.max(0, now - expected[0]));
      expected[0] = now + PERIOD_MS * 1_000_000;
      if (++ticks[0] == 10) { // publish the worst of each second
        metrics.eventLoopLag(loop, worst[0]);
        worst[0] = 0;
        ticks[0] = 0;
      }
    });
  }
}
