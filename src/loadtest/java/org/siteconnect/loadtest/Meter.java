package org.siteconnect.loadtest;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Latency and delivery counts per measurement step. Every published payload carries its step number
 * ({@code "bk"}) and the publisher's {@link System#nanoTime()} ({@code "bt"}); publisher and receivers live in this
 * one JVM, so the difference is the end-to-end latency through the server. Values are recorded in microseconds.
 */
final class Meter {
  static final int MAX_STEPS = 4096;
  static final long MAX_MICROS = 120_000_000L;

  private final AtomicReferenceArray<Recorder> recorders = new AtomicReferenceArray<>(MAX_STEPS);
  private final AtomicLongArray counts = new AtomicLongArray(MAX_STEPS);
  private final AtomicLongArray maxMicros = new AtomicLongArray(MAX_STEPS);
  private final AtomicInteger next = new AtomicInteger(1);
  /** Sub→suback / unsub→unsuback latency of the churn clients (gateway and MQTT only). */
  final Recorder churnAcks = new Recorder(MAX_MICROS, 3);
  /** Protocol errors the servers answered after set-up (e.g. a refused command). */
  final java.util.concurrent.atomic.AtomicLong errors = new java.util.concurrent.atomic.AtomicLong();
  /** Connections the server closed while the harness still used them. */
  final java.util.concurrent.atomic.AtomicLong unexpectedCloses = new java.util.concurrent.atomic.AtomicLong();
  /** The last error text, for the log. */
  volatile String lastError;

  void error(String what) {
    errors.incrementAndGet();
    lastError = what;
  }

  /** A new step: its own histogram, count and maximum. */
  int open() {
    int k = next.getAndIncrement();
    if (k >= MAX_STEPS) {
      throw new IllegalStateException("too many measurement steps");
    }
    counts.set(k, 0);
    maxMicros.set(k, 0);
    recorders.set(k, new Recorder(MAX_MICROS, 3));
    return k;
  }

  /**
   * With {@code LT_TRACE=<folder>} every sample is also kept (step, send and arrival time) and {@link #writeTrace}
   * writes them as CSV: the histograms say how bad the tail is, the trace says when it happened.
   */
  private static final String TRACE_DIR = System.getenv("LT_TRACE");
  private final java.util.Queue<long[]> trace =
      TRACE_DIR == null ? null : new java.util.concurrent.ConcurrentLinkedQueue<>();

  void record(int k, long sentNanos, long nowNanos) {
    if (k <= 0 || k >= MAX_STEPS) {
      return;
    }
    if (trace != null) {
      trace.add(new long[] {k, sentNanos, nowNanos});
    }
    long us = (nowNanos - sentNanos) / 1000;
    if (us < 0) {
      us = 0;
    } else if (us > MAX_MICROS) {
      us = MAX_MICROS;
    }
    Recorder r = recorders.get(k);
    if (r != null) {
      r.recordValue(us);
    }
    counts.incrementAndGet(k);
    if (us > maxMicros.get(k)) {
      maxMicros.accumulateAndGet(k, us, Math::max);
    }
  }

  /**
   * Writes and forgets the trace (LT_TRACE only): step, ms since {@code t0} at sending, latency ms; {@code t0} itself in
   * the header, to line the messages up with a system-wide trace of the same run.
   */
  void writeTrace(String name, long t0, String legend) throws java.io.IOException {
    if (trace == null) {
      return;
    }
    java.nio.file.Path file = java.nio.file.Path.of(TRACE_DIR, name + ".csv");
    java.nio.file.Files.createDirectories(file.getParent());
    try (java.io.PrintWriter w = new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(file))) {
      w.println("# steps: " + legend);
      w.println("# t0_nanos: " + t0); // System.nanoTime() = CLOCK_MONOTONIC: lines up with `perf record -k mono`
      w.println("step,sent_ms,latency_ms");
      long[] e;
      while ((e = trace.poll()) != null) {
        w.printf(java.util.Locale.ROOT, "%d,%.3f,%.3f%n", e[0], (e[1] - t0) / 1e6, (e[2] - e[1]) / 1e6);
      }
    }
  }

  /** Forgets the samples kept so far (LT_TRACE only), so that the next {@link #writeTrace} has one window's. */
  void clearTrace() {
    if (trace != null) {
      trace.clear();
    }
  }

  long count(int k) {
    return counts.get(k);
  }

  long maxMicros(int k) {
    return maxMicros.get(k);
  }

  /** Waits (at most {@code maxWaitMs}) until step k has counted {@code expected} deliveries. */
  void awaitCount(int k, long expected, long maxWaitMs) {
    long until = System.currentTimeMillis() + maxWaitMs;
    while (count(k) < expected && System.currentTimeMillis() < until) {
      Server.sleep(10);
    }
  }

  /** Waits until step k's count stops moving for a second (a backlog has drained). */
  void awaitQuiet(int k, long expected, long maxWaitMs) {
    long until = System.currentTimeMillis() + maxWaitMs;
    long last = -1;
    long stableSince = System.currentTimeMillis();
    while (System.currentTimeMillis() < until) {
      long c = count(k);
      if (c >= expected) {
        return;
      }
      if (c != last) {
        last = c;
        stableSince = System.currentTimeMillis();
      } else if (System.currentTimeMillis() - stableSince > 1000) {
        return;
      }
      Server.sleep(50);
    }
  }

  /** The step's histogram so far (call once, when the step is over); the recorder is dropped. */
  Histogram close(int k) {
    Recorder r = recorders.getAndSet(k, null);
    return r == null ? new Histogram(MAX_MICROS, 3) : r.getIntervalHistogram();
  }

  static Histogram empty() {
    return new Histogram(MAX_MICROS, 3);
  }

  /**
   * Finds {@code "bk":K} and {@code "bt":T} in bytes [from, to) of a frame and records the sample. The harness pays
   * the same per-message cost for every target: one forward scan over the frame, no JSON parse.
   *
   * @return false if the frame carries no sample (a control frame)
   */
  boolean scan(io.vertx.core.buffer.Buffer b, int from, int to) {
    return scanFrom(b, from, to) >= 0;
  }

  /** Records every sample in bytes [from, to) (a batch frame carries several); returns how many. */
  int scanAll(io.vertx.core.buffer.Buffer b, int from, int to) {
    int n = 0;
    int at = from;
    while (at < to) {
      int next = scanFrom(b, at, to);
      if (next < 0) {
        break;
      }
      n++;
      at = next;
    }
    return n;
  }

  /** Records the first sample at or after {@code from}; returns the index just past it, or -1 if none. */
  private int scanFrom(io.vertx.core.buffer.Buffer b, int from, int to) {
    int k = -1;
    long t = 0;
    boolean haveT = false;
    int i = from;
    while (i + 5 < to) {
      if (b.getByte(i) == '"' && b.getByte(i + 1) == 'b' && b.getByte(i + 3) == '"' && b.getByte(i + 4) == ':') {
        byte which = b.getByte(i + 2);
        if (which == 'k' || which == 't') {
          int j = i + 5;
          boolean neg = false;
          if (j < to && b.getByte(j) == '-') {
            neg = true;
            j++;
          }
          long v = 0;
          while (j < to) {
            byte c = b.getByte(j);
            if (c < '0' || c > '9') {
              break;
            }
            v = v * 10 + (c - '0');
            j++;
          }
          if (neg) {
            v = -v;
          }
          if (which == 'k') {
            k = (int) (v >= KEY_BASE ? v - KEY_BASE : v);
          } else {
            t = v;
            haveT = true;
          }
          if (k >= 0 && haveT) {
            record(k, t, System.nanoTime());
            return j;
          }
          i = j;
          continue;
        }
      }
      i++;
    }
    return -1;
  }

  /**
   * The payload every publisher sends: step, sequence, send time, each number always as many digits long. A warm-up
   * that only sent 3-digit sequence numbers left the servers' JSON code compiled for those: 2 s into the measured chat
   * the 1,000th message made the JIT throw it away (Jackson's number parsing and writing, and their callers) and
   * compile it again while measuring, in a cluster on both nodes ({@code -XX:+PrintCompilation}).
   */
  static String payload(int k, long seq) {
    return "{\"bk\":" + (KEY_BASE + k) + ",\"bs\":" + (SEQ_BASE + seq) + ",\"bt\":" + System.nanoTime() + "}";
  }

  /** Added to the step in {@link #payload} (5 digits for every step); other payloads carry the step itself. */
  static final int KEY_BASE = 10_000;
  /** Added to the sequence number in {@link #payload}: 9 digits (a JSON int) for runs of up to 899,999,999. */
  static final long SEQ_BASE = 100_000_000L;
}
