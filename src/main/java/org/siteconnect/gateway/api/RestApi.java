package org.siteconnect.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ServiceBus;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.net.ClientAddresses;
import org.siteconnect.gateway.ops.GatewayMetrics;
import org.siteconnect.gateway.topic.Acl;
import org.siteconnect.gateway.topic.InvalidTopicException;
import org.siteconnect.gateway.topic.TopicName;

/**
 * {@code /api/v1/*} (docs/REST.md): a thin adapter from HTTP to the verticles' event-bus APIs. Bodies are
 * validated strictly here; the verticles apply the business rules.
 */
public final class RestApi {

  private final Vertx vertx;
  private final ServiceBus eb;
  private final GatewayConfig config;
  private final List<ApiKeyGrant> apiKeys;
  private final GatewayMetrics metrics;
  private final ClientAddresses clientAddresses;

  private record ApiKeyGrant(String name, byte[] sha256, Acl acl) {}

  private RestApi(Vertx vertx, GatewayConfig config, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.eb = new ServiceBus(vertx.eventBus());
    this.config = config;
    this.clientAddresses = new ClientAddresses(config.http().trustedProxies());
    this.apiKeys = config.api().keys().stream()
        .map(k -> new ApiKeyGrant(
            k.name(), HexFormat.of().parseHex(k.sha256()), new Acl(List.of(), k.publish())))
        .toList();
  }

  /** The sub-router to mount at {@code /api/v1/*}. */
  public static Router router(Vertx vertx, GatewayConfig config, GatewayMetrics metrics) {
    return new RestApi(vertx, config, metrics).build();
  }

  private Router build() {
    Router r = Router.router(vertx);
    r.route().handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
      ctx.next();
    });
    r.route().handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()));
    r.post("/login").handler(this::login);
    // Not through withAgent: an account that must change its password may still log out.
    r.post("/logout")
        .handler(ctx -> withToken(
            ctx,
            token -> reply(
                ctx,
                204,
                eb.request(
                        Addresses.AGENT_LOGOUT,
                        new JsonObject().put("token", token).put("address", address(ctx)))
                    .map(ok -> (Object) null))));
    r.post("/me/password").handler(this::changePassword);
    r.get("/audit")
        .handler(ctx -> withAgent(ctx, (agent, token) -> requireAdmin(agent).compose(v -> {
          JsonObject q = new JsonObject();
          putIfPresent(q, "action", ctx.request().getParam("action"));
          putIfPresent(q, "actor", ctx.request().getParam("actor"));
          q.put("since", longParam(ctx, "since", 0))
              .put("limit", (int) longParam(ctx, "limit", 200));
          return eb.<JsonObject>request(Addresses.AUDIT_QUERY, q)
              .map(m -> m.body().getJsonArray("entries"));
        })));
    r.get("/admin/stats")
        .handler(ctx -> withAgent(ctx, (agent, token) -> requireAdmin(agent).map(v -> stats())));
    r.get("/me")
        .handler(ctx -> withAgent(ctx, (agent, token) -> buttonsOf(agent)
            .map(buttons ->
                agent.copy().put("buttons", buttons).put("siteOrigins", siteOrigins(agent)))));
    r.put("/me/buttons/:site/:id").handler(this::setAvailability);
    r.get("/buttons").handler(ctx -> withAgent(ctx, (agent, token) -> siteButtons(agent)));
    r.get("/sessions")
        .handler(ctx -> withAgent(ctx, (agent, token) -> eb.<JsonObject>request(
                Addresses.SESSION_LIST, new JsonObject().put("sites", sitesOf(agent)))
            .map(m -> m.body().getJsonArray("sessions"))));
    r.post("/sessions/:handle/proactive").handler(this::proactive);
    r.get("/agents")
        .handler(ctx -> withAgent(ctx, (agent, token) -> eb.<JsonObject>request(
                Addresses.AGENT_LIST, new JsonObject().put("token", token))
            .map(m -> m.body().getJsonArray("agents"))));
    r.post("/agents").handler(this::createAgent);
    r.put("/agents/:login").handler(this::updateAgent);
    r.delete("/agents/:login")
        .handler(ctx -> withAgent(ctx, (agent, token) -> eb.request(
                Addresses.AGENT_DELETE,
                new JsonObject()
                    .put("token", token)
                    .put("login", ctx.pathParam("login"))
                    .put("address", address(ctx)))
            .map(ok -> (Object) null)));
    r.post("/publish").handler(this::publish);
    r.get("/chats")
        .handler(ctx -> withAgent(ctx, (agent, token) -> eb.<JsonObject>request(
                Addresses.CHAT_LIST,
                new JsonObject()
                    .put("sites", sitesOf(agent))
                    .put("buttons", agent.getJsonArray("buttons")))
            .map(m -> m.body().getJsonArray("chats"))));
    r.post("/chats/:id/accept")
        .handler(ctx -> withAgent(
            ctx,
            (agent, token) -> chatRequest(Addresses.CHAT_ACCEPT, ctx, agent, new JsonObject())));
    r.post("/chats/:id/messages").handler(this::agentMessage);
    r.post("/chats/:id/typing").handler(ctx -> {
      RequestBody body = RequestBody.of(ctx, "typing");
      boolean typing = body.bool("typing", true);
      withAgent(
          ctx,
          (agent, token) -> chatRequest(
              Addresses.CHAT_AGENT_TYPING, ctx, agent, new JsonObject().put("typing", typing)));
    });
    r.post("/chats/:id/end")
        .handler(ctx -> withAgent(
            ctx,
            (agent, token) -> chatRequest(Addresses.CHAT_AGENT_END, ctx, agent, new JsonObject())));
    r.get("/chats/:id/messages").handler(ctx -> {
      long after;
      try {
        after = Long.parseLong(ctx.request().getParam("after", "0"));
      } catch (NumberFormatException e) {
        throw ServiceError.badRequest("'after' must be a whole number");
      }
      withAgent(
          ctx,
          (agent, token) -> chatRequest(
              Addresses.CHAT_MESSAGES, ctx, agent, new JsonObject().put("after", after)));
    });
    r.post("/cobrowse").handler(ctx -> {
      String code = RequestBody.of(ctx, "code").string("code", true, 32);
      withAgent(ctx, (agent, token) -> eb.<JsonObject>request(
              Addresses.COBROWSE_REDEEM,
              new JsonObject()
                  .put("login", agent.getString("login"))
                  .put("name", agent.getString("name"))
                  .put("sites", sitesOf(agent))
                  .put("code", code)
                  .put("address", address(ctx)))
          .map(m -> m.body()));
    });
    r.get("/cobrowse/:id")
        .handler(ctx -> withAgent(ctx, (agent, token) -> eb.<JsonObject>request(
                Addresses.COBROWSE_INFO,
                new JsonObject()
                    .put("login", agent.getString("login"))
                    .put("cobrowse_id", ctx.pathParam("id")))
            .map(m -> m.body())));
    r.post("/cobrowse/:id/stop")
        .handler(ctx -> withAgent(ctx, (agent, token) -> eb.<JsonObject>request(
                Addresses.COBROWSE_STOP,
                new JsonObject()
                    .put("login", agent.getString("login"))
                    .put("cobrowse_id", ctx.pathParam("id")))
            .map(m -> m.body())));
    r.post("/cobrowse/:id/resync").handler(ctx -> {
      String reason = resyncReason(ctx);
      withAgent(ctx, (agent, token) -> eb.<JsonObject>request(
              Addresses.COBROWSE_RESYNC,
              new JsonObject()
                  .put("login", agent.getString("login"))
                  .put("cobrowse_id", ctx.pathParam("id"))
                  .put("reason", reason))
          .map(m -> m.body()));
    });
    r.get("/messages")
        .handler(ctx -> withAgent(ctx, (agent, token) -> eb.<JsonObject>request(
                Addresses.CHAT_LEFT_MESSAGES,
                new JsonObject()
                    .put("sites", sitesOf(agent))
                    .put("buttons", agent.getJsonArray("buttons")))
            .map(m -> m.body().getJsonArray("messages"))));
    WebhookApi.mount(r, eb, this::address);
    r.route().last().handler(ctx -> error(ctx, ServiceError.notFound("no such API endpoint")));
    r.route().failureHandler(this::failure);
    return r;
  }

  // ---- endpoints
  // ------------------------------------------------------------------------------------------------

  /** Why the console asks for a fresh snapshot (counted in /metrics); no body means the agent's own request. */
  static final java.util.Set<String> RESYNC_REASONS =
      java.util.Set.of("agent", "gap", "error", "missing-node", "no-snapshot", "digest");

  private static String resyncReason(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() <= 0) { // -1: no body at all
      return "agent";
    }
    String reason = RequestBody.of(ctx, "reason").string("reason", false, 32);
    if (reason == null) {
      return "agent";
    }
    if (!RESYNC_REASONS.contains(reason)) {
      throw ServiceError.badRequest("field 'reason' must be one of "
          + String.join(", ", new java.util.TreeSet<>(RESYNC_REASONS)));
    }
    return reason;
  }

  private void login(RoutingContext ctx) {
    // Only JSON: a form or text/plain POST is what another website can make a browser send without
    // CORS asking.
    if (!isJson(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
      throw ServiceError.of(
          415, "unsupported-media-type", "send the login as Content-Type: application/json");
    }
    RequestBody body = RequestBody.of(ctx, "login", "password");
    JsonObject request = new JsonObject()
        .put("login", body.string("login", true, 64))
        .put("password", body.string("password", true, 1024))
        .put("address", address(ctx));
    reply(ctx, 200, eb.<JsonObject>request(Addresses.AGENT_LOGIN, request).map(m -> m.body()));
  }

  /** The only call an account that must change its password may make (besides logging out). */
  private void changePassword(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx, "current", "password");
    JsonObject request = new JsonObject()
        .put("current", body.string("current", true, 1024))
        .put("password", body.string("password", true, 1024))
        .put("address", address(ctx));
    withToken(
        ctx,
        token -> reply(
            ctx,
            200,
            eb.<JsonObject>request(Addresses.AGENT_PASSWORD, request.put("token", token))
                .map(m -> m.body())));
  }

  private void withToken(RoutingContext ctx, java.util.function.Consumer<String> call) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.startsWith("Bearer ")) {
      error(ctx, ServiceError.unauthorized("log in first: send 'Authorization: Bearer <token>'"));
      return;
    }
    call.accept(header.substring("Bearer ".length()).trim());
  }

  private void setAvailability(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx, "available");
    boolean available = body.bool("available", true);
    String ref = ctx.pathParam("site") + "/" + ctx.pathParam("id");
    withAgent(ctx, (agent, token) -> {
      if (!agent.getJsonArray("buttons").contains(ref)) {
        return Future.failedFuture(
            ServiceError.forbidden("you do not serve the button '" + ref + "'"));
      }
      JsonObject request = new JsonObject()
          .put("login", agent.getString("login"))
          .put("button", ref)
          .put("available", available)
          .put("buttons", agent.getJsonArray("buttons"))
          .put("maxChats", agent.getInteger("maxChats"));
      return eb.<JsonObject>request(Addresses.BUTTONS_SET_AVAILABLE, request).map(m -> m.body());
    });
  }

  private void proactive(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx, "button_id", "text");
    String button = body.string("button_id", true, 64);
    String text = body.string("text", false, 500);
    withAgent(
        ctx,
        (agent, token) -> {
          // Invites only on a button the agent serves: the sessions service checks the page is on
          // one of these sites.
          JsonArray sites = new JsonArray(sitesOf(agent).stream()
              .filter(site -> agent.getJsonArray("buttons").contains(site + "/" + button))
              .toList());
          if (sites.isEmpty()) {
            return Future.failedFuture(
                ServiceError.forbidden("you do not serve a button '" + button + "'"));
          }
          return eb.request(
                  Addresses.SESSION_PROACTIVE,
                  new JsonObject()
                      .put("handle", ctx.pathParam("handle"))
                      .put("sites", sites)
                      .put("button_id", button)
                      .put("text", text == null ? "" : text))
              .map(ok -> new JsonObject().put("sent", true));
        },
        202);
  }

  private void createAgent(RoutingContext ctx) {
    RequestBody body =
        RequestBody.of(ctx, "login", "name", "password", "roles", "buttons", "maxChats");
    JsonObject agent = agentFields(body);
    withAgent(
        ctx,
        (me, token) -> eb.<JsonObject>request(
                Addresses.AGENT_CREATE,
                new JsonObject()
                    .put("token", token)
                    .put("agent", agent)
                    .put("address", address(ctx)))
            .map(m -> m.body()),
        201);
  }

  private void updateAgent(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx, "name", "password", "roles", "buttons", "maxChats");
    JsonObject agent = agentFields(body);
    withAgent(ctx, (me, token) -> eb.<JsonObject>request(
            Addresses.AGENT_UPDATE,
            new JsonObject()
                .put("token", token)
                .put("login", ctx.pathParam("login"))
                .put("agent", agent)
                .put("address", address(ctx)))
        .map(m -> m.body()));
  }

  private static JsonObject agentFields(RequestBody body) {
    JsonObject agent = new JsonObject();
    putIfPresent(agent, "login", body.string("login", false, 64));
    putIfPresent(agent, "name", body.string("name", false, 200));
    putIfPresent(agent, "password", body.string("password", false, 1024));
    putIfPresent(agent, "roles", body.strings("roles"));
    putIfPresent(agent, "buttons", body.strings("buttons"));
    putIfPresent(agent, "maxChats", body.integer("maxChats"));
    return agent;
  }

  private static void putIfPresent(JsonObject o, String key, Object value) {
    if (value != null) {
      o.put(key, value);
    }
  }

  private void agentMessage(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx, "cid", "text");
    String cid = body.string("cid", true, 64);
    if (cid.isEmpty()) {
      throw ServiceError.badRequest("field 'cid' must not be empty");
    }
    Object text = body.value("text");
    withAgent(
        ctx,
        (agent, token) -> chatRequest(
            Addresses.CHAT_AGENT_SEND,
            ctx,
            agent,
            new JsonObject().put("cid", cid).put("text", text)));
  }

  /** A chat action as the authenticated agent, on the chat in the path. */
  private Future<JsonObject> chatRequest(
      String address, RoutingContext ctx, JsonObject agent, JsonObject extra) {
    JsonObject request = extra
        .copy()
        .put("chat_id", ctx.pathParam("id"))
        .put("login", agent.getString("login"))
        .put("name", agent.getString("name"))
        .put("buttons", agent.getJsonArray("buttons"))
        .put("sites", sitesOf(agent))
        .put("address", address(ctx));
    return eb.<JsonObject>request(address, request).map(m -> m.body());
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
    return "application/json".equalsIgnoreCase(type);
  }

  /** The client's address for throttles and the audit log: forwarded only by a trusted proxy (http.trustedProxies). */
  private String address(RoutingContext ctx) {
    String peer = ctx.request().remoteAddress() == null
        ? null
        : ctx.request().remoteAddress().hostAddress();
    return clientAddresses.resolve(
        peer,
        ctx.request().headers().getAll("X-Forwarded-For"),
        ctx.request().headers().getAll("Forwarded"));
  }

  private static long longParam(RoutingContext ctx, String name, long def) {
    String v = ctx.request().getParam(name);
    if (v == null) {
      return def;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ServiceError.badRequest("'" + name + "' must be a whole number");
    }
  }

  private static Future<Void> requireAdmin(JsonObject agent) {
    return agent.getJsonArray("roles", new JsonArray()).contains("admin")
        ? Future.succeededFuture()
        : Future.failedFuture(ServiceError.forbidden("admins only"));
  }

  /** Live figures for the admin view, read from this node's metrics. */
  private JsonObject stats() {
    return new JsonObject()
        .put("pages", gaugeValue("sc_pages_connected"))
        .put("agents", gaugeValue("sc_agents_connected"))
        .put("chatsWaiting", gaugeValue("sc_chat_requests_waiting"))
        .put("chatsActive", gaugeValue("sc_chats_active"))
        .put("cobrowseSessions", gaugeValue("sc_cobrowse_sessions"));
  }

  private long gaugeValue(String name) {
    var gauge = metrics.registry().find(name).gauge();
    return gauge == null ? 0 : Math.round(gauge.value());
  }

  /** Backends: {@code X-Api-Key} whose SHA-256 is configured; global topics within the key's grants. */
  private void publish(RoutingContext ctx) {
    String key = ctx.request().getHeader("X-Api-Key");
    ApiKeyGrant grant = key == null ? null : apiKey(key);
    if (grant == null) {
      error(ctx, ServiceError.unauthorized("a valid X-Api-Key header is required"));
      return;
    }
    RequestBody body = RequestBody.of(ctx, "topic", "payload", "retain");
    String topic = body.string("topic", true, 70_000);
    Boolean retain = body.bool("retain", false);
    TopicName name;
    try {
      name = TopicName.parse(
          topic,
          new org.siteconnect.gateway.topic.TopicLimits(
              config.topics().maxBytes(), config.topics().maxLevels()));
    } catch (InvalidTopicException e) {
      error(ctx, ServiceError.of(400, "invalid-topic", e.getMessage()));
      return;
    }
    if (name.isReserved() || topic.startsWith("pagesession/") || !grant.acl().mayPublish(name)) {
      error(
          ctx,
          ServiceError.of(403, "not-allowed", "this API key may not publish on '" + topic + "'"));
      return;
    }
    reply(
        ctx,
        202,
        eb.request(
                Addresses.ROUTER_PUBLISH,
                new JsonObject()
                    .put("topic", topic)
                    .put("payload", body.value("payload"))
                    .put("retain", Boolean.TRUE.equals(retain)))
            .map(ok -> new JsonObject().put("published", true)));
  }

  private ApiKeyGrant apiKey(String key) {
    byte[] hash = sha256(key);
    ApiKeyGrant found = null;
    for (ApiKeyGrant g : apiKeys) {
      if (MessageDigest.isEqual(g.sha256(), hash)) {
        found = g;
      }
    }
    return found;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- agent context
  // -----------------------------------------------------------------------------------------

  private interface AgentCall {
    Future<?> run(JsonObject agent, String token);
  }

  private void withAgent(RoutingContext ctx, AgentCall call) {
    withAgent(ctx, call, 200);
  }

  private void withAgent(RoutingContext ctx, AgentCall call, int status) {
    withToken(
        ctx,
        token -> reply(
            ctx,
            status,
            eb.<JsonObject>request(Addresses.AGENT_AUTH, new JsonObject().put("token", token))
                .compose(m -> call.run(m.body().getJsonObject("agent"), token))));
  }

  private Future<JsonArray> buttonsOf(JsonObject agent) {
    return eb.<JsonObject>request(
            Addresses.BUTTONS_QUERY,
            new JsonObject()
                .put("login", agent.getString("login"))
                .put("buttons", agent.getJsonArray("buttons")))
        .map(m -> m.body().getJsonArray("buttons"));
  }

  private Future<JsonArray> siteButtons(JsonObject agent) {
    JsonArray refs = new JsonArray();
    JsonArray sites = sitesOf(agent);
    config.sites().stream().filter(s -> sites.contains(s.key())).forEach(s -> s.buttons()
        .forEach(b -> refs.add(s.key() + "/" + b.id())));
    return buttonsOf(new JsonObject().put("login", agent.getString("login")).put("buttons", refs))
        .map(all -> {
          all.forEach(o -> ((JsonObject) o).remove("available"));
          return all;
        });
  }

  /** {site: [origins]} of the agent's sites: the co-browse mirror loads resources from these only. */
  private JsonObject siteOrigins(JsonObject agent) {
    JsonObject out = new JsonObject();
    JsonArray sites = sitesOf(agent);
    config.sites().stream()
        .filter(s -> sites.contains(s.key()))
        .forEach(s -> out.put(s.key(), new JsonArray(s.origins())));
    return out;
  }

  static JsonArray sitesOf(JsonObject agent) {
    JsonArray sites = new JsonArray();
    agent.getJsonArray("buttons", new JsonArray()).forEach(b -> {
      String site = String.valueOf(b).substring(0, String.valueOf(b).indexOf('/'));
      if (!sites.contains(site)) {
        sites.add(site);
      }
    });
    return sites;
  }

  // ---- answers
  // ------------------------------------------------------------------------------------------------

  private void reply(RoutingContext ctx, int status, Future<?> result) {
    result.onComplete(ar -> {
      if (ctx.response().ended()) {
        return;
      }
      if (ar.failed()) {
        error(ctx, ServiceError.from(ar.cause()));
        return;
      }
      Object value = ar.result();
      if (value == null) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.response()
            .setStatusCode(status)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(
                value instanceof JsonObject o
                    ? o.encode()
                    : value instanceof JsonArray a ? a.encode() : String.valueOf(value));
      }
    });
  }

  private void failure(RoutingContext ctx) {
    Throwable f = ctx.failure();
    ServiceError e = f instanceof ServiceError a
        ? a
        : ctx.statusCode() == 413
            ? ServiceError.of(
                413,
                "too-large",
                "the request body is larger than " + config.http().maxBodyBytes() + " bytes")
            : ctx.statusCode() >= 400 && ctx.statusCode() < 500
                ? ServiceError.badRequest("bad request")
                : ServiceError.from(f);
    error(ctx, e);
  }

  static void error(RoutingContext ctx, ServiceError e) {
    if (ctx.response().ended()) {
      return;
    }
    if (e.retryAfterSeconds() > 0) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
    }
    ctx.response()
        .setStatusCode(e.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(e.body().encode());
  }
}
