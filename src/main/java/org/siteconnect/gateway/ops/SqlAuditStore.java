package org.siteconnect.gateway.ops;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.siteconnect.gateway.store.Database;

/** {@link AuditStore} on the node's database (embedded or PostgreSQL). */
public final class SqlAuditStore implements AuditStore {
  private final Database db;

  public SqlAuditStore(Database db) {
    this.db = db;
  }

  @Override
  public Future<Void> record(
      long at, String actor, String action, String target, String detail, String address) {
    return db.run(
            "INSERT INTO audit (at, actor, action, target, detail, address) VALUES ($1, $2, $3, $4, $5, $6)",
            at,
            actor,
            action,
            target,
            detail,
            address)
        .mapEmpty();
  }

  @Override
  public Future<List<AuditEntry>> query(String action, String actor, long since, int limit) {
    StringBuilder sql = new StringBuilder(
        "SELECT id, at, actor, action, target, detail, address FROM audit " + "WHERE at >= $1");
    List<Object> args = new ArrayList<>(List.of(since));
    if (action != null) {
      args.add(action);
      sql.append(" AND action = $").append(args.size());
    }
    if (actor != null) {
      args.add(actor);
      sql.append(" AND actor = $").append(args.size());
    }
    args.add(limit);
    sql.append(" ORDER BY id DESC LIMIT $").append(args.size());
    return db.run(sql.toString(), args.toArray())
        .map(rows -> Database.rows(
            rows,
            r -> new AuditEntry(
                r.getLong(0),
                r.getLong(1),
                r.getString(2),
                r.getString(3),
                r.getString(4),
                r.getString(5),
                r.getString(6))));
  }

  @Override
  public Future<Integer> purgeBefore(long cutoffMillis) {
    return db.run("DELETE FROM audit WHERE at < $1", cutoffMillis).map(rows -> rows.rowCount());
  }
}
