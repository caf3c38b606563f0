package org.siteconnect.gateway.transcript;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.siteconnect.gateway.chat.ChatMessage;
import org.siteconnect.gateway.chat.ChatRecord;
import org.siteconnect.gateway.chat.SqlChatStore;
import org.siteconnect.gateway.store.Database;

/** Reads chats for transcripts: pages of a date range, and a page session's latest chat. */
final class TranscriptStore {
  private static final String COLUMNS =
      "id, site, button, session_id, agent_login, agent_name, state, "
          + "created_at, accepted_at, ended_at, ended_by, rating, visitor_token";
  private final Database db;
  private final SqlChatStore chats;

  TranscriptStore(Database db) {
    this.db = db;
    this.chats = new SqlChatStore(db);
  }

  /**
   * Chats of the sites created in {@code [from, to)}, oldest first, after the cursor {@code (afterAt, afterId)},
   * at most {@code limit}.
   */
  Future<List<ChatRecord>> page(
      List<String> sites, long from, long to, long afterAt, String afterId, int limit) {
    if (sites.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Object> args = new ArrayList<>(sites);
    int n = sites.size();
    args.add(from);
    args.add(to);
    args.add(afterAt);
    args.add(afterAt);
    args.add(afterId);
    return db.run(
            "SELECT " + COLUMNS + " FROM chat WHERE site IN (" + Database.placeholders(1, n) + ")"
                + " AND created_at >= $" + (n + 1) + " AND created_at < $" + (n + 2)
                + " AND (created_at > $" + (n + 3) + " OR (created_at = $" + (n + 4)
                + " AND id > $" + (n + 5) + ")) ORDER BY created_at, id LIMIT " + limit,
            args.toArray())
        .map(rows -> Database.rows(rows, TranscriptStore::read));
  }

  /** The page session's newest chat. */
  Future<Optional<ChatRecord>> latestOfSession(String sid) {
    return db.run(
            "SELECT " + COLUMNS
                + " FROM chat WHERE session_id = $1 ORDER BY created_at DESC LIMIT 1",
            sid)
        .map(rows -> Database.rows(rows, TranscriptStore::read).stream().findFirst());
  }

  /** {@code {chat, messages}} as the chat service answers it to agents. */
  Future<JsonObject> transcript(ChatRecord chat) {
    return chats.messages(chat.id(), 0).map(list -> new JsonObject()
        .put("chat", chat.toJson())
        .put("messages", new JsonArray(list.stream().map(ChatMessage::toJson).toList())));
  }

  private static ChatRecord read(Row r) {
    return new ChatRecord(
        r.getString(0),
        r.getString(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        r.getString(6),
        r.getLong(7),
        r.getLong(8),
        r.getLong(9),
        r.getString(10),
        r.getInteger(11),
        r.getString(12));
  }
}
