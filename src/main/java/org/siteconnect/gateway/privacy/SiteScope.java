package org.siteconnect.gateway.privacy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.siteconnect.gateway.store.Database;

/**
 * The sites whose visitors an admin may export and erase: the sites of its buttons, the rule transcripts, webhooks
 * and canned responses follow. An admin that serves every configured site ({@code everySite}, like the first
 * admin) is not limited at all: it also reaches rows of a site no longer configured and, by chat id, lines whose
 * chat row is already gone — rows no site-bound admin could ever reach, which would otherwise outlive every
 * erasure.
 */
public record SiteScope(Set<String> sites, boolean everySite) {
  public SiteScope {
    sites = Set.copyOf(sites);
  }

  /** From a request's {@code sites} and {@code everySite}; none given is no site (fail closed). */
  public static SiteScope of(JsonObject request) {
    JsonArray sites = request.getJsonArray("sites", new JsonArray());
    Set<String> names = Set.copyOf(sites.stream().map(String::valueOf).toList());
    return new SiteScope(names, request.getBoolean("everySite", false));
  }

  /** For a request to the privacy service. */
  public JsonObject into(JsonObject request) {
    return request.put("sites", new JsonArray(List.copyOf(sites))).put("everySite", everySite);
  }

  /**
   * The SQL condition {@code column IN ($from, …)} that keeps rows of these sites: {@code 1 = 1} when every site
   * is in scope, {@code 1 = 0} when none is. Its values are {@link #args()}.
   */
  String condition(String column, int from) {
    if (everySite) {
      return "1 = 1";
    }
    if (sites.isEmpty()) {
      return "1 = 0";
    }
    return column + " IN (" + Database.placeholders(from, sites.size()) + ")";
  }

  /** {@link #condition} to append to a WHERE clause (nothing when every site is in scope). */
  String and(String column, int from) {
    return everySite ? "" : " AND " + condition(column, from);
  }

  /** The values of {@link #and}'s placeholders, in their order. */
  List<Object> args() {
    return everySite ? List.of() : new ArrayList<>(sites);
  }
}
