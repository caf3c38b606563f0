package org.siteconnect.gateway.router;

import static org.siteconnect.gateway.bus.ServiceHandlers.guard;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.siteconnect.gateway.bridge.BridgeGuard;
import org.siteconnect.gateway.bridge.PageConnection;
import org.siteconnect.gateway.bridge.PageConnections;
import org.siteconnect.gateway.bridge.PageFrames;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.bus.TopicMessage;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.ops.GatewayMetrics;
import org.siteconnect.gateway.ops.LagProbe;
import org.siteconnect.gateway.topic.Acl;
import org.siteconnect.gateway.topic.FrameOnlyTopics;
import org.siteconnect.gateway.topic.TopicLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the {@link TopicRouter} onto the event bus: the page commands arriving through the bridge on this
 * node's inbound address, and the router API for server components ({@link Addresses#ROUTER_SUBSCRIBE} etc.).
 */
public final class TopicRouterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TopicRouterVerticle.class);
  /** The answer to a command that was applied (the event bus hands each receiver its own copy). */
  private static final JsonObject OK = new JsonObject().put("ok", true);

  private final GatewayConfig config;
  private final String nodeId;
  private final PageConnections connections;
  private final GatewayMetrics metrics;
  private TopicRouter router;
  private RouterCluster cluster;
  private ServiceCalls serviceCalls;
  /** Co-browse batches relayed on this node when the visitor and the agent are both here (cluster only). */
  private org.siteconnect.gateway.cobrowse.LocalRelay relay;
  /**
   * Connections whose hello (or agent-hello) awaits the services' answer. Reserved when the command arrives, so a
   * second hello sent before the first is answered is refused instead of starting a second session.
   */
  private final java.util.Set<String> helloInFlight = new java.util.HashSet<>();

  public TopicRouterVerticle(
      GatewayConfig config, String nodeId, PageConnections connections, GatewayMetrics metrics) {
    this.config = config;
    this.nodeId = nodeId;
    this.connections = connections;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    EventBus eb = vertx.eventBus();
    serviceCalls = new ServiceCalls(vertx);
    GatewayConfig.Topics t = config.topics();
    router = new TopicRouter(
        new TopicLimits(t.maxBytes(), t.maxLevels()),
        new TopicRouter.RetainedLimits(
            t.retainedMaxMessages(),
            t.retainedMaxBytes(),
            t.retainedPerSessionMaxMessages(),
            t.retainedPerSessionMaxBytes()),
        new Acl(config.acl().subscribe(), config.acl().publish()),
        config.bridge().maxSubscriptionsPerSession(),
        new Output(eb),
        metrics);
    metrics.gauge(
        "sc_pages_connected",
        "page sessions with a live connection on this node",
        router::pageCount);
    metrics.gauge(
        "sc_agents_connected", "agent consoles connected to this node", router::agentCount);
    metrics.gauge(
        "sc_subscriptions",
        "subscriptions by kind",
        () -> router.index().exactCount(),
        "kind",
        "exact");
    metrics.gauge(
        "sc_subscriptions",
        "subscriptions by kind",
        () -> router.index().wildcardCount(),
        "kind",
        "wildcard");
    metrics.gauge(
        "sc_subscriptions",
        "subscriptions by kind",
        () -> router.index().sharedCount(),
        "kind",
        "shared");
    metrics.gauge("sc_retained_messages", "retained messages held", router::retainedCount);
    metrics.gauge(
        "sc_retained_page_messages",
        "retained messages held that pages published",
        router::pageRetainedCount);
    LagProbe.start(vertx, metrics, "router");
    // Components talk to the router of their own node; in a cluster the routers share what they
    // need.
    List<MessageConsumer<?>> consumers = List.of(
        eb.<JsonObject>consumer(Addresses.inbound(nodeId), this::onPageCommand),
        eb.<JsonObject>localConsumer(Addresses.ROUTER_CONNECTION_CLOSED, this::onConnectionClosed),
        eb.<JsonObject>consumer(Addresses.AGENT_REVOKED, this::onTokensRevoked),
        eb.<JsonObject>consumer(Addresses.SERVICES_UP, this::onServicesUp),
        eb.<JsonObject>consumer(Addresses.SESSION_END, this::onSessionEnd),
        eb.<JsonObject>localConsumer(Addresses.ROUTER_SUBSCRIBE, guard(this::onSubscribe)),
        eb.<JsonObject>localConsumer(Addresses.ROUTER_UNSUBSCRIBE, guard(this::onUnsubscribe)),
        eb.<JsonObject>localConsumer(Addresses.ROUTER_PUBLISH, guard(this::onPublish)),
        eb.<TopicMessage>localConsumer(Addresses.ROUTER_RELAY, this::onRelay));
    Future<?> local =
        Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    if (!vertx.isClustered()) {
      return local;
    }
    // Another node's page filters are bounded as its pages are: sessions times subscriptions per
    // session (the router counts a session's over all its sockets on the node).
    int maxFiltersPerNode = (int) Math.min(
        Integer.MAX_VALUE,
        (long) config.sessions().maxSessions() * config.bridge().maxSubscriptionsPerSession());
    cluster = new RouterCluster(
        vertx,
        nodeId,
        router,
        new TopicLimits(t.maxBytes(), t.maxLevels()),
        maxFiltersPerNode,
        config.cluster().host(),
        config.cluster().routerPort(),
        metrics);
    relay = new org.siteconnect.gateway.cobrowse.LocalRelay(vertx, metrics, new RelayRouter());
    return local.compose(v -> cluster.start()).compose(v -> relay.start());
  }

  /**
   * The services (re)started, maybe on another node after the leader died: tell them which page sessions and
   * agent consoles are connected here.
   */
  private void onServicesUp(Message<JsonObject> message) {
    serviceCalls.servicesUp();
    JsonArray held = new JsonArray();
    router
        .heldSessions()
        .forEach((conn, sid) -> held.add(new JsonObject().put("sid", sid).put("conn", conn)));
    if (!held.isEmpty()) {
      vertx.eventBus().send(Addresses.SESSION_REATTACH, new JsonObject().put("held", held));
    }
    router.agents().forEach((conn, agent) -> vertx
        .eventBus()
        .send(Addresses.BUTTONS_PRESENCE, presence(agent.profile(), conn, true)));
    LOG.info(
        "services up on node [{}]: re-asserted [{}] page connections and [{}] agent consoles",
        message.body().getString("node"),
        held.size(),
        router.agents().size());
  }

  /** Published by the session service when a page session ends; every node's router drops its retained state. */
  private void onSessionEnd(Message<JsonObject> message) {
    String sid = message.body() == null ? null : message.body().getString("sid");
    if (sid != null) {
      int removed = router.endSession(sid);
      if (removed > 0) {
        LOG.debug("session ended [{}]: [{}] retained messages removed", sid, removed);
      }
    }
  }

  // ---- page commands (already admitted by BridgeGuard)
  // ------------------------------------------------------

  private void onPageCommand(Message<JsonObject> message) {
    String counted = message.headers().get(BridgeGuard.BACKLOG_HEADER);
    if (counted != null) {
      connections.inbound().taken(Long.parseLong(counted));
    }
    String connectionId = message.headers().get(BridgeGuard.CONNECTION_HEADER);
    PageConnection connection = connectionId == null ? null : connections.get(connectionId);
    if (connection == null || !connection.isOpen()) {
      return; // closed meanwhile, or not from the bridge: nobody to answer
    }
    JsonObject body = message.body();
    String op = body.getValue("op") instanceof String s ? s : null;
    String ref = body.getValue("id") instanceof String s
        ? s
        : body.getValue("mid") instanceof String m ? m : null;
    try {
      TopicRouter.AgentGrant agent = router.agentOf(connectionId);
      if (agent != null && agent.expiresAt() <= System.currentTimeMillis()) {
        unauthorized(connection, "your login has expired");
        return;
      }
      switch (op == null ? "" : op) {
        case "hello" -> hello(connection, body);
        case "agent-hello" -> agentHello(connection, body);
        case "sub" ->
          router.pageSubscribe(
              connectionId, requireString(body, "id"), requireString(body, "filter"));
        case "unsub" -> router.pageUnsubscribe(connectionId, requireString(body, "id"));
        case "pub" -> publish(connection, body);
        case "consent" -> consent(connection, body, FrameOnlyTopics.CONSENT);
        case "control" -> consent(connection, body, FrameOnlyTopics.CONTROL);
        case "bye" -> detach(connectionId, true);
        default ->
          throw new TopicRouter.CommandException(
              "bad-request",
              "unknown op '" + op + "' (expected hello, sub, unsub, pub, consent, control or bye)");
      }
    } catch (TopicRouter.CommandException e) {
      metrics.bridgeRejected(e.code());
      connections.write(connection, PageFrames.error(e.code(), e.getMessage(), ref));
    } catch (RuntimeException e) {
      LOG.warn("page command failed [{}]", connectionId, e);
      connections.write(
          connection,
          PageFrames.error("internal", "the gateway could not handle this command", ref));
    }
  }

  private void publish(PageConnection connection, JsonObject body)
      throws TopicRouter.CommandException {
    Object retain = body.getValue("retain");
    if (retain != null && !(retain instanceof Boolean)) {
      throw new TopicRouter.CommandException("bad-request", "'retain' must be true or false");
    }
    String mid = optionalString(body, "mid");
    String topic = requireString(body, "topic");
    if (FrameOnlyTopics.isFrameOnly(topic)) {
      throw new TopicRouter.CommandException(
          "not-allowed",
          "only the frame's own consent command may speak on '" + topic
              + "' (the visitor answers in the frame)");
    }
    if (relay == null
        || !relay.fromPage(
            router.sessionOf(connection.id()),
            topic,
            body.getValue("payload"),
            Boolean.TRUE.equals(retain))) {
      router.pagePublish(
          connection.id(), topic, body.getValue("payload"), Boolean.TRUE.equals(retain));
    }
    puback(connection, mid);
  }

  /**
   * The visitor's answer to a co-browse consent request, sent by the frame's own UI (never a page publish:
   * {@link FrameOnlyTopics}). Published on the session's consent topic, where the co-browse service reads it.
   * The same for the visitor's answer to a remote-control request ({@code control}, docs/CONTROL.md).
   */
  private void consent(PageConnection connection, JsonObject body, String topic)
      throws TopicRouter.CommandException {
    String id = requireString(body, "cobrowse_id");
    if (id.isEmpty() || id.length() > 64 || !(body.getValue("allow") instanceof Boolean allow)) {
      throw new TopicRouter.CommandException(
          "bad-request",
          body.getValue("op")
              + " needs 'cobrowse_id' (1 to 64 characters) and 'allow' (true or false)");
    }
    String mid = optionalString(body, "mid");
    router.pagePublish(
        connection.id(), topic, new JsonObject().put("cobrowse_id", id).put("allow", allow), false);
    puback(connection, mid);
  }

  private void puback(PageConnection connection, Object mid) {
    if (mid != null) {
      connections.write(
          connection, PageFrames.rec(new JsonObject().put("op", "puback").put("mid", mid)));
    }
  }

  /** One hello per connection at a time, and none once it has a session. */
  private void reserveHello(PageConnection connection) throws TopicRouter.CommandException {
    if (router.hasPage(connection.id())) {
      throw new TopicRouter.CommandException(
          "bad-request", "this connection already has a session");
    }
    if (helloInFlight.contains(connection.id())) {
      throw new TopicRouter.CommandException(
          "bad-request", "this connection's hello is still being answered");
    }
    helloInFlight.add(connection.id());
  }

  private void hello(PageConnection connection, JsonObject body)
      throws TopicRouter.CommandException {
    String site = requireString(body, "site");
    String resume = optionalString(body, "resume");
    reserveHello(connection);
    JsonObject request = new JsonObject()
        .put("site", site)
        .put("resume", resume)
        .put("visitor", body.getValue("visitor")) // checked by the session service (VisitorIds)
        .put("conn", connection.id())
        .put("addr", connection.clientAddress());
    serviceCalls
        .request(Addresses.SESSION_HELLO, request, connection::isOpen)
        .onComplete(ar -> helloInFlight.remove(connection.id()))
        .onSuccess(reply -> {
          JsonObject session = reply.body();
          if (!connection.isOpen()) {
            vertx
                .eventBus()
                .send(
                    Addresses.SESSION_DETACHED,
                    new JsonObject()
                        .put("sid", session.getString("sid"))
                        .put("conn", connection.id()));
            return;
          }
          router.attachPage(connection, session.getString("sid"), session.getString("site"));
          connections.write(
              connection,
              PageFrames.rec(new JsonObject()
                  .put("op", "session")
                  .put("code", session.getString("code"))
                  .put("resume", session.getString("resume"))
                  .put("resumed", session.getBoolean("resumed", false))
                  .put("context", session.getJsonArray("context"))
                  .put(
                      "visitorDays", // docs/CONTEXT.md: the frame keeps its visitor id only where
                      // the site says so
                      config
                          .site(session.getString("site"))
                          .map(GatewayConfig.Site::rememberVisitorDays)
                          .filter(d -> d > 0)
                          .orElse(null))
                  .put(
                      "widget",
                      config
                          .site(session.getString("site")) // docs/EMBEDDING.md
                          .map(GatewayConfig.Site::widget)
                          .map(GatewayConfig.Widget::toJson)
                          .orElse(null))));
        })
        .onFailure(err -> {
          ServiceError error = ServiceError.from(err);
          connections.write(
              connection,
              error.status() == 503
                  ? PageFrames.rec(new JsonObject().put("op", "busy").put("reason", error.code()))
                  : PageFrames.error(error.code(), error.getMessage(), null));
        });
  }

  private void agentHello(PageConnection connection, JsonObject body)
      throws TopicRouter.CommandException {
    String token = requireString(body, "token");
    reserveHello(connection);
    serviceCalls
        .request(Addresses.AGENT_AUTH, new JsonObject().put("token", token), connection::isOpen)
        .onComplete(ar -> helloInFlight.remove(connection.id()))
        .onSuccess(reply -> {
          JsonObject agent = reply.body().getJsonObject("agent");
          java.util.Set<String> sites = new java.util.HashSet<>();
          agent.getJsonArray("buttons").forEach(b -> sites.add(String.valueOf(b).split("/", 2)[0]));
          if (!connection.isOpen()) {
            return;
          }
          router.attachAgent(
              connection,
              new TopicRouter.AgentGrant(
                  agent.getString("login"),
                  token,
                  reply.body().getLong("expiresAt"),
                  sites,
                  agent));
          vertx.eventBus().send(Addresses.BUTTONS_PRESENCE, presence(agent, connection.id(), true));
          connections.write(
              connection,
              PageFrames.rec(new JsonObject().put("op", "agent-session").put("agent", agent)));
        })
        .onFailure(err -> {
          ServiceError error = ServiceError.from(err);
          if (error.status() == 401 || error.status() == 403) {
            unauthorized(connection, "log in first (the token is missing, expired or revoked)");
          } else { // the console tries again later instead of logging the agent out
            connections.write(connection, PageFrames.error(error.code(), error.getMessage(), null));
          }
        });
  }

  private static JsonObject presence(JsonObject agent, String connectionId, boolean connected) {
    return new JsonObject()
        .put("login", agent.getString("login"))
        .put("name", agent.getString("name"))
        .put("connected", connected)
        .put("conn", connectionId)
        .put("buttons", agent.getJsonArray("buttons"))
        .put("maxChats", agent.getInteger("maxChats"));
  }

  /** Tell the console why, then close its socket. */
  private void unauthorized(PageConnection connection, String why) {
    connections.write(connection, PageFrames.error("unauthorized", why, null));
    connections.close(connection.id());
  }

  private void onTokensRevoked(Message<JsonObject> message) {
    List<String> hashes =
        message.body().getJsonArray("hashes", new io.vertx.core.json.JsonArray()).stream()
            .map(String::valueOf)
            .toList();
    for (String connectionId : router.connectionsWithTokens(hashes)) {
      PageConnection connection = connections.get(connectionId);
      if (connection != null) {
        unauthorized(connection, "you have been logged out");
      }
    }
  }

  /** Detaches the connection's page session here and tells the session service ({@code bye}: the page left). */
  private void detach(String connectionId, boolean bye) {
    String sid = router.sessionOf(connectionId);
    router.detachPage(connectionId);
    if (sid != null) {
      vertx
          .eventBus()
          .send(
              Addresses.SESSION_DETACHED,
              new JsonObject().put("sid", sid).put("bye", bye).put("conn", connectionId));
    }
  }

  private void onConnectionClosed(Message<JsonObject> message) {
    String connectionId = message.body().getString("conn");
    TopicRouter.AgentGrant agent = router.agentOf(connectionId);
    if (agent != null) {
      vertx
          .eventBus()
          .send(
              Addresses.BUTTONS_PRESENCE,
              new JsonObject()
                  .put("login", agent.login())
                  .put("connected", false)
                  .put("conn", connectionId));
    }
    detach(connectionId, false);
  }

  // ---- router API for server components
  // ----------------------------------------------------------------------

  private void onSubscribe(Message<JsonObject> message) {
    shareThenAnswer(
        message,
        true,
        () -> router.subscribeAddress(
            requireString(message.body(), "filter"), requireString(message.body(), "address")));
  }

  private void onUnsubscribe(Message<JsonObject> message) {
    shareThenAnswer(
        message,
        false,
        () -> router.unsubscribeAddress(
            requireString(message.body(), "filter"), requireString(message.body(), "address")));
  }

  /** Applied here first (so errors reach the component); in a cluster, answered once every router will know. */
  private void shareThenAnswer(Message<JsonObject> message, boolean add, Command command) {
    if (!applied(message, command)) {
      return;
    }
    if (cluster == null) {
      message.reply(OK);
      return;
    }
    cluster
        .share(message.body().getString("filter"), message.body().getString("address"), add)
        .onSuccess(v -> message.reply(OK))
        .onFailure(err -> {
          LOG.warn("a subscription was not shared with the other routers [{}]", err.getMessage());
          message.reply(ServiceError.unavailable(
              "unavailable", "the subscription could not be shared; try again"));
        });
  }

  private void onPublish(Message<JsonObject> message) {
    JsonObject body = message.body();
    answer(
        message,
        () -> router.publish(
            requireString(body, "topic"),
            body.getValue("payload"),
            body.getBoolean("retain", false)));
  }

  private void onRelay(Message<TopicMessage> message) {
    try {
      router.publish(message.body().topic(), message.body().payload(), false);
    } catch (TopicRouter.CommandException e) {
      LOG.warn("a relayed message was refused [{}]", e.getMessage());
    }
  }

  private interface Command {
    void run() throws TopicRouter.CommandException;
  }

  private static void answer(Message<JsonObject> message, Command command) {
    if (applied(message, command)) {
      message.reply(OK);
    }
  }

  /** Runs the command; if it is refused, answers with the error and returns false. */
  private static boolean applied(Message<JsonObject> message, Command command) {
    try {
      if (message.body() == null) {
        throw new TopicRouter.CommandException("bad-request", "a JSON object body is required");
      }
      command.run();
      return true;
    } catch (TopicRouter.CommandException e) {
      message.reply(ServiceError.of(400, e.code(), e.getMessage()));
    } catch (ClassCastException e) {
      message.reply(ServiceError.badRequest("a field has the wrong type"));
    }
    return false;
  }

  private static String requireString(JsonObject body, String field)
      throws TopicRouter.CommandException {
    Object v = body.getValue(field);
    if (!(v instanceof String s)) {
      throw new TopicRouter.CommandException("bad-request", "'" + field + "' must be a string");
    }
    return s;
  }

  private static String optionalString(JsonObject body, String field)
      throws TopicRouter.CommandException {
    return body.getValue(field) == null ? null : requireString(body, field);
  }

  /** What the co-browse relay may do here: look for a watcher, publish as a component. */
  private final class RelayRouter implements org.siteconnect.gateway.cobrowse.LocalRelay.Router {
    @Override
    public boolean watchedHere(String serverTopic) {
      return router.watchedHere(serverTopic);
    }

    @Override
    public void publish(String serverTopic, Object payload) {
      try {
        router.publish(serverTopic, payload, false);
      } catch (TopicRouter.CommandException e) {
        LOG.warn("a co-browse batch relayed here was refused [{}]", e.getMessage());
      }
    }
  }

  /** Deliveries: page sockets through {@link PageConnections}, components by event-bus send. */
  private final class Output implements RouterOutput {
    private final EventBus eb;

    Output(EventBus eb) {
      this.eb = eb;
    }

    @Override
    public void toPages(List<PageConnection> targets, Buffer frame) {
      connections.writeAll(targets, frame);
    }

    @Override
    public void toPage(PageConnection target, Buffer frame) {
      connections.write(target, frame);
    }

    @Override
    public void toAddress(String address, TopicMessage message) {
      eb.send(address, message);
    }
  }
}
