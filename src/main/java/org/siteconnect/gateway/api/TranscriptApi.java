package org.siteconnect.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ServiceBus;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.ops.AuditLog;
import org.siteconnect.gateway.transcript.Transcripts;

/**
 * Transcripts (docs/TRANSCRIPTS.md): {@code GET /chats/{id}/transcript} for an agent serving the chat's button (the
 * chat service's own check, as for its messages) and {@code GET /transcripts?from&to} for admins, paged. JSON or
 * HTML; always a download. Every download is audited: {@code transcript-downloaded} (who, which chat, format) and
 * {@code transcripts-exported} (who, the date range, format, how many chats, which page).
 */
final class TranscriptApi {
  /** Longest date range of one bulk export, in days. */
  static final int MAX_DAYS = 366;

  static final String DOWNLOADED = "transcript-downloaded";
  static final String EXPORTED = "transcripts-exported";

  private final ServiceBus eb;
  private final Function<RoutingContext, String> address;

  private TranscriptApi(ServiceBus eb, Function<RoutingContext, String> address) {
    this.eb = eb;
    this.address = address;
  }

  static void bind(RouterBuilder b, ServiceBus eb, Function<RoutingContext, String> address) {
    TranscriptApi api = new TranscriptApi(eb, address);
    RestApi.bind(b, "getTranscript", api::one);
    RestApi.bind(b, "exportTranscripts", api::bulk);
  }

  private void one(RoutingContext ctx) {
    JsonObject agent = ApiAuth.agent(ctx);
    String chatId = ctx.pathParam("id");
    Future<JsonObject> answer = eb.<JsonObject>request(
            Addresses.CHAT_MESSAGES,
            new JsonObject()
                .put("chat_id", chatId)
                .put("after", 0L)
                .put("login", agent.getString("login"))
                .put("buttons", agent.getJsonArray("buttons"))
                .put("sites", RestApi.sitesOf(agent)))
        .map(m -> m.body());
    answer.onComplete(ar -> {
      if (ar.failed()) {
        RestApi.error(ctx, ServiceError.from(ar.cause()));
        return;
      }
      String name = "transcript-" + safe(chatId);
      audit(ctx, agent, DOWNLOADED, "chat " + chatId, "format " + format(ctx));
      if (html(ctx)) {
        sendHtml(ctx, name, Transcripts.html("Chat transcript", List.of(ar.result())));
      } else {
        sendJson(ctx, name, ar.result());
      }
    });
  }

  private void bulk(RoutingContext ctx) {
    JsonObject agent = ApiAuth.agent(ctx);
    if (!agent.getJsonArray("roles", new JsonArray()).contains("admin")) {
      RestApi.error(ctx, ServiceError.forbidden("admins only"));
      return;
    }
    LocalDate from;
    LocalDate to;
    try {
      from = LocalDate.parse(ctx.request().getParam("from"));
      to = LocalDate.parse(ctx.request().getParam("to"));
    } catch (DateTimeParseException | NullPointerException e) {
      RestApi.error(ctx, ServiceError.badRequest("from and to must be days, YYYY-MM-DD"));
      return;
    }
    if (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
      RestApi.error(
          ctx,
          ServiceError.badRequest("to must not be before from, and at most " + MAX_DAYS
              + " days may be exported at once"));
      return;
    }
    JsonObject request = new JsonObject()
        .put("sites", RestApi.sitesOf(agent))
        .put("from", from.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli())
        .put("to", to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli())
        .put("limit", (int) RestApi.query(ctx, "limit", 100))
        .put("after", ctx.request().getParam("after"));
    eb.<JsonObject>request(Addresses.TRANSCRIPT_BULK, request).onComplete(ar -> {
      if (ar.failed()) {
        RestApi.error(ctx, ServiceError.from(ar.cause()));
        return;
      }
      JsonObject page = ar.result().body();
      String name = "transcripts-" + from + "-" + to;
      String after = ctx.request().getParam("after");
      audit(
          ctx,
          agent,
          EXPORTED,
          "transcripts " + from + " to " + to,
          "format " + format(ctx) + ", "
              + chats(page.getJsonArray("transcripts").size())
              + (after == null || after.isEmpty() ? "" : ", a later page"));
      if (html(ctx)) {
        if (page.getString("next") != null) {
          ctx.response().putHeader("X-Next-Page", page.getString("next"));
        }
        List<JsonObject> list =
            page.getJsonArray("transcripts").stream().map(o -> (JsonObject) o).toList();
        sendHtml(ctx, name, Transcripts.html("Chat transcripts " + from + " to " + to, list));
      } else {
        sendJson(
            ctx,
            name,
            new JsonObject()
                .put("from", from.toString())
                .put("to", to.toString())
                .put("transcripts", page.getJsonArray("transcripts"))
                .put("next", page.getString("next")));
      }
    });
  }

  private void audit(
      RoutingContext ctx, JsonObject agent, String action, String target, String detail) {
    AuditLog.record(
        ctx.vertx().eventBus(),
        agent.getString("login"),
        action,
        target,
        detail,
        address.apply(ctx));
  }

  private static String chats(int n) {
    return n + (n == 1 ? " chat" : " chats");
  }

  private static String format(RoutingContext ctx) {
    return html(ctx) ? "html" : "json";
  }

  private static boolean html(RoutingContext ctx) {
    return "html".equals(ctx.request().getParam("format"));
  }

  private static String safe(String s) {
    return s == null ? "" : s.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  private static void sendJson(RoutingContext ctx, String name, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .putHeader("Content-Disposition", "attachment; filename=\"" + name + ".json\"")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode());
  }

  private static void sendHtml(RoutingContext ctx, String name, String html) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .putHeader("Content-Disposition", "attachment; filename=\"" + name + ".html\"")
        .putHeader("Content-Security-Policy", Transcripts.HTML_CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .end(html);
  }
}
