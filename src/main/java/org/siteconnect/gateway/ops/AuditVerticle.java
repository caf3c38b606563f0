package org.siteconnect.gateway.ops;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Stores audit entries, answers admins' queries, and deletes entries past the retention period. */
public final class AuditVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AuditVerticle.class);

  private final GatewayConfig.Ops ops;
  private final Database db;

  public AuditVerticle(GatewayConfig.Ops ops, Database db) {
    this.ops = ops;
    this.db = db;
  }

  @Override
  public Future<?> start() {
    long period = Math.max(1_000, Math.min(ops.auditRetentionSeconds() * 1000 / 4, 3_600_000));
    vertx.setPeriodic(period, id -> purge());
    return Future.all(
        vertx.eventBus().<JsonObject>consumer(Addresses.AUDIT_RECORD, this::record).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.AUDIT_QUERY, this::query).completion());
  }

  private void record(Message<JsonObject> m) {
    JsonObject b = m.body();
    String address = AddressPolicy.apply(ops.auditAddresses(), b.getString("address"));
    db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO audit (at, actor, action, target, detail, address) VALUES (?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, System.currentTimeMillis());
        ps.setString(2, cut(b.getString("actor", "-"), 64));
        ps.setString(3, cut(b.getString("action", "?"), 64));
        ps.setString(4, cut(b.getString("target"), 200));
        ps.setString(5, cut(b.getString("detail"), 1000));
        ps.setString(6, address);
        return ps.executeUpdate();
      }
    }).onFailure(err -> LOG.warn("audit entry not stored [{}]", err.getMessage()));
  }

  /** {@code {action?, actor?, since?, limit?}} → newest first. */
  private void query(Message<JsonObject> m) {
    JsonObject q = m.body();
    StringBuilder sql = new StringBuilder("SELECT id, at, actor, action, target, detail, address FROM audit WHERE at >= ?");
    List<Object> args = new ArrayList<>();
    args.add(q.getLong("since", 0L));
    if (q.getString("action") != null) {
      sql.append(" AND action = ?");
      args.add(q.getString("action"));
    }
    if (q.getString("actor") != null) {
      sql.append(" AND actor = ?");
      args.add(q.getString("actor"));
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(Math.max(1, Math.min(1000, q.getInteger("limit", 200))));
    db.call(c -> {
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
    }).onSuccess(list -> m.reply(new JsonObject().put("entries",
            new JsonArray(list.stream().map(AuditEntry::toJson).toList()))))
        .onFailure(err -> m.fail(500, "internal: " + err.getMessage()));
  }

  private void purge() {
    long cutoff = System.currentTimeMillis() - ops.auditRetentionSeconds() * 1000;
    db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit WHERE at < ?")) {
        ps.setLong(1, cutoff);
        return ps.executeUpdate();
      }
    }).onSuccess(n -> {
      if (n > 0) {
        LOG.info("audit retention removed [{}] entries", n);
      }
    });
  }

  private static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
