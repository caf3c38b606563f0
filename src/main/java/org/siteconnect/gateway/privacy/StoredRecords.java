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

/** The kinds of visitor data the database holds today (V1 and V3 schema), in the order erasure takes them. */
final class StoredRecords {
  /** What an erased chat's audit entries name instead of it. */
  static final String ERASED_TARGET = "chat (erased)";

  static final List<VisitorRecords> KINDS =
      List.of(new Chats(), new Messages(), new LeftMessages(), new AuditEntries());

  private StoredRecords() {}

  /** The chats themselves: no page session id (never shown); the visitor token is the visitor's own. */
  static final class Chats implements VisitorRecords {
    @Override
    public String kind() {
      return "chats";
    }

    @Override
    public Future<List<JsonObject>> export(SqlConnection conn, Visitor v, int limit) {
      return select(
          conn,
          "SELECT id, site, button, state, created_at, accepted_at, ended_at, ended_by, rating, "
              + "agent_login, agent_name, visitor_token FROM chat WHERE id IN",
          v.chatIds(),
          "ORDER BY created_at, id",
          limit,
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
              .put("visitorToken", r.getString(11)));
    }

    @Override
    public Future<Integer> erase(SqlConnection conn, Visitor v) {
      return delete(conn, "DELETE FROM chat WHERE id IN", v.chatIds());
    }
  }

  /** Every line of those chats: the visitor's, the agents' and the system's. */
  static final class Messages implements VisitorRecords {
    @Override
    public String kind() {
      return "messages";
    }

    @Override
    public Future<List<JsonObject>> export(SqlConnection conn, Visitor v, int limit) {
      return select(
          conn,
          "SELECT chat_id, seq, sender, name, text, at FROM chat_message WHERE chat_id IN",
          v.chatIds(),
          "ORDER BY chat_id, seq",
          limit,
          r -> new JsonObject()
              .put("chatId", r.getString(0))
              .put("seq", r.getLong(1))
              .put("from", r.getString(2))
              .put("name", r.getString(3))
              .put("text", r.getString(4))
              .put("at", r.getLong(5)));
    }

    @Override
    public Future<Integer> erase(SqlConnection conn, Visitor v) {
      return delete(conn, "DELETE FROM chat_message WHERE chat_id IN", v.chatIds());
    }
  }

  /** Messages left while nobody served the button: name, contact and text as the visitor typed them. */
  static final class LeftMessages implements VisitorRecords {
    @Override
    public String kind() {
      return "leftMessages";
    }

    @Override
    public Future<List<JsonObject>> export(SqlConnection conn, Visitor v, int limit) {
      return select(
          conn,
          "SELECT id, site, button, name, contact, text, at FROM left_message WHERE id IN",
          v.leftMessageIds(),
          "ORDER BY at, id",
          limit,
          r -> new JsonObject()
              .put("id", r.getString(0))
              .put("site", r.getString(1))
              .put("button", r.getString(2))
              .put("name", r.getString(3))
              .put("contact", r.getString(4))
              .put("text", r.getString(5))
              .put("at", r.getLong(6)));
    }

    @Override
    public Future<Integer> erase(SqlConnection conn, Visitor v) {
      return delete(conn, "DELETE FROM left_message WHERE id IN", v.leftMessageIds());
    }
  }

  /**
   * Audit entries naming the visitor's chats ({@code chat <id>}). Erasure keeps the event (who accepted or ended a
   * chat, when) and replaces the chat id, the one field that leads back to the visitor.
   */
  static final class AuditEntries implements VisitorRecords {
    @Override
    public String kind() {
      return "auditEntries";
    }

    @Override
    public Future<List<JsonObject>> export(SqlConnection conn, Visitor v, int limit) {
      return select(
          conn,
          "SELECT id, at, actor, action, target, detail, address FROM audit WHERE target IN",
          targets(v),
          "ORDER BY id",
          limit,
          r -> new JsonObject()
              .put("id", r.getLong(0))
              .put("at", r.getLong(1))
              .put("actor", r.getString(2))
              .put("action", r.getString(3))
              .put("target", r.getString(4))
              .put("detail", r.getString(5))
              .put("address", r.getString(6)));
    }

    @Override
    public Future<Integer> erase(SqlConnection conn, Visitor v) {
      List<String> targets = targets(v);
      if (targets.isEmpty()) {
        return Future.succeededFuture(0);
      }
      List<Object> args = new ArrayList<>(targets.size() + 1);
      args.add(ERASED_TARGET);
      args.addAll(targets);
      return run(
              conn,
              "UPDATE audit SET target = $1 WHERE target IN ("
                  + Database.placeholders(2, targets.size()) + ")",
              args)
          .map(RowSet::rowCount);
    }

    private static List<String> targets(Visitor v) {
      return v.chatIds().stream().map(id -> "chat " + id).toList();
    }
  }

  // ---- SQL over IN lists (a visitor's ids are bounded by VisitorLookup's limits)

  private static <T> Future<List<T>> select(
      SqlConnection conn,
      String selectWhereIn,
      Collection<String> ids,
      String orderBy,
      int limit,
      Function<Row, T> read) {
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

  private static Future<Integer> delete(
      SqlConnection conn, String deleteWhereIn, Collection<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return run(
            conn,
            deleteWhereIn + " (" + Database.placeholders(1, ids.size()) + ")",
            new ArrayList<>(ids))
        .map(RowSet::rowCount);
  }

  static Future<RowSet<Row>> run(SqlConnection conn, String sql, List<Object> args) {
    return conn.preparedQuery(sql).execute(Tuple.from(args));
  }
}
