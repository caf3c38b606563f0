package org.siteconnect.loadtest;

import static org.siteconnect.loadtest.Harness.ms;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Fan-out (i): one broadcast a second from the publisher to every page. */
record BroadcastScenario(Harness h) {
  /** Runs the broadcast rounds, again (twice at most) while other processes disturb them; keeps the quietest. */
  void run(Session s, int rounds, String prefix) {
    double best = Double.MAX_VALUE;
    for (int attempt = 0; attempt < 3; attempt++) {
      Quiet.gate(h, s.server);
      CpuWindow w = new CpuWindow(h.opt, s.server);
      Map<String, Double> r = rounds(s, rounds, prefix);
      double other = w.other();
      // server CPU per round (exact run time, the JIT's threads left out; the pages' pings included): what a
      // broadcast costs, which other processes do not change as they change its latency
      double cpuMs = (w.serverCpuExact() - w.compilerCpuExact()) * w.seconds() * 10 / rounds;
      r.put(prefix + "_cpu_ms", cpuMs);
      h.say(String.format(Locale.ROOT, "    server CPU per round (one broadcast and a second of pings): %.1f ms", cpuMs));
      if (other < best) {
        best = other;
        r.forEach((metric, v) -> h.results.put(s.target.name(), s.pageCount, metric, v));
        h.results.put(s.target.name(), s.pageCount, prefix + "_other", other);
      }
      if (other < h.opt.noisyPercent) {
        return;
      }
      h.say(String.format(Locale.ROOT, "    (other processes used %.0f%% of a core meanwhile: again)", other));
    }
  }

  private Map<String, Double> rounds(Session s, int rounds, String prefix) {
    Meter meter = h.meter;
    Map<String, Double> r = new LinkedHashMap<>();
    Histogram all = Meter.empty();
    List<Double> lasts = new ArrayList<>();
    long lost = 0;
    for (int round = 0; round < rounds; round++) {
      long roundStart = System.currentTimeMillis();
      int k = meter.open();
      h.ctlCtx.runOnContext(v -> s.target.wire().publish(s.publisher, Wire.FANOUT, Meter.payload(k, 0)));
      meter.awaitCount(k, s.pageCount, 3000);
      lost += s.pageCount - meter.count(k);
      lasts.add(ms(meter.maxMicros(k)));
      all.add(meter.close(k));
      long wait = 1000 - (System.currentTimeMillis() - roundStart);
      if (wait > 0) {
        Server.sleep(wait);
      }
    }
    lasts.sort(Double::compare);
    r.put(prefix + "_p50", ms(all.getValueAtPercentile(50)));
    r.put(prefix + "_p99", ms(all.getValueAtPercentile(99)));
    r.put(prefix + "_last_med", lasts.get(lasts.size() / 2));
    r.put(prefix + "_last_max", lasts.get(lasts.size() - 1));
    r.put(prefix + "_lost", (double) lost);
    h.say(String.format(Locale.ROOT, "  %s: %d broadcasts 1/s to %d pages: p50 %.2f ms, p99 %.2f ms, time to last page "
            + "median %.1f ms / max %.1f ms, lost %d", prefix.equals("bc") ? "broadcast+churn" : "broadcast", rounds,
        s.pageCount, ms(all.getValueAtPercentile(50)), ms(all.getValueAtPercentile(99)), lasts.get(lasts.size() / 2),
        lasts.get(lasts.size() - 1), lost));
    return r;
  }
}
