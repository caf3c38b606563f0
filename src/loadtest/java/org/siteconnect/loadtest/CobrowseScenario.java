package org.siteconnect.loadtest;

import static org.siteconnect.loadtest.Harness.ms;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Co-browse through the gateway's real path (docs/PROTOCOL.md "Co-browse"): per session a visitor page (hello →
 * code, subscribed to {@code ~pagesession/cobrowsing/start}) and an agent console socket (agent-hello with a REST
 * token, {@code POST /api/v1/cobrowse {code}}, subscribed to {@code $agents/<site>/cobrowse/<login>/<id>/#}). The visitor
 * publishes rrweb-shaped batches on {@code ~pagesession/cobrowsing/events} the way webroot/cobrowse/recorder.js
 * does: a full snapshot (type 2) chunked into {@code {part, parts, data}} publishes under 60,000 bytes, then every
 * 50 ms a batch of DOM mutations (0.5–5 KB) and the mouse positions of the last 50 ms (30 moves a second). Right
 * after a snapshot's last part the visitor publishes a chat-sized message that the agent's socket also reads: how
 * long it waits behind the snapshot. Every payload carries {@code "bk"} (what it measures) and {@code "bt"} (send
 * time, for a snapshot's parts the time its first part was sent, so the last part's sample is the whole snapshot's
 * delivery time).
 */
final class CobrowseScenario {
  static final int PART_CHARS = 40_000;
  static final int MAX_PUBLISH_BYTES = 60_000;
  static final long WARM_UP_MS = 8_000;
  /** Sessions that stream during the warm-up (all of them at 1,000 would be a 300 MB burst of start snapshots). */
  static final int WARM_SESSIONS = 50;
  /** Pairs set up at the same time. */
  static final int SET_UP_GROUP = 20;
  /** Pre-built batch tails per mouse-move count. */
  static final int TAILS = 64;

  /** What one run measured. */
  record Result(Histogram batches, Histogram snap300, Histogram snap1m, Histogram chatBehind, Histogram chatBase,
                long batchesSent, double serverCpu, double harnessCpu, double leaderCpu, Histogram tickLag,
                double visitorLoopCpu, double agentLoopCpu, double kbPerSession, double relayedMb,
                double cpuSecondsPerMb, double allocMbPerMb, Map<String, Integer> closedByServer,
                String serverCounters) {}

  /** The gateway's counters that say where a message went instead of its subscriber. */
  static final List<String> WHERE_TO = List.of("sc_bridge_rejections_total", "sc_cobrowse_resyncs_total",
      "sc_cobrowse_relayed_events", "sc_messages_in_total", "sc_messages_out_total");

  private final Vertx vertx;
  private final Context visitorCtx;
  private final Context agentCtx;
  private final WebSocketClient ws;
  private final HttpClient http;
  private final Meter meter;
  private final Consumer<String> say;
  private final Random random = new Random(8);
  /** Set when the harness closes its sockets (closes after it are its own). */
  private volatile boolean closing;
  final List<String> snapshot300k = parts(snapshotText(300 * 1024));
  private final List<String> snapshot1m = parts(snapshotText(1024 * 1024));
  /** Batch bodies after the header, built once (1 and 2 mouse moves): a tick only concatenates header and tail. */
  private final List<List<String>> tails;

  CobrowseScenario(Vertx vertx, Context visitorCtx, Context agentCtx, WebSocketClient ws, HttpClient http,
                   Meter meter, Consumer<String> say, int kbps) {
    this.tails = tails(kbps);
    this.vertx = vertx;
    this.visitorCtx = visitorCtx;
    this.agentCtx = agentCtx;
    this.ws = ws;
    this.http = http;
    this.meter = meter;
    this.say = say;
  }

  /**
   * Phase cobrowse ({@code gateway} or {@code gateway-before}: the peers have no co-browse): {@code n} visitor → agent
   * streams on a fresh gateway; stores the cb_ metrics and says the summary.
   */
  static void measure(Harness h, String g, int n) throws Exception {
    Options opt = h.opt;
    Meter meter = h.meter;
    Results results = h.results;
    // The table has the columns gateway and gateway before: a cluster run (gateway-cluster vs gateway-cluster-before,
    // issue 22's same-node relay) fills them, so do not put gateway and gateway-cluster in one co-browse phase.
    String column = g.replace("gateway-cluster", "gateway");
    h.say("\n== co-browse, " + n + " sessions, " + g + " ==");
    Map<String, String> env = new HashMap<>(opt.envOf(g));
    env.put("SC_METRICS_TOKEN", SoakScenario.METRICS_TOKEN);
    opt.env.put(g, env);
    Server server = h.startCobrowseGateway(g);
    HttpClient http = h.vertx.createHttpClient();
    try {
      CobrowseScenario scenario = new CobrowseScenario(h.vertx, h.pagesCtx, h.ctlCtx, h.pagesClient, http, meter,
          h::say, opt.cobrowseKbps);
      long errors0 = meter.errors.get();
      double other = Quiet.gate(h, server);
      Result r = scenario.run(server, n, opt.cobrowseRampMs, opt.cobrowseMs, g);
      results.put(column, n, "cb_p50", ms(r.batches().getValueAtPercentile(50)));
      results.put(column, n, "cb_p99", ms(r.batches().getValueAtPercentile(99)));
      results.put(column, n, "cb_max", ms(r.batches().getMaxValue()));
      results.put(column, n, "cb_snap300_p50", ms(r.snap300().getValueAtPercentile(50)));
      results.put(column, n, "cb_snap300_max", ms(r.snap300().getMaxValue()));
      if (r.snap1m().getTotalCount() > 0) {
        results.put(column, n, "cb_snap1m_p50", ms(r.snap1m().getValueAtPercentile(50)));
        results.put(column, n, "cb_snap1m_max", ms(r.snap1m().getMaxValue()));
      }
      results.put(column, n, "cb_chat_behind_p50", ms(r.chatBehind().getValueAtPercentile(50)));
      results.put(column, n, "cb_chat_behind_max", ms(r.chatBehind().getMaxValue()));
      results.put(column, n, "cb_chat_base_p50", ms(r.chatBase().getValueAtPercentile(50)));
      results.put(column, n, "cb_chat_base_p99", ms(r.chatBase().getValueAtPercentile(99)));
      results.put(column, n, "cb_kbps", r.kbPerSession());
      results.put(column, n, "cb_tick_lag_max", ms(r.tickLag().getMaxValue()));
      results.put(column, n, "cb_loop_vis", r.visitorLoopCpu());
      results.put(column, n, "cb_loop_agent", r.agentLoopCpu());
      results.put(column, n, "cb_srv_cpu", r.serverCpu());
      results.put(column, n, "cb_relayed_mb", r.relayedMb());
      results.put(column, n, "cb_cpu_s_per_mb", r.cpuSecondsPerMb());
      results.put(column, n, "cb_alloc_mb_per_mb", r.allocMbPerMb());
      if (server.peer != null) { // gateway-cluster: both nodes' CPU above, the leader's (node A) alone here
        results.put(column, n, "cb_leader_cpu", r.leaderCpu());
      }
      results.put(column, n, "cb_other", other);
      long expected = r.batchesSent();
      results.put(column, n, "cb_har_cpu", r.harnessCpu());
      h.say(String.format(Locale.ROOT, "  %d batches sent in %.0f s (%.0f s ramp + %.0f s), %.1f KB/s per session,"
          + " in batches, server CPU %.0f%%, harness CPU %.0f%% (visitor loop %.0f%%, agent loop %.0f%% of a core), tick lag"
          + " p99 %.1f ms max %.1f ms, other load before %.0f%%", expected,
          (opt.cobrowseRampMs + opt.cobrowseMs) / 1000.0, opt.cobrowseRampMs / 1000.0, opt.cobrowseMs / 1000.0,
          r.kbPerSession(), r.serverCpu(), r.harnessCpu(), r.visitorLoopCpu(), r.agentLoopCpu(),
          r.tickLag().getValueAtPercentile(99) / 1000.0, r.tickLag().getMaxValue() / 1000.0, other));
      h.say("  " + summary("batches (" + opt.cobrowseKbps + " KB/s with mouse moves, 20/s per session)",
          r.batches()));
      h.say("  " + summary("300 KB snapshot, first part sent → last part at the agent", r.snap300()));
      h.say("  " + summary("1 MB snapshot, first part sent → last part at the agent", r.snap1m()));
      h.say("  " + summary("chat message sent right after a snapshot → agent", r.chatBehind()));
      h.say("  " + summary("chat message at other times → agent", r.chatBase()));
      h.say("  sockets closed by the server: " + r.closedByServer() + "; the gateway's counters: " + r.serverCounters());
      if (!r.closedByServer().isEmpty()) {
        results.note("co-browse " + g + " N=" + n + ": sockets closed by the server: " + r.closedByServer());
      }
      if (r.batches().getTotalCount() < expected) {
        h.say("  !! " + (expected - r.batches().getTotalCount()) + " batches not delivered");
        results.note("co-browse " + g + " N=" + n + ": " + (expected - r.batches().getTotalCount()) + " batches lost");
      }
      if (meter.errors.get() > errors0) {
        results.note("co-browse N=" + n + ": protocol errors, last: " + meter.lastError);
      }
    } finally {
      http.close();
      Harness.stop(server);
      Server.sleep(500);
    }
  }

  /** One client socket speaking the bridge framing; {@code ops} gets every non-sample body. */
  final class Client {
    final ClientWebSocket socket;
    final Map<String, Promise<JsonObject>> waiting = new HashMap<>();
    String inbound;
    String code;
    Consumer<JsonObject> onMsg = m -> { };

    /** Bytes this socket received (for an agent: what the gateway relayed to it). */
    final java.util.concurrent.atomic.AtomicLong inBytes = new java.util.concurrent.atomic.AtomicLong();
    /** Set when the server closed this socket: its status code and reason (a batch after it is not delivered). */
    volatile String closedBy;

    Client(ClientWebSocket socket) {
      this.socket = socket;
    }

    /** Runs when the socket closes, after the client's own bookkeeping (phase soak counts the server's closes). */
    Runnable afterClose = () -> { };

    void closed() {
      if (!closing) {
        closedBy = socket.closeStatusCode() + " " + socket.closeReason();
      }
      afterClose.run();
    }

    /** The next body with this op (or, for sub ids, the suback with this id). */
    Future<JsonObject> expect(String key) {
      Promise<JsonObject> p = Promise.promise();
      waiting.put(key, p);
      return p.future();
    }

    void received(Buffer m) {
      inBytes.addAndGet(m.length());
      if (meter.scanAll(m, 0, m.length()) > 0) {
        return;
      }
      List<JsonObject> frames = new ArrayList<>();
      if (m.getByte(0) == '[') {
        new JsonArray(m).forEach(f -> frames.add((JsonObject) f));
      } else {
        frames.add(m.toJsonObject());
      }
      for (JsonObject f : frames) {
        JsonObject body = f.getJsonObject("body", new JsonObject());
        String op = body.getString("op", "");
        if ("welcome".equals(op)) {
          inbound = body.getString("send");
        } else if ("session".equals(op)) {
          code = body.getString("code");
        }
        if ("msg".equals(op)) {
          onMsg.accept(body);
        }
        String key = "suback".equals(op) ? "suback:" + body.getString("id") : op;
        Promise<JsonObject> p = waiting.remove(key);
        if (p != null) {
          if ("suback".equals(op) && !body.getBoolean("granted", false)) {
            p.fail("subscription refused: " + body.encode());
          } else {
            p.complete(body);
          }
        } else if ("err".equals(op) || "err".equals(f.getString("type"))) {
          meter.error("co-browse: " + f.encode());
          waiting.values().forEach(w -> w.tryFail(f.encode()));
          waiting.clear();
        }
      }
    }

    void send(JsonObject body) {
      socket.writeTextMessage(new JsonObject().put("type", "send").put("address", inbound).put("body", body).encode());
    }

    void send(String bodyJson) {
      socket.writeTextMessage("{\"type\":\"send\",\"address\":\"" + inbound + "\",\"body\":" + bodyJson + "}");
    }

    Future<JsonObject> subscribe(String id, String filter) {
      Future<JsonObject> f = expect("suback:" + id);
      send(new JsonObject().put("op", "sub").put("id", id).put("filter", filter));
      return f;
    }

    void publish(String topic, String payloadJson) {
      send("{\"op\":\"pub\",\"topic\":\"" + topic + "\",\"payload\":" + payloadJson + "}");
    }
  }

  private Future<Client> connect(Context ctx, int port, boolean batch) {
    Promise<Client> done = Promise.promise();
    ctx.runOnContext(v -> {
      ClientWebSocket s = ws.webSocket();
      Client c = new Client(s);
      Future<JsonObject> welcome = c.expect("welcome");
      s.handler(c::received);
      // pings as the frame does: the gateway closes a socket that sent none for bridge.pingTimeoutMs (120 s), which a
      // 1,000-session run outlasts (without them a sweep closed every socket shortly before the end: "lost" batches)
      long pinger = vertx.setPeriodic(Session.PING_EVERY_S * 1000L, id -> s.writeTextMessage("{\"type\":\"ping\"}"));
      s.closeHandler(x -> {
        vertx.cancelTimer(pinger);
        c.closed();
      });
      s.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
              .setURI("/eventbus/websocket" + (batch ? "?batch=1" : ""))
              .addHeader("Origin", "http://127.0.0.1:" + port))
          .compose(x -> welcome).map(x -> c).onComplete(done);
    });
    return done.future();
  }

  private record Sent(long batches, long samples, double batchKbps) {}

  /** One visitor + agent pair, co-browsing and subscribed, on their contexts (phase soak streams through them too). */
  record Pair(int index, Client visitor, Client agent, String cobrowseId) {}

  Future<Pair> pair(int port, int i, String token) {
    Future<Client> visitor = connect(visitorCtx, port, true).compose(v -> {
      Future<JsonObject> session = v.expect("session");
      v.send(new JsonObject().put("op", "hello").put("site", PageWire.SITE));
      return session.map(x -> v);
    });
    Future<Client> agent = connect(agentCtx, port, false).compose(a -> {
      Future<JsonObject> session = a.expect("agent-session");
      a.send(new JsonObject().put("op", "agent-hello").put("token", token));
      return session.map(x -> a);
    });
    return Future.all(visitor, agent).compose(all -> {
      Client v = visitor.result();
      Client a = agent.result();
      Promise<JsonObject> started = Promise.promise();
      v.onMsg = m -> {
        if ("~pagesession/cobrowsing/start".equals(m.getString("topic")) && m.getValue("payload") instanceof JsonObject) {
          started.tryComplete(m.getJsonObject("payload"));
        }
      };
      return v.subscribe("s0", "~pagesession/cobrowsing/start")
          .compose(x -> rest(port, HttpMethod.POST, "/api/v1/cobrowse", token,
              new JsonObject().put("code", v.code)))
          .compose(redeemed -> {
            String id = redeemed.getString("cobrowse_id");
            String login = redeemed.getString("agent");
            return Future.all(a.subscribe("a0", "$agents/" + PageWire.SITE + "/cobrowse/" + login + "/" + id + "/#"),
                    a.subscribe("a1", "bench/cbchat/" + i), started.future())
                .map(x -> new Pair(i, v, a, id));
          });
    });
  }

  /**
   * Runs {@code sessions} co-browses: their start snapshots spread over {@code rampMs}, then {@code ms} more of
   * streaming ({@code label} names the trace); the caller has waited for quiet cores.
   */
  Result run(Server server, int sessions, long rampMs, long ms, String label) throws Exception {
    String token = agentToken(server.port);
    List<Pair> pairs = new ArrayList<>();
    long setUp = System.nanoTime();
    for (int i = 0; i < sessions; i += SET_UP_GROUP) { // a few at a time: 1,000 one by one took minutes
      List<Future<Pair>> group = new ArrayList<>();
      for (int j = i; j < Math.min(sessions, i + SET_UP_GROUP); j++) {
        group.add(pair(server.port, j, token));
      }
      Future.all(group).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      group.forEach(f -> pairs.add(f.result()));
    }
    say.accept(String.format(Locale.ROOT, "  %d co-browse sessions active (visitor page + agent console each), set up"
        + " in %.1f s", sessions, (System.nanoTime() - setUp) / 1e9));
    // Warm-up, not recorded: the same stream on at most WARM_SESSIONS sessions for a while, then wait until every
    // warm-up sample has arrived. A fresh JVM runs the relay interpreted at first and compiles it on the server's
    // one core; measured from the start, the 300 KB start snapshots of every session made a backlog that took
    // seconds to drain (p99 in seconds at 60 sessions; with a 2 s warm-up the tail was all in the first 1.2 s).
    int warm = meter.open();
    long warmMs = Math.min(WARM_UP_MS, Math.max(1000, ms / 2));
    Sent warmed = stream(pairs.subList(0, Math.min(sessions, WARM_SESSIONS)), warm, warm, warm, warm, warm,
        warmMs / 2, warmMs / 2, null);
    long drainStart = System.nanoTime();
    while (meter.count(warm) < warmed.samples() && System.nanoTime() - drainStart < TimeUnit.SECONDS.toNanos(60)) {
      Server.sleep(20);
    }
    say.accept(String.format(Locale.ROOT, "  warm-up: %.1f s of streaming (%d sessions), then %.1f s until its %d"
        + " samples had arrived (%d did)", warmMs / 1000.0, Math.min(sessions, WARM_SESSIONS),
        (System.nanoTime() - drainStart) / 1e9, warmed.samples(), meter.count(warm)));
    meter.close(warm);

    int kBatch = meter.open();
    int kSnap300 = meter.open();
    int kSnap1m = meter.open();
    int kBehind = meter.open();
    int kBase = meter.open();
    Histogram lag = new Histogram(TimeUnit.SECONDS.toMicros(60), 2);
    long[] loops = {threadOf(visitorCtx), threadOf(agentCtx)};
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long v0 = threads.getThreadCpuTime(loops[0]);
    long a0 = threads.getThreadCpuTime(loops[1]);
    long c0 = server.cpuTicks();
    long l0 = server.peer == null ? 0 : server.peer.cpuTicks();
    long h0 = CpuWindow.harnessCpuNanos();
    long alloc0 = server.allocatedBytes();
    long jit0 = server.compilerTicks();
    long relayed0 = agentBytes(pairs);
    long t0 = System.nanoTime();
    Sent sent = stream(pairs, kBatch, kSnap300, kSnap1m, kBehind, kBase, rampMs, ms, lag);
    double secs = (System.nanoTime() - t0) / 1e9;
    long c1 = server.cpuTicks();
    double relayedMb = (agentBytes(pairs) - relayed0) / 1e6;
    long alloc1 = server.allocatedBytes();
    long jit = server.compilerTicks() - jit0; // the JIT compiling (warm-up left over) is not the relay's cost
    double cpuSecondsPerMb = relayedMb <= 0 ? 0 : Server.ticksToSeconds(c1 - c0 - jit) / relayedMb;
    double allocMbPerMb = relayedMb <= 0 || alloc0 < 0 || alloc1 < 0 ? 0 : (alloc1 - alloc0) / 1e6 / relayedMb;
    say.accept(String.format(Locale.ROOT, "  relayed to agents %.1f MB in %.1f s; server CPU %.2f s of which JIT %.2f s"
        + " (without JIT %.4f s per MB), allocated %.0f MB (%.2f MB per MB)", relayedMb, secs,
        Server.ticksToSeconds(c1 - c0), Server.ticksToSeconds(jit), cpuSecondsPerMb,
        (alloc1 - alloc0) / 1e6, allocMbPerMb));
    double cpu = 100 * Server.ticksToSeconds(c1 - c0) / secs;
    double harness = 100 * (CpuWindow.harnessCpuNanos() - h0) / 1e9 / secs;
    double leader = server.peer == null ? 0 : 100 * Server.ticksToSeconds(server.peer.cpuTicks() - l0) / secs;
    double visitorLoop = 100 * (threads.getThreadCpuTime(loops[0]) - v0) / 1e9 / secs;
    double agentLoop = 100 * (threads.getThreadCpuTime(loops[1]) - a0) / 1e9 / secs;
    long drainStart2 = System.nanoTime();
    while (meter.count(kBatch) < sent.batches() && System.nanoTime() - drainStart2 < TimeUnit.SECONDS.toNanos(10)) {
      Server.sleep(20);
    }
    Server.sleep(1000); // the snapshots and chat lines sent last
    meter.writeTrace("cobrowse-" + label + "-" + sessions, t0, "batch=" + kBatch + " snapshot300k=" + kSnap300 + " snapshot1m="
        + kSnap1m + " chatBehind=" + kBehind + " chatOther=" + kBase + " warm-up=" + warm);
    Map<String, Integer> closed = new java.util.TreeMap<>();
    for (Pair p : pairs) {
      if (p.visitor.closedBy != null) {
        closed.merge("visitor " + p.visitor.closedBy, 1, Integer::sum);
      }
      if (p.agent.closedBy != null) {
        closed.merge("agent " + p.agent.closedBy, 1, Integer::sum);
      }
    }
    Result r = new Result(meter.close(kBatch), meter.close(kSnap300), meter.close(kSnap1m), meter.close(kBehind),
        meter.close(kBase), sent.batches(), cpu, harness, leader, lag, visitorLoop, agentLoop,
        sent.batchKbps(), relayedMb, cpuSecondsPerMb, allocMbPerMb, closed,
        Server.metrics(http, server.port, SoakScenario.METRICS_TOKEN, WHERE_TO));
    closing = true;
    for (Pair p : pairs) {
      p.visitor.socket.close();
      p.agent.socket.close();
    }
    return r;
  }

  /** Bytes the agents' sockets have received so far (the relayed batches and snapshots, and chat). */
  private static long agentBytes(List<Pair> pairs) {
    long sum = 0;
    for (Pair p : pairs) {
      sum += p.agent.inBytes.get();
    }
    return sum;
  }

  /** The id of the thread that runs {@code ctx} (an event loop: its CPU time is the harness side's work). */
  private static long threadOf(Context ctx) throws Exception {
    java.util.concurrent.CompletableFuture<Long> id = new java.util.concurrent.CompletableFuture<>();
    ctx.runOnContext(v -> id.complete(Thread.currentThread().getId()));
    return id.get(10, TimeUnit.SECONDS);
  }

  /**
   * Streams as recorders do: session i starts at i/S of {@code rampMs} with its 300 KB start snapshot, then sends a
   * batch every 50 ms until {@code ms} after the ramp. Every 500 ms one session that has started sends a 1 MB
   * resync snapshot instead of its batch (two a second over all sessions, at most as many as there are
   * sessions). Each snapshot is followed by a chat message; one baseline chat message a second per
   * session at other times. {@code lag} (µs) gets how late each tick ran: the harness keeps its pace while the
   * ticks are on time. Returns the batches, samples (batches, snapshots, chats) and the batches' KB/s per session.
   */
  private Sent stream(List<Pair> pairs, int kBatch, int kSnap300, int kSnap1m, int kBehind, int kBase, long rampMs,
                      long ms, Histogram lag) throws Exception {
    int s = pairs.size();
    long rampTicks = rampMs / 50;
    long ticks = rampTicks + Math.max(1, ms / 50);
    long[] sent = {0};
    long[] samples = {0};
    long[] bytes = {0};
    long[] active = {0};
    long[] tick = {0};
    long[] resyncs = {0};
    long maxResyncs = Math.max(1, ticks / 10);
    Promise<Void> done = Promise.promise();
    int[] seq = new int[s];
    long[] mouse = new long[s];
    long[] start = new long[s];
    for (int i = 0; i < s; i++) {
      start[i] = rampTicks * i / s;
    }
    String topic = "~pagesession/cobrowsing/events";
    long began = System.nanoTime();
    visitorCtx.runOnContext(v -> vertx.setPeriodic(50, id -> {
      long t = tick[0]++;
      if (lag != null) {
        lag.recordValue(Math.max(0, Math.min(lag.getHighestTrackableValue(),
            (System.nanoTime() - began) / 1000 - (t + 1) * 50_000)));
      }
      if (t >= ticks) {
        vertx.cancelTimer(id);
        done.tryComplete();
        return;
      }
      int started = 0;
      while (started < s && start[started] <= t) {
        started++;
      }
      int resync = -1;
      if (t % 10 == 5 && started > 0 && resyncs[0] < Math.min(maxResyncs, s)) {
        resync = (int) Math.floorMod(resyncs[0]++ * 7919L, (long) started);
      }
      for (int i = 0; i < s; i++) {
        Pair p = pairs.get(i);
        if (t == start[i]) {
          snapshot(p, topic, ++seq[i], snapshot300k, kSnap300, kBehind);
          samples[0] += 2;
        } else if (i == resync) {
          snapshot(p, topic, ++seq[i], snapshot1m, kSnap1m, kBehind);
          samples[0] += 2;
        } else if (t > start[i]) {
          // mouse moves at 30/s: the positions of the last 50 ms (1 or 2)
          long moves = (t + 1) * 3 / 2 - mouse[i];
          mouse[i] += moves;
          List<String> pool = tails.get(moves > 1 ? 1 : 0);
          String body = batch(kBatch, p.cobrowseId, ++seq[i], pool.get(random.nextInt(pool.size())));
          p.visitor.publish(topic, body);
          bytes[0] += body.length();
          active[0]++;
          sent[0]++;
          samples[0]++;
        }
        if ((t + i) % 20 == 10) {
          samples[0]++;
          p.visitor.publish("bench/cbchat/" + p.index, "{\"bk\":" + kBase + ",\"bt\":" + System.nanoTime()
              + ",\"text\":\"hello from the visitor\"}");
        }
      }
    }));
    done.future().await(rampMs + ms + 120_000, TimeUnit.MILLISECONDS);
    // batch bytes per session and second of streaming (a session streams from its start snapshot on)
    return new Sent(sent[0], samples[0], active[0] == 0 ? 0 : bytes[0] / 1024.0 / (active[0] * 0.05));
  }

  /** A snapshot's parts as JSON string literals (escaped once, not per send: the harness's cost stays small). */
  private static List<String> parts(String text) {
    List<String> out = new ArrayList<>();
    for (int at = 0; at < text.length(); at += PART_CHARS) {
      out.add(io.vertx.core.json.Json.encode(text.substring(at, Math.min(text.length(), at + PART_CHARS))));
    }
    return out;
  }

  void snapshot(Pair p, String topic, int seq, List<String> text, int kSnap, int kBehind) {
    long t0 = System.nanoTime();
    int parts = text.size();
    for (int part = 0; part < parts; part++) {
      // the last part is the sample: bt = the snapshot's start, so its latency is the snapshot's delivery time
      String payload = "{\"bk\":" + (part == parts - 1 ? kSnap : 0) + ",\"bt\":" + t0 + ",\"cobrowse_id\":\""
          + p.cobrowseId + "\",\"rid\":\"bench\",\"seq\":" + seq + ",\"part\":" + part + ",\"parts\":" + parts
          + ",\"full\":true,\"data\":" + text.get(part) + "}";
      if (payload.length() > MAX_PUBLISH_BYTES) {
        throw new IllegalStateException("a snapshot part of " + payload.length() + " bytes");
      }
      p.visitor.publish(topic, payload);
    }
    p.visitor.publish("bench/cbchat/" + p.index, "{\"bk\":" + kBehind + ",\"bt\":" + System.nanoTime()
        + ",\"text\":\"hello right after a snapshot\"}");
  }

  /** A recorder batch: its header (sample key, send time, id, seq) and one of the pre-built tails. */
  static String batch(int k, String cobrowseId, int seq, String tail) {
    return "{\"bk\":" + k + ",\"bt\":" + System.nanoTime() + ",\"cobrowse_id\":\"" + cobrowseId
        + "\",\"rid\":\"bench\",\"seq\":" + seq + ",\"events\":[" + tail;
  }
  /** A batch with a fresh tail of about {@code bytes} DOM additions and {@code moves} mouse positions (phase soak). */
  String batch(int k, String cobrowseId, int seq, int bytes, int moves) {
    return batch(k, cobrowseId, seq, tail(seq, bytes, moves));
  }


  /**
   * {@code TAILS} batch tails for 1 and for 2 mouse moves whose whole batches average {@code kbps} × 1024 / 20
   * bytes (20 batches a second): DOM additions of 0.5–1.5 × their mean and the mouse positions.
   */
  private List<List<String>> tails(int kbps) {
    // header about 110 bytes, mouse moves 1.5 × about 100, the last addition's overshoot about 125, JSON framing:
    // 470 measured (24.1 KB/s when 260 was assumed for 20)
    int mean = Math.max(200, kbps * 1024 / 20 - 470);
    List<List<String>> out = new ArrayList<>();
    for (int moves = 1; moves <= 2; moves++) {
      List<String> pool = new ArrayList<>();
      for (int n = 0; n < TAILS; n++) {
        pool.add(tail(n, mean / 2 + random.nextInt(mean + 1), moves));
      }
      out.add(pool);
    }
    return out;
  }

  /** DOM additions of about {@code bytes} bytes and {@code moves} mouse positions, closing the batch. */
  private String tail(int seq, int bytes, int moves) {
    long now = System.currentTimeMillis();
    StringBuilder sb = new StringBuilder(bytes + 400).append("{\"type\":3,\"data\":{\"source\":0,\"texts\":[],"
        + "\"attributes\":[],\"removes\":[],\"adds\":[");
    int id = 1000 + seq * 100;
    int used = 0;
    boolean first = true;
    while (used < bytes) {
      String text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. ";
      String add = "{\"parentId\":" + (id - 1) + ",\"nextId\":null,\"node\":{\"type\":2,\"tagName\":\"p\","
          + "\"attributes\":{\"class\":\"msg-" + (id % 97) + "\"},\"childNodes\":[],\"id\":" + id + "}},"
          + "{\"parentId\":" + id + ",\"nextId\":null,\"node\":{\"type\":3,\"textContent\":\"" + text + "\",\"id\":"
          + (id + 1) + "}}";
      sb.append(first ? "" : ",").append(add);
      first = false;
      used += add.length();
      id += 2;
    }
    sb.append("]},\"timestamp\":").append(now).append('}');
    sb.append(",{\"type\":3,\"data\":{\"source\":1,\"positions\":[");
    for (int m = 0; m < moves; m++) {
      sb.append(m == 0 ? "" : ",").append("{\"x\":").append(random.nextInt(1200)).append(",\"y\":")
          .append(random.nextInt(800)).append(",\"id\":12,\"timeOffset\":-").append(33 * (moves - m)).append('}');
    }
    sb.append("]},\"timestamp\":").append(now).append('}');
    return sb.append("]}").toString();
  }

  /** An rrweb-shaped event list of about {@code bytes}: a meta event and a full snapshot of nested nodes. */
  static String snapshotText(int bytes) {
    StringBuilder sb = new StringBuilder(bytes + 1000).append("[{\"type\":4,\"data\":{\"href\":\"https://shop.example/"
        + "cart\",\"width\":1280,\"height\":800},\"timestamp\":1700000000000},{\"type\":2,\"data\":{\"node\":{\"type\":0,"
        + "\"childNodes\":[{\"type\":2,\"tagName\":\"html\",\"attributes\":{},\"childNodes\":[{\"type\":2,\"tagName\":"
        + "\"body\",\"attributes\":{},\"childNodes\":[");
    int id = 10;
    boolean first = true;
    while (sb.length() < bytes) {
      sb.append(first ? "" : ",").append("{\"type\":2,\"tagName\":\"div\",\"attributes\":{\"class\":\"row item-")
          .append(id % 50).append("\",\"style\":\"margin:4px 0;padding:2px\"},\"childNodes\":[{\"type\":3,"
              + "\"textContent\":\"Product ").append(id).append(" in stock, ships in 2 days\",\"id\":").append(id + 1)
          .append("}],\"id\":").append(id).append('}');
      first = false;
      id += 2;
    }
    return sb.append("],\"id\":3}],\"id\":2}],\"id\":1},\"initialOffset\":{\"left\":0,\"top\":0}},"
        + "\"timestamp\":1700000000001}]").toString();
  }

  // ---- set-up over REST -----------------------------------------------------------------------------------------

  String agentToken(int port) throws Exception {
    String admin = retrying(() -> rest(port, HttpMethod.POST, "/api/v1/login", null,
        new JsonObject().put("login", "admin").put("password", Server.ADMIN_PASSWORD))).getString("token");
    JsonObject agent = new JsonObject().put("login", "bench-agent").put("name", "Bench Agent")
        .put("password", Server.ADMIN_PASSWORD).put("roles", new JsonArray().add("agent"))
        .put("buttons", new JsonArray().add(PageWire.SITE + "/b1")).put("maxChats", 3);
    retrying(() -> rest(port, HttpMethod.POST, "/api/v1/agents", admin, agent)
        .recover(e -> rest(port, HttpMethod.PUT, "/api/v1/agents/bench-agent", admin,
            agent.copy().put("login", (String) null))));
    return retrying(() -> rest(port, HttpMethod.POST, "/api/v1/login", null,
        new JsonObject().put("login", "bench-agent").put("password", Server.ADMIN_PASSWORD))).getString("token");
  }

  /**
   * A set-up request, tried again for a minute while it fails with 404 or 503: on a busy machine the REST routes
   * are mounted a while after the port opens, and a password hash can miss the service's deadline.
   */
  private static JsonObject retrying(java.util.function.Supplier<Future<JsonObject>> request) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        return request.get().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        if (System.nanoTime() > until || !String.valueOf(e.getCause().getMessage()).matches("(?s).* → (404|503) .*")) {
          throw e;
        }
        Server.sleep(500);
      }
    }
  }

  private Future<JsonObject> rest(int port, HttpMethod method, String uri, String token, JsonObject body) {
    RequestOptions o = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri)
        .putHeader("Content-Type", "application/json");
    if (token != null) {
      o.putHeader("Authorization", "Bearer " + token);
    }
    JsonObject b = body.copy();
    b.fieldNames().removeIf(k -> b.getValue(k) == null);
    return http.request(o).compose(req -> req.send(b.encode())).compose(resp -> resp.body().map(buf -> {
      if (resp.statusCode() >= 300) {
        throw new IllegalStateException(method + " " + uri + " → " + resp.statusCode() + " " + buf);
      }
      return buf.length() == 0 ? new JsonObject() : buf.toJsonObject();
    }));
  }

  static String summary(String label, Histogram h) {
    return String.format(Locale.ROOT, "%s: n %d, p50 %.1f ms, p99 %.1f ms, max %.1f ms", label, h.getTotalCount(),
        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
  }
}
