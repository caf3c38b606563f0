package org.siteconnect.gateway.router;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ForwardBatch;
import org.siteconnect.gateway.ops.GatewayMetrics;
import org.siteconnect.gateway.topic.TopicLimits;
import org.siteconnect.gateway.topic.TopicName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's part in a cluster (DESIGN §9). Each router keeps the subscriptions of the pages connected to
 * its node, and every router holds every server component's subscription (kept in a cluster map, changes
 * broadcast). A publish is matched on the node where it is made: that node delivers to components (one
 * member per shared group, so a chat trigger is handled once in the cluster) and to its own pages, then
 * forwards it to the routers of the nodes whose pages' filters match it (a retained publish to every node: each
 * keeps it), each on its own address, batched per turn of the loop (one send per node per turn, no timer).
 * Each router tells the others which filters its pages use ({@link LocalFilters}: numbered deltas per turn,
 * acknowledged; a suback waits for the acknowledgements) and keeps theirs ({@link PeerFilters}: a full copy
 * when a node joins or a delta was missed; dropped when the node leaves the Hazelcast cluster).
 * A joining router loads the component subscriptions and asks one peer for the retained messages.
 */
final class RouterCluster {
  private static final Logger LOG = LoggerFactory.getLogger(RouterCluster.class);
  static final String ADDRESS_SUBSCRIPTIONS_MAP = "sc.router.address-subscriptions";
  /** Where a starting router says who it is (cluster-wide publish; the only one left on the hot path's side). */
  static final String HELLO = Addresses.ROUTER_FORWARD + ".hello";

  /** What a JSON message to a router's own address is (a {@link ForwardBatch} needs no name: its type says it). */
  private static final String KIND = "kind";

  private static final String DELTA = "delta";
  private static final String FULL = "full";
  private static final String RESYNC = "resync";
  /** How long a suback may wait for the other nodes to acknowledge its filter before it goes anyway. */
  private static final long ACK_TIMEOUT_MS = 5_000;
  /** How long a starting router waits for the filters of the nodes already there. */
  private static final long JOIN_WAIT_MS = 5_000;

  private final Vertx vertx;
  private final String nodeId;
  private final TopicRouter router;
  private final LocalFilters local = new LocalFilters();
  private final PeerFilters peers;
  private final Counter forwardedOut;
  private final Counter forwardedIn;
  private final RouterLinks links;
  private AsyncMap<String, JsonObject> subscriptions;
  private Context context;
  private String member;
  private Map<String, List<ForwardBatch.Forwarded>> pending;
  /** Subacks waiting for the delta now being collected. */
  private List<Runnable> waitingForDelta = new ArrayList<>();
  /** Deltas sent and not yet acknowledged by every node, by the filters they carry. */
  private final Map<String, InFlight> inFlight = new HashMap<>();

  private final Set<InFlight> unacknowledged = new HashSet<>();
  private Promise<Void> joined;
  /** The other members when this router started: it starts serving once it has all their filters (or timed out). */
  private int expectedPeers;

  /** One delta on its way: the nodes that have not acknowledged it, and the subacks waiting for them. */
  private static final class InFlight {
    final Set<String> nodes;
    final List<Runnable> waiting;
    final List<String> filters;

    InFlight(Set<String> nodes, List<Runnable> waiting, List<String> filters) {
      this.nodes = nodes;
      this.waiting = waiting;
      this.filters = filters;
    }
  }

  RouterCluster(
      Vertx vertx,
      String nodeId,
      TopicRouter router,
      TopicLimits limits,
      int maxFiltersPerNode,
      String linkHost,
      int linkPort,
      GatewayMetrics metrics) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.router = router;
    this.peers = new PeerFilters(limits, maxFiltersPerNode);
    this.forwardedOut = metrics.counter(
        "sc_cluster_forwarded",
        "publishes forwarded between nodes' routers (out: sent from here, one per receiving node)",
        "direction",
        "out");
    this.forwardedIn = metrics.counter(
        "sc_cluster_forwarded",
        "publishes forwarded between nodes' routers (out: sent from here, one per receiving node)",
        "direction",
        "in");
    this.links =
        new RouterLinks(vertx, nodeId, linkHost, linkPort, this::deliver, this::sendOverEventBus);
    metrics.gauge(
        "sc_cluster_router_links",
        "direct links open from this node's router to other nodes' (forwards to the rest take the event bus)",
        links::connectedCount);
  }

  static String nodeAddress(String nodeId) {
    return Addresses.ROUTER_FORWARD + "." + nodeId;
  }

  Future<Void> start() {
    EventBus eb = vertx.eventBus();
    context = vertx.getOrCreateContext();
    HazelcastInstance hazelcast =
        ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager()).getHazelcastInstance();
    member = hazelcast.getCluster().getLocalMember().getUuid().toString();
    int others = hazelcast.getCluster().getMembers().size() - 1;
    expectedPeers = others;
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {}

      @Override
      public void memberRemoved(MembershipEvent event) {
        String left = event.getMember().getUuid().toString();
        context.runOnContext(v -> nodeLeft(left));
      }
    });
    router.forwardTo(this::forward);
    router.tellPageFilters(new TopicRouter.PageFilters() {
      @Override
      public void changed(String serverFilter, boolean add) {
        if (local.change(serverFilter, add)) {
          context.runOnContext(v -> sendDelta());
        }
      }

      @Override
      public void whenKnown(String serverFilter, Runnable then) {
        RouterCluster.this.whenKnown(serverFilter, then);
      }
    });
    joined = Promise.promise();
    if (others <= 0) {
      joined.tryComplete();
    } else {
      vertx.setTimer(JOIN_WAIT_MS, t -> {
        if (joined.tryComplete()) {
          LOG.warn(
              "the filters of {} of {} other nodes did not arrive in time",
              others - peers.nodes().size(),
              others);
        }
      });
    }
    return Future.all(
            links.start(),
            eb.<Object>consumer(nodeAddress(nodeId), this::onNodeMessage).completion(),
            eb.<JsonObject>consumer(HELLO, this::onHello).completion(),
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
            .completion())
        .compose(v -> {
          eb.publish(HELLO, fullSet());
          awaitPeers();
          return joined.future();
        });
  }

  private void awaitPeers() {
    if (peers.nodes().size() >= expectedPeers) {
      joined.tryComplete();
    }
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

  // ---- publishes
  // ------------------------------------------------------------------------------------------

  /**
   * Collected during this turn of the loop per receiving node; sent at the start of the next (no timer, no
   * delay). A retained publish goes to every node (each keeps it), any other to the nodes with a matching page.
   */
  private void forward(TopicName topic, Object payload, boolean retain, String owner) {
    if (peers.nodes().isEmpty()) {
      return;
    }
    ForwardBatch.Forwarded forwarded =
        new ForwardBatch.Forwarded(topic.value(), payload, retain, owner);
    if (retain) {
      peers.nodes().forEach(node -> queue(node, forwarded));
    } else {
      peers.match(topic, node -> queue(node, forwarded));
    }
  }

  private void queue(String node, ForwardBatch.Forwarded forwarded) {
    if (pending == null) {
      pending = new LinkedHashMap<>();
      context.runOnContext(v -> flush());
    }
    pending.computeIfAbsent(node, n -> new ArrayList<>()).add(forwarded);
  }

  private void flush() {
    Map<String, List<ForwardBatch.Forwarded>> batches = pending;
    pending = null;
    batches.forEach((node, messages) -> {
      forwardedOut.increment(messages.size());
      links.send(node, messages);
    });
  }

  private void sendOverEventBus(String node, List<ForwardBatch.Forwarded> messages) {
    vertx
        .eventBus()
        .send(nodeAddress(node), new ForwardBatch(messages)); // no headers: nothing to encode
  }

  private void onNodeMessage(Message<Object> m) {
    if (m.body() instanceof ForwardBatch batch) {
      onForward(batch);
      return;
    }
    if (!(m.body() instanceof JsonObject body)) {
      return;
    }
    String kind = body.getString(KIND);
    String from = body.getString("node");
    if (from == null || from.equals(nodeId)) {
      return;
    }
    switch (kind == null ? "" : kind) {
      case DELTA -> {
        m.reply(null);
        if (!peers.delta(
            from,
            body.getLong("seq", 0L),
            strings(body.getJsonArray("added")),
            strings(body.getJsonArray("removed")))) {
          LOG.info("asking node [{}] for all its filters (a delta was missed)", from);
          send(from, new JsonObject().put(KIND, RESYNC).put("node", nodeId));
        }
      }
      case FULL -> onFull(body);
      case RESYNC -> send(from, fullSet());
      default -> LOG.warn("an unknown router message [{}] from node [{}]", kind, from);
    }
  }

  private void onForward(ForwardBatch batch) {
    batch.messages().forEach(this::deliver);
  }

  private void deliver(ForwardBatch.Forwarded forwarded) {
    forwardedIn.increment();
    try {
      router.deliverForwarded(
          forwarded.topic(), forwarded.payload(), forwarded.retain(), forwarded.owner());
    } catch (TopicRouter.CommandException e) {
      LOG.warn("a forwarded publish was refused [{}]", e.getMessage());
    }
  }

  // ---- the filters of the pages, here and on the other nodes
  // ---------------------------------------------------------

  private JsonObject fullSet() {
    return new JsonObject()
        .put(KIND, FULL)
        .put("node", nodeId)
        .put("member", member)
        .put("seq", local.seq())
        .put("filters", new JsonArray(local.announced()))
        .put("link", links.describe());
  }

  /** A router started: it gets all of this node's filters, and is forwarded to from now on. */
  private void onHello(Message<JsonObject> m) {
    String from = m.body().getString("node");
    if (from == null || from.equals(nodeId)) {
      return;
    }
    boolean known = peers.knows(from);
    onFull(m.body()); // sends this node's filters to a node it did not know
    if (known) {
      send(from, fullSet());
    }
  }

  private void onFull(JsonObject body) {
    String from = body.getString("node");
    boolean known = peers.knows(from);
    int refused = peers.full(
        from,
        body.getString("member", ""),
        body.getLong("seq", 0L),
        strings(body.getJsonArray("filters")));
    if (refused > 0) {
      LOG.warn("refused [{}] filters of node [{}] (invalid, or past its bound)", refused, from);
    }
    links.peerAnnounced(from, body.getValue("link") instanceof JsonObject link ? link : null);
    if (!known) {
      LOG.info("node [{}] has [{}] page filters", from, peers.filterCount(from));
      send(from, fullSet()); // it may have started before this router listened
    }
    if (joined != null) {
      awaitPeers();
    }
  }

  private void send(String node, JsonObject body) {
    vertx.eventBus().send(nodeAddress(node), body);
  }

  /** Runs {@code then} once every other node knows {@code filter} (at once when it does already). */
  private void whenKnown(String filter, Runnable then) {
    if (local.isPending(filter)) {
      waitingForDelta.add(then);
      return;
    }
    InFlight delta = inFlight.get(filter);
    if (delta != null) {
      delta.waiting.add(then);
    } else {
      then.run();
    }
  }

  /** The changes of the last turn go to every node, acknowledged; the subacks waiting for them follow. */
  private void sendDelta() {
    List<Runnable> waiting = waitingForDelta;
    waitingForDelta = new ArrayList<>();
    LocalFilters.Delta delta = local.drain();
    if (delta == null || peers.nodes().isEmpty()) {
      waiting.forEach(Runnable::run);
      return;
    }
    InFlight sent = new InFlight(new HashSet<>(peers.nodes()), waiting, delta.added());
    unacknowledged.add(sent);
    delta.added().forEach(filter -> inFlight.put(filter, sent));
    JsonObject body = new JsonObject()
        .put(KIND, DELTA)
        .put("node", nodeId)
        .put("seq", delta.seq())
        .put("added", new JsonArray(delta.added()))
        .put("removed", new JsonArray(delta.removed()));
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(ACK_TIMEOUT_MS);
    for (String node : List.copyOf(sent.nodes)) {
      vertx.eventBus().request(nodeAddress(node), body, options).onComplete(ack -> {
        if (ack.failed()) {
          LOG.warn(
              "node [{}] did not acknowledge filters [{}]", node, ack.cause().getMessage());
        }
        acknowledged(sent, node);
      });
    }
  }

  private void acknowledged(InFlight delta, String node) {
    if (delta.nodes.remove(node) && delta.nodes.isEmpty() && unacknowledged.remove(delta)) {
      delta.filters.forEach(filter -> inFlight.remove(filter, delta));
      delta.waiting.forEach(Runnable::run);
    }
  }

  /** A Hazelcast member left: if it was a router's node, nothing more is forwarded to it or awaited from it. */
  private void nodeLeft(String leftMember) {
    String node = peers.nodeOfMember(leftMember);
    if (node == null) {
      return;
    }
    peers.remove(node);
    links.peerLeft(node);
    if (pending != null) {
      pending.remove(node);
    }
    List.copyOf(unacknowledged).forEach(delta -> acknowledged(delta, node));
    LOG.info("node [{}] left: no more forwarding to it", node);
  }

  private static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      for (Object o : array) {
        if (o instanceof String s) {
          out.add(s);
        }
      }
    }
    return out;
  }

  // ---- server components and retained messages
  // ------------------------------------------------------------

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
