package org.siteconnect.loadtest;

import static org.siteconnect.loadtest.Harness.ms;

import io.vertx.core.Promise;
import org.HdrHistogram.Histogram;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Chat 1:1: N/2 pairs of pages at one message a second each, with its warm-up and its retries on a busy machine. */
record ChatScenario(Harness h) {
  /** How many 2 s rounds in a row must be that quiet. */
  static final int QUIET_ROUNDS = 3;

  /**
   * Chat at the measured rate, not recorded, in 2 s rounds until the JIT compiler threads used less than
   * {@code --chat-warmup-jit-percent} (1) of a core in each of {@link #QUIET_ROUNDS} rounds in a row (at most {@code
   * --chat-warmup-ms}). The chat path is code the fan-out warm-up never ran (in the cluster also the forwarding
   * between the nodes): per-thread CPU of a 2 s warm-up showed the C2 compiler threads of both nodes taking most of
   * the shared core during the measured chat; and with one quiet round (under 5 %) as the end, a cluster's measured
   * chat still had the JIT compiling its hot path (RelayFrameScan, the forward codec: level 4 while measured,
   * -XX:+PrintCompilation) at 10 % of the core, since at 500 messages a second the C2 thresholds take 20–30 s.
   */
  void warmUp(Session s, boolean partners) {
    Options opt = h.opt;
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(opt.chatWarmupMs);
    double cpu;
    double jit;
    int rounds = 0;
    int quiet = 0;
    do {
      CpuWindow w = new CpuWindow(opt, s.server);
      chat(s, 2000, h.meter.open(), partners);
      cpu = w.serverCpu();
      jit = w.compilerCpu();
      rounds++;
      quiet = jit < opt.chatWarmupJitPercent ? quiet + 1 : 0;
    } while (quiet < QUIET_ROUNDS && System.nanoTime() < until);
    h.say(String.format(Locale.ROOT, "  chat warm-up: %d rounds of 2 s%s; in the last, server CPU %.0f%%, of it JIT"
        + " compiler threads %.1f%%", rounds, quiet < QUIET_ROUNDS ? " (JIT not yet quiet: --chat-warmup-ms ended it)"
        : "", cpu, jit));
  }

  /**
   * Measures chat for {@code --chat-ms}, again (twice at most) while other processes disturb it, and keeps the
   * quietest run: stores {@code prefix}chat_other, _p50, _p99 and _max, and with {@code cpuOfQuietest} also that run's
   * _lost, _srv (server CPU) and _jit (of it the JIT compiler threads). {@code beforeEach} runs before each attempt's
   * quiet gate.
   */
  Histogram measure(Session s, boolean partners, String prefix, boolean cpuOfQuietest, Runnable beforeEach) {
    Options opt = h.opt;
    String t = s.target.name();
    int n = s.pageCount;
    Histogram chat = null;
    double chatOther = Double.MAX_VALUE;
    for (int attempt = 0; attempt < 3; attempt++) {
      beforeEach.run();
      Quiet.gate(h, s.server);
      CpuWindow w = new CpuWindow(opt, s.server);
      h.meter.clearTrace();
      long t0 = System.nanoTime();
      Histogram hist = chat(s, opt.chatMs, h.meter.open(), partners);
      writeTrace(prefix + "chat-" + t + "-" + n + "-" + attempt, t0);
      double other = w.other();
      double srv = w.serverCpu();
      double jit = w.compilerCpu();
      if (other < chatOther) {
        chatOther = other;
        chat = hist;
        if (cpuOfQuietest) {
          h.results.put(t, n, prefix + "chat_lost", h.results.get(t, n, "chat_lost"));
          h.results.put(t, n, prefix + "chat_srv", srv);
          h.results.put(t, n, prefix + "chat_jit", jit);
        }
      }
      if (other < opt.noisyPercent) {
        break;
      }
      h.say(String.format(Locale.ROOT, "    (chat: other processes used %.0f%% of a core meanwhile: again)", other));
    }
    h.results.put(t, n, prefix + "chat_other", chatOther);
    h.results.put(t, n, prefix + "chat_p50", ms(chat.getValueAtPercentile(50)));
    h.results.put(t, n, prefix + "chat_p99", ms(chat.getValueAtPercentile(99)));
    h.results.put(t, n, prefix + "chat_max", ms(chat.getMaxValue()));
    return chat;
  }

  /** LT_TRACE: every message of the measured chat (when it was sent, how long it took), to see when the tail was. */
  private void writeTrace(String name, long t0) {
    try {
      h.meter.writeTrace(name, t0, "chat 1:1");
    } catch (java.io.IOException e) {
      h.say("  (chat trace not written: " + e.getMessage() + ")");
    }
  }

  /**
   * Chat 1:1, N/2 pairs at one message a second each. Side a of pair p is page 2p. Side b is page 2p+1, or with
   * {@code partners} the extra connection {@link Session#partners}[p] (phase xnode: on the publisher's node), which
   * page 2p reaches on its own topic {@link ClusterScenario#partnerTopic} (page 2p+1 keeps its subscriptions and gets
   * nothing).
   */
  Histogram chat(Session s, long ms, int k, boolean partners) {
    int pairs = s.pageCount / 2;
    int seconds = (int) Math.max(1, ms / 1000);
    long total = (long) pairs * seconds;
    Wire wire = s.target.wire();
    Promise<Long> done = Promise.promise();
    h.pagesCtx.runOnContext(v -> {
      long start = System.nanoTime();
      long[] sent = {0};
      long[] id = new long[1];
      id[0] = h.vertx.setPeriodic(2, t -> {
        double elapsed = (System.nanoTime() - start) / 1e9;
        long due = Math.min(total, (long) Math.floor(elapsed * pairs) + 1);
        while (sent[0] < due) {
          long slot = sent[0]++;
          int pair = (int) (slot % pairs);
          long round = slot / pairs;
          boolean fromB = (round & 1) == 1;
          if (partners) {
            Conn from = fromB ? s.partners[pair] : s.pages[2 * pair];
            wire.publish(from, fromB ? Wire.pairTopic(pair, false) : ClusterScenario.partnerTopic(pair),
                Meter.payload(k, slot));
          } else {
            Conn from = s.pages[2 * pair + (fromB ? 1 : 0)];
            wire.publish(from, Wire.pairTopic(pair, !fromB), Meter.payload(k, slot));
          }
        }
        if (sent[0] >= total) {
          h.vertx.cancelTimer(id[0]);
          done.complete(sent[0]);
        }
      });
    });
    long sent = done.future().await();
    h.meter.awaitCount(k, sent, 3000);
    long lost = sent - h.meter.count(k);
    h.results.put(s.target.name(), s.pageCount, "chat_lost", lost);
    return h.meter.close(k);
  }
}
