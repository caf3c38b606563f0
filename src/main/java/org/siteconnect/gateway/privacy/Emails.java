package org.siteconnect.gateway.privacy;

import java.util.Locale;

/** Finding an e-mail address inside free text (a contact field, a chat line), as a whole address only. */
final class Emails {
  private Emails() {}

  /** {@code email} (lower case) for a SQL {@code LIKE … ESCAPE '\'}: its own {@code %} and {@code _} literal. */
  static String escapeLike(String email) {
    return email.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  /**
   * Whether {@code text} holds {@code email} (lower case) as a whole address: {@code ann@example.org} is in
   * "Ann &lt;ann@example.org&gt;" and "mail ann@example.org." but not in "joann@example.org" or
   * "ann@example.org.uk".
   */
  static boolean mentions(String text, String email) {
    if (text == null) {
      return false;
    }
    String t = text.toLowerCase(Locale.ROOT);
    for (int at = t.indexOf(email); at >= 0; at = t.indexOf(email, at + 1)) {
      int end = at + email.length();
      boolean startOk = at == 0 || !localChar(t.charAt(at - 1));
      boolean endOk = end == t.length()
          || !domainChar(t.charAt(end))
              && !(t.charAt(end) == '.' && end + 1 < t.length() && domainChar(t.charAt(end + 1)));
      if (startOk && endOk) {
        return true;
      }
    }
    return false;
  }

  private static boolean localChar(char c) {
    return Character.isLetterOrDigit(c) || ".!#$%&'*+/=?^_`{|}~-".indexOf(c) >= 0;
  }

  private static boolean domainChar(char c) {
    return Character.isLetterOrDigit(c) || c == '-';
  }
}
