package org.siteconnect.gateway.store;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.siteconnect.gateway.Stores;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.support.TestPostgres;

/** Needs the test PostgreSQL ({@code src/test/pg.sh}); one scratch database for the class, emptied per test. */
@DisplayName("stores on PostgreSQL")
class PostgresStoresTest extends StoreContract {
  private static Vertx admin;
  private static GatewayConfig.Postgres db;

  @BeforeAll
  static void createDatabase() {
    if (TestPostgres.configured()) {
      admin = Vertx.vertx();
      db = TestPostgres.createDatabase(admin);
    }
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    if (admin != null) {
      TestPostgres.dropDatabase(admin, db);
      admin.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Override
  protected Stores openEmpty() {
    TestPostgres.require();
    Stores stores = await(Stores.open(vertx, new GatewayConfig.Data("unused", db)));
    TestPostgres.run(vertx, db, "TRUNCATE agent, chat, chat_message, left_message, audit");
    return stores;
  }

  @Override
  protected Stores openOtherNode(Stores first) {
    return await(Stores.open(vertx, new GatewayConfig.Data("unused", db)));
  }
}
