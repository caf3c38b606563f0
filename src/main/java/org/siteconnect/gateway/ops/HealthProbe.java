package org.siteconnect.gateway.ops;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.Map;

/**
 * The container's health check, for images without curl: {@code java -cp /app/classes
 * org.siteconnect.gateway.ops.HealthProbe [URL]} exits 0 when the node answers 200 on {@code /health/ready}, 1
 * otherwise (not ready, draining, not listening). The default URL is the node's own port ({@code SC_HTTP_PORT}, else
 * 8080) on loopback. JDK classes only, so it starts in a fraction of a second with a small heap.
 */
public final class HealthProbe {
  private static final int TIMEOUT_MS = 3_000;

  private HealthProbe() {}

  public static void main(String[] args) {
    String url = args.length > 0 ? args[0] : defaultUrl(System.getenv());
    int status = probe(url);
    System.out.println(status == 200 ? "ready" : "not ready [" + url + " answered " + status + "]");
    System.exit(status == 200 ? 0 : 1);
  }

  static String defaultUrl(Map<String, String> env) {
    String port = env.getOrDefault("SC_HTTP_PORT", "8080").strip();
    return "http://127.0.0.1:" + port + "/health/ready";
  }

  /** The HTTP status, or -1 when nothing answered. */
  static int probe(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setConnectTimeout(TIMEOUT_MS);
      c.setReadTimeout(TIMEOUT_MS);
      c.setInstanceFollowRedirects(false);
      try {
        return c.getResponseCode();
      } finally {
        c.disconnect();
      }
    } catch (IOException | IllegalArgumentException e) {
      return -1;
    }
  }
}
