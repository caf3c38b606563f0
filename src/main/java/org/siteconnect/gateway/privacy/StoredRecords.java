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
      "chat WHERE id IN",
      "ORDER BY created_at, id",
      Visitor::chatIds,
      List.of(
          text("id"),
          text("site"),
          text("button"),
          text("state"),
          number("created_at"),
          number("accepted_at"),
          number("ended_at"),
          text("ended_by"),
          integer("rating"),
          text("agent_login", "agent"),
          text("agent_name"),
          text("visitor_token"),
          text("visitor_id")),
      "DELETE FROM chat WHERE id IN");

  /** Every line of those chats: the visitor's, the agents' and the system's. */
  static final VisitorRecords MESSAGES = new Rows(
      "messages",
      "chat_message WHERE chat_id IN",
      "ORDER BY chat_id, seq",
      Visitor::chatIds,
      List.of(
          text("chat_id"),
          number("seq"),
          text("sender", "from"),
          text("name"),
          text("text"),
          number("at")),
      "DELETE FROM chat_message WHERE chat_id IN");

  /** Notes agents wrote when they transferred those chats (V6__tools.sql): they may describe the visitor. */
  static final VisitorRecords TRANSFERS = new Rows(
      "transfers",
      "chat_transfer WHERE chat_id IN",
      "ORDER BY chat_id, at",
      Visitor::chatIds,
      List.of(
          text("chat_id"),
          number("at"),
          text("from_login", "from"),
          text("to_login", "to"),
          text("to_button"),
          text("note")),
      "DELETE FROM chat_transfer WHERE chat_id IN");

  /** Messages left while nobody served the button: name, contact and text as the visitor typed them. */
  static final VisitorRecords LEFT_MESSAGES = new Rows(
      "leftMessages",
      "left_message WHERE id IN",
      "ORDER BY at, id",
      Visitor::leftMessageIds,
      List.of(
          text("id"),
          text("site"),
          text("button"),
          text("name"),
          text("contact"),
          text("text"),
          number("at")),
      "DELETE FROM left_message WHERE id IN");

  /**
   * Files sent in those chats (docs/ATTACHMENTS.md), both ways: the export lists them (name, sniffed type, size,
   * sender, time; the bytes are downloaded from the chat), erasure deletes them with their bytes.
   */
  static final VisitorRecords ATTACHMENTS = new Rows(
      "attachments",
      "attachment WHERE chat_id IN",
      "ORDER BY chat_id, at, id",
      Visitor::chatIds,
      List.of(
          text("id"),
          text("chat_id"),
          text("sender", "from"),
          text("name"),
          text("type"),
          number("size"),
          number("at")),
      "DELETE FROM attachment WHERE chat_id IN");

  /**
   * Audit entries naming the visitor's chats ({@code chat <id>}). Erasure keeps the event (who accepted or ended a
   * chat, when) and replaces the chat id, the one field that leads back to the visitor.
   */
  static final VisitorRecords AUDIT_ENTRIES = new Rows(
      "auditEntries",
      "audit WHERE target IN",
      "ORDER BY id",
      v -> v.chatIds().stream().map(id -> "chat " + id).toList(),
      List.of(
          number("id"),
          number("at"),
          text("actor"),
          text("action"),
          text("target"),
          text("detail"),
          text("address")),
      "UPDATE audit SET target = '" + ERASED_TARGET + "' WHERE target IN");

  static final List<VisitorRecords> KINDS =
      List.of(CHATS, MESSAGES, ATTACHMENTS, LEFT_MESSAGES, AUDIT_ENTRIES, TRANSFERS);

  private StoredRecords() {}

  /** How a column reads from a row. */
  private enum ColumnType {
    TEXT,
    NUMBER,
    INTEGER
  }

  /** One exported column and the field it becomes ({@code created_at} → {@code createdAt} unless named). */
  private record Column(String name, String field, ColumnType type) {
    void copy(Row row, int index, JsonObject into) {
      into.put(
          field,
          switch (type) {
            case TEXT -> row.getString(index);
            case NUMBER -> row.getLong(index);
            case INTEGER -> row.getInteger(index);
          });
    }
  }

  private static Column text(String name) {
    return text(name, camelCase(name));
  }

  private static Column text(String name, String field) {
    return new Column(name, field, ColumnType.TEXT);
  }

  private static Column number(String name) {
    return new Column(name, camelCase(name), ColumnType.NUMBER);
  }

  private static Column integer(String name) {
    return new Column(name, camelCase(name), ColumnType.INTEGER);
  }

  static String camelCase(String column) {
    StringBuilder field = new StringBuilder(column.length());
    boolean upper = false;
    for (char c : column.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        field.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return field.toString();
  }

  /**
   * A kind kept in one table and keyed by a set of the visitor's ids: {@code SELECT columns FROM tableWhereIn (ids)
   * orderBy LIMIT n} to export, {@code erase … IN (ids)} (a DELETE, or an UPDATE that anonymises) to erase.
   */
  private record Rows(
      String kind,
      String tableWhereIn,
      String orderBy,
      Function<Visitor, Collection<String>> keys,
      List<Column> columns,
      String eraseWhereIn)
      implements VisitorRecords {
    private JsonObject read(Row row) {
      JsonObject record = new JsonObject();
      for (int i = 0; i < columns.size(); i++) {
        columns.get(i).copy(row, i, record);
      }
      return record;
    }

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
              "SELECT " + String.join(", ", columns.stream().map(Column::name).toList())
                  + " FROM " + tableWhereIn + " (" + Database.placeholders(1, ids.size()) + ") "
                  + orderBy
                  + " LIMIT $" + args.size(),
              args)
          .map(rows -> Database.rows(rows, this::read));
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
