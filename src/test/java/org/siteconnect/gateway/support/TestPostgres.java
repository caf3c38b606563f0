package org.siteconnect.gateway.support;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.SqlClient;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.siteconnect.gateway.config.GatewayConfig;

/**
 * The PostgreSQL that {@code src/test/pg.sh start} runs, found through its {@code SC_TEST_PG_*} exports. Tests
 * work in scratch databases they create and drop, so they never see each other's rows.
 */
public final class TestPostgres {
  private static final Map<String, String> ENV = System.getenv();

  private TestPostgres() {}

  /** Skips the calling test when no PostgreSQL is configured, except in CI, where that is a failure. */
  public static void require() {
    boolean configured = configured();
    String why =
        "no test PostgreSQL: run `eval \"$(bash src/test/pg.sh start)\"` first (SC_TEST_PG_* unset)";
    if (!configured && ENV.containsKey("CI")) {
      fail(why + "; CI runs src/test/run.sh, which must provide it");
    }
    assumeTrue(configured, why);
  }

  public static boolean configured() {
    return ENV.containsKey("SC_TEST_PG_PORT") && ENV.containsKey("SC_TEST_PG_PASSWORD");
  }

  /** A new empty database on the test server, as the gateway's config would name it. */
  public static GatewayConfig.Postgres createDatabase(Vertx vertx) {
    String name = "sc_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    run(vertx, "CREATE DATABASE " + name);
    return postgres(name);
  }

  /** {@code db} as the gateway configuration's {@code data.postgres} object. */
  public static io.vertx.core.json.JsonObject configJson(GatewayConfig.Postgres db, int poolSize) {
    return new io.vertx.core.json.JsonObject()
        .put("host", db.host())
        .put("port", db.port())
        .put("database", db.database())
        .put("user", db.user())
        .put("password", db.password())
        .put("poolSize", poolSize);
  }

  /** The gateway's {@code data.postgres} config for the database. */
  public static io.vertx.core.json.JsonObject config(GatewayConfig.Postgres db) {
    return configJson(db, db.poolSize());
  }

  /** {@code FORCE} ends an autovacuum worker in it too: the test role has pg_signal_backend (src/test/pg.sh). */
  public static void dropDatabase(Vertx vertx, GatewayConfig.Postgres db) {
    run(vertx, "DROP DATABASE IF EXISTS " + db.database() + " WITH (FORCE)");
  }

  /** Runs one statement in the given database. */
  public static void run(Vertx vertx, GatewayConfig.Postgres db, String sql) {
    SqlClient client =
        PgBuilder.client().connectingTo(connectOptions(db)).using(vertx).build();
    try {
      client.query(sql).execute().eventually(client::close).await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("test PostgreSQL did not answer within 30 s: " + sql, e);
    }
  }

  private static void run(Vertx vertx, String sql) {
    run(vertx, postgres(env("SC_TEST_PG_DB", "siteconnect")), sql);
  }

  private static GatewayConfig.Postgres postgres(String database) {
    return new GatewayConfig.Postgres(
        env("SC_TEST_PG_HOST", "127.0.0.1"),
        Integer.parseInt(env("SC_TEST_PG_PORT", "5432")),
        database,
        env("SC_TEST_PG_USER", "siteconnect"),
        ENV.get("SC_TEST_PG_PASSWORD"),
        4);
  }

  private static PgConnectOptions connectOptions(GatewayConfig.Postgres db) {
    return new PgConnectOptions()
        .setHost(db.host())
        .setPort(db.port())
        .setDatabase(db.database())
        .setUser(db.user())
        .setPassword(db.password());
  }

  private static String env(String name, String fallback) {
    return ENV.getOrDefault(name, fallback);
  }
}
