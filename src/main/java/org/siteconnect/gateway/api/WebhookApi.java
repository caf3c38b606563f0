package org.siteconnect.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ServiceBus;
import org.siteconnect.gateway.bus.ServiceError;

/**
 * {@code /api/v1/webhooks…} (docs/WEBHOOKS.md): admins (bearer token) manage the webhooks of the sites they serve,
 * read a hook's delivery log and replay it from a sequence. Bodies are checked strictly here; the webhook service
 * applies the rules (filters, bounds, SSRF).
 */
final class WebhookApi {
  private static final String PATH = "/webhooks";
  private static final int MAX_LOG_LIMIT = 1000;

  private final ServiceBus eb;
  private final Function<RoutingContext, String> address;

  private WebhookApi(ServiceBus eb, Function<RoutingContext, String> address) {
    this.eb = eb;
    this.address = address;
  }

  /** Adds the webhook routes to the API's router (before its catch-all). */
  static void mount(Router r, ServiceBus eb, Function<RoutingContext, String> address) {
    WebhookApi api = new WebhookApi(eb, address);
    r.post(PATH).handler(ctx -> api.call(ctx, "create", hookBody(ctx, true), 201));
    r.get(PATH).handler(ctx -> api.call(ctx, "list", null, 200));
    r.get(PATH + "/:id").handler(ctx -> api.call(ctx, "get", null, 200));
    r.put(PATH + "/:id").handler(ctx -> api.call(ctx, "update", hookBody(ctx, false), 200));
    r.delete(PATH + "/:id").handler(ctx -> api.call(ctx, "delete", null, 204));
    r.get(PATH + "/:id/deliveries").handler(ctx -> {
      JsonObject q = new JsonObject()
          .put("before", longParam(ctx, "before", Long.MAX_VALUE, 1))
          .put("limit", (int) longParam(ctx, "limit", 100, 1));
      if (q.getInteger("limit") > MAX_LOG_LIMIT) {
        throw ServiceError.badRequest("'limit' may be at most " + MAX_LOG_LIMIT);
      }
      api.call(ctx, "deliveries", q, 200);
    });
    r.post(PATH + "/:id/replay").handler(ctx -> {
      RequestBody body = RequestBody.of(ctx, "fromSequence");
      Integer from = body.integer("fromSequence");
      if (from == null || from < 1) {
        throw ServiceError.badRequest("field 'fromSequence' must be a whole number of at least 1");
      }
      api.call(ctx, "replay", new JsonObject().put("fromSequence", from), 202);
    });
  }

  /** {url, filters, secret, enabled}: all but enabled required to register, any subset to update. */
  private static JsonObject hookBody(RoutingContext ctx, boolean create) {
    RequestBody body = RequestBody.of(ctx, "url", "filters", "secret", "enabled");
    JsonObject out = new JsonObject();
    String url = body.string("url", create, 65_536);
    JsonArray filters = body.strings("filters");
    String secret = body.string("secret", create, 65_536);
    Boolean enabled = body.bool("enabled", false);
    if (create && filters == null) {
      throw ServiceError.badRequest("field 'filters' is required");
    }
    if (url != null) {
      out.put("url", url);
    }
    if (filters != null) {
      out.put("filters", filters);
    }
    if (secret != null) {
      out.put("secret", secret);
    }
    if (enabled != null) {
      out.put("enabled", enabled);
    }
    if (!create && out.isEmpty()) {
      throw ServiceError.badRequest("send at least one of url, filters, secret, enabled");
    }
    return out;
  }

  private static long longParam(RoutingContext ctx, String name, long def, long min) {
    String v = ctx.request().getParam(name);
    if (v == null) {
      return def;
    }
    try {
      long n = Long.parseLong(v);
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw ServiceError.badRequest("'" + name + "' must be a whole number of at least " + min);
  }

  /** As an authenticated admin: the operation on the webhooks of the admin's sites. */
  private void call(RoutingContext ctx, String op, JsonObject extra, int status) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.startsWith("Bearer ")) {
      RestApi.error(
          ctx, ServiceError.unauthorized("log in first: send 'Authorization: Bearer <token>'"));
      return;
    }
    String token = header.substring("Bearer ".length()).trim();
    eb.<JsonObject>request(Addresses.AGENT_AUTH, new JsonObject().put("token", token))
        .compose(m -> {
          JsonObject agent = m.body().getJsonObject("agent");
          if (!agent.getJsonArray("roles", new JsonArray()).contains("admin")) {
            return Future.failedFuture(ServiceError.forbidden("admins only"));
          }
          JsonObject request = new JsonObject()
              .put("op", op)
              .put("login", agent.getString("login"))
              .put("sites", RestApi.sitesOf(agent))
              .put("address", address.apply(ctx))
              .put("id", ctx.pathParam("id"));
          if (extra != null) {
            if ("create".equals(op) || "update".equals(op)) {
              request.put("body", extra);
            } else {
              request.mergeIn(extra);
            }
          }
          return eb.<JsonObject>request(Addresses.WEBHOOK_API, request);
        })
        .onComplete(ar -> {
          if (ctx.response().ended()) {
            return;
          }
          if (ar.failed()) {
            RestApi.error(ctx, ServiceError.from(ar.cause()));
            return;
          }
          JsonObject answer = ar.result().body();
          if (status == 204) {
            ctx.response().setStatusCode(204).end();
            return;
          }
          Object out = "list".equals(op)
              ? answer.getJsonArray("hooks")
              : "deliveries".equals(op) ? answer.getJsonArray("deliveries") : answer;
          ctx.response()
              .setStatusCode(status)
              .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .end(String.valueOf(
                  out instanceof JsonArray a ? a.encode() : ((JsonObject) out).encode()));
        });
  }
}
