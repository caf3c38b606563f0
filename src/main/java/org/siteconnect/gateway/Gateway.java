package org.siteconnect.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.Deployable;
import org.siteconnect.gateway.agent.AgentStore;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.agent.JdbcAgentStore;
import org.siteconnect.gateway.bridge.HttpVerticle;
import org.siteconnect.gateway.chat.ChatButtonVerticle;
import org.siteconnect.gateway.chat.ChatVerticle;
import org.siteconnect.gateway.cobrowse.CobrowseVerticle;
import org.siteconnect.gateway.chat.JdbcChatStore;
import org.siteconnect.gateway.store.Database;
import org.siteconnect.gateway.store.DatabaseVerticle;
import org.siteconnect.gateway.bridge.PageConnections;
import org.siteconnect.gateway.bus.TopicMessage;
import org.siteconnect.gateway.bridge.TopicRouterVerticle;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.session.FrameSessionVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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
  private final PageConnections connections = new PageConnections();
  private volatile HttpVerticle http;

  private final Map<String, String> env;
  private Database database;

  private Gateway(Vertx vertx, GatewayConfig config, Map<String, String> env) {
    this.vertx = vertx;
    this.config = config;
    this.env = env;
    this.nodeId = randomNodeId();
    this.readiness = new Readiness(List.of("topic-router", "agents", "chat-buttons", "chats", "cobrowse", "frame-session", "http"));
  }

  public static Future<Gateway> start(GatewayConfig config, Map<String, String> env) {
    return start(Vertx.vertx(new VertxOptions()), config, env);
  }

  public static Future<Gateway> start(Vertx vertx, GatewayConfig config) {
    return start(vertx, config, Map.of());
  }

  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, Map<String, String> env) {
    Gateway gateway = new Gateway(vertx, config, env);
    vertx.eventBus().registerDefaultCodec(TopicMessage.class, new TopicMessage.Codec());
    DatabaseVerticle store = new DatabaseVerticle(config.data().dir());
    return vertx.deployVerticle(store)
        .compose(id -> {
          gateway.database = store.database();
          return gateway.deployAll();
        })
        .map(gateway);
  }

  private Future<Void> deployAll() {
    AgentStore agents = new JdbcAgentStore(database);
    Map<String, Supplier<Deployable>> plan = new LinkedHashMap<>();
    plan.put("topic-router", () -> new TopicRouterVerticle(config, nodeId, connections));
    plan.put("agents", () -> new AgentVerticle(config, agents, env.get(AgentVerticle.ADMIN_PASSWORD_ENV)));
    plan.put("chat-buttons", () -> new ChatButtonVerticle(config));
    plan.put("chats", () -> new ChatVerticle(config, new JdbcChatStore(database)));
    plan.put("cobrowse", () -> new CobrowseVerticle(config));
    plan.put("frame-session", () -> new FrameSessionVerticle(config));
    plan.put("http", () -> http = new HttpVerticle(config, nodeId, readiness, connections));
    Future<Void> chain = Future.succeededFuture();
    List<String> names = new ArrayList<>(plan.keySet());
    for (String name : names) {
      chain = chain.compose(v -> vertx.deployVerticle(plan.get(name).get())
          .onSuccess(id -> readiness.markUp(name))
          .mapEmpty());
    }
    return chain;
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

  public Readiness readiness() {
    return readiness;
  }

  public Future<Void> close() {
    LOG.info("gateway node [{}] closing", nodeId);
    return vertx.close();
  }

  private static String randomNodeId() {
    byte[] bytes = new byte[6];
    new SecureRandom().nextBytes(bytes);
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(String.format("%02x", b));
    }
    return sb.toString();
  }
}
