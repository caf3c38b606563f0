package org.siteconnect.gateway.cobrowse;

import io.vertx.core.json.JsonObject;

/** One co-browse: who watches which page session, and where it stands. */
record Cobrowse(
    String id,
    String sessionId,
    String site,
    String agentLogin,
    String agentName,
    String state,
    long startedAt) {
  static final String CONSENT = "waiting-consent";
  static final String ACTIVE = "active";
  static final String DECLINED = "declined";
  static final String ENDED = "ended";

  Cobrowse withState(String next) {
    return new Cobrowse(id, sessionId, site, agentLogin, agentName, next, startedAt);
  }

  /** What the agent sees: never the page session id. */
  JsonObject toJson() {
    return new JsonObject()
        .put("cobrowse_id", id)
        .put("site", site)
        .put("agent", agentLogin)
        .put("state", state)
        .put("startedAt", startedAt);
  }

  /** Everything, the session id included: the cluster map's value, read by a new leader. */
  JsonObject toStored() {
    return new JsonObject()
        .put("id", id)
        .put("sid", sessionId)
        .put("site", site)
        .put("login", agentLogin)
        .put("name", agentName)
        .put("state", state)
        .put("startedAt", startedAt);
  }

  static Cobrowse fromStored(JsonObject j) {
    return new Cobrowse(
        j.getString("id"),
        j.getString("sid"),
        j.getString("site"),
        j.getString("login"),
        j.getString("name"),
        j.getString("state"),
        j.getLong("startedAt", 0L));
  }
}
