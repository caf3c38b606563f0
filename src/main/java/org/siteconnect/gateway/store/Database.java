package org.siteconnect.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The embedded single-node database (H2 in file mode under {@code data.dir}). JDBC is blocking, so every call
 * runs on a worker through {@link #call}, one at a time (H2 embedded with one connection is plenty here).
 * Schema migrations are SQL files in {@code db/h2/} on the classpath, applied in order on open.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  /** Applied in this order; never edit one that has shipped, add the next. */
  static final List<String> MIGRATIONS = List.of("V1__agents.sql", "V2__chats.sql", "V3__audit.sql",
      "V4__chat_visitor_token.sql", "V5__agent_must_change_password.sql");

  private final Vertx vertx;
  private final Connection connection;

  private Database(Vertx vertx, Connection connection) {
    this.vertx = vertx;
    this.connection = connection;
  }

  /** Work done with the connection, on a worker thread. */
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  public static Future<Database> open(Vertx vertx, String dataDir) {
    return vertx.executeBlocking(() -> {
      Path dir = Path.of(dataDir).toAbsolutePath();
      Files.createDirectories(dir);
      // WRITE_DELAY=0: a commit is on disk before we acknowledge what it stored.
      Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("siteconnect")
          + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
      ownerOnly(dir);
      migrate(c);
      return new Database(vertx, c);
    });
  }

  /**
   * Transcripts, audit entries and password hashes live here: the directory 0700 (what H2 creates later inside
   * it is then out of other users' reach too) and every file in it 0600, also when an older start left them wider.
   */
  static void ownerOnly(Path dir) throws IOException {
    if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      }
    }
  }

  public <T> Future<T> call(Work<T> work) {
    return vertx.executeBlocking(() -> {
      synchronized (connection) {
        return work.run(connection);
      }
    }, true);
  }

  private static void migrate(Connection c) throws SQLException, IOException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY, name VARCHAR(200) NOT NULL, "
          + "applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP)");
      int current;
      try (ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
        rs.next();
        current = rs.getInt(1);
      }
      for (int i = current; i < MIGRATIONS.size(); i++) {
        String name = MIGRATIONS.get(i);
        String sql = resource("/db/h2/" + name);
        c.setAutoCommit(false);
        try {
          for (String statement : sql.split(";\\s*\\n")) {
            if (!statement.isBlank()) {
              st.execute(statement);
            }
          }
          st.execute("INSERT INTO schema_version (version, name) VALUES (" + (i + 1) + ", '" + name + "')");
          c.commit();
          LOG.info("database migration applied [{}]", name);
        } catch (SQLException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      }
    }
  }

  private static String resource(String path) throws IOException {
    try (InputStream in = Database.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("missing migration " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    try {
      synchronized (connection) {
        connection.close();
      }
    } catch (SQLException e) {
      LOG.warn("closing the database failed [{}]", e.getMessage());
    }
  }
}
