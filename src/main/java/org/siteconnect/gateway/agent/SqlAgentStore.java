package org.siteconnect.gateway.agent;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.siteconnect.gateway.store.Database;

/** {@link AgentStore} on the node's database (embedded or PostgreSQL). */
public final class SqlAgentStore implements AgentStore {
  private static final String COLUMNS = "login, name, password_hash, roles, buttons, max_chats";
  private final Database db;

  public SqlAgentStore(Database db) {
    this.db = db;
  }

  @Override
  public Future<Optional<Agent>> find(String login) {
    return db.run("SELECT " + COLUMNS + " FROM agent WHERE login = $1", login)
        .map(rows -> Database.rows(rows, SqlAgentStore::read).stream().findFirst());
  }

  @Override
  public Future<List<Agent>> list() {
    return db.run("SELECT " + COLUMNS + " FROM agent ORDER BY login")
        .map(rows -> Database.rows(rows, SqlAgentStore::read));
  }

  /** The primary key decides, not a look-up first: two nodes creating the same login at once get one row, one error. */
  @Override
  public Future<Void> insert(Agent a) {
    return db.run(
            "INSERT INTO agent (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6)",
            a.login(),
            a.name(),
            a.passwordHash(),
            AgentCsv.join(a.roles()),
            AgentCsv.join(a.buttons()),
            a.maxChats())
        .<Void>mapEmpty()
        .recover(err -> Future.failedFuture(
            Database.isUniqueViolation(err)
                ? new IllegalStateException("an agent with login '" + a.login() + "' exists")
                : err));
  }

  @Override
  public Future<Boolean> update(Agent a) {
    return db.run(
            "UPDATE agent SET name = $1, password_hash = $2, roles = $3, buttons = $4, max_chats = $5 "
                + "WHERE login = $6",
            a.name(),
            a.passwordHash(),
            AgentCsv.join(a.roles()),
            AgentCsv.join(a.buttons()),
            a.maxChats(),
            a.login())
        .map(rows -> rows.rowCount() == 1);
  }

  @Override
  public Future<Boolean> delete(String login) {
    return db.run("DELETE FROM agent WHERE login = $1", login).map(rows -> rows.rowCount() == 1);
  }

  /** Roles are stored comma-separated: a whole entry must match ("administrator" is not admin). */
  @Override
  public Future<Boolean> anyAdmin() {
    return db.run(
            "SELECT COUNT(*) FROM agent WHERE ',' || roles || ',' LIKE $1",
            "%," + Agent.ROLE_ADMIN + ",%")
        .map(rows -> rows.iterator().next().getLong(0) > 0);
  }

  @Override
  public Future<Set<String>> mustChangePassword() {
    return db.run("SELECT login FROM agent WHERE must_change_password")
        .map(rows -> new HashSet<>(Database.rows(rows, r -> r.getString(0))));
  }

  @Override
  public Future<Void> setMustChangePassword(String login, boolean must) {
    return db.run("UPDATE agent SET must_change_password = $1 WHERE login = $2", must, login)
        .mapEmpty();
  }

  private static Agent read(Row r) {
    return new Agent(
        r.getString(0),
        r.getString(1),
        r.getString(2),
        new LinkedHashSet<>(AgentCsv.split(r.getString(3))),
        AgentCsv.split(r.getString(4)),
        r.getInteger(5));
  }
}
