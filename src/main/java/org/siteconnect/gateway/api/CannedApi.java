package org.siteconnect.gateway.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.function.Function;
import org.siteconnect.gateway.bus.ServiceBus;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.canned.CannedVerticle;

/**
 * Canned responses (docs/CONSOLE.md "Transfer and canned responses"): agents read their sites' canned responses,
 * admins manage them. The canned service applies the rules and bounds; bodies are checked by the contract.
 */
final class CannedApi {
  private final ServiceBus eb;
  private final Function<RoutingContext, String> address;

  private CannedApi(ServiceBus eb, Function<RoutingContext, String> address) {
    this.eb = eb;
    this.address = address;
  }

  static void bind(RouterBuilder b, ServiceBus eb, Function<RoutingContext, String> address) {
    CannedApi api = new CannedApi(eb, address);
    RestApi.bind(b, "listCanned", ctx -> api.canned(ctx, "list", 200));
    RestApi.bind(b, "createCanned", ctx -> api.canned(ctx, "create", 201));
    RestApi.bind(b, "updateCanned", ctx -> api.canned(ctx, "update", 200));
    RestApi.bind(b, "deleteCanned", ctx -> api.canned(ctx, "delete", 204));
  }

  private void canned(RoutingContext ctx, String op, int status) {
    JsonObject agent = ApiAuth.agent(ctx);
    JsonArray sites = RestApi.sitesOf(agent);
    String only = ctx.request().getParam("site");
    if ("list".equals(op) && only != null) {
      sites = sites.contains(only) ? new JsonArray().add(only) : new JsonArray();
    }
    JsonObject request = new JsonObject()
        .put("op", op)
        .put("login", agent.getString("login"))
        .put("admin", agent.getJsonArray("roles", new JsonArray()).contains("admin"))
        .put("sites", sites)
        .put("id", ctx.pathParam("id"))
        .put("body", RestApi.body(ctx))
        .put("address", address.apply(ctx));
    if ("update".equals(op) && RestApi.body(ctx).isEmpty()) {
      RestApi.error(ctx, ServiceError.badRequest("send at least one of shortcut, text"));
      return;
    }
    RestApi.reply(
        ctx,
        status,
        eb.<JsonObject>request(CannedVerticle.ADDRESS, request)
            .map(m -> status == 204
                ? null
                : "list".equals(op) ? m.body().getJsonArray("canned") : m.body()));
  }
}
