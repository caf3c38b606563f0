package org.siteconnect.gateway.topic;

/**
 * A topic name, topic filter, shared-subscription filter, scope or ACL pattern was rejected.
 *
 * <p>{@link #rule()} is a stable machine code (for example {@code "hash-not-last"}) that callers may send back to
 * clients or count in metrics; {@link #getMessage()} is a human sentence that names the rule and the spec clause.
 * This is the only exception type this package throws for bad input.
 */
public final class InvalidTopicException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;
  private static final int QUOTE_LIMIT = 64;

  private final String rule;

  InvalidTopicException(String rule, String reason, String input) {
    super(reason + " in " + quote(input));
    this.rule = rule;
  }

  private InvalidTopicException(String rule, String message, InvalidTopicException cause) {
    super(message, cause);
    this.rule = rule;
  }

  /** The same rule, with {@code context} (e.g. "invalid ACL pattern") in front of the message. */
  InvalidTopicException withContext(String context) {
    return new InvalidTopicException(rule, context + ": " + getMessage(), this);
  }

  /** The stable machine code of the rule that was broken, e.g. {@code "wildcard-not-whole-level"}. */
  public String rule() {
    return rule;
  }

  /** The input, shortened and with control characters and surrogates masked, so it is safe to log. */
  private static String quote(String input) {
    if (input == null) {
      return "null";
    }
    int end = Math.min(input.length(), QUOTE_LIMIT);
    StringBuilder out = new StringBuilder(end + 8).append('\'');
    for (int i = 0; i < end; i++) {
      char c = input.charAt(i);
      out.append(c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? '?' : c);
    }
    out.append('\'');
    if (end < input.length()) {
      out.append("… (").append(input.length()).append(" chars)");
    }
    return out.toString();
  }
}
