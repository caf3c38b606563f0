package org.siteconnect.gateway.session;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.bus.TopicMessage;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.topic.ServerTopics;

/**
 * The visitor context of the page sessions (docs/CONTEXT.md): pages publish {@code ~pagesession/context/page} after
 * the gateway told them what their site lets them collect; agents read it for the sessions of their sites only.
 */
final class SessionContexts {
  private final GatewayConfig config;
  private final PageSessions sessions;

  SessionContexts(GatewayConfig config, PageSessions sessions) {
    this.config = config;
    this.sessions = sessions;
  }

  /** The fields the site lets pages collect (sent with every session answer; [] = nothing). */
  JsonArray collects(String siteKey) {
    return new JsonArray(allowed(siteKey));
  }

  private List<String> allowed(String siteKey) {
    return config.site(siteKey).map(GatewayConfig.Site::context).orElse(List.of());
  }

  private VisitorContext create(String siteKey) {
    return new VisitorContext(
        allowed(siteKey), config.site(siteKey).map(GatewayConfig.Site::origins).orElse(List.of()));
  }

  /** {@code pagesession/<sid>/context/page} from a page. */
  void page(TopicMessage m) {
    ServerTopics.PageEvent event = ServerTopics.PageEvent.of(m.topic());
    if (event == null || !"page".equals(event.verb())) {
      return;
    }
    sessions.get(event.sessionId()).ifPresent(s -> {
      if (s.context == null) {
        s.context = create(s.siteKey);
      }
      s.context.update(m.payload() instanceof JsonObject o ? o : null, System.currentTimeMillis());
    });
  }

  /**
   * {@code {handle, sites}} or {@code {sid, sites}} → the session's context, if it is on one of {@code sites}; the
   * same "not found" for an unknown handle and another site's session.
   */
  void request(Message<JsonObject> m) {
    JsonObject body = m.body();
    List<String> sites = body.getJsonArray("sites", new JsonArray()).stream()
        .map(String::valueOf)
        .toList();
    Optional<PageSession> session = body.getString("sid") != null
        ? sessions.get(body.getString("sid"))
        : sessions.byHandle(body.getString("handle", ""));
    session = session.filter(s -> sites.contains(s.siteKey));
    if (session.isEmpty()) {
      m.reply(ServiceError.notFound(
          "no-session", "no live page session with this handle among your sites"));
      return;
    }
    PageSession s = session.get();
    m.reply(new JsonObject()
        .put("handle", s.handle)
        .put("site", s.siteKey)
        .put("connected", s.connected)
        .put("startedAt", s.startedAt)
        .put("context", s.context == null ? create(s.siteKey).toJson() : s.context.toJson()));
  }

  /** {@code {label, path, title}} of a session for the live pages list (empty while nothing is known). */
  static JsonObject labelOf(PageSession s) {
    JsonObject out = new JsonObject();
    if (s.context != null && s.context.label() != null) {
      JsonObject c = s.context.toJson();
      out.put("label", s.context.label()).put("path", c.getString("path"));
      if (c.getString("title") != null) {
        out.put("title", c.getString("title"));
      }
    }
    return out;
  }
}
