package org.siteconnect.gateway.chat;

import io.vertx.core.json.JsonObject;

/** What a visitor leaves when nobody serves the button. */
public record LeftMessage(
    String id, String site, String button, String name, String contact, String text, long at) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("site", site)
        .put("button", button)
        .put("name", name)
        .put("contact", contact)
        .put("text", text)
        .put("at", at);
  }
}
