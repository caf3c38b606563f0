package org.siteconnect.gateway.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The gateway's own metrics (docs/OPERATIONS.md "Metrics" lists each one), in the Prometheus registry that Vert.x's own
 * metrics also use. Thread-safe: verticles on different event loops update it.
 */
public final class GatewayMetrics {
  private final PrometheusMeterRegistry registry;
  private final Map<String, AtomicInteger> sockJsSessions = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lagNanos = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public GatewayMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public GatewayMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** A value read when scraped (connections, subscriptions, queue sizes…). */
  public void gauge(String name, String help, Supplier<Number> value, String... tags) {
    Gauge.builder(name, value).description(help).tags(tags).register(registry);
  }

  /**
   * The counter, registered on first use and then kept here: registering runs Micrometer's id building, tag
   * sorting and meter filters, and the router counts every publish and delivery (several times per co-browse
   * event). Meters are never removed from the registry, so a kept one stays the registered one.
   */
  public Counter counter(String name, String help, String... tags) {
    String key = tags.length == 0 ? name : name + '\0' + String.join("\0", tags);
    Counter known = counters.get(key);
    return known != null
        ? known
        : counters.computeIfAbsent(
            key, k -> Counter.builder(name).description(help).tags(tags).register(registry));
  }

  public Timer timer(String name, String help) {
    return Timer.builder(name).description(help).publishPercentiles(0.5, 0.99).register(registry);
  }

  // ---- the named ones, so every caller uses the same name and tags
  // -------------------------------------------

  public void sockJsOpened(String transport) {
    sockJsSessions
        .computeIfAbsent(transport, t -> {
          AtomicInteger n = new AtomicInteger();
          gauge("sc_sockjs_sessions", "open SockJS sessions by transport", n::get, "transport", t);
          return n;
        })
        .incrementAndGet();
  }

  public void sockJsClosed(String transport) {
    AtomicInteger n = sockJsSessions.get(transport);
    if (n != null) {
      n.decrementAndGet();
    }
  }

  public void bridgeRejected(String reason) {
    counter(
            "sc_bridge_rejections_total",
            "bridge frames or commands refused, by reason",
            "reason",
            reason)
        .increment();
  }

  public void messageIn(String scope) {
    counter("sc_messages_in_total", "publishes received, by topic scope", "scope", scope)
        .increment();
  }

  public void messagesOut(String scope, int recipients) {
    counter("sc_messages_out_total", "deliveries made, by topic scope", "scope", scope)
        .increment(recipients);
  }

  public void code(String result) {
    counter(
            "sc_codes_total",
            "contact codes issued, redeemed, refused or locked out",
            "result",
            result)
        .increment();
  }

  public void cobrowseBytes(long bytes) {
    counter("sc_cobrowse_relayed_bytes_total", "co-browse event bytes relayed to agents")
        .increment(bytes);
  }

  /** A fresh co-browse snapshot asked for, by why: agent (joined, reconnected), gap, error, missing-node, no-snapshot, digest. */
  public void cobrowseResync(String reason) {
    counter(
            "sc_cobrowse_resyncs_total",
            "fresh co-browse snapshots asked for by agent consoles, by reason",
            "reason",
            reason)
        .increment();
  }

  public void chatWait(Duration wait) {
    timer("sc_chat_wait_seconds", "how long chat requests waited until an agent accepted")
        .record(wait);
  }

  /** Event-loop lag: how late a periodic timer on that loop fired, the worst of the last interval. */
  public void eventLoopLag(String loop, long nanos) {
    lagNanos
        .computeIfAbsent(loop, l -> {
          AtomicLong v = new AtomicLong();
          gauge(
              "sc_event_loop_lag_seconds",
              "how late a 100 ms timer fired on this event loop",
              () -> v.get() / 1e9,
              "loop",
              l);
          return v;
        })
        .set(nanos);
  }

  /** Topic scope for metrics: session, system or global. */
  public static String scopeOf(String serverTopic) {
    if (serverTopic.startsWith("pagesession/")) {
      return "session";
    }
    return serverTopic.startsWith("$") ? "system" : "global";
  }
}
