package org.siteconnect.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.APIKeyHandler;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ServiceBus;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.topic.Acl;

/**
 * The contract's two security schemes as Vert.x authentication handlers; each puts a {@link User} on the
 * request: {@code agentToken} (HTTP bearer) with the agent's JSON as principal and the token as attribute,
 * {@code backendKey} ({@code X-Api-Key}) with the key's grant.
 */
final class ApiAuth {
  static final String AGENT_TOKEN = "agentToken";
  static final String BACKEND_KEY = "backendKey";

  private static final String BEARER = "Bearer ";

  /** An API key of {@code api.keys}: its SHA-256 and what it may publish. */
  record ApiKeyGrant(String name, byte[] sha256, Acl acl) {}

  private final ServiceBus eb;
  private final List<ApiKeyGrant> apiKeys;

  ApiAuth(ServiceBus eb, GatewayConfig config) {
    this.eb = eb;
    this.apiKeys = config.api().keys().stream()
        .map(k -> new ApiKeyGrant(
            k.name(), HexFormat.of().parseHex(k.sha256()), new Acl(List.of(), k.publish())))
        .toList();
  }

  /**
   * {@code agentToken} for every operation whose {@code security} names it, as a root handler of the router: it
   * authenticates before the request is validated, the order vertx-web keeps (authentication, then input trust).
   * The operations of {@code tokenOnly} get the token without the agent service's check.
   */
  AuthenticationHandler agentToken(OpenAPIContract contract, Set<String> tokenOnly) {
    APIKeyHandler agent = agent();
    APIKeyHandler token = tokenOnly();
    return ctx -> {
      // The path the router matches on ("//me" is "/me"), so that no spelling reaches an operation
      // unchecked.
      Operation op = contract.findOperation(routedPath(ctx), ctx.request().method());
      if (op == null || !schemes(op).contains(AGENT_TOKEN)) {
        ctx.next(); // a public operation, another scheme, or no such operation (404)
      } else if (tokenOnly.contains(op.getOperationId())) {
        token.handle(ctx);
      } else {
        agent.handle(ctx);
      }
    };
  }

  /** The path as the router matches it: normalized ("//me" is "/me"), a trailing slash ignored. */
  static String routedPath(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  static Set<String> schemes(Operation op) {
    Set<String> names = new TreeSet<>();
    op.getSecurityRequirements().forEach(req -> names.addAll(req.getNames()));
    if (names.contains(AGENT_TOKEN) && names.size() > 1) {
      throw new IllegalStateException(
          op.getOperationId() + ": agentToken cannot be combined with " + names);
    }
    return names;
  }

  /** {@code agentToken}: the agent service checks the token (expired, revoked, must change its password). */
  private APIKeyHandler agent() {
    return bearer(credentials -> {
      String token = ((TokenCredentials) credentials).getToken();
      // As a ServiceError, so that the handler's 401 wrapper keeps what happened: an agent service
      // that did not answer (a leader taking over) is 503, which the console retries, not a logout.
      return eb.<JsonObject>request(Addresses.AGENT_AUTH, new JsonObject().put("token", token))
          .recover(err -> Future.failedFuture(ServiceError.from(err)))
          .map(m ->
              User.create(m.body().getJsonObject("agent"), new JsonObject().put("token", token)));
    });
  }

  /**
   * {@code agentToken} for the two calls whose service checks the token itself (logout, password change: an
   * account that must change its password may still make them).
   */
  private APIKeyHandler tokenOnly() {
    return bearer(credentials -> {
      String token = ((TokenCredentials) credentials).getToken();
      return Future.succeededFuture(
          User.create(new JsonObject(), new JsonObject().put("token", token)));
    });
  }

  private static APIKeyHandler bearer(
      io.vertx.ext.auth.authentication.AuthenticationProvider provider) {
    return APIKeyHandler.create(provider)
        .header(HttpHeaders.AUTHORIZATION.toString())
        .tokenExtractor(header -> header.startsWith(BEARER)
            ? Future.succeededFuture(header.substring(BEARER.length()).trim())
            : Future.failedFuture(unauthorized(AGENT_TOKEN)));
  }

  /** {@code backendKey}: a key whose SHA-256 is configured; the handler reads the header the contract names. */
  APIKeyHandler backend() {
    return APIKeyHandler.create(credentials -> {
      ApiKeyGrant grant = apiKey(((TokenCredentials) credentials).getToken());
      return grant == null
          ? Future.failedFuture(unauthorized(BACKEND_KEY))
          : Future.succeededFuture(User.create(
              new JsonObject().put("apiKey", grant.name()),
              new JsonObject().put("grant", apiKeys.indexOf(grant))));
    });
  }

  /** The grant of the key that authenticated this request. */
  ApiKeyGrant grant(RoutingContext ctx) {
    return apiKeys.get(ctx.user().attributes().getInteger("grant"));
  }

  static String token(RoutingContext ctx) {
    return ctx.user().attributes().getString("token");
  }

  static JsonObject agent(RoutingContext ctx) {
    return ctx.user().principal();
  }

  /**
   * The first handler of every {@code agentToken} operation: fails closed should a request ever reach it without
   * the root handler having authenticated it.
   */
  static void requireUser(RoutingContext ctx) {
    if (ctx.user() == null) {
      ctx.fail(unauthorized(AGENT_TOKEN));
    } else {
      ctx.next();
    }
  }

  /** The answer when a scheme's credentials are missing or wrong. */
  static ServiceError unauthorized(String scheme) {
    return BACKEND_KEY.equals(scheme)
        ? ServiceError.unauthorized("a valid X-Api-Key header is required")
        : ServiceError.unauthorized("log in first: send 'Authorization: Bearer <token>'");
  }

  private ApiKeyGrant apiKey(String key) {
    byte[] hash = sha256(key);
    ApiKeyGrant found = null;
    for (ApiKeyGrant g : apiKeys) { // no early exit: the time does not say which key matched
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
}
