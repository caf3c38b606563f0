package org.siteconnect.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.siteconnect.gateway.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's durable database (DESIGN §9) as one {@link Pool}: PostgreSQL when {@code data.postgres} is configured
 * (clustered nodes share it), else the embedded H2 under {@code data.dir}, in PostgreSQL mode so that the stores
 * write their SQL once. Migrated (see {@link Migrations}) before it is returned.
 */
public final class Database {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  /** PostgreSQL's, and H2's, code for a unique or primary key violation. */
  private static final String UNIQUE_VIOLATION = "23505";

  private final Pool pool;
  private final Dialect dialect;

  private Database(Pool pool, Dialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
  }

  public static Future<Database> open(Vertx vertx, GatewayConfig.Data data) {
    GatewayConfig.Postgres pg = data.postgres();
    if (pg != null) {
      LOG.info("durable data on PostgreSQL [{}:{}/{}]", pg.host(), pg.port(), pg.database());
      PgConnectOptions connect = new PgConnectOptions()
          .setHost(pg.host())
          .setPort(pg.port())
          .setDatabase(pg.database())
          .setUser(pg.user())
          .setPassword(pg.password());
      Pool pool = PgBuilder.pool()
          .with(new PoolOptions().setMaxSize(pg.poolSize()))
          .connectingTo(connect)
          .using(vertx)
          .build();
      return migrated(vertx, new Database(pool, Dialect.POSTGRES));
    }
    LOG.info("durable data in the embedded database [{}]", data.dir());
    Path dir = Path.of(data.dir()).toAbsolutePath();
    return vertx
        .executeBlocking(() -> Files.createDirectories(dir))
        .compose(created -> {
          // WRITE_DELAY=0: a commit is on disk before we acknowledge what it stored. No
          // DATABASE_TO_LOWER: H2 cannot
          // open files made without it (every release before this one), and the stores' names are
          // all unquoted.
          // One connection: JDBC blocks a worker per call, and one at a time is what makes appends
          // exactly-once here.
          JDBCConnectOptions connect = new JDBCConnectOptions()
              .setJdbcUrl(
                  "jdbc:h2:file:" + dir.resolve("siteconnect")
                      + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH");
          Pool pool = JDBCPool.pool(vertx, connect, new PoolOptions().setMaxSize(1));
          return migrated(vertx, new Database(pool, Dialect.H2));
        })
        .compose(db -> vertx
            .executeBlocking(() -> {
              ownerOnly(dir);
              return db;
            })
            .onFailure(err -> db.close()));
  }

  private static Future<Database> migrated(Vertx vertx, Database db) {
    return Migrations.apply(vertx, db).map(db).onFailure(err -> db.close());
  }

  /**
   * Transcripts, audit entries and password hashes live here: the directory 0700 (what H2 creates later inside
   * it is then out of other users' reach too) and every file in it 0600, also when an older start left them wider.
   */
  static void ownerOnly(Path dir) throws IOException {
    if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
      }
    }
  }

  public Pool pool() {
    return pool;
  }

  public Dialect dialect() {
    return dialect;
  }

  /**
   * One statement on the pool; {@code sql} has PostgreSQL's {@code $1} placeholders. On the embedded database in
   * a transaction of its own: JDBCPool leaves its connection's auto-commit off once a transaction ran on it (the
   * migrations run one at start), so a plain statement stayed uncommitted until some later transaction, and a
   * kill -9 lost it.
   */
  public Future<RowSet<Row>> run(String sql, Object... args) {
    return dialect == Dialect.H2 ? inTransaction(c -> run(c, sql, args)) : run(pool, sql, args);
  }

  /** One statement on {@code client}: the pool, or the connection of a transaction. */
  public Future<RowSet<Row>> run(SqlClient client, String sql, Object... args) {
    return client.preparedQuery(sql).execute(Tuple.from(args));
  }

  public <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(work);
  }

  /** {@code "$from, $from+1, …"}: {@code count} placeholders for an IN list. */
  public static String placeholders(int from, int count) {
    return IntStream.range(from, from + count)
        .mapToObj(i -> "$" + i)
        .collect(Collectors.joining(", "));
  }

  public static <T> List<T> rows(RowSet<Row> rows, Function<Row, T> read) {
    List<T> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(read.apply(r)));
    return out;
  }

  /** Whether {@code err} is the database refusing a second row with the same key. */
  public static boolean isUniqueViolation(Throwable err) {
    return err instanceof DatabaseException e && UNIQUE_VIOLATION.equals(e.getSqlState())
        || err instanceof SQLException s && UNIQUE_VIOLATION.equals(s.getSQLState());
  }

  public Future<Void> close() {
    return pool.close();
  }
}
