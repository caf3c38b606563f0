package org.siteconnect.loadtest;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The load harness of issue 8: fan-out, chat 1:1, subscription churn, idle memory and idle CPU against the gateway,
 * a raw Vert.x SockJS bridge and mosquitto, side by side in one run, then a JFR profile of the gateway under
 * fan-out. Started by {@code src/loadtest/run.sh} (which pins this JVM to the harness core); every server runs in
 * its own process pinned to the server core. Loopback only. Parses the {@link Options} and runs the selected phases
 * ({@link FanOutScenario}, {@link ClusterScenario}, {@link CobrowseScenario}, {@link MemoryScenario},
 * {@link ProfileScenario}); the {@link Results} table goes to stdout and summary.md, every line also to steps.log.
 */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) throws Exception {
    Options opt = Options.parse(args);
    Files.createDirectories(opt.workDir);
    System.exit(run(opt));
  }

  private static int run(Options opt) throws Exception {
    Harness h = new Harness(opt);
    h.open();
    List<Target> targets = opt.targets.stream().map(Target::of).toList();
    SoakScenario soak = opt.phases.contains("soak") ? new SoakScenario(h) : null;
    Map<String, Target> byName = new LinkedHashMap<>();
    targets.forEach(t -> byName.put(t.name(), t));
    try {
      if (opt.phases.contains("fanout")) {
        FanOutScenario fanout = new FanOutScenario(h);
        h.steps("fan-out", opt.levels, opt.targets, (name, n) -> fanout.run(byName.get(name), n));
      }
      if (opt.phases.contains("xnode")) {
        ClusterScenario xnode = new ClusterScenario(h);
        h.steps("cluster comparison", opt.levels, opt.targets, (name, n) -> xnode.run(byName.get(name), n));
      }
      if (opt.phases.contains("cobrowse")) { // the peers have no co-browse
        List<String> gateways = opt.targets.stream().filter(List.of("gateway", "gateway-before", "gateway-cluster",
            "gateway-cluster-before")::contains).toList();
        h.steps("co-browse", opt.cobrowseLevels, gateways, (g, n) -> CobrowseScenario.measure(h, g, n));
      }
      if (opt.phases.contains("memory")) {
        MemoryScenario memory = new MemoryScenario(h);
        for (Target t : targets) {
          if (!h.outOfTime("memory " + t.name())) {
            h.safely("memory " + t.name(), () -> memory.run(t));
          }
        }
      }
      if (opt.phases.contains("profile") && opt.targets.contains("gateway") && !h.outOfTime("profile")) {
        h.safely("profile gateway", () -> new ProfileScenario(h).run(Target.of("gateway")));
      }
      if (soak != null) { // issue 22 part 6: the long soak, gateway targets only (it co-browses)
        for (String g : opt.targets.stream().filter(List.of("gateway", "gateway-before")::contains).toList()) {
          h.safely("soak " + g, () -> soak.run(g));
        }
      }
    } finally {
      String table = (opt.phases.equals(List.of("soak")) ? "" : h.results.table(opt)
          + (opt.phases.contains("xnode") ? "\n" + h.results.xnodeTable(opt) : "")) + (soak == null ? "" : soak.report());
      h.say("\n" + table);
      Files.writeString(opt.workDir.resolve("summary.md"), table);
      h.close();
    }
    return 0;
  }
}
