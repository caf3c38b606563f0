package org.siteconnect.gateway.router;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.List;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ForwardBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's part in a cluster (DESIGN §9). Each router keeps the subscriptions of the pages connected to
 * its node, and every router holds every server component's subscription (kept in a cluster map, changes
 * broadcast). A publish is matched on the node where it is made: that node delivers to components (one
 * member per shared group, so a chat trigger is handled once in the cluster) and to its own pages, then
 * forwards the publish to the other routers (batched per turn of the loop: one clustered send looks its address up
 * in Hazelcast), which deliver to their pages and keep retained messages.
 * A joining router loads the component subscriptions and asks one peer for the retained messages.
 */
final class RouterCluster {
  private static final Logger LOG = LoggerFactory.getLogger(RouterCluster.class);
  static final String ADDRESS_SUBSCRIPTIONS_MAP = "sc.router.address-subscriptions";
  private static final String ORIGIN = "sc-origin";

  private final Vertx vertx;
  private final String nodeId;
  private final TopicRouter router;
  private AsyncMap<String, JsonObject> subscriptions;
  private List<ForwardBatch.Forwarded> pending;

  RouterCluster(Vertx vertx, String nodeId, TopicRouter router) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.router = router;
  }

  Future<Void> start() {
    EventBus eb = vertx.eventBus();
    router.forwardTo(this::forward);
    return Future.all(
            eb.<ForwardBatch>consumer(Addresses.ROUTER_FORWARD, this::onForward).completion(),
            eb.<JsonObject>consumer(Addresses.ROUTER_ADDRESS_SUBS, this::onSubscriptionChange)
                .completion())
        .compose(v -> vertx.sharedData().<String, JsonObject>getAsyncMap(ADDRESS_SUBSCRIPTIONS_MAP))
        .compose(map -> {
          subscriptions = map;
          return map.values();
        })
        .compose(all -> {
          all.forEach(this::apply);
          return loadRetained();
        })
        .compose(v -> eb.<JsonObject>consumer(
                Addresses.ROUTER_RETAINED_SNAPSHOT,
                m -> m.reply(new JsonObject().put("retained", router.retainedSnapshot())))
            .completion());
  }

  /** A component on this node subscribed (or unsubscribed): recorded for routers to come, told to those here. */
  Future<Void> share(String filter, String address, boolean add) {
    JsonObject change = new JsonObject()
        .put("filter", filter)
        .put("address", address)
        .put("add", add)
        .put("node", nodeId);
    String key = filter + "\n" + address;
    Future<?> stored = add ? subscriptions.put(key, change) : subscriptions.remove(key);
    return stored
        .onSuccess(v -> vertx.eventBus().publish(Addresses.ROUTER_ADDRESS_SUBS, change))
        .mapEmpty();
  }

  /** Collected during this turn of the loop; sent as one message at the start of the next (no timer, no delay). */
  private void forward(String topic, Object payload, boolean retain, String owner) {
    if (pending == null) {
      pending = new ArrayList<>();
      vertx.runOnContext(v -> flush());
    }
    pending.add(new ForwardBatch.Forwarded(topic, payload, retain, owner));
  }

  private void flush() {
    ForwardBatch batch = new ForwardBatch(pending);
    pending = null;
    vertx
        .eventBus()
        .publish(Addresses.ROUTER_FORWARD, batch, new DeliveryOptions().addHeader(ORIGIN, nodeId));
  }

  private void onForward(Message<ForwardBatch> m) {
    if (nodeId.equals(m.headers().get(ORIGIN))) {
      return;
    }
    for (ForwardBatch.Forwarded forwarded : m.body().messages()) {
      try {
        router.deliverForwarded(
            forwarded.topic(), forwarded.payload(), forwarded.retain(), forwarded.owner());
      } catch (TopicRouter.CommandException e) {
        LOG.warn("a forwarded publish was refused [{}]", e.getMessage());
      }
    }
  }

  private void onSubscriptionChange(Message<JsonObject> m) {
    if (!nodeId.equals(m.body().getString("node"))) {
      apply(m.body());
    }
  }

  private void apply(JsonObject change) {
    try {
      if (change.getBoolean("add", true)) {
        router.subscribeAddress(change.getString("filter"), change.getString("address"), false);
      } else {
        router.unsubscribeAddress(change.getString("filter"), change.getString("address"));
      }
    } catch (TopicRouter.CommandException e) {
      LOG.warn("a component subscription from another node was refused [{}]", e.getMessage());
    }
  }

  private Future<Void> loadRetained() {
    return vertx
        .eventBus()
        .<JsonObject>request(Addresses.ROUTER_RETAINED_SNAPSHOT, new JsonObject())
        .map(reply -> {
          JsonArray all = reply.body().getJsonArray("retained", new JsonArray());
          for (Object o : all) {
            JsonObject entry = (JsonObject) o;
            try {
              router.restoreRetained(
                  entry.getString("topic"), entry.getValue("payload"), entry.getString("owner"));
            } catch (TopicRouter.CommandException e) {
              LOG.warn("a retained message from a peer was refused [{}]", e.getMessage());
            }
          }
          LOG.info("loaded [{}] retained messages from a peer", all.size());
          return (Void) null;
        })
        .recover(err -> {
          if (err instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
            return Future.succeededFuture(); // the first node: nothing retained yet
          }
          return Future.failedFuture(err);
        });
  }
}
