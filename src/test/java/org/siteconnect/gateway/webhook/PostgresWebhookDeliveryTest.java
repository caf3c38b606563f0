package org.siteconnect.gateway.webhook;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.support.TestPostgres;

/** The webhook delivery tests with the outbox on PostgreSQL (the clustered database). */
class PostgresWebhookDeliveryTest extends WebhookDeliveryTest {
  private Vertx admin;
  private GatewayConfig.Postgres db;

  @BeforeEach
  void createDatabase() {
    TestPostgres.require();
    admin = Vertx.vertx();
    db = TestPostgres.createDatabase(admin);
  }

  @AfterEach
  void dropDatabase() throws Exception {
    if (admin != null) {
      if (vertx != null) {
        vertx.close().await(10, TimeUnit.SECONDS);
        vertx = null;
      }
      TestPostgres.dropDatabase(admin, db);
      admin.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Override
  JsonObject data() {
    return new JsonObject().put("postgres", TestPostgres.configJson(db, 4));
  }
}
