package org.siteconnect.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema's one history: SQL files in {@code db/sql/} on the classpath, the same for H2 and PostgreSQL, applied
 * in order in one transaction and recorded in {@code schema_history} (databases from earlier releases also hold a
 * {@code schema_version} table of their own history; {@code V1} is idempotent and brings any of them current).
 * On PostgreSQL the transaction first takes an advisory lock, so nodes starting together migrate once.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  /** Applied in this order; never edit one that has shipped, add the next. */
  public static final List<String> FILES = List.of(
      "V1__schema.sql",
      "V2__webhooks.sql",
      "V3__privacy.sql",
      "V4__agent_tokens.sql",
      "V6__tools.sql",
      "V7__attachments.sql",
      "V8__transcript_mail.sql",
      "V9__visitor_id.sql");

  private Migrations() {}

  static Future<Void> apply(Vertx vertx, Database db) {
    return vertx
        .executeBlocking(Migrations::read)
        .compose(scripts -> db.inTransaction(conn -> applyMissing(db, conn, scripts)))
        .onSuccess(
            applied -> applied.forEach(name -> LOG.info("database migration applied [{}]", name)))
        .mapEmpty();
  }

  private static Future<List<String>> applyMissing(
      Database db, SqlConnection conn, List<List<String>> scripts) {
    return db.dialect()
        .lockMigrations(conn)
        .compose(
            locked -> db.run(
                conn,
                "CREATE TABLE IF NOT EXISTS schema_history (version INTEGER PRIMARY KEY, "
                    + "name VARCHAR(200) NOT NULL, applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP)"))
        .compose(created -> db.run(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_history"))
        .compose(rows -> {
          int current = rows.iterator().next().getInteger(0);
          List<String> applied = new ArrayList<>();
          Future<Void> chain = Future.succeededFuture();
          for (int i = current; i < scripts.size(); i++) {
            int version = i + 1;
            String name = FILES.get(i);
            for (String statement : scripts.get(i)) {
              chain = chain.compose(v -> conn.query(statement).execute().mapEmpty());
            }
            chain = chain
                .compose(v -> db.run(
                    conn,
                    "INSERT INTO schema_history (version, name) VALUES ($1, $2)",
                    version,
                    name))
                .map(inserted -> {
                  applied.add(name);
                  return null;
                });
          }
          return chain.map(applied);
        });
  }

  /** Each file as its statements: they end with a semicolon at the end of a line; comment lines are dropped. */
  private static List<List<String>> read() throws IOException {
    List<List<String>> scripts = new ArrayList<>();
    for (String name : FILES) {
      try (InputStream in = Migrations.class.getResourceAsStream("/db/sql/" + name)) {
        if (in == null) {
          throw new IOException("missing migration /db/sql/" + name);
        }
        String sql =
            new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^\\s*--.*$", "");
        scripts.add(Arrays.stream(sql.split(";\\s*\\n"))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList());
      }
    }
    return scripts;
  }
}
