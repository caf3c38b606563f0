package org.siteconnect.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the gateway derives from a user agent, and what a context update keeps (docs/CONTEXT.md). */
class UserAgentsTest {
  private static final String IPHONE =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          + "Version/17.5 Mobile/15E148 Safari/604.1";
  private static final String EDGE =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
          + "Safari/537.36 Edg/131.0.0.0";
  private static final String TAB =
      "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 "
          + "Safari/537.36";
  private static final String FIREFOX_MAC =
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0";

  @Test
  @DisplayName("device class, browser and OS of common user agents")
  void derived() {
    assertEquals(List.of("mobile", "Safari 17", "iOS"), all(IPHONE));
    assertEquals(List.of("desktop", "Edge 131", "Windows"), all(EDGE));
    assertEquals(List.of("tablet", "Chrome 130", "Android"), all(TAB));
    assertEquals(List.of("desktop", "Firefox 133", "macOS"), all(FIREFOX_MAC));
    assertEquals(List.of("desktop", "Other", "Other"), all("curl/8.5.0"));
  }

  private static List<String> all(String ua) {
    return List.of(UserAgents.device(ua), UserAgents.browser(ua), UserAgents.os(ua));
  }

  @Test
  @DisplayName(
      "an update keeps only allowed fields, never the user agent, a bad zone or a non-http referrer")
  void updateKeepsOnlyWhatIsAllowed() {
    VisitorContext c = new VisitorContext(
        List.of("path", "referrer", "browser", "localTime"), List.of("https://shop.example"));
    c.update(
        new JsonObject()
            .put("path", "relative/path")
            .put("referrer", "javascript:alert(1)")
            .put("ua", EDGE)
            .put("timeZone", "../../etc/passwd")
            .put("utcOffset", 100_000)
            .put("title", "not allowed"),
        1_000);
    JsonObject j = c.toJson();
    assertNull(j.getString("path"), "only absolute paths");
    assertNull(j.getString("referrer"));
    assertEquals("Edge 131", j.getString("browser"));
    assertFalse(j.encode().contains("Mozilla"), "the user agent is not kept");
    assertNull(j.getString("timeZone"));
    assertNull(j.getInteger("utcOffset"));
    assertNull(j.getString("title"));
    c.update(new JsonObject().put("referrer", "https://shop.example/cart"), 2_000);
    assertNull(c.toJson().getString("referrer"), "the site's own origin is not a referrer");
    VisitorContext none = new VisitorContext(List.of(), List.of());
    assertFalse(
        none.update(new JsonObject().put("path", "/x"), 1_000), "a site that collects nothing");
    assertNull(none.toJson().getString("path"));
  }
}
