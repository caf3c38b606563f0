package org.siteconnect.gateway.ops;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ServiceConsumers;
import org.siteconnect.gateway.bus.ServiceHandlers;
import org.siteconnect.gateway.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stores audit entries, answers admins' queries, and deletes entries past the retention period. */
public final class AuditVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AuditVerticle.class);

  private final GatewayConfig.Ops ops;
  private final AuditStore store;

  public AuditVerticle(GatewayConfig.Ops ops, AuditStore store) {
    this.ops = ops;
    this.store = store;
  }

  @Override
  public Future<?> start() {
    long period = Math.max(1_000, Math.min(ops.auditRetentionSeconds() * 1000 / 4, 3_600_000));
    vertx.setPeriodic(period, id -> purge());
    return new ServiceConsumers(vertx.eventBus())
        .request(Addresses.AUDIT_RECORD, this::record)
        .request(Addresses.AUDIT_QUERY, this::query)
        .registered();
  }

  private void record(Message<JsonObject> m) {
    JsonObject b = m.body();
    String address = AddressPolicy.apply(ops.auditAddresses(), b.getString("address"));
    store
        .record(
            System.currentTimeMillis(),
            cut(b.getString("actor", "-"), 64),
            cut(b.getString("action", "?"), 64),
            cut(b.getString("target"), 200),
            cut(b.getString("detail"), 1000),
            address)
        .onFailure(err -> LOG.warn("audit entry not stored [{}]", err.getMessage()));
  }

  /** {@code {action?, actor?, since?, limit?}} → newest first. */
  private void query(Message<JsonObject> m) {
    JsonObject q = m.body();
    int limit = Math.max(1, Math.min(1000, q.getInteger("limit", 200)));
    ServiceHandlers.reply(
        m,
        store
            .query(q.getString("action"), q.getString("actor"), q.getLong("since", 0L), limit)
            .map(list -> new JsonObject()
                .put(
                    "entries",
                    new JsonArray(list.stream().map(AuditEntry::toJson).toList()))));
  }

  private void purge() {
    long cutoff = System.currentTimeMillis() - ops.auditRetentionSeconds() * 1000;
    store.purgeBefore(cutoff).onSuccess(n -> {
      if (n > 0) {
        LOG.info("audit retention removed [{}] entries", n);
      }
    });
  }

  private static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
