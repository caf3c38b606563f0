package org.siteconnect.gateway.agent;

import io.vertx.core.Future;
import org.siteconnect.gateway.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/** {@link AgentStore} on the embedded database. */
public final class JdbcAgentStore implements AgentStore {
  private static final String COLUMNS = "login, name, password_hash, roles, buttons, max_chats";
  private final Database db;

  public JdbcAgentStore(Database db) {
    this.db = db;
  }

  @Override
  public Future<Optional<Agent>> find(String login) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM agent WHERE login = ?")) {
        ps.setString(1, login);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public Future<List<Agent>> list() {
    return db.call(c -> {
      List<Agent> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM agent ORDER BY login");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
        }
      }
      return out;
    });
  }

  @Override
  public Future<Void> insert(Agent agent) {
    return db.call(c -> {
      if (exists(c, agent.login())) {
        throw new IllegalStateException("an agent with login '" + agent.login() + "' exists");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO agent (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
        bind(ps, agent);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Future<Boolean> update(Agent agent) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE agent SET name = ?, password_hash = ?, roles = ?, buttons = ?, max_chats = ? WHERE login = ?")) {
        ps.setString(1, agent.name());
        ps.setString(2, agent.passwordHash());
        ps.setString(3, AgentCsv.join(agent.roles()));
        ps.setString(4, AgentCsv.join(agent.buttons()));
        ps.setInt(5, agent.maxChats());
        ps.setString(6, agent.login());
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Future<Boolean> delete(String login) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM agent WHERE login = ?")) {
        ps.setString(1, login);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Future<Boolean> anyAdmin() {
    return list().map(all -> all.stream().anyMatch(Agent::isAdmin));
  }

  @Override
  public Future<java.util.Set<String>> mustChangePassword() {
    return db.call(c -> {
      java.util.Set<String> out = new java.util.HashSet<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT login FROM agent WHERE must_change_password");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    });
  }

  @Override
  public Future<Void> setMustChangePassword(String login, boolean must) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE agent SET must_change_password = ? WHERE login = ?")) {
        ps.setBoolean(1, must);
        ps.setString(2, login);
        ps.executeUpdate();
      }
      return null;
    });
  }

  private static boolean exists(Connection c, String login) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM agent WHERE login = ?")) {
      ps.setString(1, login);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void bind(PreparedStatement ps, Agent a) throws SQLException {
    ps.setString(1, a.login());
    ps.setString(2, a.name());
    ps.setString(3, a.passwordHash());
    ps.setString(4, AgentCsv.join(a.roles()));
    ps.setString(5, AgentCsv.join(a.buttons()));
    ps.setInt(6, a.maxChats());
  }

  private static Agent read(ResultSet rs) throws SQLException {
    return new Agent(rs.getString(1), rs.getString(2), rs.getString(3),
        new LinkedHashSet<>(AgentCsv.split(rs.getString(4))), AgentCsv.split(rs.getString(5)), rs.getInt(6));
  }
}
