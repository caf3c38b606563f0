package org.siteconnect.gateway.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.siteconnect.gateway.agent.AgentVerticle;

/**
 * Gateway nodes in separate JVMs forming one Hazelcast cluster on loopback, sharing the test PostgreSQL
 * (src/test/pg.sh, started by the test command; SC_TEST_PG_* say where).
 */
public final class ClusterNodes implements AutoCloseable {
  public static final String ADMIN_PASSWORD = "correct horse battery";
  /** The backend API key the nodes accept for {@code POST /api/v1/publish} on public/#. */
  public static final String API_KEY = "cluster-test-backend-key";
  /** The bearer token of the nodes' {@code /metrics}. */
  public static final String METRICS_TOKEN = "cluster-test-metrics-token";

  private final List<Integer> httpPorts = new ArrayList<>();
  private final List<GatewayProcess> processes = new ArrayList<>();

  private io.vertx.core.Vertx admin;
  private org.siteconnect.gateway.config.GatewayConfig.Postgres database;

  /**
   * Starts {@code count} nodes on a fresh database of the test PostgreSQL: the first alone (it becomes the
   * leader), then the others side by side.
   */
  public static ClusterNodes start(Path dir, int count) throws Exception {
    return start(dir, count, new JsonObject());
  }

  /** As {@link #start(Path, int)}, with {@code extra} merged (deeply) into every node's configuration. */
  public static ClusterNodes start(Path dir, int count, JsonObject extra) throws Exception {
    TestPostgres.require();
    ClusterNodes nodes = new ClusterNodes();
    nodes.admin = io.vertx.core.Vertx.vertx();
    nodes.database = TestPostgres.createDatabase(nodes.admin);
    JsonObject postgres = new JsonObject()
        .put("host", nodes.database.host())
        .put("port", nodes.database.port())
        .put("database", nodes.database.database())
        .put("user", nodes.database.user())
        .put("password", nodes.database.password());
    String clusterName = "sc-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    List<Integer> clusterPorts = new ArrayList<>();
    JsonArray members = new JsonArray();
    for (int i = 0; i < count; i++) {
      int clusterPort = TestGateway.freePort();
      clusterPorts.add(clusterPort);
      members.add("127.0.0.1:" + clusterPort);
      nodes.httpPorts.add(TestGateway.freePort());
    }
    List<Path> confs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int port = nodes.httpPorts.get(i);
      JsonObject config = TestGateway.config(port)
          .put(
              "data",
              new JsonObject()
                  .put("dir", dir.resolve("data-" + i).toString())
                  .put("postgres", postgres))
          .put("ops", new JsonObject().put("drainSeconds", 5).put("metricsToken", METRICS_TOKEN))
          .put(
              "agents",
              new JsonObject()
                  .put("maxWritesPerMinute", 1_000_000)
                  .put("passwordIterations", 10_000)
                  .put("disconnectGraceSeconds", 60))
          .put(
              "api",
              new JsonObject()
                  .put(
                      "keys",
                      new JsonArray()
                          .add(new JsonObject()
                              .put("name", "backend")
                              .put("sha256", sha256(API_KEY))
                              .put("publish", new JsonArray().add("public/#")))))
          .put(
              "cluster",
              new JsonObject()
                  .put("enabled", true)
                  .put("name", clusterName)
                  .put("port", clusterPorts.get(i))
                  .put("members", members));
      config.mergeIn(extra.copy(), true);
      Path conf = dir.resolve("node-" + i + ".json");
      Files.writeString(conf, config.encodePrettily());
      confs.add(conf);
    }
    Map<String, String> env = Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, ADMIN_PASSWORD);
    try {
      nodes.processes.add(GatewayProcess.start(confs.get(0), env));
      List<CompletableFuture<GatewayProcess>> others = new ArrayList<>();
      for (int i = 1; i < count; i++) {
        Path conf = confs.get(i);
        others.add(CompletableFuture.supplyAsync(() -> {
          try {
            return GatewayProcess.start(conf, env);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      Throwable failed = null;
      for (CompletableFuture<GatewayProcess> f : others) {
        try {
          nodes.processes.add(f.get());
        } catch (Exception e) {
          failed = e.getCause() == null ? e : e.getCause();
        }
      }
      if (failed != null) {
        throw new AssertionError("a node did not start", failed);
      }
    } catch (Throwable e) {
      nodes.close(); // no node outlives a failed start
      throw e;
    }
    return nodes;
  }

  public int port(int node) {
    return httpPorts.get(node);
  }

  public GatewayProcess process(int node) {
    return processes.get(node);
  }

  public String output(int node) {
    return processes.get(node).output();
  }

  private static String sha256(String text) throws Exception {
    byte[] d = java.security.MessageDigest.getInstance("SHA-256")
        .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return java.util.HexFormat.of().formatHex(d);
  }

  /** Kills the nodes; what each printed is kept in target/cluster-logs/ for a failed run's post-mortem. */
  @Override
  public void close() {
    processes.forEach(GatewayProcess::close);
    try {
      Path logs = Path.of("target", "cluster-logs");
      Files.createDirectories(logs);
      String run = Long.toString(System.currentTimeMillis());
      for (int i = 0; i < processes.size(); i++) {
        Files.writeString(
            logs.resolve(run + "-node-" + i + ".log"), processes.get(i).output());
      }
    } catch (java.io.IOException e) {
      // only a diagnostic
    }
    if (admin != null) {
      TestPostgres.dropDatabase(admin, database);
      admin.close();
    }
  }
}
