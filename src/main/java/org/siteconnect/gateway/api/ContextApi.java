package org.siteconnect.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ServiceBus;
import org.siteconnect.gateway.bus.ServiceError;

/**
 * The visitor context (docs/CONTEXT.md): {@code GET /sessions/{handle}/context} for agents of the session's site,
 * {@code GET /chats/{id}/context} for agents serving the chat's button. Another site's session and a chat on a button
 * the agent does not serve both answer 404, as an unknown one does.
 */
final class ContextApi {
  private final ServiceBus eb;

  private ContextApi(ServiceBus eb) {
    this.eb = eb;
  }

  /** Binds the contract's {@code getSessionContext} and {@code getChatContext} operations. */
  static void bind(RouterBuilder b, ServiceBus eb) {
    ContextApi api = new ContextApi(eb);
    RestApi.bind(b, "getSessionContext", ctx -> answer(ctx, api.ofSession(ctx)));
    RestApi.bind(b, "getChatContext", ctx -> answer(ctx, api.ofChat(ctx)));
  }

  private Future<JsonObject> ofSession(RoutingContext ctx) {
    JsonObject agent = ApiAuth.agent(ctx);
    return eb.<JsonObject>request(
            Addresses.SESSION_CONTEXT,
            new JsonObject()
                .put("handle", ctx.pathParam("handle"))
                .put("sites", RestApi.sitesOf(agent)))
        .map(m -> m.body());
  }

  /** The chat (if the agent serves its button) → its page session's context, or none once the session ended. */
  private Future<JsonObject> ofChat(RoutingContext ctx) {
    JsonObject agent = ApiAuth.agent(ctx);
    return eb.<JsonObject>request(
            Addresses.CHAT_CONTEXT,
            new JsonObject()
                .put("chat_id", ctx.pathParam("id"))
                .put("buttons", agent.getJsonArray("buttons", new JsonArray())))
        .compose(m -> {
          JsonObject chat = m.body();
          JsonObject out = new JsonObject()
              .put("chatId", ctx.pathParam("id"))
              .put("chatsBefore", chat.getJsonArray("chatsBefore"));
          String sid = chat.getString("sid");
          if (sid == null) {
            return Future.succeededFuture(out.put("session", (Object) null));
          }
          return eb.<JsonObject>request(
                  Addresses.SESSION_CONTEXT,
                  new JsonObject()
                      .put("sid", sid)
                      .put("sites", new JsonArray().add(chat.getString("site"))))
              .map(s -> out.put("session", s.body()))
              .recover(err -> ServiceError.from(err).status() == 404
                  ? Future.succeededFuture(out.put("session", (Object) null))
                  : Future.failedFuture(err));
        });
  }

  private static void answer(RoutingContext ctx, Future<JsonObject> result) {
    result.onComplete(ar -> {
      if (ctx.response().ended()) {
        return;
      }
      if (ar.failed()) {
        RestApi.error(ctx, ServiceError.from(ar.cause()));
        return;
      }
      ctx.response()
          .setStatusCode(200)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(ar.result().encode());
    });
  }
}
