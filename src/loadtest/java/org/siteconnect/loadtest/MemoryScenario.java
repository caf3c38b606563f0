package org.siteconnect.loadtest;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Phase memory: heap (after a full GC) and RSS per idle page session, at each of {@code --mem-levels}. */
record MemoryScenario(Harness h) {
  void run(Target t) throws Exception {
    Options opt = h.opt;
    Results results = h.results;
    h.say("\n== idle memory per page session, target " + t.name() + " ==");
    int max = opt.memLevels.stream().mapToInt(Integer::intValue).max().orElse(0);
    Server server = h.start(t, false);
    try (Session s = new Session(h, t, server, max)) {
      Server.sleep(3000);
      long heap0 = server.heapAfterGcKb();
      long rss0 = server.rssKb();
      Map<String, long[]> classes0 = server.jvm ? classHistogram(server) : Map.of();
      h.say(String.format(Locale.ROOT, "  baseline: heap after full GC %.1f MB, RSS %.1f MB", heap0 / 1024.0,
          rss0 / 1024.0));
      for (int n : opt.memLevels) {
        s.growTo(n);
        Server.sleep(3000);
        long heap = server.heapAfterGcKb();
        long rss = server.rssKb();
        double heapPer = heap < 0 ? -1 : (heap - heap0) * 1024.0 / n / 1024.0;
        double rssPer = (rss - rss0) * 1024.0 / n / 1024.0;
        if (heap >= 0) {
          results.put(t.name(), n, "mem_heap_per", heapPer);
          results.put(t.name(), n, "mem_heap_mb", heap / 1024.0);
        }
        results.put(t.name(), n, "mem_rss_per", rssPer);
        if (server.jvm && n == max) {
          String top = heapByClass(classes0, classHistogram(server), n);
          Files.writeString(opt.workDir.resolve("heap-" + t.name() + ".txt"), top);
          h.say(top);
        }
        results.put(t.name(), n, "mem_rss_mb", rss / 1024.0);
        h.say(String.format(Locale.ROOT, "  %d sessions x 5 subscriptions: heap %s, RSS %.1f MB (+%.2f KB per session)",
            n, heap < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MB (+%.2f KB per session)", heap / 1024.0,
                heapPer), rss / 1024.0, rssPer));
        idleCpu(t, n, server, s);
      }
    }
  }

  /** Issue 22's curve: idle CPU at each level (pages pinging), once the JIT is quiet; linear in N is the goal. */
  private void idleCpu(Target t, int n, Server server, Session s) {
    double waited = Quiet.jit(h.opt, server);
    CpuWindow w = new CpuWindow(h.opt, server);
    long pings0 = s.pingsSent();
    java.util.Map<String, Long> threads0 = server.threadNanos();
    Server.sleep(h.opt.idleMs);
    double idle = w.serverCpuExact();
    new FanOutScenario(h).threads(t, threads0, server.threadNanos(), w.seconds(), server.javaThreadNames());
    double noJit = idle - w.compilerCpuExact();
    long pings = s.pingsSent() - pings0;
    h.results.put(t.name(), n, "mem_idle_cpu", idle);
    h.results.put(t.name(), n, "mem_idle_cpu_per_10k", idle * 10_000 / n);
    h.say(String.format(Locale.ROOT, "  idle CPU with %d pages: %.3f%% of a core (%.3f%% per 10k pages; JIT quiet"
        + " after %.0f s)", n, idle, idle * 10_000 / n, waited));
    if (pings > 0) {
      // CPU seconds the server used in the window (JIT threads left out) per 1,000 pings the pages sent in it
      double perK = noJit / 100 * w.seconds() / pings * 1000;
      h.results.put(t.name(), n, "mem_cpu_s_per_1k_pings", perK);
      h.say(String.format(Locale.ROOT, "  server CPU per ping: %.1f us (%.4f CPU s per 1,000 pings; %d pings in"
          + " %.1f s, every %d s per page; without JIT %.3f%% of a core)", perK * 1000, perK, pings, w.seconds(),
          h.opt.pingEveryS, noJit));
    }
  }

  /** class → {instances, bytes} from jcmd GC.class_histogram (which runs a full GC first). */
  private static Map<String, long[]> classHistogram(Server server) {
    Map<String, long[]> m = new LinkedHashMap<>();
    for (String line : server.jcmd("GC.class_histogram").split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) {
        try {
          m.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
        } catch (NumberFormatException e) {
          // header
        }
      }
    }
    return m;
  }

  private static String heapByClass(Map<String, long[]> before, Map<String, long[]> after, int sessions) {
    List<Map.Entry<String, long[]>> growth = new ArrayList<>();
    long total = 0;
    for (var e : after.entrySet()) {
      long[] b = before.getOrDefault(e.getKey(), new long[2]);
      long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
      total += d[1];
      growth.add(Map.entry(e.getKey(), d));
    }
    growth.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "  heap growth by class for %d sessions (jcmd GC.class_histogram, after - before): %.2f KB per session%n",
        sessions, total / 1024.0 / sessions));
    for (int i = 0; i < Math.min(40, growth.size()); i++) {
      var e = growth.get(i);
      sb.append(String.format(Locale.ROOT, "    %8.0f B/session  %6.2f objects/session  %s%n",
          e.getValue()[1] / (double) sessions, e.getValue()[0] / (double) sessions, e.getKey()));
    }
    return sb.toString();
  }
}
