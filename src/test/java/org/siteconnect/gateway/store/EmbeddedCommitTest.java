package org.siteconnect.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siteconnect.gateway.config.GatewayConfig;

/** A write on the embedded database is committed when its future completes, not at some later transaction. */
class EmbeddedCommitTest {
  @Test
  @DisplayName(
      "a plain statement on the embedded pool is committed at once (another connection sees it), also after a transaction")
  void plainStatementsCommit(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Database db = Database.open(vertx, new GatewayConfig.Data(dir.toString(), null))
          .await(20, TimeUnit.SECONDS);
      db.run("CREATE TABLE commit_probe (id INT)").await(5, TimeUnit.SECONDS);
      db.run("INSERT INTO commit_probe VALUES (1)").await(5, TimeUnit.SECONDS);
      assertEquals(
          1, countFromAnotherConnection(dir), "committed after the migrations' transaction");
      db.inTransaction(c -> db.run(c, "SELECT 1")).await(5, TimeUnit.SECONDS);
      db.run("INSERT INTO commit_probe VALUES (2)").await(5, TimeUnit.SECONDS);
      assertEquals(2, countFromAnotherConnection(dir), "committed after another transaction");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static int countFromAnotherConnection(Path dir) throws Exception {
    String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("siteconnect")
        + ";DB_CLOSE_ON_EXIT=FALSE;MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH";
    try (var c = DriverManager.getConnection(url);
        var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM commit_probe")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
