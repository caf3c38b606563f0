package org.siteconnect.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
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
  private final ServiceBus eb;
  private final Function<RoutingContext, String> address;

  private WebhookApi(ServiceBus eb, Function<RoutingContext, String> address) {
    this.eb = eb;
    this.address = address;
  }

  /** Binds the contract's webhook operations. */
  static void bind(RouterBuilder b, ServiceBus eb, Function<RoutingContext, String> address) {
    WebhookApi api = new WebhookApi(eb, address);
    RestApi.bind(b, "createWebhook", ctx -> api.call(ctx, "create", hookBody(ctx, true), 201));
    RestApi.bind(b, "listWebhooks", ctx -> api.call(ctx, "list", null, 200));
    RestApi.bind(b, "getWebhook", ctx -> api.call(ctx, "get", null, 200));
    RestApi.bind(b, "updateWebhook", ctx -> api.call(ctx, "update", hookBody(ctx, false), 200));
    RestApi.bind(b, "deleteWebhook", ctx -> api.call(ctx, "delete", null, 204));
    RestApi.bind(b, "listWebhookDeliveries", ctx -> {
      JsonObject q = new JsonObject()
          .put("before", RestApi.query(ctx, "before", Long.MAX_VALUE))
          .put("limit", (int) RestApi.query(ctx, "limit", 100));
      api.call(ctx, "deliveries", q, 200);
    });
    RestApi.bind(
        b,
        "replayWebhook",
        ctx -> api.call(
            ctx,
            "replay",
            new JsonObject().put("fromSequence", RestApi.body(ctx).getLong("fromSequence")),
            202));
  }

  /** {url, filters, secret, enabled} as the contract checked them; any subset to update. */
  private static JsonObject hookBody(RoutingContext ctx, boolean create) {
    JsonObject out = RestApi.body(ctx).copy();
    if (!create && out.isEmpty()) {
      throw ServiceError.badRequest("send at least one of url, filters, secret, enabled");
    }
    return out;
  }

  /** As an authenticated admin: the operation on the webhooks of the admin's sites. */
  private void call(RoutingContext ctx, String op, JsonObject extra, int status) {
    JsonObject agent = ApiAuth.agent(ctx);
    Future.<Void>succeededFuture()
        .compose(v -> {
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
