package org.siteconnect.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * The load harness of issue 8: fan-out, chat 1:1, subscription churn, idle memory and idle CPU against the gateway,
 * a raw Vert.x SockJS bridge and mosquitto, side by side in one run, then a JFR profile of the gateway under
 * fan-out. Started by {@code src/loadtest/run.sh} (which pins this JVM to the harness core); every server runs in
 * its own process pinned to the server core. Loopback only.
 */
public final class Main {

  /** Command-line options. */
  static final class Options {
    boolean quick;
    List<Integer> levels = List.of(1000, 5000, 10000);
    List<Integer> memLevels = List.of(1000, 5000, 9000);
    List<String> targets = List.of("gateway", "raw-bridge", "mosquitto");
    List<String> phases = List.of("fanout", "cobrowse", "memory", "profile");
    List<Integer> cobrowseLevels = List.of(1, 10, 100);
    long cobrowseMs = 10_000;
    Path gatewayJar = Path.of("target/siteconnect-gateway.jar");
    /** A flat p99 limit for the ramp instead of 100 ms + the target's own single-broadcast p99 (0 = that default). */
    double rampLimitMs;
    /** The gateway before this branch's changes (target "gateway-before"; run.sh --before REV builds it). */
    Path beforeJar;
    /** Extra environment per gateway target ({@code --gateway-env}, {@code --before-env}: K=V[,K=V]). */
    Map<String, Map<String, String>> env = new HashMap<>();
    Path loadtestJar = Path.of("target/loadtest.jar");
    Path workDir = Path.of("target/loadtest");
    String serverCpu = "0";
    String harnessCpu = "1";
    int basePort = 21000;
    int rounds = 5;
    int churnRounds = 3;
    long stepMs = 3000;
    long chatMs = 5000;
    /** Upper bound of the chat warm-up (2 s rounds until the server's CPU stops falling). */
    long chatWarmupMs = 20_000;
    long idleMs = 20_000;
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
          case "--chat-ms" -> o.chatMs = Long.parseLong(args[++i]);
          case "--server-gc" -> Server.gc = args[++i];
          case "--chat-warmup-ms" -> o.chatWarmupMs = Long.parseLong(args[++i]);
          case "--targets" -> o.targets = List.of(args[++i].split(","));
          case "--phases" -> o.phases = List.of(args[++i].split(","));
          case "--gateway-jar" -> o.gatewayJar = Path.of(args[++i]);
          case "--before-jar" -> o.beforeJar = Path.of(args[++i]);
          case "--gateway-env" -> o.env.put("gateway", keyValues(args[++i]));
          case "--before-env" -> o.env.put("gateway-before", keyValues(args[++i]));
          case "--ramp-limit-ms" -> o.rampLimitMs = Double.parseDouble(args[++i]);
          case "--loadtest-jar" -> o.loadtestJar = Path.of(args[++i]);
          case "--work-dir" -> o.workDir = Path.of(args[++i]);
          case "--server-cpu" -> o.serverCpu = args[++i];
          case "--harness-cpu" -> o.harnessCpu = args[++i];
          case "--base-port" -> o.basePort = Integer.parseInt(args[++i]);
          case "--step-ms" -> o.stepMs = Long.parseLong(args[++i]);
          case "--profile-ms" -> o.profileMs = Long.parseLong(args[++i]);
          case "--max-minutes" -> {
            o.maxMinutes = Integer.parseInt(args[++i]);
            o.maxMinutesSet = true;
          }
          case "--gate-ms" -> o.gateMs = Long.parseLong(args[++i]);
          case "--noisy-percent" -> o.noisyPercent = Double.parseDouble(args[++i]);
          case "--settle-percent" -> o.settlePercent = Double.parseDouble(args[++i]);
          case "--settle-ms" -> o.settleMs = Long.parseLong(args[++i]);
          case "--single-heap" -> o.singleHeap = args[++i];
          case "--connect-window" -> connectWindow = Integer.parseInt(args[++i]);
          default -> throw new IllegalArgumentException("unknown option " + a + "\nusage: [--quick] [--levels 1000,5000]"
              + " [--mem-levels 1000,5000,9000] [--targets gateway,raw-bridge,mosquitto]"
              + " [--phases fanout,cobrowse,memory,profile,xnode] [--cobrowse-levels 1,10,100] [--chat-ms 5000] [--chat-warmup-ms 20000] [--server-gc G1|Serial|Z|Shenandoah] [--server-cpu 0] [--step-ms 4000] [--max-minutes 60]"
              + " [--cluster] [--xnode-rates 20000,50000] [--settle-percent 20] [--settle-ms 30000] [--single-heap 1g]");
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
      if (o.beforeJar != null && !o.targets.contains("gateway-before")) {
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

    Map<String, String> envOf(String target) {
      return env.getOrDefault(target, Map.of());
    }
  }

  private static int connectWindow = 200;
  private static final int CHURN_CLIENTS = 10;
  private static final int CHURN_PER_CLIENT_PER_SECOND = 100;
  private static final int PING_EVERY_S = 20;
  private static final double P99_LIMIT_MS = 100;

  private final Options opt;
  private final Meter meter = new Meter();
  private final Results results = new Results();
  private final long deadline;
  private Vertx vertx;
  private Context pagesCtx;
  private Context ctlCtx;
  private WebSocketClient pagesClient;
  private WebSocketClient ctlClient;
  private int nextPort;
  private PrintWriter detail;

  private Main(Options opt) {
    this.opt = opt;
    this.deadline = System.currentTimeMillis() + opt.maxMinutes * 60_000L;
    this.nextPort = opt.basePort;
  }

  public static void main(String[] args) throws Exception {
    Options opt = Options.parse(args);
    Files.createDirectories(opt.workDir);
    int code = new Main(opt).run();
    System.exit(code);
  }

  /** Holds the context of an event loop of its own. */
  private static final class Loop extends VerticleBase {
    Context ctx;

    @Override
    public Future<?> start() {
      ctx = context;
      return Future.succeededFuture();
    }
  }

  private int run() throws Exception {
    detail = new PrintWriter(Files.newBufferedWriter(opt.workDir.resolve("steps.log")), true);
    say("SiteConnect load harness, " + (opt.quick ? "quick" : "full") + " mode, " + LocalDateTime.now());
    say(machine());
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setBlockedThreadCheckInterval(60_000));
    Loop a = new Loop();
    Loop b = new Loop();
    vertx.deployVerticle(a).await();
    vertx.deployVerticle(b).await();
    pagesCtx = a.ctx;
    ctlCtx = b.ctx;
    WebSocketClientOptions wso = new WebSocketClientOptions().setMaxConnections(100_000).setConnectTimeout(20_000)
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20);
    pagesClient = vertx.createWebSocketClient(wso);
    ctlClient = vertx.createWebSocketClient(wso);
    List<Target> targets = opt.targets.stream().map(Target::of).toList();
    Map<String, Target> byName = new LinkedHashMap<>();
    targets.forEach(t -> byName.put(t.name, t));
    try {
      if (opt.phases.contains("fanout")) {
        steps("fan-out", opt.levels, opt.targets, (name, n) -> fanout(byName.get(name), n));
      }
      if (opt.phases.contains("xnode")) {
        steps("cluster comparison", opt.levels, opt.targets, (name, n) -> xnode(byName.get(name), n));
      }
      if (opt.phases.contains("cobrowse")) { // the peers have no co-browse
        List<String> gateways = opt.targets.stream().filter(List.of("gateway", "gateway-before")::contains).toList();
        steps("co-browse", opt.cobrowseLevels, gateways, this::cobrowse);
      }
      if (opt.phases.contains("memory")) {
        for (Target t : targets) {
          if (!outOfTime("memory " + t.name)) {
            safely("memory " + t.name, () -> memory(t));
          }
        }
      }
      if (opt.phases.contains("profile") && opt.targets.contains("gateway") && !outOfTime("profile")) {
        safely("profile gateway", () -> profile(Target.of("gateway")));
      }
    } finally {
      String table = results.table(opt) + (opt.phases.contains("xnode") ? "\n" + results.xnodeTable(opt) : "");
      say("\n" + table);
      Files.writeString(opt.workDir.resolve("summary.md"), table);
      detail.close();
      vertx.close().await(20, TimeUnit.SECONDS);
    }
    return 0;
  }

  private interface Body {
    void run() throws Exception;
  }

  private void safely(String what, Body body) {
    try {
      body.run();
    } catch (Exception | AssertionError e) {
      say("!! " + what + " failed: " + e);
      results.note(what + " failed: " + e.getMessage());
    }
  }

  /** One phase's measurement of one target at one level. */
  private interface PhaseStep {
    void run(String target, int n) throws Exception;
  }

  /** Runs {@code step} for every level and target, each on its own (a failure is noted, the next one runs). */
  private void steps(String phase, List<Integer> levels, List<String> targetNames, PhaseStep step) {
    for (int n : levels) {
      for (String target : targetNames) {
        String what = phase + " " + target + " N=" + n;
        if (!outOfTime(what)) {
          safely(what, () -> step.run(target, n));
        }
      }
    }
  }

  private boolean outOfTime(String what) {
    if (System.currentTimeMillis() > deadline) {
      say("!! time budget of " + opt.maxMinutes + " min used up: skipping " + what);
      results.note("skipped (time budget): " + what);
      return true;
    }
    return false;
  }

  // ---- the three targets ---------------------------------------------------------------------------------------

  /** A server kind and the wire its clients speak. */
  record Target(String name, Wire wire) {
    static Target of(String name) {
      return switch (name) {
        case "gateway", "gateway-before", "gateway-cluster" -> new Target(name, new PageWire());
        case "raw-bridge" -> new Target(name, new BridgeWire());
        case "mosquitto" -> new Target(name, new MqttWire());
        default -> throw new IllegalArgumentException("unknown target " + name);
      };
    }

    Server start(Options opt, int port, boolean profiling) throws IOException {
      return switch (name) {
        case "gateway", "gateway-before" -> Server.gateway(opt, name, port, profiling, false);
        case "gateway-cluster" -> Server.gatewayCluster(opt, port, port + 2); // Hazelcast on port + 1, port + 3
        case "raw-bridge" -> Server.rawBridge(opt, port, profiling);
        default -> Server.mosquitto(opt, port);
      };
    }
  }

  private static final java.util.Set<Server> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    // a harness stopped with SIGTERM/SIGINT leaves no server behind
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Server::close), "servers-down"));
  }

  private static Server track(Server server) {
    LIVE.add(server);
    return server;
  }

  private int port() {
    int p = nextPort;
    nextPort += 4;
    return p;
  }

  // ---- connections ---------------------------------------------------------------------------------------------

  /** The harness side of one server: its connections and their ping timers. */
  private final class Session implements AutoCloseable {
    final Target target;
    final Server server;
    final Conn[] pages;
    int pageCount;
    Conn publisher;
    final List<Conn> churn = new ArrayList<>();
    /** Phase xnode: side b of chat pair p, an extra connection on the publisher's node (node A), or null. */
    Conn[] partners;
    final long pagePing;
    final long ctlPing;
    final AtomicInteger tick = new AtomicInteger();

    Session(Target target, Server server, int maxPages) {
      this.target = target;
      this.server = server;
      this.pages = new Conn[maxPages];
      // every page pings once per PING_EVERY_S, spread over the period (the frame pings every 20 s)
      pagePing = vertx.setPeriodic(1000, id -> pagesCtx.runOnContext(v -> {
        int t = tick.incrementAndGet() % PING_EVERY_S;
        for (int i = t; i < pageCount; i += PING_EVERY_S) {
          Conn c = pages[i];
          if (c != null && !c.closed) {
            target.wire.ping(c);
          }
        }
        if (partners != null) {
          for (int i = t; i < partners.length; i += PING_EVERY_S) {
            Conn c = partners[i];
            if (c != null && !c.closed) {
              target.wire.ping(c);
            }
          }
        }
      }));
      ctlPing = vertx.setPeriodic(PING_EVERY_S * 1000L, id -> ctlCtx.runOnContext(v -> {
        if (publisher != null) {
          target.wire.ping(publisher);
        }
        churn.forEach(target.wire::ping);
      }));
    }

    /** Opens pages up to {@code n} in total (each with its five subscriptions); returns the seconds it took. */
    double growTo(int n) throws Exception {
      long t0 = System.nanoTime();
      int from = pageCount;
      List<Conn> opened = connectMany(pagesCtx, pagesClient, target.wire, server.port, from, n - from,
          target.wire::pageTopics);
      for (Conn c : opened) {
        pages[c.index] = c;
      }
      pageCount = n;
      int refused = opened.stream().mapToInt(c -> c.refused).sum();
      double s = (System.nanoTime() - t0) / 1e9;
      say(String.format(Locale.ROOT, "  %s: %d pages connected and subscribed (%d new in %.1f s, %.0f/s)%s",
          target.name, n, n - from, s, (n - from) / s, refused > 0 ? ", " + refused + " subscriptions refused" : ""));
      return s;
    }

    void openControl(int churnClients) throws Exception {
      // gateway-cluster: the publisher is on node A, the pages on node B
      publisher = connectMany(ctlCtx, ctlClient, target.wire, server.publishPort(), 1_000_000, 1, i -> List.of())
          .get(0);
      churn.addAll(connectMany(ctlCtx, ctlClient, target.wire, server.port, 1_000_001, churnClients, i -> List.of()));
    }

    @Override
    public void close() {
      vertx.cancelTimer(pagePing);
      vertx.cancelTimer(ctlPing);
      List<Conn> all = new ArrayList<>(Arrays.asList(pages).subList(0, pageCount));
      all.add(publisher);
      all.addAll(churn);
      if (partners != null) {
        all.addAll(Arrays.asList(partners));
      }
      server.close();
      LIVE.remove(server);
      for (Conn c : all) {
        if (c != null) {
          c.closed = true;
          c.ws.close();
        }
      }
      Server.sleep(500);
    }
  }

  private List<Conn> connectMany(Context ctx, WebSocketClient client, Wire wire, int port, int firstIndex, int count,
                                 IntFunction<List<String>> topics) throws Exception {
    return connectMany(ctx, client, wire, i -> port, i -> firstIndex + i, count, topics);
  }

  /** Opens {@code count} connections: the i-th has index {@code indexAt(i)} and goes to port {@code portOf(index)}. */
  private List<Conn> connectMany(Context ctx, WebSocketClient client, Wire wire, IntUnaryOperator portOf,
                                 IntUnaryOperator indexAt, int count, IntFunction<List<String>> topics)
      throws Exception {
    Promise<List<Conn>> done = Promise.promise();
    List<Conn> out = new ArrayList<>(count);
    int[] state = new int[3]; // next, in flight, failed
    String[] firstFailure = new String[1];
    Runnable[] launch = new Runnable[1];
    launch[0] = () -> {
      while (state[1] < connectWindow && state[0] < count) {
        int index = indexAt.applyAsInt(state[0]++);
        state[1]++;
        open(ctx, client, wire, portOf.applyAsInt(index), index, topics.apply(index)).onComplete(ar -> {
          state[1]--;
          if (ar.succeeded()) {
            out.add(ar.result());
          } else {
            state[2]++;
            if (firstFailure[0] == null) {
              firstFailure[0] = String.valueOf(ar.cause());
            }
          }
          if (state[0] == count && state[1] == 0) {
            done.tryComplete(out);
          } else {
            launch[0].run();
          }
        });
      }
      if (count == 0) {
        done.tryComplete(out);
      }
    };
    ctx.runOnContext(v -> launch[0].run());
    List<Conn> conns = done.future().await(10, TimeUnit.MINUTES);
    if (state[2] > 0) {
      throw new IllegalStateException(state[2] + " of " + count + " connections failed to set up, first: "
          + firstFailure[0]);
    }
    return conns;
  }

  private Future<Conn> open(Context ctx, WebSocketClient client, Wire wire, int port, int index,
                            List<String> topics) {
    Conn c = new Conn(index, wire, meter, topics);
    ClientWebSocket ws = client.webSocket();
    c.ws = ws;
    ws.handler(m -> wire.received(c, m));
    ws.closeHandler(v -> {
      if (!c.closed) {
        c.closed = true;
        if (!c.ready.tryFail("closed by the server during set-up")) {
          meter.unexpectedCloses.incrementAndGet();
        }
      }
    });
    ws.exceptionHandler(e -> {
      if (!c.ready.tryFail(e)) {
        meter.error("socket: " + e);
      }
    });
    ws.connect(wire.options(port)).onSuccess(v -> wire.opened(c)).onFailure(c.ready::tryFail);
    long timer = ctx.owner().setTimer(30_000, t -> c.ready.tryFail("set-up timed out"));
    return c.ready.future().map(v -> {
      ctx.owner().cancelTimer(timer);
      return c;
    }).onFailure(e -> {
      ctx.owner().cancelTimer(timer);
      c.closed = true;
      ws.close();
    });
  }

  // ---- load generators -----------------------------------------------------------------------------------------

  /** Publishes {@code rate} messages a second for {@code ms} from the control loop; returns how many it sent. */
  private long publishAtRate(Session s, double rate, long ms, int k) {
    Promise<Long> done = Promise.promise();
    ctlCtx.runOnContext(v -> {
      long start = System.nanoTime();
      long total = Math.max(1, Math.round(rate * ms / 1000.0));
      long[] sent = {0};
      Runnable tick = () -> {
        double elapsed = (System.nanoTime() - start) / 1e9;
        long due = Math.min(total, (long) Math.floor(rate * elapsed) + 1);
        long burst = 0;
        while (sent[0] < due && burst++ < 2000) {
          s.target.wire.publish(s.publisher, Wire.FANOUT, Meter.payload(k, sent[0]));
          sent[0]++;
        }
      };
      tick.run();
      long[] id = new long[1];
      id[0] = vertx.setPeriodic(2, t -> {
        tick.run();
        if (sent[0] >= total) {
          vertx.cancelTimer(id[0]);
          done.complete(sent[0]);
        }
      });
    });
    return done.future().await();
  }

  /** Subscription churn: every churn client subscribes a new topic and drops the previous one, 100 times a second. */
  private final class Churn {
    private final Session s;
    private long timer;
    private long start;
    private long ops;
    private volatile long opsSnapshot;

    Churn(Session s) {
      this.s = s;
    }

    void start() {
      ctlCtx.runOnContext(v -> {
        start = System.nanoTime();
        timer = vertx.setPeriodic(10, t -> {
          long due = (System.nanoTime() - start) * CHURN_PER_CLIENT_PER_SECOND / 1_000_000_000L;
          long seq = ops / Math.max(1, s.churn.size());
          int guard = 0;
          while (seq < due && guard++ < 50) {
            seq++;
            for (Conn c : s.churn) {
              String topic = "bench/churn/" + c.index + "/" + seq;
              s.target.wire.subscribe(c, topic, "x" + seq);
              if (seq > 1) {
                s.target.wire.unsubscribe(c, "bench/churn/" + c.index + "/" + (seq - 1), "x" + (seq - 1));
              }
              ops++;
            }
          }
          opsSnapshot = ops;
        });
      });
    }

    /** Stops; returns subscribe+unsubscribe pairs per second achieved. */
    double stop() {
      Promise<Double> p = Promise.promise();
      ctlCtx.runOnContext(v -> {
        vertx.cancelTimer(timer);
        p.complete(ops / ((System.nanoTime() - start) / 1e9));
      });
      return p.future().await();
    }
  }

  /**
   * Idle pages: waits in 5 s windows (at least one, at most {@link #IDLE_JIT_WAIT_MS}) until the server's JIT
   * compiler threads used less than {@link #IDLE_JIT_QUIET_PERCENT} of a core; returns the seconds waited. Right
   * after 10k pages connected, per-thread CPU showed the C1/C2 threads still compiling the connect path: 3 of the
   * 6.7 % a 20 s "idle" window measured. A server without a JIT (mosquitto) passes the first window.
   */
  private double awaitQuietJit(Server server) {
    long t0 = System.nanoTime();
    double jit;
    do {
      Window w = new Window(server);
      Server.sleep(5000);
      jit = w.compilerCpu();
    } while (jit >= IDLE_JIT_QUIET_PERCENT && System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(IDLE_JIT_WAIT_MS));
    return (System.nanoTime() - t0) / 1e9;
  }

  static final double IDLE_JIT_QUIET_PERCENT = 0.5;
  static final long IDLE_JIT_WAIT_MS = 60_000;

  /**
   * Chat at the measured rate, not recorded, in 2 s rounds until the JIT compiler threads used less than
   * {@link #JIT_QUIET_PERCENT} of a core in a round (at least two rounds, at most {@code --chat-warmup-ms}). The
   * chat path is code the fan-out warm-up never ran (in the cluster also the forwarding between the nodes):
   * per-thread CPU of a 2 s warm-up showed the C2 compiler threads of both nodes taking most of the shared core
   * during the measured chat.
   */
  private void warmUpChat(Session s, Server server, boolean partners) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(opt.chatWarmupMs);
    double cpu;
    double jit;
    int rounds = 0;
    do {
      Window w = new Window(server);
      chat(s, 2000, meter.open(), partners);
      cpu = w.serverCpu();
      jit = w.compilerCpu();
      rounds++;
    } while ((rounds < 2 || jit >= JIT_QUIET_PERCENT) && System.nanoTime() < until);
    say(String.format(Locale.ROOT, "  chat warm-up: %d rounds of 2 s; in the last, server CPU %.0f%%, of it JIT"
        + " compiler threads %.0f%%", rounds, cpu, jit));
  }

  /** The chat warm-up ends when the JIT used less than this share of a core in a 2 s round. */
  static final double JIT_QUIET_PERCENT = 5;

  /** Chat 1:1: pair p's two pages take turns to send one message a second to each other. */
  private Histogram chat(Session s, long ms, int k) {
    return chat(s, ms, k, false);
  }

  /**
   * Chat 1:1, N/2 pairs at one message a second each. Side a of pair p is page 2p. Side b is page 2p+1, or with
   * {@code partners} the extra connection {@link Session#partners}[p] (phase xnode: on the publisher's node), which
   * page 2p reaches on its own topic {@link #partnerTopic} (page 2p+1 keeps its subscriptions and gets nothing).
   */
  private Histogram chat(Session s, long ms, int k, boolean partners) {
    int pairs = s.pageCount / 2;
    int seconds = (int) Math.max(1, ms / 1000);
    long total = (long) pairs * seconds;
    Promise<Long> done = Promise.promise();
    pagesCtx.runOnContext(v -> {
      long start = System.nanoTime();
      long[] sent = {0};
      long[] id = new long[1];
      id[0] = vertx.setPeriodic(2, t -> {
        double elapsed = (System.nanoTime() - start) / 1e9;
        long due = Math.min(total, (long) Math.floor(elapsed * pairs) + 1);
        while (sent[0] < due) {
          long slot = sent[0]++;
          int pair = (int) (slot % pairs);
          long round = slot / pairs;
          boolean fromB = (round & 1) == 1;
          if (partners) {
            Conn from = fromB ? s.partners[pair] : s.pages[2 * pair];
            s.target.wire.publish(from, fromB ? Wire.pairTopic(pair, false) : partnerTopic(pair),
                Meter.payload(k, slot));
          } else {
            Conn from = s.pages[2 * pair + (fromB ? 1 : 0)];
            s.target.wire.publish(from, Wire.pairTopic(pair, !fromB), Meter.payload(k, slot));
          }
        }
        if (sent[0] >= total) {
          vertx.cancelTimer(id[0]);
          done.complete(sent[0]);
        }
      });
    });
    long sent = done.future().await();
    awaitCount(k, sent, 3000);
    long lost = sent - meter.count(k);
    results.put(s.target.name, s.pageCount, "chat_lost", lost);
    return meter.close(k);
  }

  private void awaitCount(int k, long expected, long maxWaitMs) {
    long until = System.currentTimeMillis() + maxWaitMs;
    while (meter.count(k) < expected && System.currentTimeMillis() < until) {
      Server.sleep(10);
    }
  }

  /** Waits until step k's count stops moving for a second (a backlog has drained). */
  private void awaitQuiet(int k, long expected, long maxWaitMs) {
    long until = System.currentTimeMillis() + maxWaitMs;
    long last = -1;
    long stableSince = System.currentTimeMillis();
    while (System.currentTimeMillis() < until) {
      long c = meter.count(k);
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

  // ---- scenarios -----------------------------------------------------------------------------------------------

  private void fanout(Target t, int n) throws Exception {
    say("\n== fan-out, N = " + n + ", target " + t.name + " ==");
    Server server = track(t.start(opt, port(), false));
    try (Session s = new Session(t, server, n)) {
      double setup = s.growTo(n);
      s.openControl(CHURN_CLIENTS);
      results.put(t.name, n, "setup_per_s", n / setup);
      long errors0 = meter.errors.get();
      long closes0 = meter.unexpectedCloses.get();

      if (n == opt.levels.stream().mapToInt(Integer::intValue).max().orElse(n)) {
        double waited = awaitQuietJit(server);
        Window w = new Window(server);
        Server.sleep(opt.idleMs);
        double idle = w.serverCpu();
        results.put(t.name, n, "idle_cpu", idle);
        say(String.format(Locale.ROOT, "  idle CPU with %d pages (pinging every %d s): %.2f%% of a core, of it JIT"
            + " compiler threads %.2f%% (measured once the JIT was quiet, %.0f s after the last page connected)", n,
            PING_EVERY_S, idle, w.compilerCpu(), waited));
      }

      // warm-up: JIT the fan-out and chat paths; not recorded
      int wk = meter.open();
      publishAtRate(s, Math.max(1, 20_000.0 / n), opt.warmupMs, wk);
      awaitQuiet(wk, Long.MAX_VALUE, 3000);
      meter.close(wk);
      warmUpChat(s, server, false);

      // (i) one broadcast a second
      broadcasts(s, opt.rounds, "b");

      // chat 1:1, N/2 pairs at one message a second each; again while other processes disturb it
      Histogram chat = null;
      double chatOther = Double.MAX_VALUE;
      for (int attempt = 0; attempt < 3; attempt++) {
        gate(server);
        Window w = new Window(server);
        Histogram h = chat(s, opt.chatMs, meter.open());
        double other = w.other();
        if (other < chatOther) {
          chatOther = other;
          chat = h;
        }
        if (other < opt.noisyPercent) {
          break;
        }
        say(String.format(Locale.ROOT, "    (chat: other processes used %.0f%% of a core meanwhile: again)", other));
      }
      results.put(t.name, n, "chat_other", chatOther);
      results.put(t.name, n, "chat_p50", ms(chat.getValueAtPercentile(50)));
      results.put(t.name, n, "chat_p99", ms(chat.getValueAtPercentile(99)));
      results.put(t.name, n, "chat_max", ms(chat.getMaxValue()));
      say(String.format(Locale.ROOT, "  chat 1:1, %d pairs x 1 msg/s for %d s: p50 %.2f ms, p99 %.2f ms, max %.1f ms, lost %d",
          n / 2, opt.chatMs / 1000, ms(chat.getValueAtPercentile(50)), ms(chat.getValueAtPercentile(99)),
          ms(chat.getMaxValue()), (long) results.get(t.name, n, "chat_lost")));

      // (i) again and (ii) the ramp, with 1k subscribe+unsubscribe a second going on
      Churn churn = new Churn(s);
      meter.churnAcks.reset();
      churn.start();
      Server.sleep(500);
      broadcasts(s, opt.churnRounds, "bc");
      Histogram acks = meter.churnAcks.getIntervalHistogram(); // acks while not overloaded
      ramp(s);
      double churnRate = churn.stop();
      results.put(t.name, n, "churn_rate", churnRate);
      if (acks.getTotalCount() > 0) {
        results.put(t.name, n, "churn_ack_p50", ms(acks.getValueAtPercentile(50)));
        results.put(t.name, n, "churn_ack_p99", ms(acks.getValueAtPercentile(99)));
      }
      say(String.format(Locale.ROOT, "  churn: %.0f sub+unsub pairs/s during the broadcasts and the ramp%s", churnRate,
          acks.getTotalCount() > 0 ? String.format(Locale.ROOT, ", sub/unsub ack p50 %.2f ms p99 %.2f ms",
              ms(acks.getValueAtPercentile(50)), ms(acks.getValueAtPercentile(99))) : " (the bridge has no acks)"));
      long errors = meter.errors.get() - errors0;
      long closes = meter.unexpectedCloses.get() - closes0;
      if (errors > 0 || closes > 0) {
        say("  !! " + errors + " protocol errors, " + closes + " connections closed by the server; last error: "
            + meter.lastError);
        results.note(t.name + " N=" + n + ": " + errors + " protocol errors, " + closes + " server closes (last: "
            + meter.lastError + ")");
      }
    }
  }

  /**
   * Issue 7: the single gateway against a 2-node cluster with every delivery crossing nodes, measured the same way
   * one after the other in the same run. gateway-cluster: the publisher is on node A, all N pages on node B (so
   * every fan-out delivery crosses nodes); for chat 1:1, side b of every pair is an extra connection opened on node A
   * at the start ({@link #openPartners}), so every chat message crosses nodes and nothing is closed or reconnected
   * during the phase. The single gateway goes through the very same steps, its partners on its one node. Chat is
   * measured first (after the warm-up and once the server's own CPU has settled), then the fan-out steps. Metrics
   * are stored with the prefix x_ (table: {@link Results#xnodeTable}).
   */
  private void xnode(Target t, int n) throws Exception {
    say("\n== cluster comparison (issue 7), N = " + n + ", target " + t.name + " ==");
    say("  load average before: " + loadAverage());
    Server server = track(t.start(opt, port(), false));
    try (Session s = new Session(t, server, n)) {
      say(server.peer == null ? "  one node on :" + server.port + " (pages, chat partners and publisher)"
          : "  node A :" + server.peer.port + " (started first: the leader; the publisher and the " + n / 2
              + " chat partners), node B :" + server.port + " (the " + n + " pages); both JVMs on CPU "
              + opt.serverCpu);
      double setup = s.growTo(n);
      s.openControl(0);
      results.put(t.name, n, "x_setup_per_s", n / setup);
      openPartners(s);
      long errors0 = meter.errors.get();
      long closes0 = meter.unexpectedCloses.get();

      // what the server side burns with nothing to deliver (the cluster: Hazelcast heartbeats and both nodes), once
      // the set-up's session work has drained
      settle(server, t.name, n, "x_settle");
      long c0 = server.cpuTicks();
      long i0 = System.nanoTime();
      Server.sleep(3000);
      double idle = 100 * Server.ticksToSeconds(server.cpuTicks() - c0) / ((System.nanoTime() - i0) / 1e9);
      results.put(t.name, n, "x_idle_cpu", idle);
      say(String.format(Locale.ROOT, "  idle server CPU with %d pages + %d partners: %.1f%% of a core", n, n / 2,
          idle));

      // warm-up: JIT the fan-out and chat paths (and, in the cluster, the forwarding between the nodes); not recorded
      int wk = meter.open();
      publishAtRate(s, Math.max(1, 20_000.0 / n), opt.warmupMs, wk);
      awaitQuiet(wk, Long.MAX_VALUE, 3000);
      meter.close(wk);
      warmUpChat(s, server, true);

      // chat 1:1 first: side a (page 2p) on node B, side b (partner p) on node A
      Histogram chat = null;
      double chatOther = Double.MAX_VALUE;
      for (int attempt = 0; attempt < 3; attempt++) {
        settle(server, t.name, n, "x_chat_settle");
        gate(server);
        Window w = new Window(server);
        Histogram h = chat(s, opt.chatMs, meter.open(), true);
        double other = w.other();
        double srv = w.serverCpu();
        double jit = w.compilerCpu();
        if (other < chatOther) {
          chatOther = other;
          chat = h;
          results.put(t.name, n, "x_chat_lost", results.get(t.name, n, "chat_lost"));
          results.put(t.name, n, "x_chat_srv", srv);
          results.put(t.name, n, "x_chat_jit", jit);
        }
        if (other < opt.noisyPercent) {
          break;
        }
        say(String.format(Locale.ROOT, "    (chat: other processes used %.0f%% of a core meanwhile: again)", other));
      }
      results.put(t.name, n, "x_chat_other", chatOther);
      results.put(t.name, n, "x_chat_p50", ms(chat.getValueAtPercentile(50)));
      results.put(t.name, n, "x_chat_p99", ms(chat.getValueAtPercentile(99)));
      results.put(t.name, n, "x_chat_max", ms(chat.getMaxValue()));
      say(String.format(Locale.ROOT, "  chat 1:1, %d pairs x 1 msg/s for %d s%s: p50 %.2f ms, p99 %.2f ms, max %.1f ms,"
              + " lost %d, server CPU %.0f%%, other processes %.0f%% of a core", n / 2, opt.chatMs / 1000,
          server.peer == null ? "" : " (side a on node B, side b on node A)", ms(chat.getValueAtPercentile(50)),
          ms(chat.getValueAtPercentile(99)), ms(chat.getMaxValue()), (long) results.get(t.name, n, "x_chat_lost"),
          results.get(t.name, n, "x_chat_srv"), chatOther));

      // one broadcast a second to all N pages
      broadcasts(s, opt.rounds, "x_b");

      // fan-out throughput at fixed publish rates (deliveries/s offered)
      for (int deliveries : opt.xnodeRates) {
        double rate = Math.max(0.5, (double) deliveries / n);
        Step st = step(s, rate);
        String p = "x_r" + deliveries + "_";
        double seconds = opt.stepMs / 1000.0;
        results.put(t.name, n, p + "delivered", Math.min(st.received(), st.expected()) / seconds);
        results.put(t.name, n, p + "offered", st.deliveries());
        results.put(t.name, n, p + "lost", st.expected() - Math.min(st.received(), st.expected()));
        results.put(t.name, n, p + "p50", st.p50());
        results.put(t.name, n, p + "p99", st.p99());
        results.put(t.name, n, p + "srv", st.serverCpu());
        results.put(t.name, n, p + "other", Math.max(st.otherOnServerCore(), st.otherOnHarnessCore()));
      }

      long errors = meter.errors.get() - errors0;
      long closes = meter.unexpectedCloses.get() - closes0;
      if (errors > 0 || closes > 0) {
        say("  !! " + errors + " protocol errors, " + closes + " connections closed by the server; last error: "
            + meter.lastError);
        results.note(t.name + " N=" + n + ": " + errors + " protocol errors, " + closes + " server closes (last: "
            + meter.lastError + ")");
      }
      say("  load average after: " + loadAverage());
    }
  }

  /** Phase xnode: side b of chat pair p subscribes to this topic only (page 2p publishes to it). */
  static String partnerTopic(int pair) {
    return "bench/xpair/" + pair;
  }

  /**
   * Opens side b of every chat pair as an extra connection (one subscription: {@link #partnerTopic}) on the
   * publisher's node: node A for gateway-cluster, the same node for the single gateway. They get no fan-out.
   */
  private void openPartners(Session s) throws Exception {
    int pairs = s.pageCount / 2;
    long t0 = System.nanoTime();
    int port = s.server.publishPort();
    List<Conn> opened = connectMany(pagesCtx, pagesClient, s.target.wire, i -> port, i -> i, pairs,
        i -> List.of(partnerTopic(i)));
    Conn[] partners = new Conn[pairs];
    for (Conn c : opened) {
      partners[c.index] = c;
    }
    Promise<Void> set = Promise.promise();
    pagesCtx.runOnContext(v -> { // the ping timer reads the array on this loop
      s.partners = partners;
      set.complete();
    });
    set.future().await();
    say(String.format(Locale.ROOT, "  %d chat partners (side b of every pair) connected to :%d in %.1f s", pairs,
        port, (System.nanoTime() - t0) / 1e9));
  }

  /**
   * Waits (at most {@code opt.settleMs}) until the server's own CPU in a 1 s window is under
   * {@code opt.settlePercent} of a core, or has stopped falling (two windows within 3 points, both under 40 %):
   * the set-up's session work and the like have drained. Stores the seconds waited and the last window's CPU.
   */
  private void settle(Server server, String target, int n, String metric) {
    long t0 = System.nanoTime();
    long until = System.currentTimeMillis() + opt.settleMs;
    double prev = Double.NaN;
    double cpu;
    boolean settled;
    do {
      long c0 = server.cpuTicks();
      long w0 = System.nanoTime();
      Server.sleep(1000);
      cpu = 100 * Server.ticksToSeconds(server.cpuTicks() - c0) / ((System.nanoTime() - w0) / 1e9);
      settled = cpu < opt.settlePercent || (Math.abs(cpu - prev) < 3 && cpu < 40 && prev < 40);
      prev = cpu;
    } while (!settled && System.currentTimeMillis() < until);
    double waited = (System.nanoTime() - t0) / 1e9;
    results.put(target, n, metric + "_s", waited);
    results.put(target, n, metric + "_cpu", cpu);
    say(String.format(Locale.ROOT, "    (server CPU %s: %.0f%% of a core after %.1f s)",
        settled ? "settled" : "still not settled, measuring anyway", cpu, waited));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  /**
   * Co-browse ({@code gateway} or {@code gateway-before}: the peers have no co-browse): {@code n} visitor → agent
   * streams.
   */
  private void cobrowse(String g, int n) throws Exception {
    say("\n== co-browse, " + n + " sessions, " + g + " ==");
    Server server = track(Server.gateway(opt, g, port(), false, true));
    io.vertx.core.http.HttpClient http = vertx.createHttpClient();
    try {
      CobrowseScenario scenario = new CobrowseScenario(vertx, pagesCtx, ctlCtx, pagesClient, http, meter, this::say);
      long errors0 = meter.errors.get();
      double other = gate(server);
      CobrowseScenario.Result r = scenario.run(server, n, opt.cobrowseMs, g);
      results.put(g, n, "cb_p50", ms(r.batches().getValueAtPercentile(50)));
      results.put(g, n, "cb_p99", ms(r.batches().getValueAtPercentile(99)));
      results.put(g, n, "cb_max", ms(r.batches().getMaxValue()));
      results.put(g, n, "cb_snap300_p50", ms(r.snap300().getValueAtPercentile(50)));
      results.put(g, n, "cb_snap300_max", ms(r.snap300().getMaxValue()));
      if (r.snap1m().getTotalCount() > 0) {
        results.put(g, n, "cb_snap1m_p50", ms(r.snap1m().getValueAtPercentile(50)));
        results.put(g, n, "cb_snap1m_max", ms(r.snap1m().getMaxValue()));
      }
      results.put(g, n, "cb_chat_behind_p50", ms(r.chatBehind().getValueAtPercentile(50)));
      results.put(g, n, "cb_chat_behind_max", ms(r.chatBehind().getMaxValue()));
      results.put(g, n, "cb_chat_base_p99", ms(r.chatBase().getValueAtPercentile(99)));
      results.put(g, n, "cb_srv_cpu", r.serverCpu());
      results.put(g, n, "cb_other", other);
      long expected = r.batchesSent();
      results.put(g, n, "cb_har_cpu", r.harnessCpu());
      say(String.format(Locale.ROOT, "  %d batches sent in %.0f s, server CPU %.0f%%, harness CPU %.0f%%, other load"
          + " before %.0f%%", expected, opt.cobrowseMs / 1000.0, r.serverCpu(), r.harnessCpu(), other));
      say("  " + CobrowseScenario.summary("batches (0.5–5 KB + mouse moves, 20/s per session)", r.batches()));
      say("  " + CobrowseScenario.summary("300 KB snapshot, first part sent → last part at the agent", r.snap300()));
      say("  " + CobrowseScenario.summary("1 MB snapshot, first part sent → last part at the agent", r.snap1m()));
      say("  " + CobrowseScenario.summary("chat message sent right after a snapshot → agent", r.chatBehind()));
      say("  " + CobrowseScenario.summary("chat message at other times → agent", r.chatBase()));
      if (r.batches().getTotalCount() < expected) {
        say("  !! " + (expected - r.batches().getTotalCount()) + " batches not delivered");
        results.note("co-browse " + g + " N=" + n + ": " + (expected - r.batches().getTotalCount()) + " batches lost");
      }
      if (meter.errors.get() > errors0) {
        results.note("co-browse N=" + n + ": protocol errors, last: " + meter.lastError);
      }
    } finally {
      http.close();
      server.close();
      LIVE.remove(server);
      Server.sleep(500);
    }
  }

  /** Runs the broadcast rounds, again (twice at most) while other processes disturb them; keeps the quietest. */
  private void broadcasts(Session s, int rounds, String prefix) {
    double best = Double.MAX_VALUE;
    for (int attempt = 0; attempt < 3; attempt++) {
      gate(s.server);
      Window w = new Window(s.server);
      Map<String, Double> r = broadcastRounds(s, rounds, prefix);
      double other = w.other();
      if (other < best) {
        best = other;
        r.forEach((metric, v) -> results.put(s.target.name, s.pageCount, metric, v));
        results.put(s.target.name, s.pageCount, prefix + "_other", other);
      }
      if (other < opt.noisyPercent) {
        return;
      }
      say(String.format(Locale.ROOT, "    (other processes used %.0f%% of a core meanwhile: again)", other));
    }
  }

  private Map<String, Double> broadcastRounds(Session s, int rounds, String prefix) {
    Map<String, Double> r = new LinkedHashMap<>();
    Histogram all = Meter.empty();
    List<Double> lasts = new ArrayList<>();
    long lost = 0;
    for (int round = 0; round < rounds; round++) {
      long roundStart = System.currentTimeMillis();
      int k = meter.open();
      ctlCtx.runOnContext(v -> s.target.wire.publish(s.publisher, Wire.FANOUT, Meter.payload(k, 0)));
      awaitCount(k, s.pageCount, 3000);
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
    say(String.format(Locale.ROOT, "  %s: %d broadcasts 1/s to %d pages: p50 %.2f ms, p99 %.2f ms, time to last page "
            + "median %.1f ms / max %.1f ms, lost %d", prefix.equals("bc") ? "broadcast+churn" : "broadcast", rounds,
        s.pageCount, ms(all.getValueAtPercentile(50)), ms(all.getValueAtPercentile(99)), lasts.get(lasts.size() / 2),
        lasts.get(lasts.size() - 1), lost));
    return r;
  }

  /** One ramp step's outcome. */
  private record Step(double rate, double deliveries, long sent, long expected, long received, double p50,
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
  private Step step(Session s, double rate) {
    Step st = null;
    for (int attempt = 0; attempt < 4; attempt++) {
      gate(s.server);
      st = stepOnce(s, rate);
      if (st.pass() || !st.noisy(opt.noisyPercent)) {
        return st;
      }
      say("    (failure while other processes used the cores: inconclusive, again)");
    }
    return st;
  }

  private Step stepOnce(Session s, double rate) {
    int k = meter.open();
    long c0 = s.server.cpuTicks();
    long sys0 = s.server.systemTicks();
    long h0 = harnessCpuNanos();
    long[] core0 = Server.coreTicks(opt.serverCpu);
    long[] core1 = Server.coreTicks(opt.harnessCpu);
    long t0 = System.nanoTime();
    long sent = publishAtRate(s, rate, opt.stepMs, k);
    long expected = sent * s.pageCount;
    awaitCount(k, expected, 2000);
    double wall = (System.nanoTime() - t0) / 1e9;
    double serverCpu = 100 * Server.ticksToSeconds(s.server.cpuTicks() - c0) / wall;
    double serverSys = 100 * Server.ticksToSeconds(s.server.systemTicks() - sys0) / wall;
    double harnessCpu = 100 * (harnessCpuNanos() - h0) / 1e9 / wall;
    double busy0 = busyPercent(core0, Server.coreTicks(opt.serverCpu));
    double busy1 = busyPercent(core1, Server.coreTicks(opt.harnessCpu));
    long received = meter.count(k);
    Histogram h = meter.close(k);
    Step st = new Step(rate, expected / (opt.stepMs / 1000.0), sent, expected, received,
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()), serverCpu, harnessCpu,
        Math.max(0, busy0 - serverCpu), Math.max(0, busy1 - harnessCpu), rampLimitMs(s), serverSys);
    String line = "    ramp " + s.target.name + " N=" + s.pageCount + " " + st.describe();
    say(line);
    if (!st.pass()) {
      awaitQuiet(k, expected, 30_000); // let the backlog drain before the next step
    }
    return st;
  }

  /**
   * The ramp's latency limit: 100 ms of queueing on top of what one broadcast to all N pages takes on this target
   * (its p99 in scenario (i)). At 5k-10k pages one broadcast alone takes about 100 ms on every target, so a flat
   * 100 ms would fail at any rate; the issue's own target for one broadcast to 10k is p99 ≤ 120 ms.
   */
  private double rampLimitMs(Session s) {
    if (opt.rampLimitMs > 0) {
      return opt.rampLimitMs; // one flat limit for every target (--ramp-limit-ms)
    }
    Double single = results.find(s.target.name, s.pageCount, "b_p99");
    return P99_LIMIT_MS + (single == null ? 0 : single);
  }

  /** A step; a failure is tried once more, so that a burst of other load on this shared machine does not end the ramp. */
  private Step confirmed(Session s, double rate) {
    Step st = step(s, rate);
    return st.pass() || st.noisy(opt.noisyPercent) ? st : step(s, rate);
  }

  /** (ii) Raise the publish rate until p99 > 100 ms or a loss, then bisect twice; the best passing rate counts. */
  private void ramp(Session s) {
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
    if (inconclusive) {
      results.note(s.target.name + " N=" + n + ": the ramp stopped at a failure under other processes' load (busy "
          + "machine): its best rate is a lower bound");
      results.put(s.target.name, n, "ramp_inconclusive", 1);
    }
    String t = s.target.name;
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
    results.put(t, n, "ramp_limit", rampLimitMs(s));
    say(String.format(Locale.ROOT, "  ramp: best %.0f deliveries/s with p99 <= %.0f ms and no loss%s%s",
        best == null ? 0 : best.deliveries, rampLimitMs(s), inconclusive ? " (lower bound: busy machine)" : "",
        fail == null ? " (never failed: raise the ceiling)" : String.format(Locale.ROOT,
            "; failed at %.0f/s (server CPU %.0f%%, harness CPU %.0f%%)", fail.deliveries, fail.serverCpu,
            fail.harnessCpu)));
  }

  private void memory(Target t) throws Exception {
    say("\n== idle memory per page session, target " + t.name + " ==");
    int max = opt.memLevels.stream().mapToInt(Integer::intValue).max().orElse(0);
    Server server = track(t.start(opt, port(), false));
    try (Session s = new Session(t, server, max)) {
      Server.sleep(3000);
      long heap0 = server.heapAfterGcKb();
      long rss0 = server.rssKb();
      Map<String, long[]> classes0 = server.jvm ? classHistogram(server) : Map.of();
      say(String.format(Locale.ROOT, "  baseline: heap after full GC %.1f MB, RSS %.1f MB", heap0 / 1024.0,
          rss0 / 1024.0));
      for (int n : opt.memLevels) {
        s.growTo(n);
        Server.sleep(3000);
        long heap = server.heapAfterGcKb();
        long rss = server.rssKb();
        double heapPer = heap < 0 ? -1 : (heap - heap0) * 1024.0 / n / 1024.0;
        double rssPer = (rss - rss0) * 1024.0 / n / 1024.0;
        if (heap >= 0) {
          results.put(t.name, n, "mem_heap_per", heapPer);
          results.put(t.name, n, "mem_heap_mb", heap / 1024.0);
        }
        results.put(t.name, n, "mem_rss_per", rssPer);
        if (server.jvm && n == max) {
          String top = heapByClass(classes0, classHistogram(server), n);
          Files.writeString(opt.workDir.resolve("heap-" + t.name + ".txt"), top);
          say(top);
        }
        results.put(t.name, n, "mem_rss_mb", rss / 1024.0);
        say(String.format(Locale.ROOT, "  %d sessions x 5 subscriptions: heap %s, RSS %.1f MB (+%.2f KB per session)",
            n, heap < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MB (+%.2f KB per session)", heap / 1024.0,
                heapPer), rss / 1024.0, rssPer));
      }
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
    for (int i = 0; i < Math.min(20, growth.size()); i++) {
      var e = growth.get(i);
      sb.append(String.format(Locale.ROOT, "    %8.0f B/session  %6.2f objects/session  %s%n",
          e.getValue()[1] / (double) sessions, e.getValue()[0] / (double) sessions, e.getKey()));
    }
    return sb.toString();
  }

  private void profile(Target t) throws Exception {
    int n = opt.levels.stream().mapToInt(Integer::intValue).max().orElse(1000);
    Double best = results.find(t.name, n, "ramp_best");
    double deliveries = best == null ? 100_000 : 0.8 * best;
    double rate = Math.max(1, deliveries / n);
    say(String.format(Locale.ROOT, "\n== JFR profile of the %s under fan-out: N = %d, %.1f pub/s (%.0f deliveries/s, "
        + "80%% of its best) for %d s ==", t.name, n, rate, rate * n, opt.profileMs / 1000));
    Server server = track(t.start(opt, port(), true));
    try (Session s = new Session(t, server, n)) {
      s.growTo(n);
      s.openControl(0);
      int wk = meter.open();
      publishAtRate(s, rate, Math.max(2000, opt.warmupMs), wk);
      awaitQuiet(wk, Long.MAX_VALUE, 3000);
      meter.close(wk);
      Path jfr = opt.workDir.resolve("gateway-fanout.jfr").toAbsolutePath();
      say("  " + server.jcmd("JFR.start", "name=lt", "settings=profile", "filename=" + jfr).trim()
          .replace('\n', ' '));
      int k = meter.open();
      long c0 = server.cpuTicks();
      long t0 = System.nanoTime();
      long sent = publishAtRate(s, rate, opt.profileMs, k);
      awaitCount(k, sent * n, 2000);
      double cpu = 100 * Server.ticksToSeconds(server.cpuTicks() - c0) / ((System.nanoTime() - t0) / 1e9);
      server.jcmd("JFR.stop", "name=lt");
      Histogram h = meter.close(k);
      say(String.format(Locale.ROOT, "  during the recording: p50 %.2f ms, p99 %.2f ms, server CPU %.0f%%",
          ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)), cpu));
      Server.sleep(500);
      String summary = JfrSummary.summarise(jfr, 25);
      Files.writeString(opt.workDir.resolve("profile.txt"), summary);
      say(summary);
      say("  recording: " + jfr + " (jfr print --events jdk.ExecutionSample " + jfr + ")");
    }
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  static double ms(long micros) {
    return micros / 1000.0;
  }

  /** Measures, over a stretch of time, how much of the server core and the harness core other processes used. */
  private final class Window {
    private final Server server;
    private final long[] a0 = Server.coreTicks(opt.serverCpu);
    private final long[] a1 = Server.coreTicks(opt.harnessCpu);
    private final long s0;
    private final long j0;
    private final long h0 = harnessCpuNanos();
    private final long t0 = System.nanoTime();

    Window(Server server) {
      this.server = server;
      this.s0 = server.cpuTicks();
      this.j0 = server.compilerTicks();
    }

    double seconds() {
      return (System.nanoTime() - t0) / 1e9;
    }

    double serverCpu() {
      return 100 * Server.ticksToSeconds(server.cpuTicks() - s0) / seconds();
    }

    /** The part of {@link #serverCpu} that the JIT compiler threads used. */
    double compilerCpu() {
      return 100 * Server.ticksToSeconds(server.compilerTicks() - j0) / seconds();
    }

    double harnessCpu() {
      return 100 * (harnessCpuNanos() - h0) / 1e9 / seconds();
    }

    /** Other processes' share (percent of a core) of the busier of the two cores. */
    double other() {
      double srv = serverCpu();
      double har = harnessCpu();
      return Math.max(0, Math.max(busyPercent(a0, Server.coreTicks(opt.serverCpu)) - srv,
          busyPercent(a1, Server.coreTicks(opt.harnessCpu)) - har));
    }
  }

  /**
   * The machine is shared: waits (up to {@code gateMs}) for half a second in which other processes use less than
   * {@code noisyPercent} of the server core and of the harness core. Returns the other load seen last.
   */
  private double gate(Server server) {
    long until = System.currentTimeMillis() + opt.gateMs;
    double other;
    do {
      Window w = new Window(server);
      Server.sleep(500);
      other = w.other();
      if (other < opt.noisyPercent) {
        return other;
      }
    } while (System.currentTimeMillis() < until);
    say(String.format(Locale.ROOT, "    (other processes still use %.0f%% of a core after %.1f s: measuring anyway)",
        other, opt.gateMs / 1000.0));
    return other;
  }

  private static double busyPercent(long[] before, long[] after) {
    long total = after[1] - before[1];
    return total <= 0 ? 0 : 100.0 * (after[0] - before[0]) / total;
  }

  private static long harnessCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private void say(String line) {
    System.out.println(line);
    System.out.flush();
    if (detail != null) {
      detail.println(line);
    }
  }

  private String machine() {
    String cpu = "?";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    } catch (IOException e) {
      // not Linux
    }
    String mosq = Server.run("mosquitto", "-h").lines().filter(l -> l.contains("version")).findFirst().orElse("?");
    return "machine: " + Runtime.getRuntime().availableProcessors() + " CPU visible to the harness (" + cpu + "), "
        + "Java " + System.getProperty("java.version") + ", " + mosq.trim() + "; servers pinned to CPU "
        + opt.serverCpu + ", JVM servers -Xms/-Xmx" + Server.JVM_HEAP + " " + Server.gc + "GC AlwaysPreTouch"
        + (opt.singleHeap != null ? " (single gateway: " + opt.singleHeap + ")" : "");
  }

  /** Every number the run produced, by target, N and metric, and the table of ratios. */
  static final class Results {
    private final Map<String, Double> values = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    synchronized void put(String target, int n, String metric, double v) {
      values.put(target + "|" + n + "|" + metric, v);
    }

    synchronized double get(String target, int n, String metric) {
      Double v = values.get(target + "|" + n + "|" + metric);
      return v == null ? Double.NaN : v;
    }

    synchronized Double find(String target, int n, String metric) {
      return values.get(target + "|" + n + "|" + metric);
    }

    synchronized void note(String s) {
      notes.add(s);
    }

    synchronized String table(Options opt) {
      StringBuilder sb = new StringBuilder();
      sb.append("| scenario | N | gateway | raw bridge | mosquitto | gateway/raw | gateway/mosq | gateway before |"
          + " after/before | issue target |\n");
      sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
      for (int n : opt.levels) {
        row(sb, "fan-out (ii): max delivered msg/s (no loss, p99 ≤ limit below)", n, "ramp_best", "%.0f",
            "≥ 1.5× raw, ≥ 2× mosquitto (10k, one core)");
        row(sb, "  p99 limit of the ramp, ms (100 + one broadcast's p99)", n, "ramp_limit", "%.0f", "");
        row(sb, "  deliveries per second of server CPU at that rate", n, "ramp_best_per_cpu", "%.0f", "");
        row(sb, "  server CPU % at that rate", n, "ramp_best_srv", "%.0f", "");
        row(sb, "  of which kernel (system) CPU %", n, "ramp_best_sys", "%.0f", "");
        row(sb, "  harness CPU % at that rate", n, "ramp_best_har", "%.0f", "");
        row(sb, "  other processes on the server core, % (noise)", n, "ramp_best_other", "%.0f", "");
        row(sb, "  ramp ended on a noisy failure (1 = best is a lower bound)", n, "ramp_inconclusive", "%.0f", "");
        row(sb, "  first failing rate, msg/s", n, "ramp_fail", "%.0f", "");
        row(sb, "  server CPU % at the failing rate", n, "ramp_fail_srv", "%.0f", "");
        row(sb, "  harness CPU % at the failing rate", n, "ramp_fail_har", "%.0f", "");
        row(sb, "  other processes on the server core at the failing rate, %", n, "ramp_fail_other", "%.0f", "");
        row(sb, "fan-out (i): broadcast 1/s, p50 ms", n, "b_p50", "%.2f", "");
        row(sb, "fan-out (i): broadcast 1/s, p99 ms", n, "b_p99", "%.2f", "p99 ≤ 120 ms at 10k");
        row(sb, "fan-out (i): time to last page, median ms", n, "b_last_med", "%.1f", "");
        row(sb, "  other processes' load during (i), % of a core", n, "b_other", "%.0f", "");
        row(sb, "fan-out (i) with churn: p99 ms", n, "bc_p99", "%.2f", "no latency collapse");
        row(sb, "fan-out (i) with churn: time to last page, max ms", n, "bc_last_max", "%.1f", "");
        row(sb, "chat 1:1 (N/2 pairs, 1 msg/s): p50 ms", n, "chat_p50", "%.2f", "≤ 1 ms");
        row(sb, "chat 1:1: p99 ms", n, "chat_p99", "%.2f", "≤ 5 ms");
        row(sb, "  other processes' load during chat, % of a core", n, "chat_other", "%.0f", "");
        row(sb, "churn achieved, sub+unsub pairs/s", n, "churn_rate", "%.0f", "1000/s");
        row(sb, "churn sub→ack p99 ms", n, "churn_ack_p99", "%.2f", "");
        row(sb, "connection set-up, pages/s", n, "setup_per_s", "%.0f", "");
        row(sb, "idle CPU, % of a core", n, "idle_cpu", "%.2f", "< 5% at 10k");
      }
      for (int n : opt.cobrowseLevels) {
        row(sb, "co-browse: batches visitor → agent, p50 ms (sessions = N)", n, "cb_p50", "%.1f", "");
        row(sb, "co-browse: batches p99 ms", n, "cb_p99", "%.1f", "≤ 50 ms at 100");
        row(sb, "co-browse: 300 KB snapshot delivered, p50 / max ms", n, "cb_snap300_p50", "%.0f", "");
        row(sb, "  max ms", n, "cb_snap300_max", "%.0f", "");
        row(sb, "co-browse: 1 MB snapshot delivered, p50 ms", n, "cb_snap1m_p50", "%.0f", "≤ 250 ms");
        row(sb, "  max ms", n, "cb_snap1m_max", "%.0f", "");
        row(sb, "co-browse: chat right after a snapshot, p50 ms", n, "cb_chat_behind_p50", "%.1f", "");
        row(sb, "  max ms", n, "cb_chat_behind_max", "%.1f", "≤ 50 ms behind");
        row(sb, "  chat at other times, p99 ms", n, "cb_chat_base_p99", "%.1f", "");
        row(sb, "  server CPU %", n, "cb_srv_cpu", "%.0f", "");
        row(sb, "  harness CPU %", n, "cb_har_cpu", "%.0f", "");
        row(sb, "  other processes' load before, % of a core", n, "cb_other", "%.0f", "");
      }
      for (int n : opt.memLevels) {
        row(sb, "idle heap per session, KB (after full GC)", n, "mem_heap_per", "%.2f", "≤ 12 KB");
        row(sb, "idle RSS per session, KB", n, "mem_rss_per", "%.2f", "");
      }
      if (!notes.isEmpty()) {
        sb.append("\nNotes:\n");
        notes.forEach(s -> sb.append("- ").append(s).append('\n'));
      }
      return sb.toString();
    }

    /** Issue 7: the single gateway and the 2-node cluster (every delivery crossing nodes), and their ratio. */
    synchronized String xnodeTable(Options opt) {
      StringBuilder sb = new StringBuilder();
      sb.append("Cluster comparison (issue 7): single node vs 2-node cluster, publisher on node A, all pages on node B"
          + " (chat: one side of each pair on each node)\n\n");
      sb.append("| scenario | N | single node | cluster (cross-node) | cluster ÷ single |\n");
      sb.append("|---|---:|---:|---:|---:|\n");
      for (int n : opt.levels) {
        xrow(sb, "one broadcast a second: p50 ms", n, "x_b_p50", "%.2f");
        xrow(sb, "one broadcast a second: p99 ms", n, "x_b_p99", "%.2f");
        xrow(sb, "one broadcast a second: time to last page, median ms", n, "x_b_last_med", "%.1f");
        xrow(sb, "  lost", false, n, "x_b_lost", "%.0f");
        xrow(sb, "  other processes' load, % of a core", false, n, "x_b_other", "%.0f");
        for (int r : opt.xnodeRates) {
          String p = "x_r" + r + "_";
          xrow(sb, "fan-out at " + r + " deliveries/s offered: delivered msg/s", n, p + "delivered", "%.0f");
          xrow(sb, "  p50 ms", n, p + "p50", "%.2f");
          xrow(sb, "  p99 ms", n, p + "p99", "%.2f");
          xrow(sb, "  lost/late", false, n, p + "lost", "%.0f");
          xrow(sb, "  server CPU % (cluster: both nodes, same core)", n, p + "srv", "%.0f");
          xrow(sb, "  other processes' load, % of a core", false, n, p + "other", "%.0f");
        }
        xrow(sb, "chat 1:1 (N/2 pairs, 1 msg/s): p50 ms", n, "x_chat_p50", "%.2f");
        xrow(sb, "chat 1:1: p99 ms", n, "x_chat_p99", "%.2f");
        xrow(sb, "chat 1:1: max ms", n, "x_chat_max", "%.1f");
        xrow(sb, "  lost", false, n, "x_chat_lost", "%.0f");
        xrow(sb, "  other processes' load, % of a core", false, n, "x_chat_other", "%.0f");
        xrow(sb, "  server CPU during chat, % of a core (cluster: both nodes)", n, "x_chat_srv", "%.0f");
        xrow(sb, "    of it JIT compiler threads, %", false, n, "x_chat_jit", "%.0f");
        xrow(sb, "  server CPU just before chat (settle gate), %", false, n, "x_chat_settle_cpu", "%.0f");
        xrow(sb, "idle server CPU with N pages + N/2 partners, % of a core (cluster: both nodes)", n, "x_idle_cpu",
            "%.1f");
        xrow(sb, "  seconds until the server CPU settled after set-up", false, n, "x_settle_s", "%.1f");
        xrow(sb, "connection set-up, pages/s", n, "x_setup_per_s", "%.0f");
      }
      return sb.toString();
    }

    private void xrow(StringBuilder sb, String label, int n, String metric, String fmt) {
      xrow(sb, label, true, n, metric, fmt);
    }

    private void xrow(StringBuilder sb, String label, boolean withRatio, int n, String metric, String fmt) {
      double g = get("gateway", n, metric);
      double c = get("gateway-cluster", n, metric);
      if (Double.isNaN(g) && Double.isNaN(c)) {
        return;
      }
      sb.append("| ").append(label).append(" | ").append(n).append(" | ").append(f(fmt, g)).append(" | ")
          .append(f(fmt, c)).append(" | ").append(withRatio ? ratio(c, g) : "").append(" |\n");
    }

    private void row(StringBuilder sb, String label, int n, String metric, String fmt, String target) {
      double g = get("gateway", n, metric);
      double r = get("raw-bridge", n, metric);
      double m = get("mosquitto", n, metric);
      double b = get("gateway-before", n, metric);
      if (Double.isNaN(g) && Double.isNaN(r) && Double.isNaN(m) && Double.isNaN(b)) {
        return;
      }
      sb.append("| ").append(label).append(" | ").append(n).append(" | ").append(f(fmt, g)).append(" | ")
          .append(f(fmt, r)).append(" | ").append(f(fmt, m)).append(" | ").append(ratio(g, r)).append(" | ")
          .append(ratio(g, m)).append(" | ").append(f(fmt, b)).append(" | ").append(ratio(g, b)).append(" | ")
          .append(target).append(" |\n");
    }

    private static String f(String fmt, double v) {
      return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, fmt, v);
    }

    private static String ratio(double a, double b) {
      return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "–" : String.format(Locale.ROOT, "%.2f×", a / b);
    }
  }
}
