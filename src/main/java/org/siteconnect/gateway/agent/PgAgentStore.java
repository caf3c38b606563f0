package org.siteconnect.gateway.agent;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.siteconnect.gateway.store.PgDatabase;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/** {@link AgentStore} on the PostgreSQL database clustered nodes share. */
public final class PgAgentStore implements AgentStore {
  private static final String COLUMNS = "login, name, password_hash, roles, buttons, max_chats";
  private final Pool pool;

  public PgAgentStore(PgDatabase db) {
    this.pool = db.pool();
  }

  @Override
  public Future<Optional<Agent>> find(String login) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM agent WHERE login = $1").execute(Tuple.of(login))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(read(rows.iterator().next())));
  }

  @Override
  public Future<List<Agent>> list() {
    return pool.query("SELECT " + COLUMNS + " FROM agent ORDER BY login").execute().map(rows -> {
      List<Agent> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(read(r)));
      return out;
    });
  }

  /** ON CONFLICT rather than a look-up first: two nodes creating the same login at once get one row, one error. */
  @Override
  public Future<Void> insert(Agent a) {
    return pool.preparedQuery("INSERT INTO agent (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6) "
            + "ON CONFLICT (login) DO NOTHING")
        .execute(Tuple.of(a.login(), a.name(), a.passwordHash(), AgentCsv.join(a.roles()), AgentCsv.join(a.buttons()),
            a.maxChats()))
        .compose(rows -> rows.rowCount() == 1 ? Future.succeededFuture()
            : Future.failedFuture(new IllegalStateException("an agent with login '" + a.login() + "' exists")));
  }

  @Override
  public Future<Boolean> update(Agent a) {
    return pool.preparedQuery("UPDATE agent SET name = $1, password_hash = $2, roles = $3, buttons = $4, "
            + "max_chats = $5 WHERE login = $6")
        .execute(Tuple.of(a.name(), a.passwordHash(), AgentCsv.join(a.roles()), AgentCsv.join(a.buttons()),
            a.maxChats(), a.login()))
        .map(rows -> rows.rowCount() == 1);
  }

  @Override
  public Future<Boolean> delete(String login) {
    return pool.preparedQuery("DELETE FROM agent WHERE login = $1").execute(Tuple.of(login))
        .map(rows -> rows.rowCount() == 1);
  }

  @Override
  public Future<Boolean> anyAdmin() {
    return pool.preparedQuery("SELECT EXISTS (SELECT 1 FROM agent WHERE $1 = ANY (string_to_array(roles, ',')))")
        .execute(Tuple.of(Agent.ROLE_ADMIN))
        .map(rows -> rows.iterator().next().getBoolean(0));
  }

  @Override
  public Future<java.util.Set<String>> mustChangePassword() {
    return pool.query("SELECT login FROM agent WHERE must_change_password").execute().map(rows -> {
      java.util.Set<String> out = new java.util.HashSet<>();
      rows.forEach(r -> out.add(r.getString(0)));
      return out;
    });
  }

  @Override
  public Future<Void> setMustChangePassword(String login, boolean must) {
    return pool.preparedQuery("UPDATE agent SET must_change_password = $1 WHERE login = $2")
        .execute(Tuple.of(must, login)).mapEmpty();
  }

  private static Agent read(Row r) {
    return new Agent(r.getString(0), r.getString(1), r.getString(2),
        new LinkedHashSet<>(AgentCsv.split(r.getString(3))), AgentCsv.split(r.getString(4)), r.getInteger(5));
  }
}
