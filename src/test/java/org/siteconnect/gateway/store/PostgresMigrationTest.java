package org.siteconnect.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.support.TestPostgres;

/** Needs the test PostgreSQL ({@code src/test/pg.sh}); each test migrates a new empty database. */
class PostgresMigrationTest {
  private Vertx vertx;
  private GatewayConfig.Postgres db;

  @BeforeEach
  void createDatabase() {
    TestPostgres.require();
    vertx = Vertx.vertx();
    db = TestPostgres.createDatabase(vertx);
  }

  @AfterEach
  void dropDatabase() throws Exception {
    if (vertx != null) {
      TestPostgres.dropDatabase(vertx, db);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName(
      "nodes starting together on an empty database apply each migration once, and all start")
  void concurrentMigrations() throws Exception {
    GatewayConfig.Data data = new GatewayConfig.Data("unused", db);
    List<Future<Database>> nodes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      nodes.add(Database.open(vertx, data));
    }
    Future.all(nodes).await(60, TimeUnit.SECONDS);
    Database later = Database.open(vertx, data).await(30, TimeUnit.SECONDS);

    List<String> applied = new ArrayList<>();
    for (Row row : later
        .pool()
        .query("SELECT version, name FROM schema_history ORDER BY version")
        .execute()
        .await(30, TimeUnit.SECONDS)) {
      applied.add(row.getInteger(0) + ":" + row.getString(1));
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < Migrations.FILES.size(); i++) {
      expected.add((i + 1) + ":" + Migrations.FILES.get(i));
    }
    assertEquals(expected, applied);
    nodes.forEach(n -> n.result().close());
    later.close().await(10, TimeUnit.SECONDS);
  }
}
