package org.siteconnect.gateway.ops;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.siteconnect.gateway.bus.Addresses;

/**
 * How components record an audited action: fire-and-forget to the audit verticle. Never put a contact code,
 * a password or page content in here.
 */
public final class AuditLog {
  public static final String LOGIN = "login";
  public static final String LOGIN_FAILED = "login-failed";
  public static final String LOGOUT = "logout";
  public static final String CODE_REDEEMED = "code-redeemed";
  public static final String CODE_REFUSED = "code-refused";
  public static final String COBROWSE_CONSENT = "cobrowse-consent";
  public static final String COBROWSE_DECLINED = "cobrowse-declined";
  public static final String COBROWSE_STARTED = "cobrowse-started";
  public static final String COBROWSE_STOPPED = "cobrowse-stopped";
  public static final String CHAT_ACCEPTED = "chat-accepted";
  public static final String CHAT_ENDED = "chat-ended";
  public static final String AGENT_CREATED = "agent-created";
  public static final String AGENT_UPDATED = "agent-updated";
  public static final String AGENT_DELETED = "agent-deleted";

  private AuditLog() {}

  public static void record(
      EventBus eb, String actor, String action, String target, String detail, String address) {
    eb.send(
        Addresses.AUDIT_RECORD,
        new JsonObject()
            .put("actor", actor == null ? "-" : actor)
            .put("action", action)
            .put("target", target)
            .put("detail", detail)
            .put("address", address));
  }
}
