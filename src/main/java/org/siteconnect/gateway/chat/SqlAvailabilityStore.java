package org.siteconnect.gateway.chat;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.siteconnect.gateway.store.Database;

/**
 * Each agent's availability per chat button on the node's database, so that a restart or a crash does not switch
 * the buttons off (docs/LIFECYCLE.md): the buttons it marked available, its chat limit and until when it counts as
 * connected ({@code Long.MAX_VALUE} while a console is). Writes of one login go one after the other, the last
 * one wins.
 */
final class SqlAvailabilityStore {
  /** One agent's row. */
  record Saved(String login, Set<String> available, int maxChats, long connectedUntil) {}

  private final Database db;
  private final Map<String, Future<Void>> writing = new HashMap<>();

  SqlAvailabilityStore(Database db) {
    this.db = db;
  }

  /** The rows of agents still logged in (a login that expired meanwhile does not switch buttons on). */
  Future<List<Saved>> all(long now) {
    return db.run(
            "SELECT login, buttons, max_chats, connected_until FROM agent_availability WHERE login IN "
                + "(SELECT login FROM agent_token WHERE expires_at > $1)",
            now)
        .map(rows -> Database.rows(
            rows,
            r -> new Saved(
                r.getString(0),
                Set.copyOf(splitRefs(r.getString(1))),
                r.getInteger(2),
                r.getLong(3))));
  }

  /** The agent's row as it is now; no buttons available deletes it. */
  Future<Void> save(Saved state) {
    Future<Void> before = writing.getOrDefault(state.login(), Future.succeededFuture());
    Future<Void> next = before
        .recover(err -> Future.succeededFuture())
        .compose(v -> db.inTransaction(
            conn -> db.run(conn, "DELETE FROM agent_availability WHERE login = $1", state.login())
                .compose(deleted -> state.available().isEmpty()
                    ? Future.succeededFuture()
                    : db.run(
                        conn,
                        "INSERT INTO agent_availability (login, buttons, max_chats, connected_until) "
                            + "VALUES ($1, $2, $3, $4)",
                        state.login(),
                        String.join(",", state.available().stream().sorted().toList()),
                        state.maxChats(),
                        state.connectedUntil()))
                .mapEmpty()));
    writing.put(state.login(), next);
    next.onComplete(ar -> writing.remove(state.login(), next));
    return next;
  }

  private static List<String> splitRefs(String csv) {
    return csv == null || csv.isEmpty() ? List.of() : List.of(csv.split(","));
  }
}
