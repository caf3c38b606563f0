package org.siteconnect.gateway.chat;

import io.vertx.core.json.JsonObject;

/**
 * What a visitor leaves when nobody serves the button. {@code sessionId} is the page session it came from (null
 * before V3): data-rights look-ups find a visitor's chats and left messages together through it; never shown.
 */
public record LeftMessage(
    String id,
    String site,
    String button,
    String name,
    String contact,
    String text,
    long at,
    String sessionId) {
  public LeftMessage(
      String id, String site, String button, String name, String contact, String text, long at) {
    this(id, site, button, name, contact, text, at, null);
  }

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
