package org.siteconnect.loadtest;

import static org.siteconnect.loadtest.Harness.ms;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Phase soak (issue 22 part 6): one gateway under steady load for {@code --soak-minutes}, sampled every
 * {@code --soak-sample-s}. The load: {@code --soak-pages} pages, each subscribed like a real page (five filters,
 * pinged every 20 s); churn: {@code --soak-churn-per-s} pages a second send the frame's {@code bye} and close, and as
 * many new pages connect and subscribe; chat: {@code --soak-chat-pairs} pairs of pages (never churned), one message a
 * second per pair, the sides taking turns; co-browse: {@code --soak-cobrowses} visitor → agent sessions set up
 * through the real path ({@link CobrowseScenario#pair}), each streaming a recorder batch every 50 ms (about 20 KB/s
 * with the mouse moves), a 300 KB start snapshot (spread over the first minute) and a 300 KB resync every 10 minutes.
 *
 * <p>Each sample: the server's heap after a full GC (jcmd GC.run, jstat), RSS, open file descriptors and threads
 * (/proc), the gateway's own gauges from its /metrics (sc_pages_connected, sc_page_sessions, sc_subscriptions,
 * sc_agents_connected, sc_cobrowse_sessions, sc_sockjs_sessions, sc_retained_messages), the server's and the
 * harness's CPU and other processes' load in the window, chat and co-browse batch p99 and what did not arrive within
 * 5 s of the window's end, snapshots, churn, protocol errors and server-side closes. The forced full GC runs between
 * two windows: what is sent meanwhile counts for delivery (lost) but not for a window's latency. At the end a table,
 * a {@link Trend} verdict per series, summary.md (via {@link #report}) and soak.csv in the run's folder.
 */
final class SoakScenario {
  static final String METRICS_TOKEN = "soak-metrics-token-0123456789";
  /** Within this long after a window closed its messages count as delivered, after it as lost. */
  static final long GRACE_MS = 5000;
  static final long RESYNC_EVERY_MS = 10 * 60_000L;

  /** One column of the table and the CSV. */
  private record Col(String key, String head, String fmt) {}

  private static final List<Col> COLS = List.of(
      new Col("t_min", "t min", "%.1f"),
      new Col("pages", "pages (harness)", "%.0f"),
      new Col("heap_mb", "heap after GC MB", "%.1f"),
      new Col("rss_mb", "RSS MB", "%.0f"),
      new Col("fds", "fds", "%.0f"),
      new Col("threads", "threads", "%.0f"),
      new Col("srv_cpu", "server CPU %", "%.1f"),
      new Col("har_cpu", "harness CPU %", "%.0f"),
      new Col("other", "other load %", "%.0f"),
      new Col("load1", "load avg 1 min", "%.2f"),
      new Col("sc_pages_connected", "sc_pages_connected", "%.0f"),
      new Col("sc_page_sessions", "sc_page_sessions", "%.0f"),
      new Col("sc_subscriptions", "sc_subscriptions", "%.0f"),
      new Col("sc_agents_connected", "sc_agents_connected", "%.0f"),
      new Col("sc_cobrowse_sessions", "sc_cobrowse_sessions", "%.0f"),
      new Col("sc_sockjs_sessions", "sc_sockjs_sessions", "%.0f"),
      new Col("sc_retained_messages", "sc_retained_messages", "%.0f"),
      new Col("chat_n", "chat msgs", "%.0f"),
      new Col("chat_p99", "chat p99 ms", "%.1f"),
      new Col("chat_lost", "chat lost", "%.0f"),
      new Col("cb_n", "co-browse batches", "%.0f"),
      new Col("cb_p99", "co-browse p99 ms", "%.1f"),
      new Col("cb_lost", "co-browse lost", "%.0f"),
      new Col("snap_n", "300 KB snapshots", "%.0f"),
      new Col("snap_max", "snapshot max ms", "%.0f"),
      new Col("churned", "pages churned", "%.0f"),
      new Col("churn_failed", "churn set-up failures", "%.0f"),
      new Col("churn_setup_max", "churn set-up max ms", "%.0f"),
      new Col("errors", "protocol errors", "%.0f"),
      new Col("closes", "server closes", "%.0f"));

  /** Series that measure time or CPU: on a machine other processes load, their verdict is inconclusive. */
  private static final List<String> TIMING = List.of("srv_cpu", "chat_p99", "cb_p99");

  /** The series judged at the end, and their tolerances (see {@link Trend}). */
  private static final Map<String, Trend> TRENDS = new LinkedHashMap<>();

  static {
    for (Trend t : List.of(
        new Trend("heap_mb", 0.03, 4, "MB"),
        new Trend("rss_mb", 0.02, 8, "MB"),
        new Trend("fds", 0.01, 20, "fds"),
        new Trend("threads", 0, 2, "threads"),
        new Trend("sc_pages_connected", 0.01, 20, "pages"),
        new Trend("sc_page_sessions", 0.01, 20, "sessions"),
        new Trend("sc_subscriptions", 0.01, 100, "subscriptions"),
        new Trend("sc_cobrowse_sessions", 0, 0.5, "sessions"),
        new Trend("srv_cpu", 0, 5, "% of a core"),
        new Trend("chat_p99", 0.25, 5, "ms"),
        new Trend("cb_p99", 0.25, 5, "ms"))) {
      TRENDS.put(t.series(), t);
    }
  }

  private final Harness h;
  private final Options opt;
  private final Meter meter;
  private final Random random = new Random(22);
  private final StringBuilder report = new StringBuilder();
  private volatile boolean stopping;

  SoakScenario(Harness h) {
    this.h = h;
    this.opt = h.opt;
    this.meter = h.meter;
  }

  /** What the soak runs wrote for summary.md (empty before the first sample). */
  String report() {
    return report.toString();
  }

  /**
   * A latency series whose meter step changes at every sample boundary; counts what was sent to each step (a sender
   * reads {@link #k} once per message and counts it to that step).
   */
  private final class Stream {
    volatile int k = meter.open();
    final AtomicLongArray sent = new AtomicLongArray(Meter.MAX_STEPS);

    /** Starts a new step; returns the old one. */
    int next() {
      int old = k;
      k = meter.open();
      return old;
    }

    /** Closes step {@code old} once it has all it was sent or {@link #GRACE_MS} passed: its histogram and losses. */
    Histogram close(int old, long[] lost) {
      long sentOld = sent.get(old);
      meter.awaitCount(old, sentOld, GRACE_MS);
      lost[0] += Math.max(0, sentOld - meter.count(old));
      return meter.close(old);
    }
  }

  /** Runs the soak against gateway target {@code g} and adds its table and verdicts to {@link #report}. */
  void run(String g) throws Exception {
    int pages = opt.soakPages;
    int pairs = opt.soakChatPairs >= 0 ? opt.soakChatPairs : pages / 20;
    double churnPerS = opt.soakChurnPerS >= 0 ? opt.soakChurnPerS : pages / 1000.0;
    long runMs = opt.soakMinutes * 60_000L;
    long sampleMs = opt.soakSampleS > 0 ? opt.soakSampleS * 1000L : Math.min(60_000L, Math.max(1000L, runMs / 12));
    if (2 * pairs > pages) {
      throw new IllegalArgumentException("--soak-chat-pairs " + pairs + " needs " + 2 * pairs + " pages");
    }
    if (runMs / sampleMs * 6 + 20 > Meter.MAX_STEPS) {
      throw new IllegalArgumentException("too many samples (" + runMs / sampleMs + "): raise --soak-sample-s");
    }
    h.say(String.format(Locale.ROOT, "\n== soak, %s: %d min, %d pages, churn %.1f pages/s, %d chat pairs at 1 msg/s,"
        + " %d co-browses, a sample every %d s ==", g, opt.soakMinutes, pages, churnPerS, pairs, opt.soakCobrowses,
        sampleMs / 1000));
    Map<String, String> env = new HashMap<>(opt.envOf(g));
    env.put("SC_METRICS_TOKEN", METRICS_TOKEN);
    opt.env.put(g, env);
    Server server = h.startCobrowseGateway(g);
    Target target = Target.of(g);
    HttpClient http = h.vertx.createHttpClient();
    Path csv = opt.workDir.resolve("soak" + ("gateway".equals(g) ? "" : "-" + g) + ".csv");
    List<Map<String, Double>> rows = new ArrayList<>();
    stopping = false;
    try (Session s = new Session(h, target, server, pages)) {
      List<Long> timers = new ArrayList<>();
      Thread churner = null;
      try {
        s.growTo(pages);
        CobrowseScenario cb = new CobrowseScenario(h.vertx, h.pagesCtx, h.ctlCtx, h.pagesClient, http, meter, h::say,
            opt.cobrowseKbps);
        String token = retried("agent login", () -> cb.agentToken(server.port));
        List<CobrowseScenario.Pair> cobrowses = new ArrayList<>();
        AtomicLong cbCloses = new AtomicLong();
        for (int i = 0; i < opt.soakCobrowses; i++) {
          int index = i;
          CobrowseScenario.Pair p = retried("co-browse " + i, () -> cb.pair(server.port, index, token)
              .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
          for (var client : List.of(p.visitor(), p.agent())) {
            client.afterClose = () -> {
              if (!stopping) {
                cbCloses.incrementAndGet();
              }
            };
          }
          cobrowses.add(p);
        }
        h.say("  " + cobrowses.size() + " co-browse sessions active (visitor page + agent console each)");

        Stream chat = new Stream();
        Stream batches = new Stream();
        Stream snaps = new Stream();
        timers.add(chat(s, pairs, chat));
        timers.add(cobrowse(cb, cobrowses, batches, snaps));
        Churn churn = new Churn(s, pairs * 2, churnPerS);
        churner = new Thread(churn, "soak-churn");
        churner.setDaemon(true);
        churner.start();

        Files.writeString(csv, String.join(",", COLS.stream().map(Col::key).toList()) + "\n");
        long start = System.nanoTime();
        CpuWindow window = new CpuWindow(opt, server);
        Harness.ErrorMark mark = h.errorMark();
        long closes0 = cbCloses.get();
        for (int sample = 1; sample * sampleMs <= runMs; sample++) {
          long due = start + TimeUnit.MILLISECONDS.toNanos(sample * sampleMs);
          Server.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime())));
          if (!server.process.isAlive()) {
            throw new IllegalStateException("the gateway exited (exit " + server.process.exitValue() + "): see "
                + server.log);
          }
          Map<String, Double> row = new LinkedHashMap<>();
          row.put("t_min", (System.nanoTime() - start) / 60e9);
          row.put("srv_cpu", window.serverCpu());
          row.put("har_cpu", window.harnessCpu());
          row.put("other", window.other());
          int oldChat = chat.next();
          int oldBatches = batches.next();
          int oldSnaps = snaps.next();
          row.put("load1", Double.parseDouble(Harness.loadAverage().split(" ")[0]));
          row.put("pages", (double) churn.live());
          row.put("rss_mb", server.rssKb() / 1024.0);
          row.put("fds", (double) fds(server));
          row.put("threads", (double) threads(server));
          row.putAll(gauges(http, server.port));
          double status = row.remove("http_status");
          if (status == 401 || status == 404) {
            // another run's server on this port (the harness counts ports up from --base-port) refuses our token
            throw new IllegalStateException("/metrics on port " + server.port + " answered " + (int) status + ": is"
                + " this gateway ours? (another harness on the same ports: pass --base-port)");
          }
          long[] chatLost = {0};
          long[] cbLost = {0};
          long[] snapLost = {0};
          Histogram chatHist = chat.close(oldChat, chatLost);
          Histogram cbHist = batches.close(oldBatches, cbLost);
          Histogram snapHist = snaps.close(oldSnaps, snapLost);
          row.put("heap_mb", liveHeapMb(server));
          // the next window starts after the forced GC; what was sent during it counts for delivery only
          int gapChat = chat.next();
          int gapBatches = batches.next();
          int gapSnaps = snaps.next();
          window = new CpuWindow(opt, server);
          chat.close(gapChat, chatLost);
          batches.close(gapBatches, cbLost);
          snaps.close(gapSnaps, snapLost);
          row.put("chat_n", (double) chatHist.getTotalCount());
          row.put("chat_p99", p99(chatHist));
          row.put("chat_lost", (double) chatLost[0]);
          row.put("cb_n", (double) cbHist.getTotalCount());
          row.put("cb_p99", p99(cbHist));
          row.put("cb_lost", (double) (cbLost[0] + snapLost[0]));
          row.put("snap_n", (double) snapHist.getTotalCount());
          row.put("snap_max", snapHist.getTotalCount() == 0 ? Double.NaN : ms(snapHist.getMaxValue()));
          churn.sample(row);
          row.put("errors", (double) (meter.errors.get() - mark.errors()));
          row.put("closes", (double) (meter.unexpectedCloses.get() - mark.closes() + cbCloses.get() - closes0));
          mark = h.errorMark();
          closes0 = cbCloses.get();
          rows.add(row);
          Files.writeString(csv, csvLine(row), StandardOpenOption.APPEND);
          sayRow(row);
        }
      } finally {
        stopping = true; // before the pages and the server go: their closes are not the server's doing
        if (churner != null) {
          churner.interrupt();
          churner.join(60_000);
        }
        timers.forEach(h.vertx::cancelTimer);
      }
    } finally {
      http.close();
      report.append(table(g, pages, pairs, churnPerS, sampleMs, rows, csv)); // Main says it and writes summary.md
    }
  }

  interface SetUp<T> {
    T get() throws Exception;
  }

  /**
   * A set-up step, tried up to 5 times 5 s apart: right after thousands of pages connected on a loaded machine, the
   * gateway's REST calls can answer 503 ("the service did not answer in time").
   */
  private <T> T retried(String what, SetUp<T> step) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return step.get();
      } catch (Exception e) {
        if (attempt == 5) {
          throw e;
        }
        h.say("    (" + what + " failed, again in 5 s: " + e.getMessage() + ")");
        Server.sleep(5000);
      }
    }
  }

  private void sayRow(Map<String, Double> row) {
    h.say(String.format(Locale.ROOT, "  [%5.1f min] heap %.1f MB, RSS %.0f MB, fds %.0f, pages %.0f/%.0f sessions,"
            + " subs %.0f, co-browses %.0f, CPU %.1f%%, chat p99 %.1f ms (lost %.0f), co-browse p99 %.1f ms"
            + " (lost %.0f), churned %.0f, errors %.0f, closes %.0f, load %s", row.get("t_min"), row.get("heap_mb"),
        row.get("rss_mb"), row.get("fds"), row.get("sc_pages_connected"), row.get("sc_page_sessions"),
        row.get("sc_subscriptions"), row.get("sc_cobrowse_sessions"), row.get("srv_cpu"), row.get("chat_p99"),
        row.get("chat_lost"), row.get("cb_p99"), row.get("cb_lost"), row.get("churned"), row.get("errors"),
        row.get("closes"), Harness.loadAverage()));
  }

  /** Chat: {@code pairs} pairs (pages 2p and 2p+1), one message a second per pair, sides taking turns. */
  private long chat(Session s, int pairs, Stream chat) {
    Wire wire = s.target.wire();
    long start = System.nanoTime();
    long[] sent = {0};
    return h.vertx.setPeriodic(10, id -> h.pagesCtx.runOnContext(v -> {
      if (pairs == 0) {
        return;
      }
      long due = (long) Math.floor((System.nanoTime() - start) / 1e9 * pairs) + 1;
      while (sent[0] < due) {
        long slot = sent[0]++;
        int pair = (int) (slot % pairs);
        boolean fromB = ((slot / pairs) & 1) == 1;
        int k = chat.k;
        wire.publish(s.pages[2 * pair + (fromB ? 1 : 0)], Wire.pairTopic(pair, !fromB), Meter.payload(k, slot));
        chat.sent.incrementAndGet(k);
      }
    }));
  }

  /**
   * Co-browse: every 50 ms a recorder batch per session (0.4–1.2 KB of DOM additions and the mouse positions of the
   * last 50 ms: about 20 KB/s), except when the session sends a 300 KB snapshot: session i at i/S of the first
   * minute (the start snapshot), then every {@link #RESYNC_EVERY_MS}.
   */
  private long cobrowse(CobrowseScenario cb, List<CobrowseScenario.Pair> sessions, Stream batches, Stream snaps) {
    int n = sessions.size();
    long[] tick = {0};
    int[] seq = new int[n];
    long[] mouse = new long[n];
    long every = RESYNC_EVERY_MS / 50;
    String topic = "~pagesession/cobrowsing/events";
    return h.vertx.setPeriodic(50, id -> h.pagesCtx.runOnContext(v -> {
      long t = tick[0]++;
      for (int i = 0; i < n; i++) {
        CobrowseScenario.Pair p = sessions.get(i);
        long offset = 1200L * i / n; // the start snapshots spread over the first minute (1,200 ticks)
        if (t >= offset && (t - offset) % every == 0) {
          int k = snaps.k;
          cb.snapshot(p, topic, ++seq[i], cb.snapshot300k, k, 0);
          snaps.sent.incrementAndGet(k);
        } else {
          long moves = (t + 1) * 3 / 2 - mouse[i]; // 30 moves a second
          mouse[i] += moves;
          int k = batches.k;
          p.visitor().publish(topic, cb.batch(k, p.cobrowseId(), ++seq[i], 400 + random.nextInt(800), (int) moves));
          batches.sent.incrementAndGet(k);
        }
      }
    }));
  }

  /**
   * Page churn on its own thread: every second {@code perSecond} pages (never the chat pairs') send {@code bye} and
   * close, and as many new pages connect and subscribe into their slots.
   */
  private final class Churn implements Runnable {
    private final Session s;
    private final int firstSlot;
    private final double perSecond;
    private final AtomicLong churned = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong setupMaxMs = new AtomicLong();
    private final AtomicLong missing = new AtomicLong();
    private int nextIndex;

    Churn(Session s, int firstSlot, double perSecond) {
      this.s = s;
      this.firstSlot = firstSlot;
      this.perSecond = perSecond;
      this.nextIndex = s.pageCount;
    }

    long live() {
      return s.pageCount - missing.get();
    }

    /** Puts this window's churn figures into {@code row} and starts the next window. */
    void sample(Map<String, Double> row) {
      row.put("churned", (double) churned.getAndSet(0));
      row.put("churn_failed", (double) failed.getAndSet(0));
      row.put("churn_setup_max", (double) setupMaxMs.getAndSet(0));
    }

    @Override
    public void run() {
      long start = System.nanoTime();
      long done = 0;
      Wire wire = s.target.wire();
      int span = s.pageCount - firstSlot;
      while (!stopping && span > 0) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
        long due = (long) Math.floor((System.nanoTime() - start) / 1e9 * perSecond);
        int count = (int) Math.min(due - done, span);
        if (count <= 0) {
          continue;
        }
        done = due;
        List<Integer> slots = new ArrayList<>();
        while (slots.size() < count) {
          int slot = firstSlot + random.nextInt(span);
          if (!slots.contains(slot)) {
            slots.add(slot);
          }
        }
        h.pagesCtx.runOnContext(v -> {
          for (int slot : slots) {
            Conn c = s.pages[slot];
            if (c != null) {
              c.text("{\"type\":\"send\",\"address\":\"" + c.inbound + "\",\"body\":{\"op\":\"bye\"}}");
              c.closed = true; // not an unexpected close
              c.ws.close();
              s.pages[slot] = null;
              missing.incrementAndGet();
            }
          }
        });
        long t0 = System.nanoTime();
        int first = nextIndex;
        nextIndex += count;
        try {
          List<Conn> fresh = h.connectMany(h.pagesCtx, h.pagesClient, wire, s.server.port, first, count,
              wire::pageTopics);
          setupMaxMs.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), Math::max);
          h.pagesCtx.runOnContext(v -> {
            for (int i = 0; i < fresh.size() && i < slots.size(); i++) {
              if (s.pages[slots.get(i)] == null) {
                s.pages[slots.get(i)] = fresh.get(i);
                missing.decrementAndGet();
              }
            }
          });
          churned.addAndGet(count);
        } catch (Exception e) {
          if (stopping) {
            return;
          }
          failed.addAndGet(count);
          meter.error("soak churn: " + e.getMessage());
        }
      }
    }
  }

  /** sc_* samples from the gateway's /metrics, summed over their labels, and the answer's http_status (0: none). */
  private static Map<String, Double> gauges(HttpClient http, int port) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Col c : COLS) {
      if (c.key().startsWith("sc_")) {
        out.put(c.key(), Double.NaN);
      }
    }
    out.put("http_status", 0.0);
    try {
      Buffer body = http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
              .setURI("/metrics").putHeader("Authorization", "Bearer " + METRICS_TOKEN))
          .compose(req -> req.send().compose(resp -> {
            out.put("http_status", (double) resp.statusCode());
            return resp.body();
          }))
          .await(20, TimeUnit.SECONDS);
      for (String line : body.toString().split("\n")) {
        if (line.startsWith("#")) {
          continue;
        }
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        String name = line.substring(0, brace > 0 ? brace : Math.max(0, space));
        if (out.containsKey(name) && space > 0) {
          double v = Double.parseDouble(line.substring(space + 1));
          out.merge(name, v, (a, b) -> Double.isNaN(a) ? b : a + b);
        }
      }
    } catch (Exception e) {
      // a scrape that fails (a timeout on a loaded machine) leaves the gauges NaN (shown as n/a)
    }
    return out;
  }

  /**
   * The live heap: jcmd GC.run (a full GC), then the old generation's use from jstat -gc (OU). A G1 full GC compacts
   * everything live into old regions and leaves the young generation empty; the traffic goes on meanwhile, and the
   * young generation it fills between the GC and the jstat that reads it (seconds on a loaded machine) is not live
   * heap ({@link Server#heapAfterGcKb}, for idle pages, counts it too).
   */
  private static double liveHeapMb(Server server) {
    server.jcmd("GC.run");
    String[] lines = Server.run("jstat", "-gc", String.valueOf(server.pid)).trim().split("\n");
    if (lines.length >= 2) {
      List<String> head = List.of(lines[0].trim().split("\\s+"));
      String[] vals = lines[lines.length - 1].trim().split("\\s+");
      int ou = head.indexOf("OU");
      if (ou >= 0 && ou < vals.length) {
        return Double.parseDouble(vals[ou]) / 1024.0;
      }
    }
    return Double.NaN;
  }

  private static long fds(Server server) {
    try (var list = Files.list(Path.of("/proc/" + server.pid + "/fd"))) {
      return list.count();
    } catch (IOException e) {
      return -1;
    }
  }

  private static long threads(Server server) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + server.pid + "/status"))) {
        if (line.startsWith("Threads:")) {
          return Long.parseLong(line.substring(8).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }

  private static double p99(Histogram hist) {
    return hist.getTotalCount() == 0 ? Double.NaN : ms(hist.getValueAtPercentile(99));
  }

  private static String csvLine(Map<String, Double> row) {
    List<String> cells = new ArrayList<>();
    for (Col c : COLS) {
      Double v = row.get(c.key());
      cells.add(v == null || v.isNaN() ? "" : String.format(Locale.ROOT, c.fmt(), v));
    }
    return String.join(",", cells) + "\n";
  }

  /** The markdown of one soak: settings, the table per sample, the verdicts. */
  private String table(String g, int pages, int pairs, double churnPerS, long sampleMs, List<Map<String, Double>> rows,
                       Path csv) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n## Soak, %s: %d min, %d pages, churn %.1f"
        + " pages/s, %d chat pairs at 1 msg/s, %d co-browses, a sample every %d s%n%n", g, opt.soakMinutes, pages,
        churnPerS, pairs, opt.soakCobrowses, sampleMs / 1000));
    sb.append("Per sample (every value is of the window since the previous sample, except the gauges, read at its end;"
        + " heap = the old generation after a forced full GC (G1 compacts all live objects into it); lost = not arrived within ").append(GRACE_MS / 1000).append(" s). CSV: ")
        .append(csv.getFileName()).append("\n\n|");
    COLS.forEach(c -> sb.append(' ').append(c.head()).append(" |"));
    sb.append("\n|");
    COLS.forEach(c -> sb.append("---:|"));
    sb.append('\n');
    for (Map<String, Double> row : rows) {
      sb.append('|');
      for (Col c : COLS) {
        Double v = row.get(c.key());
        sb.append(' ').append(v == null || v.isNaN() ? "n/a" : String.format(Locale.ROOT, c.fmt(), v)).append(" |");
      }
      sb.append('\n');
    }
    double[] minutes = rows.stream().mapToDouble(r -> r.get("t_min")).toArray();
    sb.append("\nVerdicts (least-squares slope over the second half of the run; flat when |slope| × the half's span"
        + " is within the tolerance):\n\n| series | tolerance | verdict |\n|---|---|---|\n");
    double end = minutes.length == 0 ? 0 : minutes[minutes.length - 1];
    double[] others = rows.stream().filter(r -> r.get("t_min") >= end / 2).mapToDouble(r -> r.get("other")).sorted()
        .toArray();
    double other = others.length == 0 ? 0 : others[others.length / 2];
    boolean noisy = other >= opt.noisyPercent;
    int notFlat = 0;
    int inconclusive = 0;
    for (Trend t : TRENDS.values()) {
      double[] values = rows.stream().mapToDouble(r -> r.getOrDefault(t.series(), Double.NaN)).toArray();
      String verdict = t.verdict(minutes, values);
      if (noisy && TIMING.contains(t.series())) {
        verdict = String.format(Locale.ROOT, "inconclusive, the machine was busy (other processes: median %.0f %% of"
            + " a core in the second half, ≥ --noisy-percent %.0f): %s", other, opt.noisyPercent, verdict);
        inconclusive++;
      } else {
        notFlat += verdict.startsWith("**NOT") ? 1 : 0;
      }
      sb.append("| ").append(t.series()).append(" | ").append(t.tolerance()).append(" | ").append(verdict)
          .append(" |\n");
    }
    long lost = Math.round(rows.stream().mapToDouble(r -> r.get("chat_lost") + r.get("cb_lost")).sum());
    long errors = Math.round(rows.stream().mapToDouble(r -> r.get("errors") + r.get("closes")
        + r.get("churn_failed")).sum());
    sb.append(String.format(Locale.ROOT, "%nOverall: %d of %d series not flat%s; %d messages lost; %d errors, server"
        + " closes and failed churn set-ups. %s%n", notFlat, TRENDS.size(),
        inconclusive > 0 ? ", " + inconclusive + " inconclusive (busy machine)" : "", lost, errors,
        !rows.isEmpty() && notFlat == 0 && lost == 0 && errors == 0 ? "PASS" : "FAIL"));
    return sb.toString();
  }
}
