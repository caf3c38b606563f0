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

  /** What one run measured. */
  record Result(Histogram batches, Histogram snap300, Histogram snap1m, Histogram chatBehind, Histogram chatBase,
                long batchesSent, double serverCpu, double harnessCpu, double leaderCpu) {}

  private final Vertx vertx;
  private final Context visitorCtx;
  private final Context agentCtx;
  private final WebSocketClient ws;
  private final HttpClient http;
  private final Meter meter;
  private final Consumer<String> say;
  private final Random random = new Random(8);
  final List<String> snapshot300k = parts(snapshotText(300 * 1024));
  private final List<String> snapshot1m = parts(snapshotText(1024 * 1024));

  CobrowseScenario(Vertx vertx, Context visitorCtx, Context agentCtx, WebSocketClient ws, HttpClient http,
                   Meter meter, Consumer<String> say) {
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
    Server server = h.startCobrowseGateway(g);
    HttpClient http = h.vertx.createHttpClient();
    try {
      CobrowseScenario scenario = new CobrowseScenario(h.vertx, h.pagesCtx, h.ctlCtx, h.pagesClient, http, meter,
          h::say);
      long errors0 = meter.errors.get();
      double other = Quiet.gate(h, server);
      Result r = scenario.run(server, n, opt.cobrowseMs, g);
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
      results.put(column, n, "cb_chat_base_p99", ms(r.chatBase().getValueAtPercentile(99)));
      results.put(column, n, "cb_srv_cpu", r.serverCpu());
      if (server.peer != null) { // gateway-cluster: both nodes' CPU above, the leader's (node A) alone here
        results.put(column, n, "cb_leader_cpu", r.leaderCpu());
      }
      results.put(column, n, "cb_other", other);
      long expected = r.batchesSent();
      results.put(column, n, "cb_har_cpu", r.harnessCpu());
      h.say(String.format(Locale.ROOT, "  %d batches sent in %.0f s, server CPU %.0f%%, harness CPU %.0f%%, other load"
          + " before %.0f%%", expected, opt.cobrowseMs / 1000.0, r.serverCpu(), r.harnessCpu(), other));
      h.say("  " + summary("batches (0.5–5 KB + mouse moves, 20/s per session)", r.batches()));
      h.say("  " + summary("300 KB snapshot, first part sent → last part at the agent", r.snap300()));
      h.say("  " + summary("1 MB snapshot, first part sent → last part at the agent", r.snap1m()));
      h.say("  " + summary("chat message sent right after a snapshot → agent", r.chatBehind()));
      h.say("  " + summary("chat message at other times → agent", r.chatBase()));
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

    Client(ClientWebSocket socket) {
      this.socket = socket;
    }

    /** The next body with this op (or, for sub ids, the suback with this id). */
    Future<JsonObject> expect(String key) {
      Promise<JsonObject> p = Promise.promise();
      waiting.put(key, p);
      return p.future();
    }

    void received(Buffer m) {
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
      s.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
              .setURI("/eventbus/websocket" + (batch ? "?batch=1" : ""))
              .addHeader("Origin", "http://127.0.0.1:" + port))
          .compose(x -> welcome).map(x -> c).onComplete(done);
    });
    return done.future();
  }

  private record Sent(long batches, long samples) {}

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
   * Runs {@code sessions} co-browses for {@code ms} ({@code label} names the trace); the caller has waited for quiet
   * cores.
   */
  Result run(Server server, int sessions, long ms, String label) throws Exception {
    String token = agentToken(server.port);
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      pairs.add(pair(server.port, i, token).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    }
    say.accept("  " + sessions + " co-browse sessions active (visitor page + agent console each)");
    // Warm-up, not recorded: the same stream for a while, then wait until every warm-up sample has arrived. A fresh
    // JVM runs the relay interpreted at first and compiles it on the server's one core; measured from the start,
    // the 300 KB start snapshots of every session made a backlog that took seconds to drain (p99 in seconds at
    // 60 sessions; with a 2 s warm-up the tail was all in the first 1.2 s, then p99 20-50 ms).
    int warm = meter.open();
    long warmMs = Math.min(WARM_UP_MS, Math.max(1000, ms / 2));
    Sent warmed = stream(pairs, warm, warm, warm, warm, warm, warmMs, true);
    long drainStart = System.nanoTime();
    while (meter.count(warm) < warmed.samples() && System.nanoTime() - drainStart < TimeUnit.SECONDS.toNanos(60)) {
      Server.sleep(20);
    }
    say.accept(String.format(Locale.ROOT, "  warm-up: %.1f s of streaming, then %.1f s until its %d samples had"
        + " arrived (%d did)", warmMs / 1000.0, (System.nanoTime() - drainStart) / 1e9, warmed.samples(),
        meter.count(warm)));
    meter.close(warm);

    int kBatch = meter.open();
    int kSnap300 = meter.open();
    int kSnap1m = meter.open();
    int kBehind = meter.open();
    int kBase = meter.open();
    long c0 = server.cpuTicks();
    long l0 = server.peer == null ? 0 : server.peer.cpuTicks();
    long h0 = CpuWindow.harnessCpuNanos();
    long t0 = System.nanoTime();
    long sent = stream(pairs, kBatch, kSnap300, kSnap1m, kBehind, kBase, ms, true).batches();
    double secs = (System.nanoTime() - t0) / 1e9;
    double cpu = 100 * Server.ticksToSeconds(server.cpuTicks() - c0) / secs;
    double harness = 100 * (CpuWindow.harnessCpuNanos() - h0) / 1e9 / secs;
    double leader = server.peer == null ? 0 : 100 * Server.ticksToSeconds(server.peer.cpuTicks() - l0) / secs;
    Server.sleep(2000); // drain
    meter.writeTrace("cobrowse-" + label + "-" + sessions, t0, "batch=" + kBatch + " snapshot300k=" + kSnap300 + " snapshot1m="
        + kSnap1m + " chatBehind=" + kBehind + " chatOther=" + kBase + " warm-up=" + warm);
    Result r = new Result(meter.close(kBatch), meter.close(kSnap300), meter.close(kSnap1m), meter.close(kBehind),
        meter.close(kBase), sent, cpu, harness, leader);
    for (Pair p : pairs) {
      p.visitor.socket.close();
      p.agent.socket.close();
    }
    return r;
  }

  /**
   * Streams for {@code ms}: every 50 ms a batch per session. Snapshots are spread over the window as sessions
   * starting and agents resyncing would spread them: session i sends its 300 KB start snapshot at i/S of the window,
   * and 1 MB resync snapshots go out at most two a second over all sessions (every session once at 1 and 10
   * sessions; 20 of them in 10 s at 100). Each snapshot is followed by a chat message; one baseline chat message a
   * second per session at other times. Returns the batches and the samples (batches, snapshots, chats) sent.
   */
  private Sent stream(List<Pair> pairs, int kBatch, int kSnap300, int kSnap1m, int kBehind, int kBase, long ms,
                      boolean snapshots1m) throws Exception {
    int s = pairs.size();
    long ticks = Math.max(1, ms / 50);
    long[] sent = {0};
    long[] samples = {0};
    long[] tick = {0};
    Promise<Void> done = Promise.promise();
    int[] seq = new int[s];
    long[] mouse = new long[s];
    int resyncs = (int) Math.max(1, Math.min(s, ms / 500)); // 1 MB snapshots: at most two a second
    visitorCtx.runOnContext(v -> vertx.setPeriodic(50, id -> {
      long t = tick[0]++;
      if (t >= ticks) {
        vertx.cancelTimer(id);
        done.tryComplete();
        return;
      }
      for (int i = 0; i < s; i++) {
        Pair p = pairs.get(i);
        String topic = "~pagesession/cobrowsing/events";
        if (t == ticks * i / s) {
          snapshot(p, topic, ++seq[i], snapshot300k, kSnap300, kBehind);
          samples[0] += 2;
        } else if (snapshots1m && i < resyncs && t == (ticks * i / resyncs + ticks / (2L * resyncs)) % ticks) {
          snapshot(p, topic, ++seq[i], snapshot1m, kSnap1m, kBehind);
          samples[0] += 2;
        } else {
          // mouse moves at 30/s: the positions of the last 50 ms (1 or 2)
          long moves = (t + 1) * 3 / 2 - mouse[i];
          mouse[i] += moves;
          p.visitor.publish(topic, batch(kBatch, p.cobrowseId, ++seq[i], 500 + random.nextInt(4500), (int) moves));
          sent[0]++;
          samples[0]++;
          if ((t + i) % 20 == 10) {
            samples[0]++;
            p.visitor.publish("bench/cbchat/" + p.index, "{\"bk\":" + kBase + ",\"bt\":" + System.nanoTime()
                + ",\"text\":\"hello from the visitor\"}");
          }
        }
      }
    }));
    done.future().await(ms + 60_000, TimeUnit.MILLISECONDS);
    return new Sent(sent[0], samples[0]);
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

  /** A recorder batch: DOM additions of about {@code bytes} bytes and {@code moves} mouse positions. */
  String batch(int k, String cobrowseId, int seq, int bytes, int moves) {
    long now = System.currentTimeMillis();
    StringBuilder sb = new StringBuilder(bytes + 400).append("{\"bk\":").append(k).append(",\"bt\":")
        .append(System.nanoTime()).append(",\"cobrowse_id\":\"").append(cobrowseId).append("\",\"rid\":\"bench\",\"seq\":")
        .append(seq).append(",\"events\":[{\"type\":3,\"data\":{\"source\":0,\"texts\":[],\"attributes\":[],"
            + "\"removes\":[],\"adds\":[");
    int id = 1000 + seq * 10;
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
    if (moves > 0) {
      sb.append(",{\"type\":3,\"data\":{\"source\":1,\"positions\":[");
      for (int m = 0; m < moves; m++) {
        sb.append(m == 0 ? "" : ",").append("{\"x\":").append(random.nextInt(1200)).append(",\"y\":")
            .append(random.nextInt(800)).append(",\"id\":12,\"timeOffset\":-").append(33 * (moves - m)).append('}');
      }
      sb.append("]},\"timestamp\":").append(now).append('}');
    }
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
    String admin = rest(port, HttpMethod.POST, "/api/v1/login", null,
        new JsonObject().put("login", "admin").put("password", Server.ADMIN_PASSWORD))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS).getString("token");
    JsonObject agent = new JsonObject().put("login", "bench-agent").put("name", "Bench Agent")
        .put("password", Server.ADMIN_PASSWORD).put("roles", new JsonArray().add("agent"))
        .put("buttons", new JsonArray().add(PageWire.SITE + "/b1")).put("maxChats", 3);
    rest(port, HttpMethod.POST, "/api/v1/agents", admin, agent)
        .recover(e -> rest(port, HttpMethod.PUT, "/api/v1/agents/bench-agent", admin,
            agent.copy().put("login", (String) null)))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return rest(port, HttpMethod.POST, "/api/v1/login", null,
        new JsonObject().put("login", "bench-agent").put("password", Server.ADMIN_PASSWORD))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS).getString("token");
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
