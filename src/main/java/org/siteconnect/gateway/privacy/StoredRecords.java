package org.siteconnect.gateway.privacy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.siteconnect.gateway.store.Database;

/** The kinds of visitor data the database holds today (V1 and V3 schema), in the order exports list them. */
final class StoredRecords {
  /** What an erased chat's audit entries name instead of it. */
  static final String ERASED_TARGET = "chat (erased)";

  /** The chats themselves: no page session id (never shown); the visitor token is the visitor's own. */
  static final VisitorRecords CHATS = new Rows(
      "chats",
      "SELECT id, site, button, state, created_at, accepted_at, ended_at, ended_by, rating, "
          + "agent_login, agent_name, visitor_token, visitor_id FROM chat WHERE id IN",
      "ORDER BY created_at, id",
      Visitor::chatIds,
      r -> new JsonObject()
          .put("id", r.getString(0))
          .put("site", r.getString(1))
          .put("button", r.getString(2))
          .put("state", r.getString(3))
          .put("createdAt", r.getLong(4))
          .put("acceptedAt", r.getLong(5))
          .put("endedAt", r.getLong(6))
          .put("endedBy", r.getString(7))
          .put("rating", r.getInteger(8))
          .put("agent", r.getString(9))
          .put("agentName", r.getString(10))
          .put("visitorToken", r.getString(11))
          .put("visitorId", r.getString(12)),
      "DELETE FROM chat WHERE id IN");

  /** Every line of those chats: the visitor's, the agents' and the system's. */
  static final VisitorRecords MESSAGES = new Rows(
      "messages",
      "SELECT chat_id, seq, sender, name, text, at FROM chat_message WHERE chat_id IN",
      "ORDER BY chat_id, seq",
      Visitor::chatIds,
      r -> new JsonObject()
          .put("chatId", r.getString(0))
          .put("seq", r.getLong(1))
          .put("from", r.getString(2))
          .put("name", r.getString(3))
          .put("text", r.getString(4))
          .put("at", r.getLong(5)),
      "DELETE FROM chat_message WHERE chat_id IN");

  /** Notes agents wrote when they transferred those chats (V6__tools.sql): they may describe the visitor. */
  static final VisitorRecords TRANSFERS = new Rows(
      "transfers",
      "SELECT chat_id, at, from_login, to_login, to_button, note FROM chat_transfer WHERE chat_id IN",
      "ORDER BY chat_id, at",
      Visitor::chatIds,
      r -> new JsonObject()
          .put("chatId", r.getString(0))
          .put("at", r.getLong(1))
          .put("from", r.getString(2))
          .put("to", r.getString(3))
          .put("toButton", r.getString(4))
          .put("note", r.getString(5)),
      "DELETE FROM chat_transfer WHERE chat_id IN");

  /** Messages left while nobody served the button: name, contact and text as the visitor typed them. */
  static final VisitorRecords LEFT_MESSAGES = new Rows(
      "leftMessages",
      "SELECT id, site, button, name, contact, text, at FROM left_message WHERE id IN",
      "ORDER BY at, id",
      Visitor::leftMessageIds,
      r -> new JsonObject()
          .put("id", r.getString(0))
          .put("site", r.getString(1))
          .put("button", r.getString(2))
          .put("name", r.getString(3))
          .put("contact", r.getString(4))
          .put("text", r.getString(5))
          .put("at", r.getLong(6)),
      "DELETE FROM left_message WHERE id IN");

  /**
   * Files sent in those chats (docs/ATTACHMENTS.md), both ways: the export lists them (name, sniffed type, size,
   * sender, time; the bytes are downloaded from the chat), erasure deletes them with their bytes.
   */
  static final VisitorRecords ATTACHMENTS = new Rows(
      "attachments",
      "SELECT id, chat_id, sender, name, type, size, at FROM attachment WHERE chat_id IN",
      "ORDER BY chat_id, at, id",
      Visitor::chatIds,
      r -> new JsonObject()
          .put("id", r.getString(0))
          .put("chatId", r.getString(1))
          .put("from", r.getString(2))
          .put("name", r.getString(3))
          .put("type", r.getString(4))
          .put("size", r.getLong(5))
          .put("at", r.getLong(6)),
      "DELETE FROM attachment WHERE chat_id IN");

  /**
   * Audit entries naming the visitor's chats ({@code chat <id>}). Erasure keeps the event (who accepted or ended a
   * chat, when) and replaces the chat id, the one field that leads back to the visitor.
   */
  static final VisitorRecords AUDIT_ENTRIES = new Rows(
      "auditEntries",
      "SELECT id, at, actor, action, target, detail, address FROM audit WHERE target IN",
      "ORDER BY id",
      v -> v.chatIds().stream().map(id -> "chat " + id).toList(),
      r -> new JsonObject()
          .put("id", r.getLong(0))
          .put("at", r.getLong(1))
          .put("actor", r.getString(2))
          .put("action", r.getString(3))
          .put("target", r.getString(4))
          .put("detail", r.getString(5))
          .put("address", r.getString(6)),
      "UPDATE audit SET target = '" + ERASED_TARGET + "' WHERE target IN");

  static final List<VisitorRecords> KINDS =
      List.of(CHATS, MESSAGES, ATTACHMENTS, LEFT_MESSAGES, AUDIT_ENTRIES, TRANSFERS);

  private StoredRecords() {}

  /**
   * A kind kept in one table and keyed by a set of the visitor's ids: {@code select … IN (ids) orderBy LIMIT n} to
   * export, {@code erase … IN (ids)} (a DELETE, or an UPDATE that anonymises) to erase.
   */
  private record Rows(
      String kind,
      String selectWhereIn,
      String orderBy,
      Function<Visitor, Collection<String>> keys,
      Function<Row, JsonObject> read,
      String eraseWhereIn)
      implements VisitorRecords {
    @Override
    public Future<List<JsonObject>> export(SqlConnection conn, Visitor v, int limit) {
      Collection<String> ids = keys.apply(v);
      if (ids.isEmpty()) {
        return Future.succeededFuture(List.of());
      }
      List<Object> args = new ArrayList<>(ids);
      args.add(limit);
      return run(
              conn,
              selectWhereIn + " (" + Database.placeholders(1, ids.size()) + ") " + orderBy
                  + " LIMIT $" + args.size(),
              args)
          .map(rows -> Database.rows(rows, read));
    }

    @Override
    public Future<Integer> erase(SqlConnection conn, Visitor v) {
      Collection<String> ids = keys.apply(v);
      if (ids.isEmpty()) {
        return Future.succeededFuture(0);
      }
      return run(
              conn,
              eraseWhereIn + " (" + Database.placeholders(1, ids.size()) + ")",
              new ArrayList<>(ids))
          .map(RowSet::rowCount);
    }
  }

  static Future<RowSet<Row>> run(SqlConnection conn, String sql, List<Object> args) {
    return conn.preparedQuery(sql).execute(Tuple.from(args));
  }
}
