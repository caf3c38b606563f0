package org.siteconnect.gateway.session;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Device class, browser and OS from a user agent string (docs/CONTEXT.md): the page sends the string only when its
 * site collects one of them, and the gateway keeps only what it derives here, never the string.
 */
final class UserAgents {
  /** Token, name[, a token that must be there too]: in this order. */
  private static final String[][] BROWSERS = {
    {"Edg", "Edge"},
    {"OPR", "Opera"},
    {"SamsungBrowser", "Samsung Internet"},
    {"FxiOS", "Firefox"},
    {"CriOS", "Chrome"},
    {"Firefox", "Firefox"},
    {"Chrome", "Chrome"},
    {"Version", "Safari", "Safari/"}
  };

  private UserAgents() {}

  static String device(String ua) {
    if (ua.matches(".*(iPad|Tablet|PlayBook|Silk).*")
        || (ua.contains("Android") && !ua.contains("Mobile"))) {
      return "tablet";
    }
    return ua.matches(".*(Mobi|iPhone|iPod|Windows Phone).*") ? "mobile" : "desktop";
  }

  /** The first token of this list that the agent string has wins (Edge and Opera also say Chrome and Safari). */
  static String browser(String ua) {
    for (String[] b : BROWSERS) {
      Matcher m = Pattern.compile(b[0] + "/(\\d+)").matcher(ua);
      if (m.find() && (b.length < 3 || ua.contains(b[2]))) {
        return b[1] + " " + m.group(1);
      }
    }
    return "Other";
  }

  static String os(String ua) {
    if (ua.contains("Windows")) {
      return "Windows";
    }
    if (ua.contains("Android")) {
      return "Android";
    }
    if (ua.matches(".*(iPhone|iPad|iPod).*")) {
      return "iOS";
    }
    if (ua.contains("CrOS")) {
      return "ChromeOS";
    }
    if (ua.contains("Mac OS X") || ua.contains("Macintosh")) {
      return "macOS";
    }
    return ua.contains("Linux") ? "Linux" : "Other";
  }
}
