package org.siteconnect.gateway.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the page script told the gateway about its visitor (docs/CONTEXT.md), kept with the page session: only the
 * fields the site's {@code sites[].context} allows, each bounded in size, the pages of the session (at most
 * {@link #PAGES_KEPT}), and at most {@link #UPDATES_PER_MINUTE} updates a minute (more are dropped).
 */
final class VisitorContext {
  /** Every field a site may allow. */
  static final Set<String> FIELDS = Set.of(
      "path", "query", "title", "referrer", "device", "browser", "os", "language", "localTime");

  static final int PAGES_KEPT = 20;
  static final int UPDATES_PER_MINUTE = 30;
  static final int MAX_PATH = 512;
  static final int MAX_QUERY = 512;
  static final int MAX_TITLE = 200;
  static final int MAX_USER_AGENT = 512;

  private static final Pattern LANGUAGE =
      Pattern.compile("^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,3}$");
  private static final Pattern TIME_ZONE = Pattern.compile("^[A-Za-z][A-Za-z0-9_+/-]{0,63}$");

  private final List<String> allowed;
  /** The site's own origins: a referrer from there is the site's previous page, not where the visitor came from. */
  private final List<String> siteOrigins;

  private final JsonObject current = new JsonObject();
  private final Deque<JsonObject> pages = new ArrayDeque<>();
  private final Deque<Long> recent = new ArrayDeque<>();
  private long updatedAt;
  private long dropped;

  VisitorContext(List<String> allowed, List<String> siteOrigins) {
    this.allowed = List.copyOf(allowed);
    this.siteOrigins = List.copyOf(siteOrigins);
  }

  /** Updates refused by the rate limit so far. */
  long dropped() {
    return dropped;
  }

  /**
   * One update from the page, at {@code now}: false (nothing changes) when over the rate limit or nothing allowed.
   */
  boolean update(JsonObject page, long now) {
    if (allowed.isEmpty() || page == null) {
      return false;
    }
    while (!recent.isEmpty() && recent.peekFirst() <= now - 60_000) {
      recent.pollFirst();
    }
    if (recent.size() >= UPDATES_PER_MINUTE) {
      dropped++;
      return false;
    }
    recent.addLast(now);
    updatedAt = now;
    String path = allows("path") ? path(page.getValue("path")) : null;
    if (path != null && allows("query")) {
      String query = text(page.getValue("query"), MAX_QUERY);
      if (query != null && !query.isEmpty()) {
        path = path + (query.startsWith("?") ? "" : "?") + query;
      }
    }
    put("path", path);
    put("title", allows("title") ? text(page.getValue("title"), MAX_TITLE) : null);
    // The referrer of the page that brought the visitor: the next pages of the site have none
    // (their referrer is
    // the site itself), and that must not wipe it.
    String referrer = allows("referrer") ? origin(page.getValue("referrer")) : null;
    if (referrer != null && !siteOrigins.contains(referrer)) {
      put("referrer", referrer);
    }
    String ua = text(page.getValue("ua"), MAX_USER_AGENT); // not kept: only what is derived from it
    put("device", allows("device") && ua != null ? UserAgents.device(ua) : null);
    put("browser", allows("browser") && ua != null ? UserAgents.browser(ua) : null);
    put("os", allows("os") && ua != null ? UserAgents.os(ua) : null);
    put(
        "language",
        allows("language")
                && page.getValue("language") instanceof String l
                && LANGUAGE.matcher(l).matches()
            ? l
            : null);
    if (allows("localTime")) {
      put(
          "timeZone",
          page.getValue("timeZone") instanceof String z && TIME_ZONE.matcher(z).matches()
              ? z
              : null);
      put(
          "utcOffset",
          page.getValue("utcOffset") instanceof Number n
                  && Math.abs(n.doubleValue()) <= 14 * 60
                  && n.doubleValue() == Math.rint(n.doubleValue())
              ? n.intValue()
              : null);
    }
    if (path != null) {
      JsonObject last = pages.peekLast();
      if (last != null && path.equals(last.getString("path"))) {
        last.put("title", current.getString("title"));
      } else {
        pages.addLast(new JsonObject()
            .put("path", path)
            .put("title", current.getString("title"))
            .put("at", now));
        while (pages.size() > PAGES_KEPT) {
          pages.pollFirst();
        }
      }
    }
    return true;
  }

  /** {@code "Visitor on /pricing"}, or null when no path is known. */
  String label() {
    String path = current.getString("path");
    return path == null ? null : "Visitor on " + path;
  }

  /** What an agent serving the site reads. */
  JsonObject toJson() {
    return current
        .copy()
        .put("pages", new JsonArray(pages.stream().map(JsonObject::copy).toList()))
        .put("updatedAt", updatedAt == 0 ? null : updatedAt)
        .put("collected", new JsonArray(allowed));
  }

  private boolean allows(String field) {
    return allowed.contains(field);
  }

  private void put(String key, Object value) {
    if (value == null) {
      current.remove(key);
    } else {
      current.put(key, value);
    }
  }

  /** A string cut to {@code max} characters, control characters removed; null for anything else. */
  static String text(Object value, int max) {
    if (!(value instanceof String s)) {
      return null;
    }
    String clean = s.replaceAll("\\p{Cntrl}", " ").strip();
    return clean.length() <= max ? clean : clean.substring(0, max - 1) + "…";
  }

  /** An absolute path only: never a query string or fragment (those come only with {@code query}). */
  static String path(Object value) {
    String s = text(value, MAX_PATH + 1);
    if (s == null || !s.startsWith("/")) {
      return null;
    }
    int cut = s.length();
    for (char c : new char[] {'?', '#'}) {
      int at = s.indexOf(c);
      if (at >= 0) {
        cut = Math.min(cut, at);
      }
    }
    return text(s.substring(0, cut), MAX_PATH);
  }

  /** The origin of an http(s) URL, never its path or query; null for anything else. */
  static String origin(Object value) {
    String s = text(value, 2048);
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      URI uri = new URI(s);
      String scheme = uri.getScheme();
      if (uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
        return null;
      }
      return scheme + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }
}
