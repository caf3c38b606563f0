package org.siteconnect.gateway.cobrowse;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.siteconnect.gateway.ops.GatewayMetrics;

/**
 * The agent's marks on the visitor's page (docs/DRAWING.md): what one draw message from the agent of a live
 * co-browse may hold and how fast marks may come. A message is {@code {"s": [stroke, …]}} or {@code {"clear": true}};
 * a stroke is {@code {id, t: pen|arrow|rect, c: 0|1, p: [x, y, …]}} in the visitor's document pixels; a pen stroke
 * may come in several messages under one id (its points add up). What passes is rebuilt from the checked fields
 * only; anything else is refused whole and counted in {@code sc_cobrowse_draw_refused_total{reason}}. Bounds:
 * points per stroke, strokes started per second per co-browse (a token bucket: a burst of that many), bytes per
 * message. Used on the co-browse verticle's event loop only (not thread-safe).
 */
final class DrawGuard {
  /** {@code cobrowse.drawMaxPoints}, {@code drawStrokesPerSecond}, {@code drawMaxBytes}. */
  record Limits(int maxPoints, int strokesPerSecond, int maxBytes) {}

  /** The message to relay, or why it was refused ({@code relay} null). */
  record Verdict(JsonObject relay, String refused) {
    static Verdict of(JsonObject relay) {
      return new Verdict(relay, null);
    }
  }

  static final Set<String> TOOLS = Set.of("pen", "arrow", "rect");
  static final int COLOURS = 2;
  static final int MAX_STROKES_PER_MESSAGE = 16;
  static final double MAX_COORDINATE = 1_000_000;
  /** Stroke ids remembered per co-browse (their point counts); an older id coming back counts as a new stroke. */
  private static final int IDS_KEPT = 64;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,16}");

  private final Limits limits;
  private final GatewayMetrics metrics;
  private final Map<String, Book> books = new HashMap<>();

  DrawGuard(Limits limits, GatewayMetrics metrics) {
    this.limits = limits;
    this.metrics = metrics;
  }

  /** One co-browse's token bucket and the points each of its recent strokes has. */
  private static final class Book {
    double tokens;
    long refilled;
    final Map<String, Integer> points = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
        return size() > IDS_KEPT;
      }
    };

    Book(double tokens, long now) {
      this.tokens = tokens;
      this.refilled = now;
    }
  }

  /** Counted as refused: not the live co-browse's agent (the caller checked). */
  void notAllowed() {
    refuse("not-allowed");
  }

  /** The message to relay to the page, or why not (counted), for co-browse {@code cobrowseId} at {@code now} (ms). */
  Verdict admit(String cobrowseId, Object payload, long now) {
    if (!(payload instanceof JsonObject message)) {
      return refuse("malformed");
    }
    if (message.toBuffer().length() > limits.maxBytes()) {
      return refuse("too-big");
    }
    if (Boolean.TRUE.equals(message.getValue("clear")) && message.size() == 1) {
      return Verdict.of(new JsonObject().put("clear", true));
    }
    if (!(message.getValue("s") instanceof JsonArray strokes)
        || message.size() != 1
        || strokes.isEmpty()
        || strokes.size() > MAX_STROKES_PER_MESSAGE) {
      return refuse("malformed");
    }
    Book book = books.computeIfAbsent(cobrowseId, k -> new Book(limits.strokesPerSecond(), now));
    JsonArray clean = new JsonArray();
    Map<String, Integer> counts = new HashMap<>();
    int started = 0;
    for (Object o : strokes) {
      Optional<JsonObject> stroke = stroke(o);
      if (stroke.isEmpty()) {
        return refuse("malformed");
      }
      String id = stroke.get().getString("id");
      int points = stroke.get().getJsonArray("p").size() / 2;
      Integer before = counts.containsKey(id) ? counts.get(id) : book.points.get(id);
      if (before == null) {
        started++;
        before = 0;
      } else if (!"pen".equals(stroke.get().getString("t"))) {
        return refuse("malformed"); // only a pen stroke goes on in a later part
      }
      if (before + points > limits.maxPoints()) {
        return refuse("too-many-points");
      }
      counts.put(id, before + points);
      clean.add(stroke.get());
    }
    refill(book, now);
    if (started > book.tokens) {
      return refuse("rate-limited");
    }
    book.tokens -= started;
    book.points.putAll(counts);
    return Verdict.of(new JsonObject().put("s", clean));
  }

  /** The co-browse is over: its bucket and stroke ids go. */
  void forget(String cobrowseId) {
    books.remove(cobrowseId);
  }

  private void refill(Book book, long now) {
    long elapsed = Math.max(0, now - book.refilled);
    book.tokens = Math.min(
        limits.strokesPerSecond(), book.tokens + elapsed * limits.strokesPerSecond() / 1000.0);
    book.refilled = now;
  }

  /** A stroke rebuilt from its checked fields, or empty. */
  private static Optional<JsonObject> stroke(Object o) {
    if (!(o instanceof JsonObject s)
        || !(s.getValue("id") instanceof String id)
        || !ID.matcher(id).matches()
        || !(s.getValue("t") instanceof String tool)
        || !TOOLS.contains(tool)
        || !(s.getValue("c") instanceof Number c)
        || colour(c) < 0
        || !(s.getValue("p") instanceof JsonArray p)) {
      return Optional.empty();
    }
    int n = p.size();
    boolean shape = "pen".equals(tool) ? n >= 2 && n % 2 == 0 : n == 4;
    if (!shape) {
      return Optional.empty();
    }
    JsonArray points = new JsonArray();
    for (Object v : p) {
      if (!(v instanceof Number x)) {
        return Optional.empty();
      }
      double d = x.doubleValue();
      if (!Double.isFinite(d) || d < 0 || d > MAX_COORDINATE) {
        return Optional.empty();
      }
      points.add(Math.round(d));
    }
    return Optional.of(
        new JsonObject().put("id", id).put("t", tool).put("c", colour(c)).put("p", points));
  }

  /** A palette index 0 … COLOURS - 1, or -1. */
  private static int colour(Number c) {
    double d = c.doubleValue();
    return d >= 0 && d < COLOURS && d == Math.floor(d) ? (int) d : -1;
  }

  private Verdict refuse(String reason) {
    metrics
        .counter(
            "sc_cobrowse_draw_refused_total",
            "agent draw messages refused (not the live co-browse's agent, malformed, too big, too many points,"
                + " too many strokes a second), by reason",
            "reason",
            reason)
        .increment();
    return new Verdict(null, reason);
  }
}
