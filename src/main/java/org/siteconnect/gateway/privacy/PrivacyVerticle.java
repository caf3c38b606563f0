package org.siteconnect.gateway.privacy;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.stream.Collectors;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ServiceBus;
import org.siteconnect.gateway.bus.ServiceConsumers;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.bus.ServiceHandlers;
import org.siteconnect.gateway.ops.AuditLog;
import org.siteconnect.gateway.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data rights (docs/PRIVACY.md): export and erasure of one visitor, for admins through the REST adapter, on the
 * admin's sites only ({@link SiteScope}; a request that names no site reaches nothing). Runs with the stateful
 * services (the leader), beside the chat service whose live chats an erasure ends first. Both write an audit entry
 * that names the selector's kind and the counts, never the selector's value or the data.
 */
public final class PrivacyVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PrivacyVerticle.class);
  public static final String EXPORTED = "visitor-exported";
  public static final String ERASED = "visitor-erased";
  /** Longer than a service request may take ({@link ServiceBus#REPLY_TIMEOUT_MS}). */
  static final long SWEEP_DELAY_MS = 2 * ServiceBus.REPLY_TIMEOUT_MS;

  private final PrivacyStore store;
  private ServiceBus eb;

  public PrivacyVerticle(Database db) {
    this.store = new PrivacyStore(db);
  }

  @Override
  public Future<?> start() {
    eb = new ServiceBus(vertx.eventBus());
    return new ServiceConsumers(vertx.eventBus())
        .request(Addresses.PRIVACY_EXPORT, this::export)
        .request(Addresses.PRIVACY_ERASE, this::erase)
        .registered();
  }

  /** {@code {selector, sites, everySite, login, address}} → the export document. */
  private void export(Message<JsonObject> m) {
    VisitorSelector selector = VisitorSelector.of(m.body().getJsonObject("selector"));
    ServiceHandlers.reply(
        m,
        store
            .export(selector, SiteScope.of(m.body()))
            .onSuccess(doc -> audit(m, EXPORTED, selector, doc.getJsonObject("counts"))));
  }

  /**
   * {@code {selector, sites, everySite, login, address}} → {@code {selector: kind, erased: {kind: rows},
   * liveChatsEnded, complete}}. Live chats end before their rows go, so no new line is taken for them (one already
   * on its way is swept later); a chat service that does not answer fails the erasure (nothing is deleted).
   */
  private void erase(Message<JsonObject> m) {
    VisitorSelector selector = VisitorSelector.of(m.body().getJsonObject("selector"));
    Future<Visitor> found = store.find(selector, SiteScope.of(m.body())).map(Visitor::thisRound);
    ServiceHandlers.reply(m, found.compose(visitor -> {
      Future<Integer> live = visitor.chatIds().isEmpty()
          ? Future.succeededFuture(0)
          : eb.<JsonObject>request(
                  Addresses.CHAT_FORGET,
                  new JsonObject()
                      .put("chat_ids", new JsonArray(visitor.chatIds().stream().toList())))
              .map(r -> r.body().getInteger("live", 0))
              .recover(err -> Future.failedFuture(ServiceError.unavailable(
                  "chat-service-unavailable",
                  "the chat service did not answer; nothing was erased, try again")));
      return live.compose(ended -> store.erase(visitor).map(counts -> {
        sweepLater(visitor);
        audit(m, ERASED, selector, counts);
        LOG.info(
            "visitor data erased by [{}]: selector [{}], {}",
            m.body().getString("login"),
            selector.kind().field(),
            counts.encode());
        return new JsonObject()
            .put("selector", selector.kind().field())
            .put("erased", counts)
            .put("liveChatsEnded", ended)
            .put("complete", !visitor.truncated());
      }));
    }));
  }

  /**
   * A chat line or audit entry already on its way when the chat ended (stored a moment after the erasure) is swept
   * once more a little later: by then anything sent before the chat ended has been stored or has failed.
   */
  private void sweepLater(Visitor visitor) {
    if (visitor.chatIds().isEmpty()) {
      return;
    }
    vertx.setTimer(SWEEP_DELAY_MS, id -> store
        .erase(visitor)
        .onSuccess(counts -> {
          if (counts.stream().anyMatch(e -> ((Number) e.getValue()).intValue() > 0)) {
            LOG.info("erasure sweep took late rows {}", counts.encode());
          }
        })
        .onFailure(err -> LOG.warn("erasure sweep failed [{}]", err.getMessage())));
  }

  /** Which kind of selector and how many records: never the selector's value nor the records. */
  private void audit(Message<JsonObject> m, String action, VisitorSelector s, JsonObject counts) {
    String detail =
        counts.stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    AuditLog.record(
        vertx.eventBus(),
        m.body().getString("login"),
        action,
        "by " + s.kind().field(),
        detail,
        m.body().getString("address"));
  }
}
