package org.siteconnect.gateway;

import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.siteconnect.gateway.agent.AgentStore;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.bridge.InboundBacklog;
import org.siteconnect.gateway.bridge.PageConnections;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ForwardBatch;
import org.siteconnect.gateway.bus.RandomIds;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.bus.TopicMessage;
import org.siteconnect.gateway.canned.CannedVerticle;
import org.siteconnect.gateway.chat.ChatButtonVerticle;
import org.siteconnect.gateway.chat.ChatVerticle;
import org.siteconnect.gateway.chat.Transfers;
import org.siteconnect.gateway.cluster.HazelcastSetup;
import org.siteconnect.gateway.cluster.Leadership;
import org.siteconnect.gateway.cobrowse.CobrowseVerticle;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.http.HttpVerticle;
import org.siteconnect.gateway.ops.AuditVerticle;
import org.siteconnect.gateway.ops.GatewayMetrics;
import org.siteconnect.gateway.ops.Readiness;
import org.siteconnect.gateway.privacy.PrivacyVerticle;
import org.siteconnect.gateway.router.TopicRouterVerticle;
import org.siteconnect.gateway.session.FrameSessionVerticle;
import org.siteconnect.gateway.store.DatabaseVerticle;
import org.siteconnect.gateway.webhook.WebhookStore;
import org.siteconnect.gateway.webhook.WebhookVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway node: a Vert.x instance and its verticles, deployed in dependency order. {@link #start} completes
 * only when every verticle is up; HTTP is deployed last so nothing is served before the rest is ready.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Vertx vertx;
  private final GatewayConfig config;
  private final String nodeId;
  private final Readiness readiness;
  private final PageConnections connections;
  private volatile HttpVerticle http;

  private final Map<String, String> env;
  private final GatewayMetrics metrics;
  private final Leadership leadership;
  private Stores stores;

  private Gateway(
      Vertx vertx,
      GatewayConfig config,
      Map<String, String> env,
      GatewayMetrics metrics,
      Leadership leadership) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.config = config;
    this.env = env;
    this.leadership = leadership;
    this.nodeId = randomNodeId();
    this.connections =
        new PageConnections(new InboundBacklog(config.bridge().maxInboundBacklogBytes()));
    this.readiness = new Readiness(List.of("audit", "topic-router", "services", "http"));
  }

  /**
   * A node with its own Vert.x, whose event-bus/HTTP/pool metrics go to the same Prometheus registry; clustered
   * (Hazelcast) when {@code cluster.enabled}.
   */
  public static Future<Gateway> start(GatewayConfig config, Map<String, String> env) {
    GatewayMetrics metrics = new GatewayMetrics();
    VertxOptions options = new VertxOptions()
        .setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    Transport transport = NodeTransport.choose(config.http().transport());
    LOG.info(
        "network transport: {} (http.transport = {})",
        transport.name(),
        config.http().transport());
    if (!config.cluster().enabled()) {
      Vertx vertx = Vertx.builder()
          .with(options)
          .withTransport(transport)
          .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
          .build();
      return start(vertx, config, env, metrics, Leadership.single());
    }
    options.setEventBusOptions(HazelcastSetup.eventBus(config.cluster()));
    HazelcastClusterManager manager = HazelcastSetup.clusterManager(config.cluster());
    return Vertx.builder()
        .with(options)
        .withTransport(transport)
        .withClusterManager(manager)
        .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
        .buildClustered()
        .compose(vertx ->
            start(vertx, config, env, metrics, Leadership.of(manager.getHazelcastInstance())));
  }

  public static Future<Gateway> start(Vertx vertx, GatewayConfig config) {
    return start(vertx, config, Map.of());
  }

  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, Map<String, String> env) {
    return start(vertx, config, env, new GatewayMetrics(), Leadership.single());
  }

  private static Future<Gateway> start(
      Vertx vertx,
      GatewayConfig config,
      Map<String, String> env,
      GatewayMetrics metrics,
      Leadership leadership) {
    Gateway gateway = new Gateway(vertx, config, env, metrics, leadership);
    metrics.gauge(
        "sc_cluster_leader",
        "1 when this node hosts the services (always on a single node)",
        () -> leadership.isLeader() ? 1 : 0);
    metrics.gauge(
        "sc_bridge_inbound_backlog_bytes",
        "bytes of page commands taken in that the router has not handled yet (bridge.maxInboundBacklogBytes)",
        gateway.connections.inbound()::bytes);
    vertx.eventBus().registerDefaultCodec(TopicMessage.class, new TopicMessage.Codec());
    vertx.eventBus().registerDefaultCodec(ForwardBatch.class, new ForwardBatch.Codec());
    ServiceError.registerCodec(vertx.eventBus());
    DatabaseVerticle store = new DatabaseVerticle(config.data());
    return vertx
        .deployVerticle(store)
        .compose(id -> {
          gateway.stores = Stores.over(store.database());
          return gateway.deployAll();
        })
        .map(gateway);
  }

  /**
   * Every node runs the audit writer, the topic router and HTTP; the leader also runs the stateful services
   * (DESIGN §9). A single node is its own leader. HTTP comes last on a leader so nothing is served before the
   * services are up; a node that becomes leader later deploys them while it keeps serving.
   */
  private Future<Void> deployAll() {
    Future<Void> chain = deploy("audit", () -> new AuditVerticle(config.ops(), stores.audit()))
        .compose(v -> deploy(
            "topic-router", () -> new TopicRouterVerticle(config, nodeId, connections, metrics)));
    if (leadership.isLeader()) {
      chain = chain.compose(v -> deployServices());
    } else {
      readiness.markUp("services"); // hosted by the leader
      LOG.info("gateway node [{}] joined the cluster; the services run on the leader", nodeId);
    }
    leadership.onElected(() -> vertx.runOnContext(
        v -> deployServices().onFailure(err -> LOG.error("taking over the services failed", err))));
    return chain.compose(v -> deploy(
        "http", () -> http = new HttpVerticle(config, nodeId, readiness, connections, metrics)));
  }

  /** The stateful services, then the announcement that makes every router re-assert what it holds. */
  private Future<Void> deployServices() {
    readiness.markDown("services");
    AgentStore agents = stores.agents();
    Map<String, Supplier<Deployable>> plan = new LinkedHashMap<>();
    plan.put(
        "agents",
        () -> new AgentVerticle(
            config, agents, env.get(AgentVerticle.ADMIN_PASSWORD_ENV), stores.database()));
    plan.put("chat-buttons", () -> new ChatButtonVerticle(config, stores.database()));
    plan.put(
        "chats",
        () -> new ChatVerticle(config, stores.chats(), metrics, new Transfers(stores.database())));
    plan.put("canned", () -> new CannedVerticle(config, stores.database()));
    plan.put("cobrowse", () -> new CobrowseVerticle(config, metrics));
    plan.put("frame-session", () -> new FrameSessionVerticle(config, metrics, stores.database()));
    plan.put("privacy", () -> new PrivacyVerticle(stores.database()));
    plan.put(
        "attachments",
        () -> new org.siteconnect.gateway.attachment.AttachmentVerticle(config, stores.database()));
    plan.put("webhooks", () -> new WebhookVerticle(config, new WebhookStore(stores.database())));
    plan.put(
        "transcripts",
        () -> new org.siteconnect.gateway.transcript.TranscriptVerticle(config, stores.database()));
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, Supplier<Deployable>> part : plan.entrySet()) {
      chain = chain.compose(v -> vertx
          .deployVerticle(part.getValue().get())
          .onFailure(err -> LOG.error("service [{}] did not start", part.getKey(), err))
          .mapEmpty());
    }
    return chain.onSuccess(v -> {
      readiness.markUp("services");
      vertx.eventBus().publish(Addresses.SERVICES_UP, new JsonObject().put("node", nodeId));
      LOG.info(
          "gateway node [{}] hosts the services{}",
          nodeId,
          leadership.clustered() ? " (cluster leader)" : "");
    });
  }

  private Future<Void> deploy(String name, Supplier<Deployable> verticle) {
    return vertx
        .deployVerticle(verticle.get())
        .onSuccess(id -> readiness.markUp(name))
        .mapEmpty();
  }

  public boolean isLeader() {
    return leadership.isLeader();
  }

  /** The port HTTP actually listens on (useful with port 0). */
  public int httpPort() {
    return http.actualPort();
  }

  public PageConnections connections() {
    return connections;
  }

  public Vertx vertx() {
    return vertx;
  }

  public String nodeId() {
    return nodeId;
  }

  /**
   * The first half of a SIGTERM: not ready any more, refuse new sockets, tell connected frames to reconnect
   * (elsewhere when clustered, or here after the restart) and close them. Chat messages are stored before they
   * are acknowledged, so nothing acknowledged is pending here.
   */
  public Future<Void> drain() {
    readiness.markDraining();
    LOG.info("gateway node [{}] draining", nodeId);
    HttpVerticle h = http;
    return h == null ? Future.succeededFuture() : h.drain();
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  public Future<Void> close() {
    LOG.info("gateway node [{}] closing", nodeId);
    return vertx.close();
  }

  private static String randomNodeId() {
    return RandomIds.hex(6);
  }
}
