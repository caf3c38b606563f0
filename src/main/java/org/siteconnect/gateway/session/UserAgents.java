package org.siteconnect.gateway.session;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Device class, browser and OS from a user agent string (docs/CONTEXT.md): the page sends the string only when its
 * site collects one of them, and the gateway keeps only what it derives here, never the string.
 */
final class UserAgents {
  private static final Pattern BROWSER =
      Pattern.compile("(Edg|OPR|SamsungBrowser|Firefox|FxiOS|CriOS|Chrome|Version)/(\\d+)");

  private UserAgents() {}

  static String device(String ua) {
    if (ua.matches(".*(iPad|Tablet|PlayBook|Silk).*")
        || (ua.contains("Android") && !ua.contains("Mobile"))) {
      return "tablet";
    }
    return ua.matches(".*(Mobi|iPhone|iPod|Windows Phone).*") ? "mobile" : "desktop";
  }

  static String browser(String ua) {
    Matcher m = BROWSER.matcher(ua);
    if (!m.find()) {
      return "Other";
    }
    String name =
        switch (m.group(1)) {
          case "Edg" -> "Edge";
          case "OPR" -> "Opera";
          case "SamsungBrowser" -> "Samsung Internet";
          case "FxiOS" -> "Firefox";
          case "CriOS" -> "Chrome";
          case "Version" -> ua.contains("Safari/") ? "Safari" : "Other";
          default -> m.group(1);
        };
    return name + " " + m.group(2);
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
