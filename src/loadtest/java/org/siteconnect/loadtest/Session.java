package org.siteconnect.loadtest;

import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** The harness side of one server: its connections and their ping timers, and the publisher's load. */
final class Session implements AutoCloseable {
  static final int PING_EVERY_S = 20;

  private final Harness h;
  final Target target;
  final Server server;
  final Conn[] pages;
  int pageCount;
  Conn publisher;
  final List<Conn> churn = new ArrayList<>();
  /** Phase xnode: side b of chat pair p, an extra connection on the publisher's node (node A), or null. */
  Conn[] partners;
  private final long pagePing;
  private final long ctlPing;
  private final AtomicInteger tick = new AtomicInteger();
  /** Ticks of the page ping timer per ping period: each tick pings the pages whose index is the tick's, modulo this. */
  private final int pingSlots;
  /** Pings the pages sent (their loop only writes it), for the server's CPU per ping. */
  private final java.util.concurrent.atomic.AtomicLong pingsSent = new java.util.concurrent.atomic.AtomicLong();

  Session(Harness h, Target target, Server server, int maxPages) {
    this.h = h;
    this.target = target;
    this.server = server;
    this.pages = new Conn[maxPages];
    // every page pings once per pingEveryS (--ping-every-s, default PING_EVERY_S; the frame pings every 20 s),
    // spread over the period in ticks of --ping-tick-ms: 1000 (the default) sends a burst of pages/20 pings each
    // second, 10 comes close to pages whose timers are independent (as real pages' are)
    long tickMs = h.opt.pingTickMs;
    this.pingSlots = (int) Math.max(1, h.opt.pingEveryS * 1000L / tickMs);
    pagePing = h.vertx.setPeriodic(tickMs, id -> h.pagesCtx.runOnContext(v -> {
      int t = tick.incrementAndGet() % pingSlots;
      ping(pages, pageCount, t);
      if (partners != null) {
        ping(partners, partners.length, t);
      }
    }));
    ctlPing = h.vertx.setPeriodic(PING_EVERY_S * 1000L, id -> h.ctlCtx.runOnContext(v -> {
      if (publisher != null) {
        target.wire().ping(publisher);
      }
      churn.forEach(target.wire()::ping);
    }));
  }

  /** Pings the connections {@code t}, {@code t + pingSlots}, ... below {@code count}. */
  private void ping(Conn[] conns, int count, int t) {
    int sent = 0;
    for (int i = t; i < count; i += pingSlots) {
      Conn c = conns[i];
      if (c != null && !c.closed) {
        target.wire().ping(c);
        sent++;
      }
    }
    pingsSent.addAndGet(sent);
  }

  /** The page pings sent so far. */
  long pingsSent() {
    return pingsSent.get();
  }

  /** Opens pages up to {@code n} in total (each with its five subscriptions); returns the seconds it took. */
  double growTo(int n) throws Exception {
    long t0 = System.nanoTime();
    int from = pageCount;
    List<Conn> opened = h.connectMany(h.pagesCtx, h.pagesClient, target.wire(), server.port, from, n - from,
        target.wire()::pageTopics);
    for (Conn c : opened) {
      pages[c.index] = c;
    }
    pageCount = n;
    int refused = opened.stream().mapToInt(c -> c.refused).sum();
    double s = (System.nanoTime() - t0) / 1e9;
    h.say(String.format(Locale.ROOT, "  %s: %d pages connected and subscribed (%d new in %.1f s, %.0f/s)%s",
        target.name(), n, n - from, s, (n - from) / s, refused > 0 ? ", " + refused + " subscriptions refused" : ""));
    return s;
  }

  void openControl(int churnClients) throws Exception {
    // gateway-cluster: the publisher is on node A, the pages on node B
    publisher = h.connectMany(h.ctlCtx, h.ctlClient, target.wire(), server.publishPort(), 1_000_000, 1, i -> List.of())
        .get(0);
    churn.addAll(h.connectMany(h.ctlCtx, h.ctlClient, target.wire(), server.port, 1_000_001, churnClients,
        i -> List.of()));
  }

  /** Publishes {@code rate} messages a second for {@code ms} from the control loop; returns how many it sent. */
  long publishAtRate(double rate, long ms, int k) {
    Promise<Long> done = Promise.promise();
    h.ctlCtx.runOnContext(v -> {
      long start = System.nanoTime();
      long total = Math.max(1, Math.round(rate * ms / 1000.0));
      long[] sent = {0};
      Runnable tick = () -> {
        double elapsed = (System.nanoTime() - start) / 1e9;
        long due = Math.min(total, (long) Math.floor(rate * elapsed) + 1);
        long burst = 0;
        while (sent[0] < due && burst++ < 2000) {
          target.wire().publish(publisher, Wire.FANOUT, Meter.payload(k, sent[0]));
          sent[0]++;
        }
      };
      tick.run();
      long[] id = new long[1];
      id[0] = h.vertx.setPeriodic(2, t -> {
        tick.run();
        if (sent[0] >= total) {
          h.vertx.cancelTimer(id[0]);
          done.complete(sent[0]);
        }
      });
    });
    return done.future().await();
  }

  /** Fan-out warm-up, not recorded: publishes at {@code rate} for {@code ms} and waits for the deliveries to drain. */
  void warmUpFanout(double rate, long ms) {
    int wk = h.meter.open();
    publishAtRate(rate, ms, wk);
    h.meter.awaitQuiet(wk, Long.MAX_VALUE, 3000);
    h.meter.close(wk);
  }

  @Override
  public void close() {
    h.vertx.cancelTimer(pagePing);
    h.vertx.cancelTimer(ctlPing);
    List<Conn> all = new ArrayList<>(Arrays.asList(pages).subList(0, pageCount));
    all.add(publisher);
    all.addAll(churn);
    if (partners != null) {
      all.addAll(Arrays.asList(partners));
    }
    Harness.stop(server);
    for (Conn c : all) {
      if (c != null) {
        c.closed = true;
        c.ws.close();
      }
    }
    Server.sleep(500);
  }
}
