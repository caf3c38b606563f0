package org.siteconnect.gateway.cobrowse;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.ops.GatewayMetrics;
import org.siteconnect.gateway.topic.AgentTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same-node relay of a co-browse in a cluster (docs/COBROWSE.md, issue 22). The co-browse service runs on the
 * leader; each node's router holds one of these. The leader announces every active co-browse (id, page session,
 * agent, tabs, the tab that records) on {@link Addresses#COBROWSE_RELAY_STATE} when it starts, its tabs change or
 * it ends; a node that joins asks for all of them. When a page connected here publishes its recorder's events and
 * the co-browse's agent watches it from a console connected here, the batch is checked here exactly as the leader
 * checks it ({@link CobrowseTabs#relay}: an active co-browse, a tab of it, the tab that records or a full snapshot
 * that takes over) and published to the agent from here: it never goes to the leader and back. A full snapshot
 * relayed here is told to the leader without its events (the tab that records and remote control's page
 * tracking live there). Every other batch takes the leader's path, as before. A stop is seen at once: the
 * visitor's {@code end} from a page here drops the co-browse before the publish goes on to the leader, and the
 * leader withdraws it from every node before it tells the agent and the page. Not thread-safe: the router's loop.
 */
public final class LocalRelay {
  private static final Logger LOG = LoggerFactory.getLogger(LocalRelay.class);
  private static final String EVENTS = "~pagesession/cobrowsing/events";
  private static final String END = "~pagesession/cobrowsing/end";

  /** What the relay needs of the router on its node. */
  public interface Router {
    /** Whether a connection on this node subscribes to {@code serverTopic}. */
    boolean watchedHere(String serverTopic);

    /** Publishes as a server component on this node does (delivered here, handed on to the other nodes). */
    void publish(String serverTopic, Object payload);
  }

  /** One co-browse as this node knows it. */
  private static final class Live {
    final String id;
    final String agentTopic;
    CobrowseTabs tabs;

    Live(String id, String agentTopic, CobrowseTabs tabs) {
      this.id = id;
      this.agentTopic = agentTopic;
      this.tabs = tabs;
    }
  }

  private final Vertx vertx;
  private final Router router;
  private final Counter relayed;
  private final Map<String, Live> byId = new HashMap<>();
  private final Map<String, String> bySession = new HashMap<>();

  public LocalRelay(Vertx vertx, GatewayMetrics metrics, Router router) {
    this.vertx = vertx;
    this.router = router;
    this.relayed = relayedCounter(metrics, "local");
  }

  /** The co-browse batches relayed to agents, by the path they took (the leader's or a same-node relay). */
  static Counter relayedCounter(GatewayMetrics metrics, String path) {
    return metrics.counter(
        "sc_cobrowse_relayed_events",
        "co-browse event batches relayed to agents, by path",
        "path",
        path);
  }

  /** Registers the consumers (call on the router's context) and loads the co-browses that are on. */
  public Future<Void> start() {
    EventBus eb = vertx.eventBus();
    return Future.all(
            eb.<JsonObject>consumer(Addresses.COBROWSE_RELAY_STATE, m -> apply(m.body()))
                .completion(),
            eb.<JsonObject>consumer(Addresses.SESSION_END, this::sessionEnded).completion())
        .compose(v -> eb.<JsonObject>request(Addresses.COBROWSE_RELAY_SNAPSHOT, new JsonObject()))
        .map(reply -> {
          reply
              .body()
              .getJsonArray("cobrowses", new JsonArray())
              .forEach(o -> apply((JsonObject) o));
          return (Void) null;
        })
        .recover(err -> {
          if (!(err instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS)) {
            LOG.warn("the live co-browses were not loaded [{}]", err.getMessage());
          }
          return Future.succeededFuture(); // no leader yet: it announces them when it starts
        });
  }

  /**
   * A page publish from session {@code sid} on this node, in page form. True when it was handled here (relayed to
   * the agent, or refused as the leader would refuse it); false: the router publishes it as before.
   */
  public boolean fromPage(String sid, String pageTopic, Object payload, boolean retain) {
    if (sid == null || retain) {
      return false;
    }
    if (END.equals(pageTopic)) {
      drop(bySession.get(sid)); // the visitor stopped: not one more batch from here
      return false;
    }
    if (!EVENTS.equals(pageTopic) || !(payload instanceof JsonObject batch)) {
      return false;
    }
    String id = bySession.get(sid);
    Live live = id == null ? null : byId.get(id);
    if (live == null || !router.watchedHere(live.agentTopic)) {
      return false;
    }
    boolean full = Boolean.TRUE.equals(batch.getValue("full"));
    if (live.tabs.relay(sid, full)) {
      router.publish(live.agentTopic, batch);
      relayed.increment();
      if (full) { // the leader learns which tab records (and remote control, which page it shows)
        vertx
            .eventBus()
            .send(
                Addresses.COBROWSE_RELAYED,
                new JsonObject()
                    .put("sid", sid)
                    .put("cobrowse_id", id)
                    .put("full", true)
                    .put("rid", batch.getValue("rid")));
      }
    }
    return true;
  }

  private void sessionEnded(Message<JsonObject> m) {
    String sid = m.body() == null ? null : m.body().getString("sid");
    String id = sid == null ? null : bySession.get(sid);
    Live live = id == null ? null : byId.get(id);
    if (live != null && (!live.tabs.has(sid) || live.tabs.leave(sid))) {
      drop(id);
    } else if (live != null) {
      bySession.remove(sid, id);
    }
  }

  /** An announcement from the leader: a co-browse on (with its tabs) or off. */
  private void apply(JsonObject state) {
    String id = state.getString("id");
    if (id == null) {
      return;
    }
    if (state.getBoolean("drop", false)) {
      drop(id);
      return;
    }
    List<String> sessions = state.getJsonArray("sessions", new JsonArray()).stream()
        .map(String::valueOf)
        .toList();
    if (sessions.isEmpty()) {
      drop(id);
      return;
    }
    Live live = byId.get(id);
    String announced = state.getString("current");
    // A change of the recording tab the leader made is taken; a change of tabs only keeps the one
    // this node
    // chose from a full snapshot here (the leader may not have heard of it yet).
    String recording = live != null
            && !state.getBoolean("set", false)
            && live.tabs.recording() != null
            && sessions.contains(live.tabs.recording())
        ? live.tabs.recording()
        : announced;
    if (live != null) {
      live.tabs.sessions().forEach(sid -> bySession.remove(sid, id));
    }
    CobrowseTabs tabs = CobrowseTabs.of(sessions, recording);
    byId.put(
        id,
        new Live(
            id,
            AgentTopics.cobrowse(state.getString("site"), state.getString("login"), id, "events"),
            tabs));
    sessions.forEach(sid -> bySession.put(sid, id));
  }

  private void drop(String id) {
    Live live = id == null ? null : byId.remove(id);
    if (live != null) {
      live.tabs.sessions().forEach(sid -> bySession.remove(sid, id));
    }
  }

  // ---- the leader's side: what it announces
  // ------------------------------------------------------------------

  /** The announcement of an active co-browse; {@code set}: the recording tab changed on the leader. */
  static JsonObject state(Cobrowse c, CobrowseTabs tabs, boolean set) {
    return new JsonObject()
        .put("id", c.id())
        .put("site", c.site())
        .put("login", c.agentLogin())
        .put("sessions", new JsonArray(tabs.sessions()))
        .put("current", tabs.recording())
        .put("set", set);
  }

  /** Tells every node's relay that the co-browse is on with these tabs (or off, when it is not active). */
  static void announce(EventBus eb, Cobrowse c, CobrowseTabs tabs, boolean set) {
    eb.publish(
        Addresses.COBROWSE_RELAY_STATE,
        Cobrowse.ACTIVE.equals(c.state()) && tabs != null
            ? state(c, tabs, set)
            : new JsonObject().put("id", c.id()).put("drop", true));
  }
}
