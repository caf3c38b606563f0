package org.siteconnect.gateway.session;

import java.util.regex.Pattern;
import org.siteconnect.gateway.config.GatewayConfig;

/**
 * The visitor id a page sends with its hello (docs/CONTEXT.md "Chats before"): kept only for a site with
 * {@code sites[].rememberVisitorDays > 0}, and only in its form — 128 random bits in base64url, 22 characters.
 * Anything else is ignored (the session starts as if none was sent): an id never decides whether a visitor may chat.
 */
final class VisitorIds {
  static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{21}[AQgw]");

  private VisitorIds() {}

  /** The id to keep for this hello, or null. */
  static String accepted(GatewayConfig config, String siteKey, Object sent) {
    boolean kept = config.site(siteKey).map(s -> s.rememberVisitorDays() > 0).orElse(false);
    return kept && sent instanceof String id && FORM.matcher(id).matches() ? id : null;
  }
}
