package org.siteconnect.loadtest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Command-line options. */
final class Options {
  boolean quick;
  List<Integer> levels = List.of(1000, 5000, 10000);
  List<Integer> memLevels = List.of(1000, 5000, 9000);
  List<String> targets = List.of("gateway", "raw-bridge", "mosquitto");
  List<String> phases = List.of("fanout", "cobrowse", "memory", "profile");
  List<Integer> cobrowseLevels = List.of(1, 10, 100);
  long cobrowseMs = 10_000;
  /** Issue 22: the sessions' start snapshots are spread over this long (session i starts at i/N of it). */
  long cobrowseRampMs = 60_000;
  /** Issue 22: recorder bytes per session and second (batches every 50 ms, mouse moves included). */
  int cobrowseKbps = 20;
  Path gatewayJar = Path.of("target/siteconnect-gateway.jar");
  /** A flat p99 limit for the ramp instead of 100 ms + the target's own single-broadcast p99 (0 = that default). */
  double rampLimitMs;
  /** The gateway before this branch's changes (target "gateway-before"; run.sh --before REV builds it). */
  Path beforeJar;
  /** Extra environment per gateway target ({@code --gateway-env}, {@code --before-env}: K=V[,K=V]). */
  Map<String, Map<String, String>> env = new HashMap<>();
  Path loadtestJar = Path.of("target/loadtest.jar");
  /** Target "floor": the C server run.sh builds from src/loadtest/floor/floor.c. */
  Path floorBin = Path.of("target/floor-server");
  Path workDir = Path.of("target/loadtest");
  String serverCpu = "0";
  String harnessCpu = "1";
  /** Node B of a cluster target on these CPUs instead of the server core ({@code --cluster-b-cpu}, e.g. 1). */
  String clusterBCpu;
  int basePort = 21000;
  int rounds = 5;
  int churnRounds = 3;
  long stepMs = 3000;
  long chatMs = 5000;
  /** Upper bound of the chat warm-up (2 s rounds until the JIT is quiet: {@link ChatScenario#warmUp}). */
  long chatWarmupMs = 60_000;
  /** The chat warm-up ends after three 2 s rounds in a row with the JIT compiler threads under this % of a core. */
  double chatWarmupJitPercent = 1;
  long idleMs = 20_000;
  java.nio.file.Path gatewayJvmOptions = java.nio.file.Path.of("conf/jvm.options");
  java.nio.file.Path beforeJvmOptions;
  /** Every page pings once in this many seconds (the frame: 20; issue 22 part 1 profiles with 1–2). */
  int pingEveryS = 20;
  long pingTickMs = 1000;
  /** Phase fanout measures only the idle CPU (issue 22: quick side-by-side idle runs). */
  boolean idleOnly;
  /** --broadcast-only: phase fanout stops after its broadcasts (i) (their latency and CPU side by side). */
  boolean broadcastOnly;
  long profileMs = 30_000;
  long warmupMs = 3000;
  double rampFactor = 1.6;
  double rampStartDeliveries = 20_000;
  int maxMinutes = 60;
  /** Wait at most this long before a measurement for the two cores to be free of other processes' load. */
  long gateMs = 3000;
  /** Other processes' load (% of a core, on the server or the harness core) that makes a ramp step count as noisy. */
  double noisyPercent = 25;
  /** Phase xnode (issue 7): the fixed publish rates, in deliveries per second, of its fan-out throughput steps. */
  List<Integer> xnodeRates = List.of(20_000, 50_000);
  /**
   * Phase xnode: before chat, wait (at most {@link #settleMs}) until the server's own CPU (cluster: both nodes) is
   * under this share of a core in a 1 s window, or has stopped falling (two windows within 3 points, under 40 %).
   */
  double settlePercent = 20;
  /**
   * Heap of the single gateway (-Xms/-Xmx), default 512m; --cluster sets 1g = the cluster's two 512m nodes: with
   * 10k pages + 5k chat partners a 512m single node has ~310 MB live and SerialGC full pauses of 0.5-0.6 s.
   */
  String singleHeap;
  long settleMs = 30_000;
  boolean levelsSet;
  boolean cluster;
  boolean maxMinutesSet;
  /** At most this many connections in set-up at a time. */
  int connectWindow = 200;
  /** Pages per client source address (127.0.0.1, then .2, .3, ...); see Harness.clientFor. */
  int pagesPerSource = 20_000;
  /** Phase soak (issue 22 part 6, {@link SoakScenario}): minutes of load, pages, co-browses, seconds between samples. */
  int soakMinutes = 120;
  int soakPages = 10_000;
  int soakCobrowses = 100;
  /** 0: 60 s, or for runs under 12 minutes the run's length / 12 (a verdict needs samples in the second half). */
  int soakSampleS;
  /** Chat pairs (one message a second each, sides alternating); -1: soakPages / 20. */
  int soakChatPairs = -1;
  /** Pages closing (with the frame's bye) and new ones connecting, per second; -1: soakPages / 1000. */
  double soakChurnPerS = -1;

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> {
          o.quick = true;
          o.levels = List.of(200);
          o.memLevels = List.of(100, 200);
          o.rounds = 3;
          o.churnRounds = 2;
          o.stepMs = 1500;
          o.chatMs = 2000;
          o.chatWarmupMs = 6000;
          o.idleMs = 3000;
          o.profileMs = 5000;
          o.warmupMs = 1000;
          o.rampFactor = 2.0;
          o.maxMinutes = 10;
          o.gateMs = 1500;
          o.cobrowseLevels = List.of(1, 10);
          o.cobrowseMs = 3000;
          o.cobrowseRampMs = 3000;
        }
        case "--levels" -> {
          o.levels = ints(args[++i]);
          o.levelsSet = true;
        }
        case "--cluster" -> {
          // issue 7: single node vs a 2-node cluster with every delivery crossing nodes, side by side
          o.targets = List.of("gateway", "gateway-cluster");
          o.phases = List.of("xnode");
          o.cluster = true;
        }
        case "--xnode-rates" -> o.xnodeRates = ints(args[++i]);
        case "--mem-levels" -> o.memLevels = ints(args[++i]);
        case "--cobrowse-levels" -> o.cobrowseLevels = ints(args[++i]);
        case "--cobrowse-ms" -> o.cobrowseMs = Long.parseLong(args[++i]);
        case "--cobrowse-ramp-ms" -> o.cobrowseRampMs = Long.parseLong(args[++i]);
        case "--cobrowse-kbps" -> o.cobrowseKbps = Integer.parseInt(args[++i]);
        case "--chat-ms" -> o.chatMs = Long.parseLong(args[++i]);
        case "--server-gc" -> Server.gc = args[++i];
        case "--chat-warmup-ms" -> o.chatWarmupMs = Long.parseLong(args[++i]);
        case "--chat-warmup-jit-percent" -> o.chatWarmupJitPercent = Double.parseDouble(args[++i]);
        case "--targets" -> o.targets = List.of(args[++i].split(","));
        case "--phases" -> o.phases = List.of(args[++i].split(","));
        case "--gateway-jar" -> o.gatewayJar = Path.of(args[++i]);
        case "--before-jar" -> o.beforeJar = Path.of(args[++i]);
        case "--gateway-env" -> o.env.put("gateway", keyValues(args[++i]));
        case "--gateway-jvm-options" -> o.gatewayJvmOptions = argFile(args[++i]);
        case "--rounds" -> o.rounds = Integer.parseInt(args[++i]);
        case "--before-jvm-options" -> o.beforeJvmOptions = argFile(args[++i]);
        case "--before-env" -> o.env.put("gateway-before", keyValues(args[++i]));
        case "--ramp-limit-ms" -> o.rampLimitMs = Double.parseDouble(args[++i]);
        case "--loadtest-jar" -> o.loadtestJar = Path.of(args[++i]);
        case "--floor-bin" -> o.floorBin = Path.of(args[++i]);
        case "--work-dir" -> o.workDir = Path.of(args[++i]);
        case "--server-cpu" -> o.serverCpu = args[++i];
        case "--harness-cpu" -> o.harnessCpu = args[++i];
        case "--cluster-b-cpu" -> o.clusterBCpu = args[++i];
        case "--base-port" -> o.basePort = Integer.parseInt(args[++i]);
        case "--step-ms" -> o.stepMs = Long.parseLong(args[++i]);
        case "--profile-ms" -> o.profileMs = Long.parseLong(args[++i]);
        case "--idle-ms" -> o.idleMs = Long.parseLong(args[++i]);
        case "--ping-every-s" -> o.pingEveryS = Math.max(1, Integer.parseInt(args[++i]));
        case "--ping-tick-ms" -> o.pingTickMs = Math.max(1, Math.min(1000, Long.parseLong(args[++i])));
        case "--idle-only" -> o.idleOnly = true;
        case "--broadcast-only" -> o.broadcastOnly = true;
        case "--max-minutes" -> {
          o.maxMinutes = Integer.parseInt(args[++i]);
          o.maxMinutesSet = true;
        }
        case "--gate-ms" -> o.gateMs = Long.parseLong(args[++i]);
        case "--noisy-percent" -> o.noisyPercent = Double.parseDouble(args[++i]);
        case "--settle-percent" -> o.settlePercent = Double.parseDouble(args[++i]);
        case "--settle-ms" -> o.settleMs = Long.parseLong(args[++i]);
        case "--single-heap" -> o.singleHeap = args[++i];
        case "--connect-window" -> o.connectWindow = Integer.parseInt(args[++i]);
        case "--pages-per-source" -> o.pagesPerSource = Integer.parseInt(args[++i]);
        case "--soak-minutes" -> o.soakMinutes = Integer.parseInt(args[++i]);
        case "--soak-pages" -> o.soakPages = Integer.parseInt(args[++i]);
        case "--soak-cobrowses" -> o.soakCobrowses = Integer.parseInt(args[++i]);
        case "--soak-sample-s" -> o.soakSampleS = Integer.parseInt(args[++i]);
        case "--soak-chat-pairs" -> o.soakChatPairs = Integer.parseInt(args[++i]);
        case "--soak-churn-per-s" -> o.soakChurnPerS = Double.parseDouble(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + a + "\nusage: [--quick] [--levels 1000,5000]"
            + " [--mem-levels 1000,5000,9000] [--targets gateway,raw-bridge,mosquitto,floor]"
            + " [--phases fanout,cobrowse,memory,profile,xnode] [--cobrowse-levels 1,10,100] [--cobrowse-ms 10000] [--cobrowse-ramp-ms 60000] [--cobrowse-kbps 20] [--chat-ms 5000] [--chat-warmup-ms 60000] [--chat-warmup-jit-percent 1] [--ping-tick-ms 1000] [--idle-ms 20000] [--idle-only] [--rounds 5] [--gateway-jvm-options conf/jvm.options|none] [--before-jvm-options FILE|none] [--pages-per-source 20000] [--server-gc G1|Serial|Z|Shenandoah] [--server-cpu 0] [--step-ms 4000] [--max-minutes 60]"
            + " [--cluster] [--xnode-rates 20000,50000] [--settle-percent 20] [--settle-ms 30000] [--single-heap 1g]"
            + " [--phases soak --soak-minutes 120 --soak-pages 10000 --soak-cobrowses 100 --soak-sample-s 60"
            + " --soak-chat-pairs 500 --soak-churn-per-s 10]");
      }
    }
    if (o.cluster) {
      if (!o.levelsSet) {
        o.levels = o.quick ? List.of(1000) : List.of(1000, 5000, 10000);
      }
      if (!o.maxMinutesSet) {
        o.maxMinutes = o.quick ? 5 : 12;
      }
      if (o.singleHeap == null) {
        o.singleHeap = "1g";
      }
    }
    if (o.phases.contains("soak") && !o.maxMinutesSet) {
      o.maxMinutes = o.soakMinutes + 30; // set-up and the other phases on top of the soak itself
    }
    if (o.beforeJar != null && !o.targets.contains("gateway-before")
        && !o.targets.contains("gateway-cluster-before")) {
      List<String> t = new ArrayList<>(o.targets);
      t.add(t.contains("gateway") ? t.indexOf("gateway") + 1 : 0, "gateway-before");
      o.targets = List.copyOf(t);
    }
    return o;
  }

  private static List<Integer> ints(String s) {
    return Arrays.stream(s.split(",")).map(String::trim).map(Integer::parseInt).toList();
  }

  private static Map<String, String> keyValues(String s) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : s.split(",")) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected K=V[,K=V], got '" + s + "'");
      }
      out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    return out;
  }

  /** FILE, or "none": no JVM options file for that target. */
  private static java.nio.file.Path argFile(String value) {
    return "none".equals(value) ? null : java.nio.file.Path.of(value);
  }

  /**
   * The JVM options file (java @FILE) of the gateway targets: the product's conf/jvm.options, as the README runs
   * it; the "before" targets get none unless given (--before-jvm-options), like a jar of a revision without one.
   */
  java.nio.file.Path jvmOptionsOf(boolean before) {
    java.nio.file.Path f = before ? beforeJvmOptions : gatewayJvmOptions;
    return f != null && java.nio.file.Files.isRegularFile(f) ? f.toAbsolutePath() : null;
  }

  Map<String, String> envOf(String target) {
    return env.getOrDefault(target, Map.of());
  }
}
