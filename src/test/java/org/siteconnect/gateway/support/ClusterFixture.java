package org.siteconnect.gateway.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A cluster of gateway JVMs started once for a test class, and the sockets its tests open on it, closed with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ClusterFixture {
  protected final Vertx vertx = Vertx.vertx();
  private final List<BridgeClient> clients = new ArrayList<>();
  protected ClusterNodes nodes;

  /** How many nodes the class needs. */
  protected abstract int nodeCount();

  /** Configuration merged into every node's (e.g. a shorter session grace); none by default. */
  protected JsonObject nodeConfig() {
    return new JsonObject();
  }

  @BeforeAll
  final void startCluster() throws Exception {
    String name = getClass().getSimpleName().toLowerCase();
    nodes = ClusterNodes.start(
        Files.createTempDirectory("sc-" + name + "-"), nodeCount(), nodeConfig());
  }

  @AfterAll
  final void stopCluster() throws Exception {
    clients.forEach(BridgeClient::close);
    if (nodes != null) {
      nodes.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A socket on {@code node}'s bridge from the test site's origin, not yet introduced. */
  protected BridgeClient connect(int node) throws Exception {
    BridgeClient c =
        BridgeClient.connect(vertx, nodes.port(node), TestGateway.origin(nodes.port(node)));
    clients.add(c);
    return c;
  }

  /** A page on {@code node} with its session. */
  protected BridgeClient page(int node) throws Exception {
    BridgeClient p = connect(node);
    assertEquals("session", p.hello(TestGateway.SITE).getString("op"));
    return p;
  }

  /** An agent's console on {@code node}, signed in with {@code token}. */
  protected BridgeClient console(int node, String token) throws Exception {
    BridgeClient c = connect(node);
    c.command(new JsonObject().put("op", "agent-hello").put("token", token));
    c.nextBody("agent-session");
    return c;
  }

  /** {@code node}'s {@code /metrics} text. */
  protected String metrics(int node) throws Exception {
    Http.Response r = new Http(nodes.port(node)).get("/metrics", ClusterNodes.METRICS_TOKEN);
    assertEquals(200, r.status(), r.body());
    return r.body();
  }
}
