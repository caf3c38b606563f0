package org.siteconnect.loadtest;

import static org.siteconnect.loadtest.Harness.ms;

import io.vertx.core.Promise;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Locale;

/**
 * Phase xnode, issue 7: the single gateway against a 2-node cluster with every delivery crossing nodes, measured the
 * same way one after the other in the same run. gateway-cluster: the publisher is on node A, all N pages on node B
 * (so every fan-out delivery crosses nodes); for chat 1:1, side b of every pair is an extra connection opened on node
 * A at the start ({@link #openPartners}), so every chat message crosses nodes and nothing is closed or reconnected
 * during the phase. The single gateway goes through the very same steps, its partners on its one node. Chat is
 * measured first (after the warm-up and once the server's own CPU has settled), then the fan-out steps. Metrics are
 * stored with the prefix x_ (table: {@link Results#xnodeTable}).
 */
record ClusterScenario(Harness h) {
  /** Side b of chat pair p subscribes to this topic only (page 2p publishes to it). */
  static String partnerTopic(int pair) {
    return "bench/xpair/" + pair;
  }

  void run(Target t, int n) throws Exception {
    Options opt = h.opt;
    ChatScenario chat = new ChatScenario(h);
    RampScenario ramp = new RampScenario(h);
    Results results = h.results;
    h.say("\n== cluster comparison (issue 7), N = " + n + ", target " + t.name() + " ==");
    h.say("  load average before: " + Harness.loadAverage());
    Server server = h.start(t, false);
    try (Session s = new Session(h, t, server, n)) {
      h.say(server.peer == null ? "  one node on :" + server.port + " (pages, chat partners and publisher)"
          : "  node A :" + server.peer.port + " (started first: the leader; the publisher and the " + n / 2
              + " chat partners), node B :" + server.port + " (the " + n + " pages); "
              + (opt.clusterBCpu == null ? "both JVMs on CPU " + opt.serverCpu
                  : "A on CPU " + opt.serverCpu + ", B on CPU " + opt.clusterBCpu));
      double setup = s.growTo(n);
      s.openControl(0);
      results.put(t.name(), n, "x_setup_per_s", n / setup);
      openPartners(s);
      Harness.ErrorMark errors = h.errorMark();

      // what the server side burns with nothing to deliver (the cluster: Hazelcast heartbeats and both nodes), once
      // the set-up's session work has drained
      Quiet.settle(h, server, t.name(), n, "x_settle");
      long c0 = server.cpuTicks();
      long i0 = System.nanoTime();
      java.util.Map<String, Long> threads = server.threadNanos();
      Server.sleep(opt.idleMs);
      double idleSeconds = (System.nanoTime() - i0) / 1e9;
      double idle = 100 * Server.ticksToSeconds(server.cpuTicks() - c0) / idleSeconds;
      new FanOutScenario(h).threads(t, threads, server.threadNanos(), idleSeconds, server.javaThreadNames());
      results.put(t.name(), n, "x_idle_cpu", idle);
      h.say(String.format(Locale.ROOT, "  idle server CPU with %d pages + %d partners: %.1f%% of a core", n, n / 2,
          idle));

      // warm-up: JIT the fan-out and chat paths (and, in the cluster, the forwarding between the nodes); not recorded
      s.warmUpFanout(Math.max(1, 20_000.0 / n), opt.warmupMs);
      chat.warmUp(s, true);

      // chat 1:1 first: side a (page 2p) on node B, side b (partner p) on node A
      Histogram c = chat.measure(s, true, "x_", true, () -> Quiet.settle(h, server, t.name(), n, "x_chat_settle"));
      h.say(String.format(Locale.ROOT, "  chat 1:1, %d pairs x 1 msg/s for %d s%s: p50 %.2f ms, p99 %.2f ms, max %.1f ms,"
              + " lost %d, server CPU %.0f%%, other processes %.0f%% of a core", n / 2, opt.chatMs / 1000,
          server.peer == null ? "" : " (side a on node B, side b on node A)", ms(c.getValueAtPercentile(50)),
          ms(c.getValueAtPercentile(99)), ms(c.getMaxValue()), (long) results.get(t.name(), n, "x_chat_lost"),
          results.get(t.name(), n, "x_chat_srv"), results.get(t.name(), n, "x_chat_other")));

      // one broadcast a second to all N pages
      new BroadcastScenario(h).run(s, opt.rounds, "x_b");

      // fan-out throughput at fixed publish rates (deliveries/s offered)
      for (int deliveries : opt.xnodeRates) {
        double rate = Math.max(0.5, (double) deliveries / n);
        RampScenario.Step st = ramp.step(s, rate);
        String p = "x_r" + deliveries + "_";
        double seconds = opt.stepMs / 1000.0;
        results.put(t.name(), n, p + "delivered", Math.min(st.received(), st.expected()) / seconds);
        results.put(t.name(), n, p + "offered", st.deliveries());
        results.put(t.name(), n, p + "lost", st.expected() - Math.min(st.received(), st.expected()));
        results.put(t.name(), n, p + "p50", st.p50());
        results.put(t.name(), n, p + "p99", st.p99());
        results.put(t.name(), n, p + "srv", st.serverCpu());
        results.put(t.name(), n, p + "other", Math.max(st.otherOnServerCore(), st.otherOnHarnessCore()));
      }

      h.reportErrorsSince(errors, t.name(), n);
      h.say("  load average after: " + Harness.loadAverage());
    }
  }

  /**
   * Opens side b of every chat pair as an extra connection (one subscription: {@link #partnerTopic}) on the
   * publisher's node: node A for gateway-cluster, the same node for the single gateway. They get no fan-out.
   */
  private void openPartners(Session s) throws Exception {
    int pairs = s.pageCount / 2;
    long t0 = System.nanoTime();
    int port = s.server.publishPort();
    List<Conn> opened = h.connectMany(h.pagesCtx, h.pagesClient, s.target.wire(), i -> port, i -> i, pairs,
        i -> List.of(partnerTopic(i)));
    Conn[] partners = new Conn[pairs];
    for (Conn c : opened) {
      partners[c.index] = c;
    }
    Promise<Void> set = Promise.promise();
    h.pagesCtx.runOnContext(v -> { // the ping timer reads the array on this loop
      s.partners = partners;
      set.complete();
    });
    set.future().await();
    h.say(String.format(Locale.ROOT, "  %d chat partners (side b of every pair) connected to :%d in %.1f s", pairs,
        port, (System.nanoTime() - t0) / 1e9));
  }
}
