package org.siteconnect.gateway.chat;

import io.vertx.core.json.JsonObject;

/** A chat as stored; {@code state} is waiting, active, ended or unanswered. */
public record ChatRecord(String id, String site, String button, String sessionId, String agentLogin,
                         String agentName, String state, long createdAt, Long acceptedAt, Long endedAt,
                         String endedBy, Integer rating) {
  public static final String WAITING = "waiting";
  public static final String ACTIVE = "active";
  public static final String ENDED = "ended";

  /** The view agents get: never the page session id. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("site", site).put("button", button).put("agent", agentLogin)
        .put("agentName", agentName).put("state", state).put("createdAt", createdAt).put("acceptedAt", acceptedAt)
        .put("endedAt", endedAt).put("endedBy", endedBy).put("rating", rating);
  }
}
