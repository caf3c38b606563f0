package org.siteconnect.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.Transport;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.Optional;
import org.siteconnect.gateway.api.RestApi;
import org.siteconnect.gateway.bridge.BridgeGuard;
import org.siteconnect.gateway.bridge.PageConnections;
import org.siteconnect.gateway.bridge.PageFrames;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.ops.GatewayMetrics;
import org.siteconnect.gateway.ops.LagProbe;
import org.siteconnect.gateway.ops.LogThrottle;
import org.siteconnect.gateway.ops.Readiness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP face: the SockJS event-bus bridge at {@code /eventbus/*}, the page script, the
 * site-connect frame (with {@code frame-ancestors} = the site's origins), the demo page and {@code /health}.
 */
public final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  private final GatewayConfig config;
  private final String nodeId;
  private final Readiness readiness;
  private final PageConnections connections;
  private final GatewayMetrics metrics;
  private HttpServer server;
  private BridgeGuard guard;
  private AssetHandler assets;

  public HttpVerticle(
      GatewayConfig config,
      String nodeId,
      Readiness readiness,
      PageConnections connections,
      GatewayMetrics metrics) {
    this.config = config;
    this.nodeId = nodeId;
    this.readiness = readiness;
    this.connections = connections;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    connections.bind(context);
    Router router = Router.router(vertx);
    assets = new AssetHandler(Assets.shared(), config.http().scriptMaxAgeSeconds());
    SecurityHeaders headers = new SecurityHeaders(config);
    router.route().handler(ctx -> {
      // At the last moment, so answers made further down (static files, SockJS, errors) carry them
      // all.
      ctx.addHeadersEndHandler(
          v -> headers.apply(ctx.request().path(), ctx.response().headers()));
      ctx.next();
    });

    HealthCheckHandler health = HealthCheckHandler.create(vertx);
    health.register(
        "verticles",
        promise -> promise.complete(
            readiness.allUp() ? Status.OK(readiness.describe()) : Status.KO(readiness.describe())));
    router.get("/health").handler(health);
    router.get("/health/live").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("status", "UP").encode()));
    HealthCheckHandler ready = HealthCheckHandler.create(vertx);
    ready.register(
        "ready",
        promise -> promise.complete(
            readiness.ready()
                ? Status.OK(readiness.describe())
                : Status.KO(readiness.describe().put("draining", readiness.isDraining()))));
    router.get("/health/ready").handler(ready);
    mountMetrics(router);
    LagProbe.start(vertx, metrics, "http");

    mountBridge(router);

    router.get("/frame/config").handler(this::frameConfig);
    router
        .route("/frame/")
        .method(HttpMethod.GET)
        .method(HttpMethod.HEAD)
        .handler(this::frameSecurityHeaders);
    router
        .route("/frame/index.html")
        .method(HttpMethod.GET)
        .method(HttpMethod.HEAD)
        .handler(this::frameSecurityHeaders);
    // Mounted here (its place among the routes) once the OpenAPI contract is read; start() waits
    // for it.
    org.siteconnect.gateway.api.AttachmentApi.mountUploadLimit(router, config); // before the API
    io.vertx.ext.web.Route apiRoute = router.route("/api/v1/*");
    Future<Router> api = RestApi.router(vertx, config, metrics).onSuccess(apiRoute::subRouter);
    router.getWithRegex("^/agent$").handler(ctx -> ctx.redirect("/agent/"));
    // The demo shop's pages (webroot/demo/demo.js routes them in the page; a reload or a shared
    // link lands here).
    router
        .getWithRegex("^/demo/(cart|checkout|thanks|login|help)$")
        .handler(ctx -> assets.send(ctx, "demo/index.html"));
    // The browser files as shipped (docs/ASSETS.md), precompressed and cached by name; other
    // webjar files from the classpath as before.
    assets.mount(router);
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.route().failureHandler(this::failure);

    GatewayConfig.Http http = config.http();
    HttpServerOptions options = new HttpServerOptions()
        .setMaxWebSocketFrameSize(transportLimit(config.bridge()))
        .setMaxWebSocketMessageSize(transportLimit(config.bridge()))
        // Vert.x offers permessage-deflate by default and every browser takes it: each page then
        // holds a zlib compressor (~90 KB of native memory, 12x its heap) and every broadcast is
        // compressed once per page. Off unless configured (docs/OPERATIONS.md, "WebSocket
        // compression").
        .setPerMessageWebSocketCompressionSupported(config.bridge().webSocketCompression())
        .setPerFrameWebSocketCompressionSupported(config.bridge().webSocketCompression())
        // No browser speaks h2c; with it on, Vert.x sets a connection up only once its first
        // request is complete, too late for the header timeout (HttpTimeouts) to see a request that
        // never completes.
        .setHttp2ClearTextEnabled(false)
        // Every write happens on the connection's own event loop (docs/ARCHITECTURE.md, "Strict
        // thread mode"): Vert.x then gives each HTTP connection a direct outbound queue instead of
        // an MPSC queue with 1,024 slots (issue 22: heap per idle page).
        .setStrictThreadMode(true);
    LogThrottle connectionErrors = new LogThrottle(60_000);
    return vertx
        .createHttpServer(options)
        .connectionHandler(
            c -> HttpTimeouts.install(c, http.headerTimeoutSeconds(), http.idleTimeoutSeconds()))
        .requestHandler(request -> {
          if (PercentEscapes.wellFormed(request.uri())) {
            router.handle(request);
          } else {
            refuseMalformedTarget(request, headers);
          }
        })
        .exceptionHandler(err -> {
          // Clients cause these at will (bad frames, resets): never a stack trace, one line a
          // minute at most.
          long suppressed = connectionErrors.occurred(System.currentTimeMillis());
          if (suppressed >= 0) {
            LOG.warn(
                "connection error [{}: {}] ([{}] more since the last such line)",
                err.getClass().getSimpleName(),
                err.getMessage() == null
                    ? ""
                    : err.getMessage().length() > 160
                        ? err.getMessage().substring(0, 160)
                        : err.getMessage(),
                suppressed);
          }
        })
        .invalidRequestHandler(request -> {
          // Malformed requests are answered below the router: give those answers the same headers.
          headers.apply(null, request.response().headers());
          io.vertx.core.http.HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(request);
        })
        .listen(http.port(), http.host())
        .onSuccess(s -> server = s)
        .compose(s -> api);
  }

  /**
   * What the WebSocket and XHR layers accept: four times the frame limit, so that a message a little over
   * {@code bridge.maxFrameBytes} reaches the bridge guard and gets a {@code too-large} answer. Beyond this the
   * WebSocket layer drops the message without an answer (and XHR gets 413).
   */
  static int transportLimit(GatewayConfig.Bridge limits) {
    return (int) Math.min(Integer.MAX_VALUE, 4L * limits.maxFrameBytes());
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void mountBridge(Router router) {
    GatewayConfig.Bridge limits = config.bridge();
    // SockJS's HTTP transports reflect any Origin unless an allowlist runs first. The frame is the
    // only client
    // and it lives on the gateway's own origin.
    router
        .route("/eventbus/*")
        .handler(CorsHandler.create().addOrigin(config.http().publicOrigin()));
    router
        .post("/eventbus/*")
        .handler(BodyHandler.create(false).setBodyLimit(transportLimit(limits)));
    router.post("/eventbus/*").handler(this::checkXhrFrames);
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions()
        .setInsertJSESSIONID(false)
        .setSessionTimeout(limits.sessionTimeoutMs())
        .setRegisterWriteHandler(false)
        .addDisabledTransport(Transport.EVENT_SOURCE.name())
        .addDisabledTransport(Transport.HTML_FILE.name())
        .addDisabledTransport(Transport.JSON_P.name());
    SockJSBridgeOptions bridge = new SockJSBridgeOptions()
        .setPingTimeout(BridgeGuard.BRIDGE_PING_TIMEOUT_MS) // one sweep instead (startPingTimeouts)
        .setMaxHandlersPerSocket(limits.maxHandlersPerSocket())
        .setMaxAddressLength(128)
        .addInboundPermitted(
            new PermittedOptions().setAddressRegex(Addresses.INBOUND_PATTERN.pattern()))
        .addOutboundPermitted(
            new PermittedOptions().setAddressRegex(Addresses.PAGE_INBOX_PATTERN.pattern()));
    guard = new BridgeGuard(
        nodeId,
        connections,
        vertx.eventBus(),
        limits,
        metrics,
        new org.siteconnect.gateway.net.ClientAddresses(config.http().trustedProxies()),
        config.limits().socketsPerAddress());
    guard.startPingTimeouts(vertx, limits.pingTimeoutMs());
    router
        .route("/eventbus/*")
        .subRouter(SockJSHandler.create(vertx, sockJs).bridge(bridge, guard));
  }

  /** {@code /metrics} for Prometheus, only with {@code Authorization: Bearer <ops.metricsToken>}. */
  private void mountMetrics(Router router) {
    String token = config.ops().metricsToken();
    io.vertx.core.Handler<RoutingContext> scrape =
        PrometheusScrapingHandler.create(metrics.registry());
    router.get("/metrics").handler(ctx -> {
      if (token == null) {
        sendError(
            ctx, 404, "not-found", "metrics are off: set ops.metricsToken (or SC_METRICS_TOKEN)");
        return;
      }
      String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
      byte[] given =
          (header == null ? "" : header).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] wanted = ("Bearer " + token).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (!java.security.MessageDigest.isEqual(given, wanted)) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        sendError(ctx, 401, "unauthorized", "a valid bearer token is required");
        return;
      }
      scrape.handle(ctx);
    });
  }

  /** Refuse new sockets, tell every connected frame to reconnect, close them. */
  public Future<Void> drain() {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      guard.drain();
      connections.drainAll(
          PageFrames.rec(new JsonObject().put("op", "reconnect").put("reason", "drain")));
      done.complete();
    });
    return done.future();
  }

  /**
   * xhr_send bodies are a JSON array of frames, each a JSON string; frames nested deeper than our protocol ever
   * needs are answered with an error here, because the bridge's parser failure would drop the connection.
   */
  private void checkXhrFrames(RoutingContext ctx) {
    if (ctx.request().path().endsWith("/xhr_send")
        && ctx.body() != null
        && ctx.body().buffer() != null) {
      String text = ctx.body().asString();
      if (text != null && frameTooDeep(text)) {
        metrics.bridgeRejected("too-deep");
        ctx.response().setStatusCode(400).end("frames nested deeper than 64 levels are refused");
        return;
      }
    }
    ctx.next();
  }

  private static boolean frameTooDeep(String body) {
    // The body itself first, on the raw text: parsing a body nested 50,000 deep fails inside
    // Jackson (500).
    if (JsonDepth.exceeds(body, 64)) {
      return true;
    }
    try {
      io.vertx.core.json.JsonArray frames = new io.vertx.core.json.JsonArray(body);
      for (Object frame : frames) {
        if (frame instanceof String s && JsonDepth.exceeds(s, 64)) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException e) {
      return false; // not a JSON array: SockJS answers that itself
    }
  }

  /** The site named by the {@code site} parameter; if there is none, the request has been answered 404. */
  private Optional<GatewayConfig.Site> siteOr404(RoutingContext ctx) {
    String key = ctx.request().getParam("site");
    Optional<GatewayConfig.Site> site = key == null ? Optional.empty() : config.site(key);
    if (site.isEmpty()) {
      sendError(ctx, 404, "unknown-site", "no site with this key is configured on the gateway");
    }
    return site;
  }

  private void frameConfig(RoutingContext ctx) {
    Optional<GatewayConfig.Site> site = siteOr404(ctx);
    if (site.isEmpty()) {
      return;
    }
    GatewayConfig.ClientRetry retry = config.client();
    JsonObject body = new JsonObject()
        .put("site", site.get().key())
        .put("origins", site.get().origins())
        .put(
            "retry",
            new JsonObject()
                .put("max", retry.retryMax())
                .put("baseMs", retry.retryBaseMs())
                .put("maxMs", retry.retryMaxMs()));
    if (site.get().lang() != null) {
      body.put("lang", site.get().lang()); // the widget's language unless the page names one
    }
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }

  /** The frame may only be embedded by its site's own origins (DESIGN §7). */
  private void frameSecurityHeaders(RoutingContext ctx) {
    Optional<GatewayConfig.Site> site = siteOr404(ctx);
    if (site.isEmpty()) {
      return;
    }
    String ancestors =
        site.get().origins().isEmpty() ? "'none'" : String.join(" ", site.get().origins());
    ctx.response().putHeader("Content-Security-Policy", "frame-ancestors " + ancestors);
    // The frame's config is fetched while its scripts load, not after they ran (docs/ASSETS.md).
    // The key is
    // [A-Za-z0-9_-] (config.schema.json): the URL is the one frame.js asks for.
    ctx.response()
        .putHeader(
            "Link",
            "</frame/config?site=" + site.get().key() + ">; rel=preload; as=fetch; crossorigin");
    assets.send(ctx, "frame/index.html");
  }

  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (status >= 500) {
      LOG.warn(
          "request failed [{} {}]", ctx.request().method(), ctx.request().path(), ctx.failure());
    }
    if (!ctx.response().ended() && !ctx.response().headWritten()) {
      sendError(
          ctx,
          status,
          status == 413 ? "too-large" : status >= 500 ? "internal" : "bad-request",
          status == 413
              ? "the request body is too large"
              : status >= 500 ? "internal error" : "bad request");
    }
  }

  /** A 400 with the headers every answer carries, before routing (see PercentEscapes). */
  private static void refuseMalformedTarget(
      io.vertx.core.http.HttpServerRequest request, SecurityHeaders headers) {
    headers.apply(request.path(), request.response().headers());
    request
        .response()
        .setStatusCode(400)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(new JsonObject()
            .put(
                "error",
                new JsonObject()
                    .put("code", "bad-request")
                    .put("message", "the URL has a malformed percent escape"))
            .encode());
  }

  static void sendError(RoutingContext ctx, int status, String code, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject()
            .put("error", new JsonObject().put("code", code).put("message", message))
            .encode());
  }
}
