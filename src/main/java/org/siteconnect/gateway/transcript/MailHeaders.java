package org.siteconnect.gateway.transcript;

import java.util.regex.Pattern;

/**
 * What goes into mail headers (docs/TRANSCRIPTS.md): an address with CR, LF or any other control character, or more
 * than one address, is refused; free text (a subject naming a visitor or a site) has its control characters replaced
 * by spaces and is cut to a bound, so no value can start a header of its own.
 */
public final class MailHeaders {
  private static final Pattern ADDRESS = Pattern.compile(
      "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
          + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$");

  private MailHeaders() {}

  /** The address, stripped of surrounding blanks, or null when it is not one plain, safe e-mail address. */
  public static String address(Object value) {
    if (!(value instanceof String s)) {
      return null;
    }
    String a = s.strip();
    return a.length() <= 254 && ADDRESS.matcher(a).matches() ? a : null;
  }

  /** Free text for a header: control characters (CR, LF, TAB, …) become spaces, runs of blanks one, at most 150 chars. */
  public static String text(String value) {
    if (value == null) {
      return "";
    }
    String s = value
        .replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]", " ")
        .replaceAll("\\s+", " ")
        .strip();
    return s.length() > 150 ? s.substring(0, 150) : s;
  }
}
