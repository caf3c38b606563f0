package org.siteconnect.gateway.webhook;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.siteconnect.gateway.topic.TopicFilter;
import org.siteconnect.gateway.topic.TopicName;

/**
 * A registered webhook: where to POST, the topic filters whose events it receives (all under
 * {@code $sites/<site>/}), the signing secret (never shown again). {@code failingSince}: the first failure since the
 * last success, null while healthy; {@code disabledAt}/{@code disabledReason}: set when it was disabled for failing.
 */
public record Hook(
    String id,
    String site,
    String url,
    List<TopicFilter> filters,
    String secret,
    boolean enabled,
    String createdBy,
    long createdAt,
    long updatedAt,
    Long failingSince,
    Long disabledAt,
    String disabledReason) {

  /** Whether an event on {@code topic} goes to this hook (a disabled hook records nothing). */
  public boolean wants(TopicName topic) {
    if (!enabled) {
      return false;
    }
    for (TopicFilter f : filters) {
      if (f.matches(topic)) {
        return true;
      }
    }
    return false;
  }

  Hook failing(Long since) {
    return new Hook(
        id,
        site,
        url,
        filters,
        secret,
        enabled,
        createdBy,
        createdAt,
        updatedAt,
        since,
        disabledAt,
        disabledReason);
  }

  Hook disabled(long at, String reason) {
    return new Hook(
        id, site, url, filters, secret, false, createdBy, createdAt, at, failingSince, at, reason);
  }

  public JsonArray filterStrings() {
    return new JsonArray(filters.stream().map(TopicFilter::value).toList());
  }

  /** What the admin API shows: everything but the secret. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("site", site)
        .put("url", url)
        .put("filters", filterStrings())
        .put("enabled", enabled)
        .put("createdBy", createdBy)
        .put("createdAt", createdAt)
        .put("updatedAt", updatedAt)
        .put("failingSince", failingSince)
        .put("disabledAt", disabledAt)
        .put("disabledReason", disabledReason);
  }
}
