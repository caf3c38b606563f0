package org.siteconnect.gateway.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.siteconnect.gateway.Gateway;
import org.siteconnect.gateway.config.GatewayConfig;

/** Starts a real gateway node on a free loopback port for integration tests. */
public final class TestGateway {
  public static final String SITE = "acme";
  public static final String SITE_ORIGIN = "http://localhost:5999";

  private TestGateway() {}

  /**
   * A port nothing listens on, below Linux's ephemeral range (32768–60999): a port the kernel hands out (bind 0)
   * can be taken as the source port of some client connection before the gateway binds it, and then the bind
   * fails (a load harness with 20,000 client sockets on the machine made that happen).
   */
  public static int freePort() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 15_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(17_000);
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port in 15000-31999");
  }

  /** A config for tests: loopback, a site "acme", public/# open to pages. Callers may override keys. */
  public static JsonObject config(int port) {
    return new JsonObject()
        .put(
            "http",
            new JsonObject()
                .put("host", "127.0.0.1")
                .put("port", port)
                .put("publicOrigin", origin(port)))
        .put("data", new JsonObject().put("dir", tempDir()))
        // Tests make bursts of changes as one agent; AgentWriteBudgetTest tests the budget itself.
        .put(
            "agents",
            new JsonObject().put("passwordIterations", 10_000).put("maxWritesPerMinute", 1_000_000))
        .put(
            "acl",
            new JsonObject()
                .put("subscribe", new JsonArray().add("public/#"))
                .put("publish", new JsonArray().add("public/#")))
        .put(
            "sites",
            new JsonArray()
                .add(new JsonObject()
                    .put("key", SITE)
                    .put("origins", new JsonArray().add(SITE_ORIGIN))
                    .put(
                        "buttons",
                        new JsonArray()
                            .add(new JsonObject().put("id", "sales").put("name", "Sales"))
                            .add(new JsonObject().put("id", "support")))));
  }

  private static String tempDir() {
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sc-test-");
      dir.toFile().deleteOnExit();
      return dir.toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String origin(int port) {
    return "http://127.0.0.1:" + port;
  }

  public static Gateway start(Vertx vertx, JsonObject config) {
    return start(vertx, config, java.util.Map.of());
  }

  public static Gateway start(Vertx vertx, JsonObject config, java.util.Map<String, String> env) {
    try {
      return Gateway.start(vertx, GatewayConfig.from(config), env).await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("gateway did not start within 30 s", e);
    }
  }
}
