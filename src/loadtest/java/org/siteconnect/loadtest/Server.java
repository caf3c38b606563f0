package org.siteconnect.loadtest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A server under test in its own process, pinned to the server core: the gateway, the raw bridge or mosquitto. */
final class Server implements AutoCloseable {
  static final String JVM_HEAP = "512m";
  private static final long CLK_TCK = clockTicks();

  final String kind;
  final int port;
  final Process process;
  final long pid;
  final boolean jvm;
  final Path log;
  /**
   * Target gateway-cluster: this server is node B (the pages' node) and {@code peer} is node A (the publisher's
   * node, started first, so the cluster's oldest member: the leader that serves sessions). CPU figures are both
   * nodes' together; {@link #close()} stops both.
   */
  Server peer;

  private Server(String kind, int port, Process process, boolean jvm, Path log) {
    this.kind = kind;
    this.port = port;
    this.process = process;
    this.pid = process.pid();
    this.jvm = jvm;
    this.log = log;
  }

  static List<String> jvmOptions(boolean profiling) {
    return jvmOptions(profiling, JVM_HEAP);
  }

  /**
   * The collector of every server JVM (--server-gc). G1, what `java -jar` picks on a machine with two or more
   * CPUs (a JVM pinned to one CPU would pick Serial, whose young pauses at 10k pages are 60-310 ms).
   */
  static volatile String gc = "G1";

  static List<String> jvmOptions(boolean profiling, String heap) {
    List<String> o = new ArrayList<>(List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch",
        "-XX:+Use" + gc + "GC", "-Dvertx.disableDnsResolver=true"));
    if (profiling) {
      o.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints"));
    }
    String extra = System.getenv("LT_SERVER_JVM_OPTS"); // e.g. -Xlog:gc for a diagnosis
    if (extra != null && !extra.isBlank()) {
      o.addAll(List.of(extra.trim().split("\\s+")));
    }
    return o;
  }

  /** Password of the gateway's {@code admin} (SC_ADMIN_PASSWORD): the co-browse scenario creates its agent with it. */
  static final String ADMIN_PASSWORD = "bench-admin-pass-0123456789";

  /**
   * The gateway ({@code target} "gateway", or "gateway-before" from {@code --before-jar}) with the environment
   * the options give that target; with {@code cobrowse} its bench site gets a chat button (agents serve sites
   * through buttons) and co-browses start without the visitor's consent click (the harness has no visitor to click).
   */
  static Server gateway(Options opt, String target, int port, boolean profiling, boolean cobrowse)
      throws IOException {
    Path jar = "gateway-before".equals(target) ? opt.beforeJar : opt.gatewayJar;
    if (jar == null) {
      throw new IOException("no jar for this gateway (gateway-before needs --before-jar, or run.sh --before REV)");
    }
    Path conf = opt.workDir.resolve("gateway-" + port + ".json");
    Path data = freshDir(opt.workDir.resolve("gateway-" + port + "-data"));
    String origin = "http://127.0.0.1:" + port;
    String site = "{\"key\":\"" + PageWire.SITE + "\",\"origins\":[\"http://127.0.0.1:1\"]"
        + (cobrowse ? ",\"buttons\":[{\"id\":\"b1\",\"name\":\"Bench\"}],\"cobrowseConsent\":false" : "") + "}";
    Files.writeString(conf, "{\"http\":{\"host\":\"127.0.0.1\",\"port\":" + port + ",\"publicOrigin\":\"" + origin
        + "\"},\"bridge\":{\"maxMessagesPerSecond\":100000,\"maxSubscriptionsPerSession\":1000},"
        + "\"sessions\":{\"maxSessions\":100000},\"data\":{\"dir\":\"" + data + "\"},"
        + agentBudget(jar.equals(opt.gatewayJar))
        + "\"acl\":{\"subscribe\":[\"public/#\",\"bench/#\"],\"publish\":[\"public/#\",\"bench/#\"]},"
        + "\"sites\":[" + site + "]}");
    List<String> cmd = new ArrayList<>(List.of("taskset", "-c", opt.serverCpu, "java"));
    cmd.addAll(optionsFile(opt, "gateway-before".equals(target)));
    // --cluster: the single node gets the cluster's total heap (two nodes x 512m), see Options.singleHeap
    cmd.addAll(jvmOptions(profiling, opt.singleHeap != null ? opt.singleHeap : JVM_HEAP));
    cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "-conf", conf.toAbsolutePath().toString()));
    return start("gateway", port, cmd, true, opt, opt.envOf(target));
  }

  /**
   * The bench agent redeems a code per co-browse, up to 1,000 in a minute: past the default write budget of an agent
   * (agents.maxWritesPerMinute). Only this revision's jar knows the key; a before jar from an older revision would
   * refuse it.
   */
  private static String agentBudget(boolean knowsTheKey) {
    return knowsTheKey ? "\"agents\":{\"maxWritesPerMinute\":1000000}," : "";
  }

  /**
   * Target gateway-cluster: two clustered gateway nodes ({@code -cluster}, Hazelcast on loopback, PostgreSQL from
   * SC_TEST_PG_* — run.sh starts a throwaway one), both JVMs pinned to the server core(s) like the single gateway
   * and with the same fixed heap each. Node A listens on {@code portA} (Hazelcast on portA + 1), node B on
   * {@code portB} (Hazelcast on portB + 1). Each node's publicOrigin is its own origin (PageWire sends it).
   * Returns node B with node A as its {@link #peer}.
   */
  static Server gatewayCluster(Options opt, int portA, int portB) throws IOException {
    return gatewayCluster(opt, portA, portB, opt.gatewayJar, false);
  }

  /**
   * As above with this gateway jar ({@code gateway-cluster-before}: --before-jar); {@code cobrowse}: the bench site
   * as {@link #gateway} sets it up for the co-browse phase.
   */
  static Server gatewayCluster(Options opt, int portA, int portB, Path jar, boolean cobrowse) throws IOException {
    if (jar == null) {
      throw new IOException("no jar for this cluster (gateway-cluster-before needs --before-jar)");
    }
    String host = env("SC_TEST_PG_HOST");
    String pg = "{\"host\":\"" + host + "\",\"port\":" + env("SC_TEST_PG_PORT") + ",\"database\":\""
        + env("SC_TEST_PG_DB") + "\",\"user\":\"" + env("SC_TEST_PG_USER") + "\",\"password\":\""
        + env("SC_TEST_PG_PASSWORD") + "\"}";
    String members = "[\"127.0.0.1:" + (portA + 1) + "\",\"127.0.0.1:" + (portB + 1) + "\"]";
    String name = "sc-loadtest-" + ProcessHandle.current().pid() + "-" + portA;
    Server a = null;
    try {
      a = clusterNode(opt, opt.serverCpu, portA, name, members, pg, jar, cobrowse);
      String cpuB = opt.clusterBCpu != null ? opt.clusterBCpu : opt.serverCpu;
      Server b = clusterNode(opt, cpuB, portB, name, members, pg, jar, cobrowse);
      b.peer = a;
      return b;
    } catch (IOException | RuntimeException e) {
      if (a != null) {
        a.close();
      }
      throw e;
    }
  }

  private static String env(String name) throws IOException {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IOException(name + " is not set: gateway-cluster needs PostgreSQL (run.sh starts one with "
          + "src/test/pg.sh; or eval \"$(bash src/test/pg.sh start)\" first)");
    }
    return v;
  }

  private static Server clusterNode(Options opt, String cpu, int port, String name, String members, String pg,
                                    Path jar, boolean cobrowse) throws IOException {
    Path conf = opt.workDir.resolve("gateway-cluster-" + port + ".json");
    Path data = freshDir(opt.workDir.resolve("gateway-cluster-" + port + "-data"));
    String origin = "http://127.0.0.1:" + port;
    Files.writeString(conf, "{\"http\":{\"host\":\"127.0.0.1\",\"port\":" + port + ",\"publicOrigin\":\"" + origin
        + "\"},\"bridge\":{\"maxMessagesPerSecond\":100000,\"maxSubscriptionsPerSession\":1000},"
        + "\"sessions\":{\"maxSessions\":100000},"
        + "\"acl\":{\"subscribe\":[\"public/#\",\"bench/#\"],\"publish\":[\"public/#\",\"bench/#\"]},"
        + "\"sites\":[{\"key\":\"" + PageWire.SITE + "\",\"origins\":[\"http://127.0.0.1:1\"]"
        + (cobrowse ? ",\"buttons\":[{\"id\":\"b1\",\"name\":\"Bench\"}],\"cobrowseConsent\":false" : "") + "}],"
        + "\"ops\":{\"drainSeconds\":2},"
        + agentBudget(!jar.equals(opt.beforeJar))
        + "\"data\":{\"dir\":\"" + data + "\",\"postgres\":" + pg + "},"
        + "\"cluster\":{\"enabled\":true,\"name\":\"" + name + "\",\"host\":\"127.0.0.1\",\"port\":" + (port + 1)
        + ",\"members\":" + members + "}}");
    List<String> cmd = new ArrayList<>(List.of("taskset", "-c", cpu, "java"));
    cmd.addAll(optionsFile(opt, jar.equals(opt.beforeJar)));
    cmd.addAll(jvmOptions(false));
    cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "-cluster", "-conf",
        conf.toAbsolutePath().toString()));
    Server s = start("gateway-cluster", port, cmd, true, opt);
    s.awaitLog("SiteConnect gateway up", 120_000);
    return s;
  }

  /** Waits for a line of the server's log (the cluster nodes say when they are up). */
  private void awaitLog(String text, long timeoutMs) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (Files.readString(log).contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        close();
        throw new IOException(kind + " exited at start-up (exit " + process.exitValue() + "): see " + log);
      }
      sleep(100);
    }
    close();
    throw new IOException(kind + " did not log '" + text + "' within " + timeoutMs + " ms: see " + log);
  }

  /** The port the publisher connects to: node A's for the cluster, else this server's. */
  int publishPort() {
    return peer == null ? port : peer.port;
  }

  static Server rawBridge(Options opt, int port, boolean profiling) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("taskset", "-c", opt.serverCpu, "java"));
    cmd.addAll(jvmOptions(profiling));
    cmd.addAll(List.of("-cp", opt.loadtestJar.toAbsolutePath().toString(), RawBridgeServer.class.getName(),
        String.valueOf(port)));
    return start("raw-bridge", port, cmd, true, opt);
  }

  /**
   * Target "floor" (issue 22): the machine's floor for the page protocol, a one-thread epoll server in C
   * (src/loadtest/floor/floor.c, built by run.sh) that writes each publish as one pre-encoded frame, one write per page.
   */
  static Server floor(Options opt, int port) throws IOException {
    if (!Files.isExecutable(opt.floorBin)) {
      throw new IOException(opt.floorBin + " missing: run.sh builds it with gcc (apt-get install -y gcc)");
    }
    return start("floor", port, List.of("taskset", "-c", opt.serverCpu, opt.floorBin.toAbsolutePath().toString(),
        String.valueOf(port)), false, opt);
  }

  /** mosquitto with a websockets listener on {@code port} and the TCP listener it needs on {@code port + 1}. */
  static Server mosquitto(Options opt, int port) throws IOException {
    Path conf = opt.workDir.resolve("mosquitto-" + port + ".conf");
    Files.writeString(conf, String.join("\n",
        "# written by the SiteConnect load harness",
        "per_listener_settings false",
        "allow_anonymous true",
        "persistence false",
        "user root",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
        "connection_messages false",
        "websockets_log_level 0",
        "set_tcp_nodelay true",
        "listener " + (port + 1) + " 127.0.0.1",
        "listener " + port + " 127.0.0.1",
        "protocol websockets",
        ""));
    return start("mosquitto", port, List.of("taskset", "-c", opt.serverCpu, "mosquitto", "-c",
            conf.toAbsolutePath().toString()),
        false, opt);
  }

  /** {@code @FILE} for a gateway's JVM options file (first: the harness's heap and collector flags win). */
  private static List<String> optionsFile(Options opt, boolean before) {
    Path f = opt.jvmOptionsOf(before);
    return f == null ? List.of() : List.of("@" + f);
  }

  /**
   * An empty data directory for one server: a gateway restores the page sessions its database holds, and the
   * killed servers of earlier runs left theirs (one run after eight others restored 80,549 unheld sessions, and
   * the next reached the session cap).
   */
  private static Path freshDir(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath();
    if (Files.exists(abs)) {
      try (var walk = Files.walk(abs)) {
        for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
          Files.delete(p);
        }
      }
    }
    return Files.createDirectories(abs);
  }

  private static Server start(String kind, int port, List<String> cmd, boolean jvm, Options opt)
      throws IOException {
    return start(kind, port, cmd, jvm, opt, Map.of());
  }

  private static Server start(String kind, int port, List<String> cmd, boolean jvm, Options opt,
                              Map<String, String> env) throws IOException {
    Path log = opt.workDir.resolve(kind + "-" + port + ".log");
    // run in the work directory: the gateway keeps its embedded database under ./data
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("SC_ADMIN_PASSWORD", ADMIN_PASSWORD);
    // Every simulated page comes from 127.0.0.1: lift the per-address limits (gateways without them ignore these).
    pb.environment().put("SC_SOCKETS_PER_ADDRESS", "10000000");
    pb.environment().put("SC_SESSIONS_PER_ADDRESS", "10000000");
    pb.environment().putAll(env);
    Process p = pb.directory(opt.workDir.toAbsolutePath().toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    Server s = new Server(kind, port, p, jvm, log);
    try {
      s.awaitPort(180_000); // a loaded machine (load average 40) took 70 s to start a gateway
    } catch (IOException e) {
      s.close(); // a server that was still starting would keep its port and the embedded database's lock
      throw e;
    }
    return s;
  }

  private void awaitPort(long timeoutMs) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(kind + " exited at start-up (exit " + process.exitValue() + "): see " + log);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        sleep(100);
      }
    }
    throw new IOException(kind + " did not listen on " + port + " within " + timeoutMs + " ms: see " + log);
  }

  /** User + system CPU time of the whole process (all threads), in clock ticks. */
  long cpuTicks() {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long own = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return peer == null ? own : own + peer.cpuTicks();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Clock ticks the JIT compiler threads ("C1 CompilerThre…", "C2 CompilerThre…") of this server (and its peer)
   * have used: how much of the server CPU is still warm-up.
   */
  long compilerTicks() {
    long own = 0;
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            own += Long.parseLong(f[11]) + Long.parseLong(f[12]);
          }
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return peer == null ? own : own + peer.compilerTicks();
  }

  /**
   * Nanoseconds on a CPU of every thread of the process (and its peer), from /proc/PID/task/TID/schedstat: exact
   * where {@link #cpuTicks} counts 10 ms ticks. Issue 22 compares idle CPU with the floor's, a small fraction of a
   * per cent at 10k pages: a 20 s window of ticks would round it to 0 or 0.05 %. {@code compilerOnly}: only the
   * JIT compiler threads.
   */
  long runNanos(boolean compilerOnly) {
    long own = 0;
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).trim();
          if (!compilerOnly || name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            own += Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split(" ")[0]);
          }
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return peer == null ? own : own + peer.runNanos(compilerOnly);
  }

  /**
   * Nanoseconds on a CPU per thread of the process (and its peer), keyed by "TID comm" (comm is cut at 15
   * characters; {@link #javaThreadNames} has the full names of a JVM's threads), so that the idle window can say
   * which threads ran.
   */
  Map<String, Long> threadNanos() {
    Map<String, Long> out = new java.util.TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = task.getFileName() + " " + Files.readString(task.resolve("comm")).trim();
          long ns = Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split(" ")[0]);
          out.merge(name, ns, Long::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return out;
    }
    if (peer != null) {
      peer.threadNanos().forEach((k, v) -> out.merge(k, v, Long::sum));
    }
    return out;
  }

  /** TID → Java thread name, from jcmd Thread.print (empty for a server that is not a JVM). */
  Map<String, String> javaThreadNames() {
    Map<String, String> out = new java.util.HashMap<>();
    try {
      var m = java.util.regex.Pattern.compile("^\"(.*?)\".* nid=(0x[0-9a-f]+|[0-9]+)", java.util.regex.Pattern.MULTILINE)
          .matcher(jcmd("Thread.print"));
      while (m.find()) {
        String nid = m.group(2);
        out.put(String.valueOf(nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid)),
            m.group(1));
      }
    } catch (RuntimeException e) {
      // not a JVM (floor, mosquitto)
    }
    return out;
  }

  /** {busy, total} clock ticks of one CPU from /proc/stat, whoever ran on it. */
  static long[] coreTicks(String cpu) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
        if (line.startsWith("cpu" + cpu + " ")) {
          String[] f = line.trim().split("\\s+");
          long user = Long.parseLong(f[1]);
          long nice = Long.parseLong(f[2]);
          long system = Long.parseLong(f[3]);
          long idle = Long.parseLong(f[4]);
          long iowait = Long.parseLong(f[5]);
          long irq = Long.parseLong(f[6]);
          long softirq = Long.parseLong(f[7]);
          long steal = Long.parseLong(f[8]);
          long busy = user + nice + system + irq + softirq + steal;
          return new long[] {busy, busy + idle + iowait};
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return new long[] {0, 0};
  }

  /** System (kernel) CPU time of the process in clock ticks: on loopback, mostly the TCP stack under write(2). */
  long systemTicks() {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long own = Long.parseLong(f[12]);
      return peer == null ? own : own + peer.systemTicks();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static double ticksToSeconds(long ticks) {
    return ticks / (double) CLK_TCK;
  }

  long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }

  /** Heap in use after a full GC (jcmd GC.run, then jstat -gc: S0U+S1U+EU+OU), in KB; -1 for mosquitto. */
  long heapAfterGcKb() {
    if (!jvm) {
      return -1;
    }
    run("jcmd", String.valueOf(pid), "GC.run");
    sleep(300);
    String out = run("jstat", "-gc", String.valueOf(pid));
    String[] lines = out.trim().split("\n");
    if (lines.length < 2) {
      return -1;
    }
    String[] head = lines[0].trim().split("\\s+");
    String[] vals = lines[lines.length - 1].trim().split("\\s+");
    double kb = 0;
    for (int i = 0; i < head.length && i < vals.length; i++) {
      if (List.of("S0U", "S1U", "EU", "OU").contains(head[i])) {
        kb += Double.parseDouble(vals[i]);
      }
    }
    return Math.round(kb);
  }

  /**
   * Bytes allocated so far by the live threads of this server (and its peer), from {@code jcmd Thread.print -e}
   * ("allocated=" per thread, in B/K/M/G); -1 if it is not a JVM. Threads that ended are not counted: the event
   * loops that do the work live as long as the server.
   */
  long allocatedBytes() {
    var m = java.util.regex.Pattern.compile("allocated=([0-9]+)([BKMG])").matcher(jcmd("Thread.print", "-e"));
    long sum = 0;
    boolean any = false;
    while (m.find()) {
      any = true;
      long v = Long.parseLong(m.group(1));
      sum += switch (m.group(2)) {
        case "K" -> v << 10;
        case "M" -> v << 20;
        case "G" -> v << 30;
        default -> v;
      };
    }
    if (!any) {
      return -1;
    }
    long other = peer == null ? 0 : peer.allocatedBytes();
    return other < 0 ? sum : sum + other;
  }

  String jcmd(String... args) {
    List<String> cmd = new ArrayList<>(List.of("jcmd", String.valueOf(pid)));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(new String[0]));
  }

  static String run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor(60, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  @Override
  public void close() {
    if (peer != null) {
      peer.process.destroy(); // both nodes drain at the same time
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (peer != null) {
      peer.close();
    }
  }

  /**
   * The lines of the gateway's /metrics (started with SC_METRICS_TOKEN = {@code token}) whose metric is one of
   * {@code names}, as {@code name{labels} value} joined by "; " ("no answer: …" if it gave none in 20 s).
   */
  static String metrics(io.vertx.core.http.HttpClient http, int port, String token, List<String> names) {
    try {
      String body = http.request(new io.vertx.core.http.RequestOptions().setHost("127.0.0.1").setPort(port)
              .setURI("/metrics").putHeader("Authorization", "Bearer " + token))
          .compose(req -> req.send().compose(resp -> resp.body()))
          .await(20, TimeUnit.SECONDS).toString();
      List<String> out = new ArrayList<>();
      for (String line : body.split("\n")) {
        int end = line.indexOf('{') > 0 ? line.indexOf('{') : line.indexOf(' ');
        if (!line.startsWith("#") && end > 0 && names.contains(line.substring(0, end))) {
          out.add(line);
        }
      }
      return String.join("; ", out);
    } catch (Exception e) {
      return "no answer: " + e.getMessage();
    }
  }

  private static long clockTicks() {
    try {
      return Long.parseLong(run("getconf", "CLK_TCK").trim());
    } catch (RuntimeException e) {
      return 100;
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }
}
