package org.siteconnect.gateway.attachment;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.siteconnect.gateway.support.ScratchDatabase;

/** {@link AttachmentApiTest} on PostgreSQL (a scratch database on the server of {@code src/test/pg.sh}). */
class PostgresAttachmentApiTest extends AttachmentApiTest {
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
