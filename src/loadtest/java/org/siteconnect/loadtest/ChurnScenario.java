package org.siteconnect.loadtest;

import static org.siteconnect.loadtest.Harness.ms;

import io.vertx.core.Promise;
import org.HdrHistogram.Histogram;

import java.util.Locale;

/** Subscription churn: every churn client subscribes a new topic and drops the previous one, 100 times a second. */
final class ChurnScenario {
  static final int CLIENTS = 10;
  private static final int PER_CLIENT_PER_SECOND = 100;

  private final Harness h;
  private final Session s;
  private long timer;
  private long start;
  private long ops;
  private volatile long opsSnapshot;

  ChurnScenario(Harness h, Session s) {
    this.h = h;
    this.s = s;
  }

  /** Resets the meter's sub/unsub ack histogram and starts churning on the control loop. */
  void start() {
    h.meter.churnAcks.reset();
    Wire wire = s.target.wire();
    h.ctlCtx.runOnContext(v -> {
      start = System.nanoTime();
      timer = h.vertx.setPeriodic(10, t -> {
        long due = (System.nanoTime() - start) * PER_CLIENT_PER_SECOND / 1_000_000_000L;
        long seq = ops / Math.max(1, s.churn.size());
        int guard = 0;
        while (seq < due && guard++ < 50) {
          seq++;
          for (Conn c : s.churn) {
            String topic = "bench/churn/" + c.index + "/" + seq;
            wire.subscribe(c, topic, "x" + seq);
            if (seq > 1) {
              wire.unsubscribe(c, "bench/churn/" + c.index + "/" + (seq - 1), "x" + (seq - 1));
            }
            ops++;
          }
        }
        opsSnapshot = ops;
      });
    });
  }

  /** The sub/unsub acks since {@link #start} or the last call. */
  Histogram acks() {
    return h.meter.churnAcks.getIntervalHistogram();
  }

  /** Stops; returns subscribe+unsubscribe pairs per second achieved. */
  double stop() {
    Promise<Double> p = Promise.promise();
    h.ctlCtx.runOnContext(v -> {
      h.vertx.cancelTimer(timer);
      p.complete(ops / ((System.nanoTime() - start) / 1e9));
    });
    return p.future().await();
  }

  /** Stops, and stores and says the rate achieved and the ack latencies of {@code acks}. */
  void stopAndReport(Histogram acks) {
    String t = s.target.name();
    int n = s.pageCount;
    double churnRate = stop();
    h.results.put(t, n, "churn_rate", churnRate);
    if (acks.getTotalCount() > 0) {
      h.results.put(t, n, "churn_ack_p50", ms(acks.getValueAtPercentile(50)));
      h.results.put(t, n, "churn_ack_p99", ms(acks.getValueAtPercentile(99)));
    }
    h.say(String.format(Locale.ROOT, "  churn: %.0f sub+unsub pairs/s during the broadcasts and the ramp%s", churnRate,
        acks.getTotalCount() > 0 ? String.format(Locale.ROOT, ", sub/unsub ack p50 %.2f ms p99 %.2f ms",
            ms(acks.getValueAtPercentile(50)), ms(acks.getValueAtPercentile(99))) : " (the bridge has no acks)"));
  }
}
