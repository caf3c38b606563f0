package org.siteconnect.loadtest;

import static org.siteconnect.loadtest.Harness.ms;

import org.HdrHistogram.Histogram;

import java.util.Locale;

/**
 * Phase fanout: N pages with five subscriptions each; idle CPU (at the top level), one broadcast a second (i), chat
 * 1:1, the broadcasts again with subscription churn, and the ramp of publish rates (ii).
 */
record FanOutScenario(Harness h) {
  void run(Target t, int n) throws Exception {
    Options opt = h.opt;
    BroadcastScenario broadcasts = new BroadcastScenario(h);
    ChatScenario chat = new ChatScenario(h);
    h.say("\n== fan-out, N = " + n + ", target " + t.name() + " ==");
    Server server = h.start(t, false);
    try (Session s = new Session(h, t, server, n)) {
      double setup = s.growTo(n);
      s.openControl(ChurnScenario.CLIENTS);
      h.results.put(t.name(), n, "setup_per_s", n / setup);
      Harness.ErrorMark errors = h.errorMark();

      if (n == opt.levels.stream().mapToInt(Integer::intValue).max().orElse(n)) {
        idleCpu(t, n, server);
      }
      if (opt.idleOnly) {
        return; // --idle-only: issue 22's idle CPU side by side, without the broadcasts and the ramp
      }

      // warm-up: JIT the fan-out and chat paths; not recorded
      s.warmUpFanout(Math.max(1, 20_000.0 / n), opt.warmupMs);
      chat.warmUp(s, false);

      // (i) one broadcast a second
      broadcasts.run(s, opt.rounds, "b");
      if (opt.broadcastOnly) {
        return;
      }

      // chat 1:1, N/2 pairs at one message a second each; again while other processes disturb it
      Histogram c = chat.measure(s, false, "", false, () -> { });
      h.say(String.format(Locale.ROOT, "  chat 1:1, %d pairs x 1 msg/s for %d s: p50 %.2f ms, p99 %.2f ms, max %.1f ms, lost %d",
          n / 2, opt.chatMs / 1000, ms(c.getValueAtPercentile(50)), ms(c.getValueAtPercentile(99)),
          ms(c.getMaxValue()), (long) h.results.get(t.name(), n, "chat_lost")));

      // (i) again and (ii) the ramp, with 1k subscribe+unsubscribe a second going on
      ChurnScenario churn = new ChurnScenario(h, s);
      churn.start();
      Server.sleep(500);
      broadcasts.run(s, opt.churnRounds, "bc");
      Histogram acks = churn.acks(); // acks while not overloaded
      new RampScenario(h).ramp(s);
      churn.stopAndReport(acks);
      h.reportErrorsSince(errors, t.name(), n);
    }
  }

  /** Idle CPU with all N pages pinging, once the JIT has gone quiet. */
  private void idleCpu(Target t, int n, Server server) {
    Options opt = h.opt;
    double waited = Quiet.jit(opt, server);
    CpuWindow w = new CpuWindow(opt, server);
    java.util.Map<String, Long> before = server.threadNanos();
    Server.sleep(opt.idleMs);
    double idle = w.serverCpuExact();
    threads(t, before, server.threadNanos(), w.seconds(), server.javaThreadNames());
    double jit = w.compilerCpuExact();
    h.results.put(t.name(), n, "idle_cpu", idle);
    h.results.put(t.name(), n, "idle_jit", jit);
    h.say(String.format(Locale.ROOT, "  idle CPU with %d pages (pinging every %d s): %.3f%% of a core, of it JIT"
        + " compiler threads %.3f%% (measured once the JIT was quiet, %.0f s after the last page connected)", n,
        Session.PING_EVERY_S, idle, jit, waited));
  }

  /** Which threads ran in the idle window (issue 22): name (pool numbers as '#'), % of a core, descending. */
  void threads(Target t, java.util.Map<String, Long> before, java.util.Map<String, Long> after,
      double seconds, java.util.Map<String, String> names) {
    StringBuilder sb = new StringBuilder("  idle CPU by thread, " + t.name() + ":");
    after.entrySet().stream()
        .map(e -> java.util.Map.entry(names.getOrDefault(e.getKey().split(" ", 2)[0], e.getKey()),
            e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .limit(12)
        .forEach(e -> sb.append(String.format(Locale.ROOT, " %s %.4f%%;", e.getKey(), 100 * e.getValue() / 1e9
            / seconds)));
    h.say(sb.toString());
  }
}
