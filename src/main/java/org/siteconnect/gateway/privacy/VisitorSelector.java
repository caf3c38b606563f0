package org.siteconnect.gateway.privacy;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.regex.Pattern;
import org.siteconnect.gateway.bus.ServiceError;

/**
 * How an admin names one visitor (docs/PRIVACY.md): a chat id, the visitor token of a chat, or an e-mail address
 * the visitor gave. Exactly one; anything else is a clear 400.
 */
public record VisitorSelector(Kind kind, String value) {
  /** The selector kinds, by the JSON field that carries them. */
  public enum Kind {
    CHAT_ID("chatId", 64),
    VISITOR_TOKEN("visitorToken", 64),
    EMAIL("email", 200);

    final String field;
    final int maxLength;

    Kind(String field, int maxLength) {
      this.field = field;
      this.maxLength = maxLength;
    }

    public String field() {
      return field;
    }
  }

  /** One '@', something on both sides, no spaces or angle brackets: a filter, not a validator of mail syntax. */
  private static final Pattern EMAIL = Pattern.compile("[^\\s@<>()\",;]+@[^\\s@<>()\",;]+");

  /** From {@code {chatId} | {visitorToken} | {email}} (other fields are the caller's business). */
  public static VisitorSelector of(JsonObject json) {
    VisitorSelector found = null;
    for (Kind kind : Kind.values()) {
      Object v = json == null ? null : json.getValue(kind.field);
      if (v == null) {
        continue;
      }
      if (found != null) {
        throw bad("give exactly one of chatId, visitorToken, email (not both " + found.kind.field
            + " and " + kind.field + ")");
      }
      if (!(v instanceof String s) || s.isBlank()) {
        throw bad("field '" + kind.field + "' must be a non-empty string");
      }
      String value = s.strip();
      if (value.length() > kind.maxLength) {
        throw bad("field '" + kind.field + "' is longer than " + kind.maxLength + " characters");
      }
      if (kind == Kind.EMAIL) {
        value = value.toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(value).matches()) {
          throw bad("field 'email' must be an e-mail address like name@example.org");
        }
      }
      found = new VisitorSelector(kind, value);
    }
    if (found == null) {
      throw bad("name the visitor: give one of chatId, visitorToken, email");
    }
    return found;
  }

  public JsonObject toJson() {
    return new JsonObject().put(kind.field, value);
  }

  private static ServiceError bad(String message) {
    return ServiceError.of(400, "bad-selector", message);
  }
}
