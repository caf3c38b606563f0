package org.siteconnect.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.siteconnect.gateway.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The database clustered nodes share: PostgreSQL through vertx-pg-client's pool (non-blocking, no worker).
 * Schema migrations are SQL files in {@code db/pg/} on the classpath. Nodes may start together, so migrating runs
 * in one transaction holding an advisory lock: the first node applies what is missing, the others wait on the lock
 * and then find the schema current.
 */
public final class PgDatabase {
  private static final Logger LOG = LoggerFactory.getLogger(PgDatabase.class);
  /** Applied in this order; never edit one that has shipped, add the next. */
  static final List<String> MIGRATIONS = List.of("V1__schema.sql", "V2__agent_must_change_password.sql");
  // Every advisory-lock key the gateway uses is here, so none collide. (The bigint and int-pair spaces are apart.)
  /** Key of the advisory lock taken while migrating (the single-bigint key space). */
  static final long MIGRATION_LOCK = 0x5C_0000_0001L;
  /** First key of the two-int advisory locks that serialize appends to one chat (see PgChatStore). */
  public static final int CHAT_APPEND_LOCKS = 0x5C_0002;

  private final Pool pool;

  private PgDatabase(Pool pool) {
    this.pool = pool;
  }

  public static Future<PgDatabase> open(Vertx vertx, GatewayConfig.Postgres config) {
    PgConnectOptions connect = new PgConnectOptions().setHost(config.host()).setPort(config.port())
        .setDatabase(config.database()).setUser(config.user()).setPassword(config.password());
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(config.poolSize())).connectingTo(connect)
        .using(vertx).build();
    return vertx.executeBlocking(PgDatabase::readMigrations)
        .compose(scripts -> pool.withTransaction(conn -> migrate(conn, scripts)))
        .onSuccess(applied -> applied.forEach(name -> LOG.info("database migration applied [{}]", name)))
        .<PgDatabase>map(applied -> new PgDatabase(pool))
        .onFailure(err -> pool.close());
  }

  public Pool pool() {
    return pool;
  }

  public Future<Void> close() {
    return pool.close();
  }

  /** Applies the missing migrations on {@code conn}, inside its transaction; returns their names. */
  private static Future<List<String>> migrate(SqlConnection conn, List<String> scripts) {
    return conn.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(MIGRATION_LOCK))
        .compose(locked -> conn.query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
            + "name VARCHAR(200) NOT NULL, applied_at TIMESTAMPTZ DEFAULT now())").execute())
        .compose(created -> conn.query("SELECT COALESCE(MAX(version), 0) FROM schema_version").execute())
        .compose(rows -> {
          int current = rows.iterator().next().getInteger(0);
          List<String> applied = new ArrayList<>();
          Future<Void> chain = Future.succeededFuture();
          for (int i = current; i < scripts.size(); i++) {
            int version = i + 1;
            String name = MIGRATIONS.get(i);
            String sql = scripts.get(i);
            // A script holds several statements: the simple query protocol runs them all, in this transaction.
            chain = chain.compose(v -> conn.query(sql).execute())
                .compose(done -> conn.preparedQuery("INSERT INTO schema_version (version, name) VALUES ($1, $2)")
                    .execute(Tuple.of(version, name)))
                .map(inserted -> {
                  applied.add(name);
                  return null;
                });
          }
          return chain.map(applied);
        });
  }

  private static List<String> readMigrations() throws IOException {
    List<String> scripts = new ArrayList<>();
    for (String name : MIGRATIONS) {
      try (InputStream in = PgDatabase.class.getResourceAsStream("/db/pg/" + name)) {
        if (in == null) {
          throw new IOException("missing migration /db/pg/" + name);
        }
        scripts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return scripts;
  }
}
