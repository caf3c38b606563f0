package org.siteconnect.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siteconnect.gateway.Stores;
import org.siteconnect.gateway.bus.SecretHashes;
import org.siteconnect.gateway.config.GatewayConfig;

/** Saved page sessions (docs/LIFECYCLE.md): only the resume token's hash, and at most {@code maxSessions} come back. */
class SqlSessionStoreTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static PageSession session(int i) {
    return new PageSession(
        "sid-" + i, "acme", "resume-" + i, "handle-" + i, "1000" + i, i, "10.0.0.1");
  }

  @Test
  @DisplayName(
      "a burst of 60 concurrent saves: the newest 25 come back (the rest are deleted), by resume hash, without the address")
  void boundedRestore(@TempDir Path dir) throws Exception {
    Stores stores = Stores.open(vertx, new GatewayConfig.Data(dir.toString(), null))
        .await(30, TimeUnit.SECONDS);
    try {
      SqlSessionStore store = new SqlSessionStore(stores.database());
      Future.all(IntStream.range(0, 60)
              .mapToObj(i -> store.save(session(i), 1_000 + i))
              .toList())
          .await(30, TimeUnit.SECONDS);
      // Saving again replaces the row (a new code), it does not add one.
      PageSession changed = session(59);
      changed.code = "424242";
      store.save(changed, 2_000).await(30, TimeUnit.SECONDS);

      List<PageSession> back = store.load(25).await(30, TimeUnit.SECONDS);
      assertEquals(
          IntStream.range(35, 60).mapToObj(i -> "sid-" + i).collect(Collectors.toSet()),
          back.stream().map(s -> s.id).collect(Collectors.toSet()));
      PageSession newest = back.get(0);
      assertEquals("sid-59", newest.id);
      assertEquals("424242", newest.code);
      assertNull(newest.resumeToken, "only the hash is stored");
      assertEquals(SecretHashes.sha256Hex("resume-59"), newest.resumeHash);
      assertNull(newest.address);
      assertEquals(
          25, store.load(1_000).await(30, TimeUnit.SECONDS).size(), "the older rows are gone");
      store.delete("sid-59").await(30, TimeUnit.SECONDS);
      assertEquals(
          Set.of(),
          store.load(1_000).await(30, TimeUnit.SECONDS).stream()
              .map(s -> s.id)
              .filter("sid-59"::equals)
              .collect(Collectors.toSet()));
    } finally {
      stores.close().await(30, TimeUnit.SECONDS);
    }
  }
}
