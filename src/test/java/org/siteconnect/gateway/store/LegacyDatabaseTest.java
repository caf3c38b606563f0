package org.siteconnect.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.siteconnect.gateway.Stores;
import org.siteconnect.gateway.chat.ChatMessage;
import org.siteconnect.gateway.chat.ChatRecord;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.ops.AuditEntry;
import org.siteconnect.gateway.support.TestPostgres;

/**
 * A user upgrading keeps their data: databases written by the releases before the single migration history (H2's
 * own history {@code schema_version} 1..5, PostgreSQL's 1..2, copied to {@code src/test/resources/db/legacy}) open
 * with every row, and the schema current.
 */
class LegacyDatabaseTest {
  private static final List<String> H2_HISTORY = List.of(
      "V1__agents.sql",
      "V2__chats.sql",
      "V3__audit.sql",
      "V4__chat_visitor_token.sql",
      "V5__agent_must_change_password.sql");
  private static final List<String> PG_HISTORY =
      List.of("V1__schema.sql", "V2__agent_must_change_password.sql");
  /** What an earlier release stored: an agent, an ended chat with one message, an audit entry. */
  private static final List<String> ROWS = List.of(
      "INSERT INTO agent (login, name, password_hash, roles, buttons, max_chats) "
          + "VALUES ('bob', 'Bob', 'hash', 'agent,admin', 'acme/sales', 3)",
      "INSERT INTO chat (id, site, button, session_id, state, created_at) VALUES ('c1', 'acme', 'sales', 's1', "
          + "'ended', 1000)",
      "INSERT INTO chat_message (chat_id, seq, cid, sender, name, text, at) VALUES ('c1', 1, 'm1', 'visitor', 'Ann', "
          + "'hello', 1001)",
      "INSERT INTO audit (at, actor, action) VALUES (1000, 'bob', 'login')");

  @TempDir
  Path dir;

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "an embedded database at its version {0}")
  @ValueSource(ints = {3, 5})
  @DisplayName(
      "an embedded database from an earlier release opens with its rows and the current schema")
  void embedded(int version) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("siteconnect")
            + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE schema_version (version INT PRIMARY KEY, name VARCHAR(200) NOT NULL, "
              + "applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP)");
      for (int i = 0; i < version; i++) {
        for (String statement : legacy("h2/" + H2_HISTORY.get(i)).split(";\\s*\\n")) {
          if (!statement.isBlank()) {
            st.execute(statement);
          }
        }
        st.execute("INSERT INTO schema_version (version, name) VALUES (" + (i + 1) + ", '"
            + H2_HISTORY.get(i) + "')");
      }
      for (String row : ROWS) {
        st.execute(row);
      }
    }
    assertUpgraded(new GatewayConfig.Data(dir.toString(), null));
  }

  @Test
  @DisplayName(
      "a PostgreSQL database from an earlier release opens with its rows and the current schema")
  void postgres() throws Exception {
    TestPostgres.require();
    GatewayConfig.Postgres db = TestPostgres.createDatabase(vertx);
    try {
      TestPostgres.run(
          vertx,
          db,
          "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
              + "name VARCHAR(200) NOT NULL, applied_at TIMESTAMPTZ DEFAULT now())");
      for (int i = 0; i < PG_HISTORY.size(); i++) {
        TestPostgres.run(vertx, db, legacy("pg/" + PG_HISTORY.get(i)));
        TestPostgres.run(
            vertx,
            db,
            "INSERT INTO schema_version (version, name) VALUES (" + (i + 1) + ", '"
                + PG_HISTORY.get(i) + "')");
      }
      for (String row : ROWS) {
        TestPostgres.run(vertx, db, row);
      }
      assertUpgraded(new GatewayConfig.Data("unused", db));
    } finally {
      TestPostgres.dropDatabase(vertx, db);
    }
  }

  private void assertUpgraded(GatewayConfig.Data data) throws Exception {
    Stores stores = Stores.open(vertx, data).await(30, TimeUnit.SECONDS);
    try {
      assertEquals(
          "Bob",
          stores.agents().find("bob").await(10, TimeUnit.SECONDS).orElseThrow().name());
      assertTrue(stores.agents().anyAdmin().await(10, TimeUnit.SECONDS));
      assertEquals(Set.of(), stores.agents().mustChangePassword().await(10, TimeUnit.SECONDS));
      stores.agents().setMustChangePassword("bob", true).await(10, TimeUnit.SECONDS);
      assertEquals(Set.of("bob"), stores.agents().mustChangePassword().await(10, TimeUnit.SECONDS));

      ChatRecord c1 = stores.chats().chat("c1").await(10, TimeUnit.SECONDS).orElseThrow();
      assertEquals("ended", c1.state());
      assertEquals(
          2,
          stores
              .chats()
              .append("c1", "m2", ChatMessage.AGENT, "Bob", "hi", 1002)
              .await(10, TimeUnit.SECONDS)
              .message()
              .seq(),
          "the next seq after the stored message");
      ChatRecord withToken = new ChatRecord(
          "c2",
          "acme",
          "sales",
          "s2",
          null,
          null,
          "waiting",
          2000,
          null,
          null,
          null,
          null,
          "token-c2");
      stores.chats().create(withToken).await(10, TimeUnit.SECONDS);
      assertEquals(
          withToken, stores.chats().chat("c2").await(10, TimeUnit.SECONDS).orElseThrow());

      stores.audit().record(2000, "bob", "logout", null, null, null).await(10, TimeUnit.SECONDS);
      List<AuditEntry> audit = stores.audit().query(null, "bob", 0, 10).await(10, TimeUnit.SECONDS);
      assertEquals(
          List.of("logout", "login"), audit.stream().map(AuditEntry::action).toList());
      assertTrue(audit.get(0).id() > audit.get(1).id(), "new audit ids follow the stored ones");
    } finally {
      stores.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static String legacy(String path) throws IOException {
    try (InputStream in = LegacyDatabaseTest.class.getResourceAsStream("/db/legacy/" + path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
