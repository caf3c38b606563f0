package org.siteconnect.loadtest;

import static org.siteconnect.loadtest.Harness.ms;

import org.HdrHistogram.Histogram;

import java.util.Locale;

/** Fan-out (ii): publish-rate steps, and the ramp that raises the rate until the latency limit or a loss. */
record RampScenario(Harness h) {
  private static final double P99_LIMIT_MS = 100;

  /** One ramp step's outcome. */
  record Step(double rate, double deliveries, long sent, long expected, long received, double p50,
              double p99, double max, double serverCpu, double harnessCpu, double otherOnServerCore,
              double otherOnHarnessCore, double limitMs, double serverSys) {
    boolean pass() {
      return received >= expected && p99 <= limitMs;
    }

    boolean noisy(double limit) {
      return Math.max(otherOnServerCore, otherOnHarnessCore) >= limit;
    }

    String describe() {
      return String.format(Locale.ROOT, "%8.1f pub/s = %9.0f deliveries/s: p50 %7.2f ms p99 %8.2f ms max %8.1f ms, "
              + "lost/late %d, server CPU %3.0f%% (kernel %3.0f%%), harness CPU %3.0f%%, other processes on the server "
              + "core %3.0f%% / on the harness core %3.0f%% -> %s", rate, deliveries, p50, p99, max,
          expected - Math.min(received, expected), serverCpu, serverSys, harnessCpu, otherOnServerCore,
          otherOnHarnessCore, pass() ? "ok" : "FAIL");
    }
  }

  /**
   * A ramp step after the quiet gate. Other processes can only make a step slower, so a pass counts however busy
   * the machine was; a failure counts only if the cores were quiet ({@code noisyPercent}): a noisy failure is run
   * again (three times at most) and, if it stays noisy, is returned as inconclusive.
   */
  Step step(Session s, double rate) {
    Options opt = h.opt;
    Step st = null;
    for (int attempt = 0; attempt < 4; attempt++) {
      Quiet.gate(h, s.server);
      st = stepOnce(s, rate);
      if (st.pass() || !st.noisy(opt.noisyPercent)) {
        return st;
      }
      h.say("    (failure while other processes used the cores: inconclusive, again)");
    }
    return st;
  }

  private Step stepOnce(Session s, double rate) {
    Options opt = h.opt;
    Meter meter = h.meter;
    int k = meter.open();
    long c0 = s.server.cpuTicks();
    long sys0 = s.server.systemTicks();
    long h0 = CpuWindow.harnessCpuNanos();
    long[] core0 = Server.coreTicks(opt.serverCpu);
    long[] core1 = Server.coreTicks(opt.harnessCpu);
    long t0 = System.nanoTime();
    long sent = s.publishAtRate(rate, opt.stepMs, k);
    long expected = sent * s.pageCount;
    meter.awaitCount(k, expected, 2000);
    double wall = (System.nanoTime() - t0) / 1e9;
    double serverCpu = 100 * Server.ticksToSeconds(s.server.cpuTicks() - c0) / wall;
    double serverSys = 100 * Server.ticksToSeconds(s.server.systemTicks() - sys0) / wall;
    double harnessCpu = 100 * (CpuWindow.harnessCpuNanos() - h0) / 1e9 / wall;
    double busy0 = CpuWindow.busyPercent(core0, Server.coreTicks(opt.serverCpu));
    double busy1 = CpuWindow.busyPercent(core1, Server.coreTicks(opt.harnessCpu));
    long received = meter.count(k);
    Histogram hist = meter.close(k);
    Step st = new Step(rate, expected / (opt.stepMs / 1000.0), sent, expected, received,
        ms(hist.getValueAtPercentile(50)), ms(hist.getValueAtPercentile(99)), ms(hist.getMaxValue()), serverCpu,
        harnessCpu, Math.max(0, busy0 - serverCpu), Math.max(0, busy1 - harnessCpu), limitMs(s), serverSys);
    String line = "    ramp " + s.target.name() + " N=" + s.pageCount + " " + st.describe();
    h.say(line);
    if (!st.pass()) {
      meter.awaitQuiet(k, expected, 30_000); // let the backlog drain before the next step
    }
    return st;
  }

  /**
   * The ramp's latency limit: 100 ms of queueing on top of what one broadcast to all N pages takes on this target
   * (its p99 in scenario (i)). At 5k-10k pages one broadcast alone takes about 100 ms on every target, so a flat
   * 100 ms would fail at any rate; the issue's own target for one broadcast to 10k is p99 ≤ 120 ms.
   */
  private double limitMs(Session s) {
    Options opt = h.opt;
    if (opt.rampLimitMs > 0) {
      return opt.rampLimitMs; // one flat limit for every target (--ramp-limit-ms)
    }
    Double single = h.results.find(s.target.name(), s.pageCount, "b_p99");
    return P99_LIMIT_MS + (single == null ? 0 : single);
  }

  /** A step; a failure is tried once more, so that a burst of other load on this shared machine does not end the ramp. */
  private Step confirmed(Session s, double rate) {
    Step st = step(s, rate);
    return st.pass() || st.noisy(h.opt.noisyPercent) ? st : step(s, rate);
  }

  /** (ii) Raise the publish rate until p99 > 100 ms or a loss, then bisect twice; the best passing rate counts. */
  void ramp(Session s) {
    Options opt = h.opt;
    int n = s.pageCount;
    double rate = Math.max(0.5, opt.rampStartDeliveries / n);
    Step best = null;
    Step fail = null;
    boolean inconclusive = false;
    for (int i = 0; i < 16 && fail == null; i++) {
      Step st = confirmed(s, rate);
      if (st.pass()) {
        best = st;
        rate *= opt.rampFactor;
      } else {
        fail = st;
        inconclusive = st.noisy(opt.noisyPercent);
      }
    }
    if (fail != null && best == null) {
      for (int i = 0; i < 3 && best == null; i++) {
        rate /= 2;
        Step st = step(s, rate);
        if (st.pass()) {
          best = st;
        }
      }
    }
    if (fail != null && best != null && !inconclusive) {
      double lo = best.rate;
      double hi = fail.rate;
      for (int i = 0; i < 2; i++) {
        double mid = Math.sqrt(lo * hi);
        Step st = confirmed(s, mid);
        if (st.pass()) {
          best = st;
          lo = mid;
        } else if (st.noisy(opt.noisyPercent)) {
          break; // cannot tell: keep the last quiet failure
        } else {
          fail = st;
          hi = mid;
        }
      }
    }
    Results results = h.results;
    if (inconclusive) {
      results.note(s.target.name() + " N=" + n + ": the ramp stopped at a failure under other processes' load (busy "
          + "machine): its best rate is a lower bound");
      results.put(s.target.name(), n, "ramp_inconclusive", 1);
    }
    String t = s.target.name();
    if (best != null) {
      results.put(t, n, "ramp_best", best.deliveries);
      results.put(t, n, "ramp_best_p99", best.p99);
      results.put(t, n, "ramp_best_srv", best.serverCpu);
      results.put(t, n, "ramp_best_sys", best.serverSys);
      // less sensitive to other processes than the rate itself: what one second of the server's own CPU delivers
      results.put(t, n, "ramp_best_per_cpu", best.serverCpu > 0 ? best.deliveries / (best.serverCpu / 100) : Double.NaN);
      results.put(t, n, "ramp_best_har", best.harnessCpu);
      results.put(t, n, "ramp_best_other", best.otherOnServerCore);
    }
    if (fail != null) {
      results.put(t, n, "ramp_fail", fail.deliveries);
      results.put(t, n, "ramp_fail_srv", fail.serverCpu);
      results.put(t, n, "ramp_fail_har", fail.harnessCpu);
      results.put(t, n, "ramp_fail_p99", fail.p99);
      results.put(t, n, "ramp_fail_other", fail.otherOnServerCore);
    }
    results.put(t, n, "ramp_limit", limitMs(s));
    h.say(String.format(Locale.ROOT, "  ramp: best %.0f deliveries/s with p99 <= %.0f ms and no loss%s%s",
        best == null ? 0 : best.deliveries, limitMs(s), inconclusive ? " (lower bound: busy machine)" : "",
        fail == null ? " (never failed: raise the ceiling)" : String.format(Locale.ROOT,
            "; failed at %.0f/s (server CPU %.0f%%, harness CPU %.0f%%)", fail.deliveries, fail.serverCpu,
            fail.harnessCpu)));
  }
}
