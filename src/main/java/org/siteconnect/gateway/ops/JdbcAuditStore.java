package org.siteconnect.gateway.ops;

import io.vertx.core.Future;
import org.siteconnect.gateway.store.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** {@link AuditStore} on the embedded database. */
public final class JdbcAuditStore implements AuditStore {
  private final Database db;

  public JdbcAuditStore(Database db) {
    this.db = db;
  }

  @Override
  public Future<Void> record(long at, String actor, String action, String target, String detail, String address) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO audit (at, actor, action, target, detail, address) VALUES (?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, at);
        ps.setString(2, actor);
        ps.setString(3, action);
        ps.setString(4, target);
        ps.setString(5, detail);
        ps.setString(6, address);
        ps.executeUpdate();
        return null;
      }
    });
  }

  @Override
  public Future<List<AuditEntry>> query(String action, String actor, long since, int limit) {
    StringBuilder sql = new StringBuilder(
        "SELECT id, at, actor, action, target, detail, address FROM audit WHERE at >= ?");
    List<Object> args = new ArrayList<>();
    args.add(since);
    if (action != null) {
      sql.append(" AND action = ?");
      args.add(action);
    }
    if (actor != null) {
      sql.append(" AND actor = ?");
      args.add(actor);
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(limit);
    return db.call(c -> {
      List<AuditEntry> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          ps.setObject(i + 1, args.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new AuditEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public Future<Integer> purgeBefore(long cutoffMillis) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit WHERE at < ?")) {
        ps.setLong(1, cutoffMillis);
        return ps.executeUpdate();
      }
    });
  }
}
