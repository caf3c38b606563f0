package org.siteconnect.gateway.attachment;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.support.TestPostgres;

/** {@link AttachmentApiTest} on PostgreSQL (a scratch database on the server of {@code src/test/pg.sh}). */
class PostgresAttachmentApiTest extends AttachmentApiTest {
  private io.vertx.core.Vertx admin;
  private GatewayConfig.Postgres db;

  @Override
  protected JsonObject data(JsonObject data) {
    TestPostgres.require();
    admin = io.vertx.core.Vertx.vertx();
    db = TestPostgres.createDatabase(admin);
    return data.put("postgres", TestPostgres.config(db));
  }

  @AfterEach
  void dropDatabase() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, java.util.concurrent.TimeUnit.SECONDS);
      vertx = null;
    }
    if (admin != null) {
      TestPostgres.dropDatabase(admin, db);
      admin.close().await(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
