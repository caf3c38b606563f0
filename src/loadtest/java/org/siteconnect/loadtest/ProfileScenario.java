package org.siteconnect.loadtest;

import static org.siteconnect.loadtest.Harness.ms;

import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Phase profile: a JFR recording of the gateway under fan-out at 80 % of its best ramp rate, and its summary. */
record ProfileScenario(Harness h) {
  void run(Target t) throws Exception {
    Options opt = h.opt;
    Meter meter = h.meter;
    int n = opt.levels.stream().mapToInt(Integer::intValue).max().orElse(1000);
    Double best = h.results.find(t.name(), n, "ramp_best");
    double deliveries = best == null ? 100_000 : 0.8 * best;
    double rate = Math.max(1, deliveries / n);
    h.say(String.format(Locale.ROOT, "\n== JFR profile of the %s under fan-out: N = %d, %.1f pub/s (%.0f deliveries/s, "
        + "80%% of its best) for %d s ==", t.name(), n, rate, rate * n, opt.profileMs / 1000));
    Server server = h.start(t, true);
    try (Session s = new Session(h, t, server, n)) {
      s.growTo(n);
      s.openControl(0);
      s.warmUpFanout(rate, Math.max(2000, opt.warmupMs));
      Path jfr = opt.workDir.resolve("gateway-fanout.jfr").toAbsolutePath();
      h.say("  " + server.jcmd("JFR.start", "name=lt", "settings=profile", "filename=" + jfr).trim()
          .replace('\n', ' '));
      int k = meter.open();
      long c0 = server.cpuTicks();
      long t0 = System.nanoTime();
      long sent = s.publishAtRate(rate, opt.profileMs, k);
      meter.awaitCount(k, sent * n, 2000);
      double cpu = 100 * Server.ticksToSeconds(server.cpuTicks() - c0) / ((System.nanoTime() - t0) / 1e9);
      server.jcmd("JFR.stop", "name=lt");
      Histogram hist = meter.close(k);
      h.say(String.format(Locale.ROOT, "  during the recording: p50 %.2f ms, p99 %.2f ms, server CPU %.0f%%",
          ms(hist.getValueAtPercentile(50)), ms(hist.getValueAtPercentile(99)), cpu));
      Server.sleep(500);
      String summary = JfrSummary.summarise(jfr, 25);
      Files.writeString(opt.workDir.resolve("profile.txt"), summary);
      h.say(summary);
      h.say("  recording: " + jfr + " (jfr print --events jdk.ExecutionSample " + jfr + ")");
    }
  }
}
