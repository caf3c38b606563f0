package org.siteconnect.gateway.cobrowse;

import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * What a co-browsed page says about its tab ({@code ~pagesession/cobrowsing/tab}), cut down to what the agent's
 * co-browse view shows: which tab, its title, whether the visitor sees it. Sent on every change and every
 * {@code HEARTBEAT} while the co-browse runs, so it also tells the console that the stream is alive.
 */
final class TabReport {
  static final int MAX_TITLE = 120;
  private static final Pattern TAB_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  private TabReport() {}

  /** The report to relay, or null when the payload is not one. */
  static JsonObject clean(Object payload, long receivedAt) {
    if (!(payload instanceof JsonObject p)
        || !(p.getValue("tab") instanceof String tab)
        || !TAB_ID.matcher(tab).matches()) {
      return null;
    }
    String title = p.getValue("title") instanceof String t ? t.strip() : "";
    if (title.length() > MAX_TITLE) {
      title = title.substring(0, MAX_TITLE - 1) + "…";
    }
    return new JsonObject()
        .put("tab", tab)
        .put("title", title)
        .put("visible", Boolean.TRUE.equals(p.getValue("visible")))
        .put("focused", Boolean.TRUE.equals(p.getValue("focused")))
        .put("at", receivedAt);
  }
}
