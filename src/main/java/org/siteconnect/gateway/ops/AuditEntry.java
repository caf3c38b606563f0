package org.siteconnect.gateway.ops;

import io.vertx.core.json.JsonObject;

/** Who did what, to what, when and from where (the address as far as {@code ops.auditAddresses} allows). */
public record AuditEntry(
    long id, long at, String actor, String action, String target, String detail, String address) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("at", at)
        .put("actor", actor)
        .put("action", action)
        .put("target", target)
        .put("detail", detail)
        .put("address", address);
  }
}
