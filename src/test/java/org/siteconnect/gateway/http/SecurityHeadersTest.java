package org.siteconnect.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.ops.LogThrottle;

class SecurityHeadersTest {
  private static GatewayConfig config(String publicOrigin) {
    return GatewayConfig.from(new JsonObject()
        .put("http", new JsonObject().put("publicOrigin", publicOrigin))
        .put(
            "sites",
            new JsonArray()
                .add(new JsonObject()
                    .put("key", "a")
                    .put("origins", new JsonArray().add("https://shop.example")))
                .add(new JsonObject()
                    .put("key", "b")
                    .put(
                        "origins",
                        new JsonArray().add("https://b.example").add("https://shop.example")))));
  }

  private static MultiMap apply(SecurityHeaders h, String path) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    h.apply(path, m);
    return m;
  }

  @Test
  @DisplayName(
      "the console's policy: scripts from the gateway only, resources from the gateway and every site origin once")
  void consolePolicy() {
    String csp = new SecurityHeaders(config("http://localhost:8080")).consolePolicy();
    assertTrue(csp.contains("script-src 'self';"), csp);
    assertTrue(
        csp.contains("img-src 'self' data: blob: https://shop.example https://b.example;"), csp);
    assertTrue(
        csp.contains("style-src 'self' 'unsafe-inline' https://shop.example https://b.example;"),
        csp);
    assertTrue(csp.contains("frame-ancestors 'none'"), csp);
    assertTrue(csp.contains("base-uri 'none'"), csp);
    assertFalse(csp.contains("unsafe-eval"), csp);
  }

  @Test
  @DisplayName(
      "by path: nosniff and no-referrer everywhere, the console's CSP, the demo framed by itself, HSTS only on https")
  void byPath() {
    SecurityHeaders http = new SecurityHeaders(config("http://localhost:8080"));
    MultiMap api = apply(http, "/api/v1/me");
    assertEquals("nosniff", api.get("X-Content-Type-Options"));
    assertEquals("no-referrer", api.get("Referrer-Policy"));
    assertNull(
        apply(http, "/site_connect.js").get("Referrer-Policy"), "no effect on a classic script");
    assertEquals("nosniff", apply(http, "/site_connect.js").get("X-Content-Type-Options"));
    assertNull(api.get("Content-Security-Policy"));
    assertNull(api.get("Strict-Transport-Security"));
    assertEquals("DENY", apply(http, "/agent/index.html").get("X-Frame-Options"));
    assertEquals("frame-ancestors 'self'", apply(http, "/demo/").get("Content-Security-Policy"));
    assertEquals("SAMEORIGIN", apply(http, "/demo/").get("X-Frame-Options"));
    assertNull(apply(http, "/agentx").get("Content-Security-Policy"));
    assertEquals(
        "max-age=31536000",
        apply(new SecurityHeaders(config("https://gw.example")), null)
            .get("Strict-Transport-Security"));
  }

  @Test
  @DisplayName("the log throttle lets one line through per interval and counts the rest")
  void logThrottle() {
    LogThrottle t = new LogThrottle(60_000);
    assertEquals(0, t.occurred(1_000));
    for (int i = 0; i < 99; i++) {
      assertEquals(-1, t.occurred(2_000 + i));
    }
    assertEquals(99, t.occurred(61_000));
    assertEquals(-1, t.occurred(61_001));
  }
}
