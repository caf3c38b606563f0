package org.siteconnect.gateway.chat;

import io.vertx.core.json.JsonObject;

/** One stored chat line: {@code seq} is the server's order, {@code cid} the sender's id for de-duplication. */
public record ChatMessage(
    String chatId, long seq, String cid, String sender, String name, String text, long at) {
  public static final String VISITOR = "visitor";
  public static final String AGENT = "agent";
  public static final String SYSTEM = "system";

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("chat_id", chatId)
        .put("seq", seq)
        .put("cid", cid)
        .put("from", sender)
        .put("name", name)
        .put("text", text)
        .put("at", at);
    return SYSTEM.equals(sender) ? withCode(json) : json;
  }

  /**
   * A system line's code and parameters, so that a client may say it in the visitor's language (issue 20); the
   * kind of line is the prefix of its server-made {@code cid}: joined-, transferred-, requeued-.
   */
  private JsonObject withCode(JsonObject json) {
    String code = cid == null || cid.indexOf('-') < 0 ? null : cid.substring(0, cid.indexOf('-'));
    if (code != null && java.util.Set.of("joined", "transferred", "requeued").contains(code)) {
      json.put("code", code).put("params", new JsonObject().put("name", name));
    }
    return json;
  }
}
