package org.siteconnect.gateway.webhook;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.siteconnect.gateway.support.ScratchDatabase;

/** The webhook delivery tests with the outbox on PostgreSQL (the clustered database). */
class PostgresWebhookDeliveryTest extends WebhookDeliveryTest {
  private final ScratchDatabase scratch = new ScratchDatabase();
  private JsonObject data;

  /** One database per test: a test that restarts its gateway finds its outbox again. */
  @BeforeEach
  void createDatabase() {
    data = scratch.attach(new JsonObject(), 4);
  }

  @AfterEach
  void dropDatabase() throws Exception {
    scratch.drop(vertx);
    vertx = null;
  }

  @Override
  JsonObject data() {
    return data.copy();
  }
}
