package org.siteconnect.gateway.transcript;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Coalesces left-message notices per site: the first message of a quiet site is notified at once and opens a
 * window; those left while it is open wait for its end and go in one notice (listing at most {@link #MAX_LISTED},
 * counting the rest). A window that ends with nothing held closes. Not thread-safe: owned by one verticle.
 */
final class LeftNotices {
  static final int MAX_LISTED = 20;

  /** What one window gathered: the messages to list and how many more there were. */
  record Held(List<JsonObject> listed, int more) {
    int total() {
      return listed.size() + more;
    }
  }

  private final Map<String, List<JsonObject>> listed = new HashMap<>();
  private final Map<String, Integer> more = new HashMap<>();

  /** True when {@code left} is to be notified now (its site had no open window; one opens now). */
  boolean offer(String site, JsonObject left) {
    List<JsonObject> held = listed.get(site);
    if (held == null) {
      listed.put(site, new ArrayList<>());
      return true;
    }
    if (held.size() < MAX_LISTED) {
      held.add(left);
    } else {
      more.merge(site, 1, Integer::sum);
    }
    return false;
  }

  /**
   * The site's window ended: what it held, and a new window opens for the next ones; null when it held nothing
   * (the window closes and the next message is notified at once).
   */
  Held windowEnded(String site) {
    List<JsonObject> held = listed.get(site);
    if (held == null || held.isEmpty()) {
      listed.remove(site);
      return null;
    }
    listed.put(site, new ArrayList<>());
    Integer extra = more.remove(site);
    return new Held(held, extra == null ? 0 : extra);
  }
}
