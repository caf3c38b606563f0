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

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * What every scenario shares: the options, the meter and the results, the harness's event loops (one for the pages,
 * one for the publisher and churn clients) and WebSocket clients, the server ports, the log, and the time budget.
 */
final class Harness {
  final Options opt;
  final Meter meter = new Meter();
  final Results results = new Results();
  private final long deadline;
  private int nextPort;
  private PrintWriter detail;
  Vertx vertx;
  Context pagesCtx;
  Context ctlCtx;
  WebSocketClient pagesClient;
  WebSocketClient ctlClient;

  private static final Set<Server> LIVE = ConcurrentHashMap.newKeySet();

  static {
    // a harness stopped with SIGTERM/SIGINT leaves no server behind
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Server::close), "servers-down"));
  }

  Harness(Options opt) {
    this.opt = opt;
    this.deadline = System.currentTimeMillis() + opt.maxMinutes * 60_000L;
    this.nextPort = opt.basePort;
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

  /** Opens steps.log, says what runs where, and starts the event loops and WebSocket clients. */
  void open() throws Exception {
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
    this.wso = wso;
  }

  private WebSocketClientOptions wso;
  /** Clients bound to 127.0.0.2, 127.0.0.3, ...: one more per {@code opt.pagesPerSource} pages. */
  private final List<WebSocketClient> sourceClients = new ArrayList<>();

  /**
   * The client for page {@code index} of {@link #pagesClient}: the loopback has net.ipv4.ip_local_port_range
   * (32768–60999 by default, 28,232 ports) per source address, so 50k pages need three. Pages 0–19,999 come from
   * 127.0.0.1 as always (unbound), each further {@code --pages-per-source} (20,000) from the next address
   * (127.0.0.2, ...), bound before connect.
   */
  WebSocketClient clientFor(WebSocketClient client, int index) {
    int k = index / opt.pagesPerSource;
    if (client != pagesClient || k == 0 || index >= 1_000_000) {
      return client;
    }
    synchronized (sourceClients) {
      while (sourceClients.size() < k) {
        String source = "127.0.0." + (2 + sourceClients.size());
        sourceClients.add(vertx.createWebSocketClient(new WebSocketClientOptions(wso).setLocalAddress(source)));
      }
      return sourceClients.get(k - 1);
    }
  }

  void close() throws Exception {
    detail.close();
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  // ---- running scenario steps ----------------------------------------------------------------------------------

  interface Body {
    void run() throws Exception;
  }

  void safely(String what, Body body) {
    try {
      body.run();
    } catch (Exception | AssertionError e) {
      say("!! " + what + " failed: " + e);
      results.note(what + " failed: " + e.getMessage());
    }
  }

  /** One phase's measurement of one target at one level. */
  interface PhaseStep {
    void run(String target, int n) throws Exception;
  }

  /** Runs {@code step} for every level and target, each on its own (a failure is noted, the next one runs). */
  void steps(String phase, List<Integer> levels, List<String> targetNames, PhaseStep step) {
    for (int n : levels) {
      for (String target : targetNames) {
        String what = phase + " " + target + " N=" + n;
        if (!outOfTime(what)) {
          safely(what, () -> step.run(target, n));
        }
      }
    }
  }

  boolean outOfTime(String what) {
    if (System.currentTimeMillis() > deadline) {
      say("!! time budget of " + opt.maxMinutes + " min used up: skipping " + what);
      results.note("skipped (time budget): " + what);
      return true;
    }
    return false;
  }

  // ---- servers -------------------------------------------------------------------------------------------------

  /** Starts {@code target} on the next free ports; it is stopped with {@link #stop} or when the harness exits. */
  Server start(Target target, boolean profiling) throws IOException {
    return track(target.start(opt, port(), profiling));
  }

  /** Starts the co-browse gateway ({@code gateway} or {@code gateway-before}) on the next free ports. */
  Server startCobrowseGateway(String name) throws IOException {
    if (name.startsWith("gateway-cluster")) { // visitors and agents on node B, the leader is node A
      return track(Server.gatewayCluster(opt, port(), port(),
          name.endsWith("-before") ? opt.beforeJar : opt.gatewayJar, true));
    }
    return track(Server.gateway(opt, name, port(), false, true));
  }

  static void stop(Server server) {
    server.close();
    LIVE.remove(server);
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

  List<Conn> connectMany(Context ctx, WebSocketClient client, Wire wire, int port, int firstIndex, int count,
                         IntFunction<List<String>> topics) throws Exception {
    return connectMany(ctx, client, wire, i -> port, i -> firstIndex + i, count, topics);
  }

  /** Opens {@code count} connections: the i-th has index {@code indexAt(i)} and goes to port {@code portOf(index)}. */
  List<Conn> connectMany(Context ctx, WebSocketClient client, Wire wire, IntUnaryOperator portOf,
                         IntUnaryOperator indexAt, int count, IntFunction<List<String>> topics) throws Exception {
    Promise<List<Conn>> done = Promise.promise();
    List<Conn> out = new ArrayList<>(count);
    int[] state = new int[3]; // next, in flight, failed
    String[] firstFailure = new String[1];
    Runnable[] launch = new Runnable[1];
    launch[0] = () -> {
      while (state[1] < opt.connectWindow && state[0] < count) {
        int index = indexAt.applyAsInt(state[0]++);
        state[1]++;
        open(ctx, clientFor(client, index), wire, portOf.applyAsInt(index), index, topics.apply(index)).onComplete(ar -> {
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

  // ---- errors and the log --------------------------------------------------------------------------------------

  /** The meter's error and unexpected-close counts at one moment: {@link #reportErrorsSince} reports the growth. */
  record ErrorMark(long errors, long closes) {
  }

  ErrorMark errorMark() {
    return new ErrorMark(meter.errors.get(), meter.unexpectedCloses.get());
  }

  /** Says and notes the protocol errors and server-side closes of target {@code name} at N since {@code mark}. */
  void reportErrorsSince(ErrorMark mark, String name, int n) {
    long errors = meter.errors.get() - mark.errors();
    long closes = meter.unexpectedCloses.get() - mark.closes();
    if (errors > 0 || closes > 0) {
      say("  !! " + errors + " protocol errors, " + closes + " connections closed by the server; last error: "
          + meter.lastError);
      results.note(name + " N=" + n + ": " + errors + " protocol errors, " + closes + " server closes (last: "
          + meter.lastError + ")");
    }
  }

  static double ms(long micros) {
    return micros / 1000.0;
  }

  void say(String line) {
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
        + opt.serverCpu + (opt.clusterBCpu != null ? " (a cluster's node B to CPU " + opt.clusterBCpu + ")" : "")
        + ", JVM servers -Xms/-Xmx" + Server.JVM_HEAP + " " + Server.gc + "GC AlwaysPreTouch"
        + (opt.singleHeap != null ? " (single gateway: " + opt.singleHeap + ")" : "");
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }
}
