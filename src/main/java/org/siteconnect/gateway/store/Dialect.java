package org.siteconnect.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Where the SQL differs between the embedded H2 and PostgreSQL: locks. Everything else the stores write once, with
 * PostgreSQL's {@code $1} placeholders, which H2 in PostgreSQL mode takes too (JDBCPool passes SQL through as is).
 */
public enum Dialect {
  H2,
  POSTGRES;

  // Every advisory-lock key the gateway uses is here, so none collide. (The bigint and int-pair
  // spaces are apart.)
  /** Key of the advisory lock taken while migrating (the single-bigint key space). */
  static final long MIGRATION_LOCK = 0x5C_0000_0001L;
  /** First key of the two-int advisory locks that serialize appends to one chat. */
  public static final int CHAT_APPEND_LOCKS = 0x5C_0002;
  /** Two-int advisory lock space of data-rights exports and erasures (one key: they take turns). */
  public static final int PRIVACY_LOCKS = 0x5C_0003;

  /**
   * Holds the lock on {@code (space, key)} until the transaction on {@code conn} ends. On PostgreSQL an advisory
   * lock, so nodes sharing the database take turns. The embedded database belongs to one node and its pool has one
   * connection (see {@link Database}), so its transactions already run one at a time: nothing to take.
   */
  public Future<Void> lockUntilCommit(SqlConnection conn, int space, String key) {
    return this == H2
        ? Future.succeededFuture()
        : conn.preparedQuery("SELECT pg_advisory_xact_lock($1, hashtext($2))")
            .execute(Tuple.of(space, key))
            .mapEmpty();
  }

  /** Nodes may start together: the first to lock migrates, the others then find the schema current. */
  Future<Void> lockMigrations(SqlConnection conn) {
    return this == H2
        ? Future.succeededFuture()
        : conn.preparedQuery("SELECT pg_advisory_xact_lock($1)")
            .execute(Tuple.of(MIGRATION_LOCK))
            .mapEmpty();
  }
}
