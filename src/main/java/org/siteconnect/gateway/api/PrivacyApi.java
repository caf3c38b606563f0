package org.siteconnect.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ServiceBus;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.net.ClientAddresses;
import org.siteconnect.gateway.privacy.SiteScope;
import org.siteconnect.gateway.privacy.VisitorSelector;

/**
 * Data rights for admins (docs/PRIVACY.md): {@code POST /privacy/export} and {@code POST /privacy/erase}, each with
 * a body {@code {chatId} | {visitorToken} | {email}}. POST, not GET: an e-mail address stays out of URLs and access
 * logs. An admin reaches the visitors of the sites it serves (the sites of its buttons, as for transcripts); one
 * that serves every configured site reaches everything.
 */
final class PrivacyApi {
  private final ServiceBus eb;
  private final ClientAddresses clientAddresses;
  private final List<String> configuredSites;

  private PrivacyApi(Vertx vertx, GatewayConfig config) {
    this.eb = new ServiceBus(vertx.eventBus());
    this.clientAddresses = new ClientAddresses(config.http().trustedProxies());
    this.configuredSites = config.sites().stream().map(GatewayConfig.Site::key).toList();
  }

  /** Binds the contract's {@code exportVisitor} and {@code eraseVisitor} operations. */
  static void bind(RouterBuilder b, Vertx vertx, GatewayConfig config) {
    PrivacyApi api = new PrivacyApi(vertx, config);
    RestApi.bind(b, "exportVisitor", ctx -> api.call(ctx, Addresses.PRIVACY_EXPORT, true));
    RestApi.bind(b, "eraseVisitor", ctx -> api.call(ctx, Addresses.PRIVACY_ERASE, false));
  }

  /** The sites of the admin's buttons; all of them when it serves every configured site (the first admin). */
  private SiteScope scopeOf(JsonObject agent) {
    Set<String> sites =
        Set.copyOf(RestApi.sitesOf(agent).stream().map(String::valueOf).toList());
    return new SiteScope(sites, sites.containsAll(configuredSites));
  }

  private void call(RoutingContext ctx, String address, boolean download) {
    VisitorSelector selector = VisitorSelector.of(RestApi.body(ctx)); // 400 before anything else
    JsonObject agent = ApiAuth.agent(ctx);
    Future<JsonObject> answer = !agent.getJsonArray("roles", new JsonArray()).contains("admin")
        ? Future.failedFuture(ServiceError.forbidden("admins only"))
        : eb.<JsonObject>request(
                address,
                scopeOf(agent)
                    .into(new JsonObject())
                    .put("selector", selector.toJson())
                    .put("login", agent.getString("login"))
                    .put("address", clientAddresses.resolve(ctx.request())))
            .map(m -> m.body());
    answer.onComplete(ar -> {
      if (ctx.response().ended()) {
        return;
      }
      if (ar.failed()) {
        RestApi.error(ctx, ServiceError.from(ar.cause()));
        return;
      }
      if (download) {
        ctx.response()
            .putHeader(
                "Content-Disposition",
                "attachment; filename=\"visitor-export-" + LocalDate.now(ZoneOffset.UTC)
                    + ".json\"");
      }
      ctx.response()
          .setStatusCode(200)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(ar.result().encode());
    });
  }
}
