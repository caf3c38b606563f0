package org.siteconnect.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ServiceBus;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.chat.Transfers;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.net.ClientAddresses;
import org.siteconnect.gateway.ops.GatewayMetrics;
import org.siteconnect.gateway.topic.InvalidTopicException;
import org.siteconnect.gateway.topic.TopicName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/*}: routed, validated and authenticated by the OpenAPI contract {@value #CONTRACT} (docs/REST.md
 * is generated from it), then a thin adapter from HTTP to the verticles' event-bus APIs, which apply the business
 * rules. A route the contract lacks does not exist; every operation of the contract is bound here by its
 * operationId.
 */
public final class RestApi {
  private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);

  /** The contract, in the jar; also served at {@code GET /api/v1/openapi.json}. */
  public static final String CONTRACT = "siteconnect/openapi.json";

  private final Vertx vertx;
  private final ServiceBus eb;
  private final GatewayConfig config;
  private final ApiAuth auth;
  private final GatewayMetrics metrics;
  private final ClientAddresses clientAddresses;
  private OpenAPIContract contract;

  /**
   * Operations whose service checks the token itself, so that an account that must change its password may
   * still make them.
   */
  private static final java.util.Set<String> TOKEN_ONLY =
      java.util.Set.of("logout", "changePassword");

  private RestApi(Vertx vertx, GatewayConfig config, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.eb = new ServiceBus(vertx.eventBus());
    this.config = config;
    this.clientAddresses = new ClientAddresses(config.http().trustedProxies());
    this.auth = new ApiAuth(eb, config);
  }

  /** The sub-router to mount at {@code /api/v1/*}, once the contract is read and checked. */
  public static Future<Router> router(Vertx vertx, GatewayConfig config, GatewayMetrics metrics) {
    RestApi api = new RestApi(vertx, config, metrics);
    long started = System.nanoTime();
    return contract(vertx, config)
        .compose(served -> OpenAPIContract.from(vertx, served.copy()).map(contract -> {
          LOG.info(
              "REST contract read and checked [{} operations] in [{} ms]",
              contract.operations().size(),
              (System.nanoTime() - started) / 1_000_000);
          return api.build(contract, served.toBuffer());
        }));
  }

  /**
   * The contract as served: its {@code servers} entry names this gateway's public origin. (vertx-openapi 5.0.7
   * reads server URLs with {@code java.net.URL}, which refuses the relative {@code /api/v1} of the file.)
   */
  static Future<JsonObject> contract(Vertx vertx, GatewayConfig config) {
    return vertx.fileSystem().readFile(CONTRACT).map(file -> file.toJsonObject()
        .put(
            "servers",
            new JsonArray()
                .add(new JsonObject().put("url", config.http().publicOrigin() + "/api/v1"))));
  }

  private Router build(OpenAPIContract contract, Buffer served) {
    this.contract = contract;
    RouterBuilder b = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
    // A platform handler: vertx-web runs those before the body handler, so every answer carries it.
    b.rootHandler((PlatformHandler) ctx -> {
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
      ctx.next();
    });
    b.rootHandler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()));
    b.rootHandler(auth.agentToken(contract, TOKEN_ONLY));
    WriteBudget writes = new WriteBudget(config.agents().maxWritesPerMinute());
    b.rootHandler(ctx -> chargeWrite(ctx, writes));
    b.security(ApiAuth.BACKEND_KEY).apiKeyHandler(auth.backend());

    bind(b, "getContract", ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(served));
    bind(b, "login", this::login);
    SsoApi.bind(b, vertx, config, this::address); // single sign-on (docs/SSO.md)
    bind(
        b,
        "logout",
        ctx -> reply(
            ctx,
            204,
            eb.request(
                    Addresses.AGENT_LOGOUT,
                    new JsonObject().put("token", ApiAuth.token(ctx)).put("address", address(ctx)))
                .map(ok -> (Object) null)));
    bind(b, "changePassword", this::changePassword);
    bindAgent(b, "listAudit", (ctx, agent) -> requireAdmin(agent).compose(v -> {
      JsonObject q = new JsonObject();
      putIfPresent(q, "action", ctx.request().getParam("action"));
      putIfPresent(q, "actor", ctx.request().getParam("actor"));
      q.put("since", query(ctx, "since", 0)).put("limit", (int) query(ctx, "limit", 200));
      return eb.<JsonObject>request(Addresses.AUDIT_QUERY, q)
          .map(m -> m.body().getJsonArray("entries"));
    }));
    bindAgent(b, "adminStats", (ctx, agent) -> requireAdmin(agent).map(v -> stats()));
    bindAgent(b, "getMe", (ctx, agent) -> buttonsOf(agent)
        .map(buttons ->
            agent.copy().put("buttons", buttons).put("siteOrigins", siteOrigins(agent))));
    bindAgent(b, "setAvailability", this::setAvailability);
    bindAgent(b, "listButtons", (ctx, agent) -> siteButtons(agent));
    bindAgent(b, "listSessions", (ctx, agent) -> eb.<JsonObject>request(
            Addresses.SESSION_LIST, new JsonObject().put("sites", sitesOf(agent)))
        .map(m -> m.body().getJsonArray("sessions")));
    bindAgent(b, "inviteSession", 202, this::proactive);
    bindAgent(b, "listAgents", (ctx, agent) -> eb.<JsonObject>request(
            Addresses.AGENT_LIST, new JsonObject().put("token", ApiAuth.token(ctx)))
        .map(m -> m.body().getJsonArray("agents")));
    bindAgent(b, "createAgent", 201, this::createAgent);
    bindAgent(b, "updateAgent", this::updateAgent);
    bindAgent(b, "deleteAgent", (ctx, agent) -> eb.request(
            Addresses.AGENT_DELETE,
            new JsonObject()
                .put("token", ApiAuth.token(ctx))
                .put("login", ctx.pathParam("login"))
                .put("address", address(ctx)))
        .map(ok -> (Object) null));
    bind(b, "publish", this::publish);
    bindAgent(
        b, "listChats", (ctx, agent) -> eb.<JsonObject>request(Addresses.CHAT_LIST, servedBy(agent))
            .map(m -> m.body().getJsonArray("chats")));
    bindChat(b, "acceptChat", Addresses.CHAT_ACCEPT, ctx -> new JsonObject());
    bindChat(b, "sendChatMessage", Addresses.CHAT_AGENT_SEND, ctx -> new JsonObject()
        .put("cid", body(ctx).getString("cid"))
        .put("text", body(ctx).getValue("text")));
    bindChat(b, "setTyping", Addresses.CHAT_AGENT_TYPING, ctx -> new JsonObject()
        .put("typing", body(ctx).getBoolean("typing")));
    bindChat(b, "endChat", Addresses.CHAT_AGENT_END, ctx -> new JsonObject());
    bindChat(b, "listChatMessages", Addresses.CHAT_MESSAGES, ctx -> new JsonObject()
        .put("after", query(ctx, "after", 0)));
    bindAgent(b, "redeemCobrowse", (ctx, agent) -> eb.<JsonObject>request(
            Addresses.COBROWSE_REDEEM,
            new JsonObject()
                .put("login", agent.getString("login"))
                .put("name", agent.getString("name"))
                .put("sites", sitesOf(agent))
                .put("code", body(ctx).getString("code"))
                .put("address", address(ctx)))
        .map(m -> m.body()));
    bindAgent(
        b, "getCobrowse", (ctx, agent) -> cobrowseRequest(Addresses.COBROWSE_INFO, ctx, agent));
    bindAgent(
        b, "stopCobrowse", (ctx, agent) -> cobrowseRequest(Addresses.COBROWSE_STOP, ctx, agent));
    bindAgent(b, "resyncCobrowse", (ctx, agent) -> eb.<JsonObject>request(
            Addresses.COBROWSE_RESYNC,
            new JsonObject()
                .put("login", agent.getString("login"))
                .put("cobrowse_id", ctx.pathParam("id"))
                // Counted in /metrics; no body means the agent's own request.
                .put("reason", body(ctx).getString("reason", "agent")))
        .map(m -> m.body()));
    bindAgent(b, "listLeftMessages", (ctx, agent) -> eb.<JsonObject>request(
            Addresses.CHAT_LEFT_MESSAGES, servedBy(agent))
        .map(m -> m.body().getJsonArray("messages")));

    PrivacyApi.bind(b, vertx, config); // data rights (docs/PRIVACY.md)
    WebhookApi.bind(b, eb, this::address); // webhooks by topic filter (docs/WEBHOOKS.md)
    TranscriptApi.bind(b, eb, this::address); // transcripts as JSON or HTML (docs/TRANSCRIPTS.md)
    // Transfer and canned responses (docs/CONSOLE.md)
    bindChat(b, "transferChat", Transfers.TRANSFER, ctx -> body(ctx).copy());
    bindChat(b, "listTransferTargets", Transfers.TARGETS, ctx -> new JsonObject());
    CannedApi.bind(b, eb, this::address);
    AttachmentApi.bind(b, eb); // files in chats (docs/ATTACHMENTS.md)
    ContextApi.bind(b, eb); // the visitor context (docs/CONTEXT.md)

    Router r = b.createRouter();
    r.route().last().handler(ctx -> error(ctx, ServiceError.notFound("no such API endpoint")));
    r.route().failureHandler(this::failure);
    return r;
  }

  // ---- binding operations of the contract
  // ----------------------------------------------------------------------------

  /** An operation's work once its agent is known: the answer (null for 204) or a failed future. */
  private interface AgentCall {
    Future<?> run(RoutingContext ctx, JsonObject agent);
  }

  private void bindAgent(RouterBuilder b, String operationId, AgentCall call) {
    bindAgent(b, operationId, 200, call);
  }

  /** A chat action as the agent on the chat in the path, with the fields {@code extra} reads from the request. */
  private void bindChat(
      RouterBuilder b,
      String operationId,
      String address,
      java.util.function.Function<RoutingContext, JsonObject> extra) {
    bindAgent(b, operationId, (ctx, agent) -> chatRequest(address, ctx, agent, extra.apply(ctx)));
  }

  private void bindAgent(RouterBuilder b, String operationId, int status, AgentCall call) {
    bind(b, operationId, ctx -> reply(ctx, status, call.run(ctx, ApiAuth.agent(ctx))));
  }

  /**
   * Binds the contract's operation to its handler, behind the authentication its {@code security} names:
   * {@code agentToken} by the root handler {@link ApiAuth#agentToken} (vertx-web-openapi-router 5.0.7 binds HTTP
   * bearer schemes only to JWT handlers, and our tokens are opaque), {@code backendKey} by the RouterBuilder.
   * Classes of this package that serve a group of operations bind theirs with it too.
   */
  static void bind(RouterBuilder b, String operationId, Handler<RoutingContext> handler) {
    OpenAPIRoute route = b.getRoute(operationId);
    if (route == null) {
      throw new IllegalStateException("the contract has no operation '" + operationId + "'");
    }
    if (ApiAuth.schemes(route.getOperation()).contains(ApiAuth.AGENT_TOKEN)) {
      route.setDoSecurity(false).addHandler(ApiAuth::requireUser);
    }
    route.addHandler(handler);
  }

  /**
   * An agent's call that changes something spends from its write budget, or is answered 429 at once. Logout and
   * the password change are not charged: their token is checked later by their service, so here they have no login
   * yet (charging them would put every caller, with any made-up token, into one shared budget), the password change
   * has a limit of its own, and a logout only ends a session.
   */
  private static void chargeWrite(RoutingContext ctx, WriteBudget writes) {
    HttpMethod method = ctx.request().method();
    String login = ctx.user() == null ? null : ApiAuth.agent(ctx).getString("login");
    if (login != null && method != HttpMethod.GET && method != HttpMethod.HEAD) {
      long waitSeconds = writes.take(login, System.currentTimeMillis());
      if (waitSeconds > 0) {
        error(
            ctx,
            ServiceError.rateLimited(
                "too many changes from this agent; try again in " + waitSeconds + " s",
                waitSeconds));
        return;
      }
    }
    ctx.next();
  }

  /** The validated JSON body (empty when the operation's body is optional and none came). */
  static JsonObject body(RoutingContext ctx) {
    ValidatedRequest v = ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
    RequestParameter body = v == null ? null : v.getBody();
    return body == null || body.isNull() ? new JsonObject() : body.getJsonObject();
  }

  /** A validated integer query parameter, or its default. */
  static long query(RoutingContext ctx, String name, long def) {
    ValidatedRequest v = ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
    RequestParameter p = v == null ? null : v.getQuery().get(name);
    return p == null || p.isNull() ? def : ((Number) p.get()).longValue();
  }

  // ---- endpoints
  // ------------------------------------------------------------------------------------------------

  /** Public; the contract allows only an {@code application/json} body (415 otherwise, see ContractErrors). */
  private void login(RoutingContext ctx) {
    JsonObject body = body(ctx);
    JsonObject request = new JsonObject()
        .put("login", body.getString("login"))
        .put("password", body.getString("password"))
        .put("address", address(ctx));
    reply(ctx, 200, eb.<JsonObject>request(Addresses.AGENT_LOGIN, request).map(m -> m.body()));
  }

  /** The only call an account that must change its password may make (besides logging out). */
  private void changePassword(RoutingContext ctx) {
    JsonObject body = body(ctx);
    JsonObject request = new JsonObject()
        .put("current", body.getString("current"))
        .put("password", body.getString("password"))
        .put("address", address(ctx))
        .put("token", ApiAuth.token(ctx));
    reply(ctx, 200, eb.<JsonObject>request(Addresses.AGENT_PASSWORD, request).map(m -> m.body()));
  }

  private Future<?> setAvailability(RoutingContext ctx, JsonObject agent) {
    String ref = ctx.pathParam("site") + "/" + ctx.pathParam("id");
    if (!agent.getJsonArray("buttons").contains(ref)) {
      return Future.failedFuture(
          ServiceError.forbidden("you do not serve the button '" + ref + "'"));
    }
    JsonObject request = new JsonObject()
        .put("login", agent.getString("login"))
        .put("name", agent.getString("name"))
        .put("button", ref)
        .put("available", body(ctx).getBoolean("available"))
        .put("buttons", agent.getJsonArray("buttons"))
        .put("maxChats", agent.getInteger("maxChats"));
    return eb.<JsonObject>request(Addresses.BUTTONS_SET_AVAILABLE, request).map(m -> m.body());
  }

  private Future<?> proactive(RoutingContext ctx, JsonObject agent) {
    String button = body(ctx).getString("button_id");
    // Invites only on a button the agent serves: the sessions service checks the page is on one of
    // these sites.
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
                .put("text", body(ctx).getString("text", "")))
        .map(ok -> new JsonObject().put("sent", true));
  }

  private Future<?> createAgent(RoutingContext ctx, JsonObject me) {
    return eb.<JsonObject>request(
            Addresses.AGENT_CREATE,
            new JsonObject()
                .put("token", ApiAuth.token(ctx))
                .put("agent", body(ctx))
                .put("address", address(ctx)))
        .map(m -> m.body());
  }

  private Future<?> updateAgent(RoutingContext ctx, JsonObject me) {
    return eb.<JsonObject>request(
            Addresses.AGENT_UPDATE,
            new JsonObject()
                .put("token", ApiAuth.token(ctx))
                .put("login", ctx.pathParam("login"))
                .put("agent", body(ctx))
                .put("address", address(ctx)))
        .map(m -> m.body());
  }

  private static void putIfPresent(JsonObject o, String key, Object value) {
    if (value != null) {
      o.put(key, value);
    }
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
        .put("maxChats", agent.getInteger("maxChats"))
        .put("sites", sitesOf(agent))
        .put("address", address(ctx));
    return eb.<JsonObject>request(address, request).map(m -> m.body());
  }

  /** A call on a co-browse the agent redeemed, the one in the path. */
  private Future<JsonObject> cobrowseRequest(String address, RoutingContext ctx, JsonObject agent) {
    return eb.<JsonObject>request(
            address,
            new JsonObject()
                .put("login", agent.getString("login"))
                .put("cobrowse_id", ctx.pathParam("id")))
        .map(m -> m.body());
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

  /** Backends ({@code backendKey}): global topics within the key's grants. */
  private void publish(RoutingContext ctx) {
    ApiAuth.ApiKeyGrant grant = auth.grant(ctx);
    JsonObject body = body(ctx);
    String topic = body.getString("topic");
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
                    .put("payload", body.getValue("payload"))
                    .put("retain", body.getBoolean("retain", false)))
            .map(ok -> new JsonObject().put("published", true)));
  }

  // ---- agent context
  // -----------------------------------------------------------------------------------------

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

  /** The scope of chats and left messages an agent sees: the buttons it serves (least privilege inside a site). */
  private static JsonObject servedBy(JsonObject agent) {
    return new JsonObject()
        .put("sites", sitesOf(agent))
        .put("buttons", agent.getJsonArray("buttons"));
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

  /** The answer of a handler: its JSON (null: 204) with {@code status}, or the error it failed with. */
  static void reply(RoutingContext ctx, int status, Future<?> result) {
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
    error(ctx, failureOf(ctx));
  }

  /** What a failure of this router (ours, the body limit's, the validator's, an authentication's) tells the client. */
  private ServiceError failureOf(RoutingContext ctx) {
    Throwable f = ctx.failure();
    if (f instanceof ServiceError e) {
      return e;
    }
    Throwable cause = f == null ? null : f.getCause();
    if (cause instanceof ServiceError e) { // an authentication handler's wrapped answer
      return e;
    }
    if (cause instanceof ValidatorException e) {
      return ContractErrors.from(
          e, bodyFields(ctx), ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
    }
    int status = f instanceof HttpException h ? h.getStatusCode() : ctx.statusCode();
    if (status == 413) {
      return ServiceError.of(
          413,
          "too-large",
          "the request body is larger than " + config.http().maxBodyBytes() + " bytes");
    }
    if (status == 401) {
      return ApiAuth.unauthorized(schemeOf(ctx));
    }
    return status >= 400 && status < 500
        ? ServiceError.badRequest("bad request")
        : ServiceError.from(f);
  }

  /** The operation of the request (the failure handler's own route carries none). */
  private Operation operationOf(RoutingContext ctx) {
    return contract.findOperation(ApiAuth.routedPath(ctx), ctx.request().method());
  }

  private String schemeOf(RoutingContext ctx) {
    Operation op = operationOf(ctx);
    return op == null || op.getSecurityRequirements().isEmpty()
        ? ApiAuth.AGENT_TOKEN
        : op.getSecurityRequirements().get(0).getNames().iterator().next();
  }

  /** The properties the operation's JSON body may have, for "unknown field" answers. */
  private java.util.List<String> bodyFields(RoutingContext ctx) {
    Operation op = operationOf(ctx);
    if (op == null || op.getRequestBody() == null) {
      return java.util.List.of();
    }
    MediaType json = op.getRequestBody().getContent().get("application/json");
    Object properties =
        json == null || json.getSchema() == null ? null : json.getSchema().get("properties");
    return properties instanceof JsonObject p
        ? new java.util.TreeSet<>(p.fieldNames()).stream().toList()
        : java.util.List.of();
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
