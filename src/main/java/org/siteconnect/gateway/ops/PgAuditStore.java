package org.siteconnect.gateway.ops;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.siteconnect.gateway.store.PgDatabase;

import java.util.ArrayList;
import java.util.List;

/** {@link AuditStore} on the PostgreSQL database clustered nodes share. */
public final class PgAuditStore implements AuditStore {
  private final Pool pool;

  public PgAuditStore(PgDatabase db) {
    this.pool = db.pool();
  }

  @Override
  public Future<Void> record(long at, String actor, String action, String target, String detail, String address) {
    return pool.preparedQuery("INSERT INTO audit (at, actor, action, target, detail, address) "
            + "VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(at, actor, action, target, detail, address))
        .mapEmpty();
  }

  @Override
  public Future<List<AuditEntry>> query(String action, String actor, long since, int limit) {
    return pool.preparedQuery("SELECT id, at, actor, action, target, detail, address FROM audit WHERE at >= $1 "
            + "AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR actor = $3) ORDER BY id DESC LIMIT $4")
        .execute(Tuple.of(since, action, actor, limit))
        .map(rows -> {
          List<AuditEntry> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(new AuditEntry(r.getLong(0), r.getLong(1), r.getString(2), r.getString(3),
              r.getString(4), r.getString(5), r.getString(6))));
          return out;
        });
  }

  @Override
  public Future<Integer> purgeBefore(long cutoffMillis) {
    return pool.preparedQuery("DELETE FROM audit WHERE at < $1").execute(Tuple.of(cutoffMillis))
        .map(rows -> rows.rowCount());
  }
}
