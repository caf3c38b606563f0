package org.siteconnect.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ServiceBus;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.net.ClientAddresses;

/**
 * Files in chats (docs/ATTACHMENTS.md): an agent's routes under {@code /chats/{id}/attachments} (bearer token) and
 * the visitor's under {@code /visitor/chats/{id}/attachments} (the chat's visitor token in {@code X-Visitor-Token}).
 * Uploads are raw bytes ({@code application/octet-stream}, the file name in {@code ?name=}); the attachment service
 * sniffs their type. Downloads are always {@code Content-Disposition: attachment}, {@code nosniff} and a CSP that
 * lets nothing run, so a file never renders as a page of the gateway's origin.
 */
public final class AttachmentApi {
  /** The download's CSP: nothing loads, nothing runs, and a browser that shows it anyway sandboxes it. */
  static final String DOWNLOAD_CSP = "default-src 'none'; sandbox";

  private static final String VISITOR_TOKEN = "X-Visitor-Token";
  private static final String BODY_DEADLINE = "sc.uploadBodyDeadline";

  private final ServiceBus eb;

  private AttachmentApi(ServiceBus eb) {
    this.eb = eb;
  }

  /**
   * The upload routes' own body limit ({@code attachments.maxBytes}), mounted on the HTTP router before the REST
   * sub-router: its body handler then leaves these bodies alone (64 KiB {@code http.maxBodyBytes} elsewhere).
   */
  public static void mountUploadLimit(Router router, GatewayConfig config) {
    GatewayConfig.Attachments attachments = config.attachments();
    long limit = attachments.maxBytes();
    UploadSlots slots =
        new UploadSlots(attachments.maxUploadsInFlight(), attachments.maxUploadsPerAddress());
    ClientAddresses addresses = new ClientAddresses(config.http().trustedProxies());
    for (String path :
        new String[] {"/api/v1/chats/:id/attachments", "/api/v1/visitor/chats/:id/attachments"}) {
      router
          .post(path)
          .handler(ctx -> takeSlot(ctx, slots, addresses, attachments.uploadSeconds()));
      router.post(path).handler(BodyHandler.create(false).setBodyLimit(limit));
      router.post(path).handler(AttachmentApi::bodyArrived);
      router
          .post(path)
          .failureHandler(ctx -> RestApi.error(
              ctx,
              ctx.statusCode() == 413
                  ? ServiceError.of(413, "too-large", "a file may be at most " + limit + " bytes")
                  : ServiceError.badRequest("bad request")));
    }
  }

  /**
   * Takes one of the node's upload slots before the body is read, or answers at once: 429 when this client already
   * has its share in flight, 503 {@code busy} when the node has all it takes. The connection is closed after such an
   * answer, so the refused body is not read either.
   */
  private static void takeSlot(
      RoutingContext ctx, UploadSlots slots, ClientAddresses addresses, int uploadSeconds) {
    String key = ClientAddresses.limitKey(addresses.resolve(ctx.request()));
    if (!slots.tryTake(key)) {
      ServiceError refusal = slots.full()
          ? ServiceError.unavailable("busy", "too many files are being uploaded; try again shortly")
          : ServiceError.rateLimited(
              "this client is already uploading files; try again shortly", 1);
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      RestApi.error(ctx, refusal);
      return;
    }
    boolean[] released = {false};
    long deadline = ctx.vertx().setTimer(uploadSeconds * 1000L, id -> tooSlow(ctx, uploadSeconds));
    ctx.put(BODY_DEADLINE, deadline);
    ctx.addEndHandler(done -> {
      ctx.vertx().cancelTimer(deadline);
      if (!released[0]) {
        released[0] = true;
        slots.release(key);
      }
    });
    ctx.next();
  }

  /** The whole body is here: the upload is out of the client's hands, and storing it is not timed here. */
  private static void bodyArrived(RoutingContext ctx) {
    Long deadline = ctx.get(BODY_DEADLINE);
    if (deadline != null) {
      ctx.vertx().cancelTimer(deadline);
    }
    ctx.next();
  }

  private static void tooSlow(RoutingContext ctx, int uploadSeconds) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    RestApi.error(
        ctx,
        ServiceError.of(408, "too-slow", "the file did not arrive within " + uploadSeconds + " s"));
    ctx.request().connection().close();
  }

  static void bind(RouterBuilder b, ServiceBus eb) {
    AttachmentApi api = new AttachmentApi(eb);
    RestApi.bind(b, "uploadChatAttachment", ctx -> api.upload(ctx, agent(ctx)));
    RestApi.bind(b, "listChatAttachments", ctx -> api.list(ctx, agent(ctx)));
    RestApi.bind(b, "downloadChatAttachment", ctx -> api.download(ctx, agent(ctx)));
    RestApi.bind(b, "uploadVisitorAttachment", ctx -> api.upload(ctx, visitor(ctx)));
    RestApi.bind(b, "listVisitorAttachments", ctx -> api.list(ctx, visitor(ctx)));
    RestApi.bind(b, "downloadVisitorAttachment", ctx -> api.download(ctx, visitor(ctx)));
  }

  private static JsonObject agent(RoutingContext ctx) {
    JsonObject agent = ApiAuth.agent(ctx);
    return new JsonObject()
        .put("chat_id", ctx.pathParam("id"))
        .put("from", "agent")
        .put("login", agent.getString("login"))
        .put("buttons", agent.getJsonArray("buttons", new JsonArray()));
  }

  private static JsonObject visitor(RoutingContext ctx) {
    return new JsonObject()
        .put("chat_id", ctx.pathParam("id"))
        .put("from", "visitor")
        .put("token", ctx.request().getHeader(VISITOR_TOKEN));
  }

  private void upload(RoutingContext ctx, JsonObject who) {
    who.put("name", ctx.request().getParam("name")).put("data", ctx.body().buffer());
    answer(ctx, eb.<JsonObject>request(Addresses.ATTACHMENT_PUT, who).map(m -> {
      ctx.response()
          .setStatusCode(201)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(m.body().encode());
      return null;
    }));
  }

  private void list(RoutingContext ctx, JsonObject who) {
    answer(ctx, eb.<JsonObject>request(Addresses.ATTACHMENT_LIST, who).map(m -> {
      ctx.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(m.body().getJsonArray("attachments").encode());
      return null;
    }));
  }

  private void download(RoutingContext ctx, JsonObject who) {
    who.put("attachment_id", ctx.pathParam("attachmentId"));
    answer(ctx, eb.<JsonObject>request(Addresses.ATTACHMENT_GET, who).map(m -> {
      JsonObject a = m.body();
      ctx.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, a.getString("type"))
          .putHeader("Content-Disposition", disposition(a.getString("name")))
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Content-Security-Policy", DOWNLOAD_CSP)
          .putHeader("Cross-Origin-Resource-Policy", "same-origin")
          .end(a.getBuffer("data"));
      return null;
    }));
  }

  /** {@code attachment}, with an ASCII fallback name and the real one per RFC 6266/5987. */
  static String disposition(String name) {
    String ascii = name.replaceAll("[^A-Za-z0-9._ -]", "_");
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''"
        + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
            .replace("+", "%20");
  }

  private static void answer(RoutingContext ctx, Future<?> done) {
    done.onFailure(err -> RestApi.error(ctx, ServiceError.from(err)));
  }
}
