package org.siteconnect.gateway.session;

import io.vertx.core.Future;
import java.util.List;
import org.siteconnect.gateway.store.Database;

/**
 * Page sessions on the node's database, so that a visitor keeps its contact code across a restart or a crash
 * (docs/LIFECYCLE.md): id, site, the SHA-256 of the resume token (never the token), handle, code and start
 * time; not the client's address. A row goes when its session ends; after a restart the sessions come back
 * unheld and end {@code sessions.codeTtlSeconds} later unless their pages resume them.
 */
final class SqlSessionStore {
  private static final String COLUMNS = "id, site, resume_hash, handle, code, started_at";
  private final Database db;

  SqlSessionStore(Database db) {
    this.db = db;
  }

  /** Inserts or replaces the session's row. */
  Future<Void> save(PageSession s, long now) {
    return db.inTransaction(conn -> db.run(conn, "DELETE FROM page_session WHERE id = $1", s.id)
        .compose(v -> db.run(
            conn,
            "INSERT INTO page_session (" + COLUMNS
                + ", saved_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            s.id,
            s.siteKey,
            s.resumeHash,
            s.handle,
            s.code,
            s.startedAt,
            now))
        .mapEmpty());
  }

  Future<Void> delete(String id) {
    return db.run("DELETE FROM page_session WHERE id = $1", id).mapEmpty();
  }

  /** The newest {@code limit} sessions; older rows beyond them are deleted. */
  Future<List<PageSession>> load(int limit) {
    return db.run("SELECT " + COLUMNS + ", saved_at FROM page_session ORDER BY saved_at DESC, id")
        .compose(rows -> {
          List<PageSession> all = Database.rows(
              rows,
              r -> new PageSession(
                  r.getString(0),
                  r.getString(1),
                  null,
                  r.getString(2),
                  r.getString(3),
                  r.getString(4),
                  r.getLong(5),
                  null));
          if (all.size() <= limit) {
            return Future.succeededFuture(all);
          }
          return Future.all(
                  all.subList(limit, all.size()).stream().map(s -> delete(s.id)).toList())
              .map(v -> all.subList(0, limit));
        });
  }
}
