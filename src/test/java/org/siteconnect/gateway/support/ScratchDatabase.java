package org.siteconnect.gateway.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.siteconnect.gateway.config.GatewayConfig;

/**
 * A throwaway PostgreSQL database for one test (on the server of {@code src/test/pg.sh}), for the {@code Postgres…}
 * subclasses that run an H2 test class again on PostgreSQL. The test's gateway must be closed before the database
 * is dropped: {@link #drop(Vertx)} does both.
 */
public final class ScratchDatabase {
  private Vertx admin;
  private GatewayConfig.Postgres db;

  /** Creates the database (skips the test when no server is configured) and names it in {@code data}. */
  public JsonObject attach(JsonObject data) {
    return data.put("postgres", TestPostgres.config(create()));
  }

  /** As {@link #attach(JsonObject)}, with the gateway's connection pool of {@code poolSize}. */
  public JsonObject attach(JsonObject data, int poolSize) {
    return data.put("postgres", TestPostgres.configJson(create(), poolSize));
  }

  private GatewayConfig.Postgres create() {
    TestPostgres.require();
    admin = Vertx.vertx();
    db = TestPostgres.createDatabase(admin);
    return db;
  }

  /** Closes the test's gateway (when there is one) and drops the database. */
  public void drop(Vertx gateway) throws Exception {
    if (gateway != null) {
      gateway.close().await(10, TimeUnit.SECONDS);
    }
    if (admin != null) {
      TestPostgres.dropDatabase(admin, db);
      admin.close().await(10, TimeUnit.SECONDS);
      admin = null;
    }
  }
}
