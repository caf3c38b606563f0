package org.siteconnect.gateway.http;

import io.vertx.core.MultiMap;
import java.util.LinkedHashSet;
import java.util.Set;
import org.siteconnect.gateway.config.GatewayConfig;

/**
 * The response headers every answer of the gateway carries, by path (issue 15 items 9 and 10). Plain: tests
 * read {@link #consolePolicy()} without a server.
 *
 * <ul>
 *   <li>everything: {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer} (not on the page
 *   script, where it has no effect), and HSTS when
 *   {@code http.publicOrigin} is https;</li>
 *   <li>{@code /agent/} (the console): a CSP that allows scripts only from the gateway, never a frame ancestor, and
 *   resources (images, styles, fonts, media) only from the gateway and the configured sites' origins. The co-browse
 *   mirror is an {@code about:blank} iframe the console creates, so it inherits this policy: whatever a visitor's
 *   page names on another host is never fetched by the agent's browser (the sanitiser drops those URLs too);</li>
 *   <li>{@code /demo/}: framable only by the gateway's own origin.</li>
 * </ul>
 * The frame's {@code frame-ancestors} (the site's origins) is set where the frame is served.
 */
public final class SecurityHeaders {
  static final String HSTS = "max-age=31536000";
  static final java.util.Set<String> PAGE_SCRIPTS =
      java.util.Set.of("/site_connect.js", "/siteconnect.js");

  private final boolean https;
  private final String consolePolicy;

  public SecurityHeaders(GatewayConfig config) {
    this.https = config.http().publicOrigin().startsWith("https:");
    Set<String> sites = new LinkedHashSet<>();
    config.sites().forEach(site -> sites.addAll(site.origins()));
    this.consolePolicy = consolePolicy(sites);
  }

  /**
   * The console's policy. {@code style-src 'unsafe-inline'}: the replayer rebuilds the visitor's inline styles
   * and {@code <style>} elements in the mirror; {@code blob:} and {@code data:} images: what the recorder inlines.
   */
  static String consolePolicy(Set<String> siteOrigins) {
    String sites = siteOrigins.isEmpty() ? "" : " " + String.join(" ", siteOrigins);
    return "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data: blob:"
        + sites
        + "; style-src 'self' 'unsafe-inline'" + sites + "; font-src 'self' data:" + sites
        + "; media-src 'self' blob:" + sites
        + "; frame-src 'self'; worker-src 'self'; manifest-src 'self'"
        + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  }

  public String consolePolicy() {
    return consolePolicy;
  }

  /** Puts the headers for a response to {@code path} (before its head is written; existing values win). */
  public void apply(String path, MultiMap headers) {
    headers.set("X-Content-Type-Options", "nosniff");
    // Not on the page script: a classic script's own requests follow its host page's referrer
    // policy, so the
    // header would do nothing there, and its bytes count against the script's first-visit budget
    // (docs/ASSETS.md).
    if (path == null || !PAGE_SCRIPTS.contains(path)) {
      headers.set("Referrer-Policy", "no-referrer");
    }
    if (https) {
      headers.set("Strict-Transport-Security", HSTS);
    }
    if (path == null) {
      return;
    }
    if (path.equals("/agent") || path.startsWith("/agent/")) {
      headers.set("Content-Security-Policy", consolePolicy);
      headers.set("X-Frame-Options", "DENY");
      headers.set("X-DNS-Prefetch-Control", "off");
    } else if (path.equals("/demo") || path.startsWith("/demo/")) {
      headers.set("Content-Security-Policy", "frame-ancestors 'self'");
      headers.set("X-Frame-Options", "SAMEORIGIN");
    }
  }
}
