package org.siteconnect.gateway.webhook;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.RandomIds;
import org.siteconnect.gateway.bus.RouterRequests;
import org.siteconnect.gateway.bus.ServiceConsumers;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.bus.ServiceHandlers;
import org.siteconnect.gateway.bus.TopicMessage;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.topic.InvalidTopicException;
import org.siteconnect.gateway.topic.TopicLimits;
import org.siteconnect.gateway.topic.TopicName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhooks by topic filter (docs/WEBHOOKS.md), one of the services the leader runs, so one node in the cluster
 * writes and sends the outbox. Receives every {@code $sites/…} event through a shared subscription, writes one
 * outbox row per matching hook (in batches, one at a time, so sequences commit in order), lets the
 * {@link Dispatcher} send them, and answers the admin API ({@link Addresses#WEBHOOK_API}).
 */
public final class WebhookVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookVerticle.class);
  /** Events held while the database is unreachable; beyond this the oldest are dropped (and logged). */
  private static final int MAX_QUEUED = 100_000;

  private final GatewayConfig config;
  private final WebhookStore store;
  private Hooks hooks;
  private Dispatcher dispatcher;
  private final Map<String, Long> lastSequence = new HashMap<>();
  private List<Delivery> queued = new ArrayList<>();
  private boolean writing;

  public WebhookVerticle(GatewayConfig config, WebhookStore store) {
    this.config = config;
    this.store = store;
  }

  @Override
  public Future<?> start() {
    GatewayConfig.Webhooks c = config.webhooks();
    Sender sender =
        new Sender(vertx, c, new TargetGuard(c.allowPrivateTargets(), c.allowedTargets()));
    HookRules rules = new HookRules(
        c, new TopicLimits(config.topics().maxBytes(), config.topics().maxLevels()));
    hooks = new Hooks(c, rules, store, sender, vertx.eventBus());
    dispatcher = new Dispatcher(vertx, c, store, hooks, sender);
    vertx.setPeriodic(3_600_000, id -> purge());
    return hooks
        .load()
        .compose(v -> store.lastSequences())
        .onSuccess(lastSequence::putAll)
        .compose(v -> store.hooksWithPending())
        .onSuccess(ids -> ids.forEach(dispatcher::mark))
        .compose(v -> new ServiceConsumers(vertx.eventBus())
            .topic(Addresses.WEBHOOK_EVENTS, this::event)
            .request(Addresses.WEBHOOK_API, this::api)
            .registered())
        .compose(v -> new RouterRequests(vertx.eventBus())
            .subscribe("$share/webhooks/$sites/#", Addresses.WEBHOOK_EVENTS))
        .onSuccess(v -> {
          dispatcher.wake();
          purge();
        });
  }

  @Override
  public Future<?> stop() {
    dispatcher.stop();
    return Future.succeededFuture();
  }

  // ---- events → outbox
  // ------------------------------------------------------------------------------------------

  private void event(Message<TopicMessage> m) {
    TopicMessage message = m.body();
    if (message.retained()) {
      return; // a replay of the current state on subscribe, not an event
    }
    TopicName topic;
    try {
      topic = TopicName.parse(message.topic());
    } catch (InvalidTopicException e) {
      return;
    }
    if (topic.depth() < 3) {
      return; // no site tree: no webhook filter can name it
    }
    long now = System.currentTimeMillis();
    String payload = Json.encode(message.payload());
    for (Hook h : hooks.all()) {
      if (h.site().equals(topic.level(1)) && h.wants(topic)) {
        long sequence = lastSequence.merge(h.id(), 1L, Long::sum);
        queued.add(new Delivery(
            h.id(),
            sequence,
            RandomIds.hex(16),
            message.topic(),
            payload,
            now,
            now,
            Delivery.PENDING,
            0,
            now,
            null,
            null,
            null));
      }
    }
    if (queued.size() > MAX_QUEUED) {
      LOG.error("webhook outbox unreachable: [{}] events dropped", queued.size() - MAX_QUEUED);
      queued = new ArrayList<>(queued.subList(queued.size() - MAX_QUEUED, queued.size()));
    }
    write();
  }

  /** One batch at a time, in order: a later sequence never commits before an earlier one. */
  private void write() {
    if (writing || queued.isEmpty()) {
      return;
    }
    writing = true;
    List<Delivery> batch = queued;
    queued = new ArrayList<>();
    store.enqueue(batch).onComplete(ar -> {
      writing = false;
      if (ar.failed()) {
        LOG.warn(
            "could not write [{}] webhook deliveries; retrying [{}]",
            batch.size(),
            ar.cause().getMessage());
        batch.addAll(queued);
        queued = new ArrayList<>(batch);
        vertx.setTimer(1_000, id -> write());
        return;
      }
      batch.forEach(d -> dispatcher.mark(d.hookId()));
      dispatcher.wake();
      write();
    });
  }

  private void purge() {
    store
        .purge(System.currentTimeMillis() - config.webhooks().keepDeliveriesSeconds() * 1000)
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("webhook delivery log: [{}] old deliveries removed", n);
          }
        })
        .onFailure(err -> LOG.warn("webhook purge failed [{}]", err.getMessage()));
  }

  // ---- admin API (the REST adapter has checked the admin role and the body's shape)
  // ---------------------------

  private void api(Message<JsonObject> m) {
    JsonObject b = m.body();
    List<String> sites = new ArrayList<>();
    b.getJsonArray("sites", new JsonArray()).forEach(s -> sites.add((String) s));
    String login = b.getString("login");
    String address = b.getString("address");
    String id = b.getString("id");
    JsonObject body = b.getJsonObject("body", new JsonObject());
    Future<?> result =
        switch (b.getString("op", "")) {
          case "create" -> hooks.create(body, sites, login, address);
          case "list" -> Future.succeededFuture(new JsonObject().put("hooks", hooks.list(sites)));
          case "get" -> Future.succeededFuture(hooks.visible(id, sites).toJson());
          case "update" ->
            hooks.update(id, body, sites, login, address).onSuccess(h -> {
              dispatcher.mark(id); // enabled again: what waited goes now
              dispatcher.wake();
            });
          case "delete" -> hooks.delete(id, sites, login, address).map(v -> new JsonObject());
          case "deliveries" -> {
            hooks.visible(id, sites);
            yield store
                .log(id, b.getLong("before", Long.MAX_VALUE), b.getInteger("limit", 100))
                .map(list -> new JsonObject()
                    .put(
                        "deliveries",
                        new JsonArray(list.stream().map(Delivery::toJson).toList())));
          }
          case "replay" -> {
            Hook h = hooks.visible(id, sites);
            long from = b.getLong("fromSequence");
            yield store.replay(id, from, System.currentTimeMillis()).map(n -> {
              hooks.replayed(h, from, n, login, address);
              dispatcher.mark(id);
              dispatcher.wake();
              return new JsonObject().put("requeued", n).put("fromSequence", from);
            });
          }
          default -> Future.failedFuture(ServiceError.badRequest("unknown webhook operation"));
        };
    ServiceHandlers.reply(m, result);
  }
}
