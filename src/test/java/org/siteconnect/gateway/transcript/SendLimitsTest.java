package org.siteconnect.gateway.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.store.Database;
import org.siteconnect.gateway.support.TestPostgres;

/**
 * Transcript e-mail limits in the database (docs/TRANSCRIPTS.md, migration V8): a concurrent burst passes exactly as
 * many times as allowed, also split between two nodes; the counts survive the limiter (a new leader or a restart
 * opens its own) and the hour and 30-day windows. On the embedded database, and on PostgreSQL when configured.
 */
class SendLimitsTest {
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "embedded database: a burst of 16 passes twice per chat; the limits hold for a new limiter")
  void embedded(@TempDir Path dir) throws Exception {
    Database db = await(Database.open(vertx, new GatewayConfig.Data(dir.toString(), null)));
    limits(db, db);
    await(db.close());
    // A restart: the same database, a new limiter.
    Database again = await(Database.open(vertx, new GatewayConfig.Data(dir.toString(), null)));
    assertEquals(
        "chat",
        await(new SendLimits(again, 2, 3, 3).take("chat-1", "sid-9", "z@example.org", 5_000)));
    await(again.close());
  }

  @Test
  @DisplayName(
      "PostgreSQL, two nodes (two pools): a burst of 16 split between them passes twice per chat")
  void postgres() throws Exception {
    TestPostgres.require();
    Vertx admin = Vertx.vertx();
    GatewayConfig.Postgres pg = TestPostgres.createDatabase(admin);
    try {
      Database one = await(Database.open(vertx, new GatewayConfig.Data("unused", pg)));
      Database two = await(Database.open(vertx, new GatewayConfig.Data("unused", pg)));
      limits(one, two);
      await(one.close());
      await(two.close());
    } finally {
      TestPostgres.dropDatabase(admin, pg);
      admin.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** The burst goes to limiters on {@code a} and {@code b} in turn (the old leader and the new one). */
  private static void limits(Database a, Database b) throws Exception {
    SendLimits before = new SendLimits(a, 2, 3, 3);
    SendLimits after = new SendLimits(b, 2, 3, 3);
    List<Future<String>> burst = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      burst.add((i % 2 == 0 ? before : after).take("chat-1", "sid-1", "Ann@Example.org", 1_000));
    }
    await(Future.join(burst));
    long allowed = burst.stream().filter(f -> f.result() == null).count();
    assertEquals(2, allowed, "exactly perChat of the burst went through");
    assertEquals(14, burst.stream().filter(f -> "chat".equals(f.result())).count());
    assertNull(
        await(after.take("chat-2", "sid-1", "b@example.org", 2_000))); // sid-1's 3rd of the hour
    assertEquals("visitor", await(before.take("chat-3", "sid-1", "c@example.org", 2_500)));
    assertNull(
        await(after.take("chat-4", "sid-2", "ANN@example.org", 3_000))); // ann's 3rd of the hour
    assertEquals("address", await(before.take("chat-5", "sid-3", "ann@example.org", 3_500)));
    assertNull(await(after.take("chat-5", "sid-3", "ann@example.org", 3_600_000L + 3_001)));
    assertEquals("chat", await(after.take("chat-1", "sid-4", "d@example.org", 3_600_000L + 4_000)));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
