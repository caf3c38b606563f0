package org.siteconnect.gateway.chat;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.bus.ServiceHandlers;

/**
 * A chat's side of the visitor context (docs/CONTEXT.md): its page session (for the API to look the context up;
 * never passed on to agents) and the chats before it on buttons the agent serves: those of the same visitor id on the
 * site where the site keeps one (sites[].rememberVisitorDays), else those of the same page session (the visitor token
 * is one per chat, and the gateway sets no cookie).
 */
final class VisitorChats {
  /** Chats before listed at most. */
  static final int BEFORE_KEPT = 20;

  private VisitorChats() {}

  /** {@code {chat_id, buttons}} → {@code {sid, site, button, chatsBefore}}, for a chat on one of the buttons. */
  static void context(ChatStore store, Message<JsonObject> m) {
    JsonArray buttons = m.body().getJsonArray("buttons", new JsonArray());
    ServiceHandlers.reply(m, store.chat(m.body().getString("chat_id", "")).compose(chat -> {
      if (chat.isEmpty()
          || !buttons.contains(chat.get().site() + "/" + chat.get().button())) {
        return Future.failedFuture(
            ServiceError.notFound("no chat with this id among your buttons"));
      }
      ChatRecord c = chat.get();
      // the same visitor id on the site (sites[].rememberVisitorDays), else the same page session
      Future<java.util.List<ChatRecord>> before = store
          .visitorOf(c.id())
          .compose(visitor -> visitor != null
              ? store.ofVisitor(c.site(), visitor, c.createdAt(), BEFORE_KEPT)
              : c.sessionId() == null
                  ? Future.succeededFuture(java.util.List.of())
                  : store.ofSession(c.sessionId(), c.createdAt(), BEFORE_KEPT));
      return before.map(list -> new JsonObject()
          .put("sid", c.sessionId())
          .put("site", c.site())
          .put("button", c.button())
          .put(
              "chatsBefore",
              new JsonArray(list.stream()
                  // least privilege: earlier chats on buttons the agent does not serve stay hidden
                  .filter(b -> buttons.contains(b.site() + "/" + b.button()))
                  .map(b -> new JsonObject()
                      .put("id", b.id())
                      .put("createdAt", b.createdAt())
                      .put("agentName", b.agentName())
                      .put("state", b.state())
                      .put("button", b.button()))
                  .toList())));
    }));
  }
}
