package org.siteconnect.gateway.privacy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.siteconnect.gateway.support.ScratchDatabase;

/** {@link PrivacySiteScopeTest} on PostgreSQL (a scratch database on the server of {@code src/test/pg.sh}). */
class PostgresPrivacySiteScopeTest extends PrivacySiteScopeTest {
  private final ScratchDatabase scratch = new ScratchDatabase();

  @Override
  protected JsonObject data(JsonObject data) {
    return scratch.attach(data);
  }

  @AfterEach
  void dropDatabase() throws Exception {
    scratch.drop(vertx);
    vertx = null;
  }
}
