package org.siteconnect.gateway.chat;

import io.vertx.core.json.JsonObject;

/** One stored chat line: {@code seq} is the server's order, {@code cid} the sender's id for de-duplication. */
public record ChatMessage(
    String chatId, long seq, String cid, String sender, String name, String text, long at) {
  public static final String VISITOR = "visitor";
  public static final String AGENT = "agent";
  public static final String SYSTEM = "system";

  public JsonObject toJson() {
    return new JsonObject()
        .put("chat_id", chatId)
        .put("seq", seq)
        .put("cid", cid)
        .put("from", sender)
        .put("name", name)
        .put("text", text)
        .put("at", at);
  }
}
