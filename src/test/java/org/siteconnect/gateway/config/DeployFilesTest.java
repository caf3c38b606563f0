package org.siteconnect.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * src/deploy/compose.yaml and kubernetes.yaml against the gateway's own loader: their configuration and environment
 * make a valid clustered node on PostgreSQL, the grace periods outlast the drain, the probes name real things.
 */
class DeployFilesTest {
  private static final Pattern ENV_LINE =
      Pattern.compile("^\\s+(SC_[A-Z_]+): (.+?)\\s*$", Pattern.MULTILINE);

  private static String read(String file) throws Exception {
    return Files.readString(Path.of("src/deploy", file));
  }

  private static int number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "no match for " + regex);
    return Integer.parseInt(m.group(1));
  }

  @Test
  @DisplayName(
      "compose: node 1's file and environment load as a clustered node on the postgres service")
  void composeNode() throws Exception {
    String compose = read("compose.yaml");
    Map<String, String> env = new LinkedHashMap<>();
    Matcher m = ENV_LINE.matcher(compose);
    while (m.find()) {
      // the first service's values (node 1); ${VAR:?…} stands for a value the operator sets
      env.putIfAbsent(m.group(1), m.group(2).startsWith("${") ? "from-the-shell" : m.group(2));
    }
    GatewayConfig c = ConfigLoader.load("src/deploy/cluster-config.json", env);
    assertTrue(c.cluster().enabled(), "clustered");
    assertEquals("172.28.0.11", c.cluster().host());
    assertEquals(List.of("172.28.0.11:5701", "172.28.0.12:5701"), c.cluster().members());
    assertTrue(
        compose.contains("ipv4_address: 172.28.0.11")
            && compose.contains("ipv4_address: 172.28.0.12"),
        "the members' addresses are the services' fixed addresses");
    assertEquals("postgres", c.data().postgres().host(), "the compose service name");
    assertEquals("from-the-shell", c.data().postgres().password());
    assertTrue(
        c.sites().get(0).origins().contains(c.http().publicOrigin()),
        "the demo page on node 1 is one of the demo site's origins");
    int grace = number(compose, "stop_grace_period: (\\d+)s");
    assertTrue(
        grace > c.ops().drainSeconds(),
        "stop_grace_period " + grace + " s outlasts the drain " + c.ops().drainSeconds() + " s");
  }

  @Test
  @DisplayName(
      "kubernetes: the ConfigMap and the pod's environment load; grace > preStop + drain; probes")
  void kubernetes(@TempDir Path dir) throws Exception {
    String k8s = read("kubernetes.yaml");
    Matcher block = Pattern.compile("config\\.json: \\|\\n((?: {4}.*\\n)+)").matcher(k8s);
    assertTrue(block.find(), "the ConfigMap's config.json");
    Path conf = dir.resolve("config.json");
    Files.writeString(conf, block.group(1));
    Matcher members =
        Pattern.compile("name: SC_CLUSTER_MEMBERS\\s+value: (\\S+)").matcher(k8s);
    assertTrue(members.find(), "SC_CLUSTER_MEMBERS");
    GatewayConfig c = ConfigLoader.load(
        conf.toString(),
        Map.of(
            "SC_CLUSTER_HOST", "10.1.2.3",
            "SC_CLUSTER_MEMBERS", members.group(1),
            "SC_PG_PASSWORD", "secret"));
    assertTrue(c.cluster().enabled());
    assertEquals("10.1.2.3", c.cluster().host());
    String set = "siteconnect";
    String service = "siteconnect-cluster";
    assertTrue(k8s.contains("serviceName: " + service), "the StatefulSet's headless service");
    int replicas = number(k8s, "replicas: (\\d+)");
    for (int i = 0; i < replicas; i++) {
      assertTrue(
          c.cluster()
              .members()
              .contains(set + "-" + i + "." + service + ":" + c.cluster().port()),
          "pod " + i + " is a member: " + c.cluster().members());
    }
    assertTrue(
        k8s.contains("publishNotReadyAddresses: true"), "members resolve before they are ready");
    int grace = number(k8s, "terminationGracePeriodSeconds: (\\d+)");
    int preStop = number(k8s, "sleep: \\{seconds: (\\d+)}");
    assertTrue(
        grace > preStop + c.ops().drainSeconds(),
        "grace " + grace + " s > preStop " + preStop + " s + drain " + c.ops().drainSeconds()
            + " s");
    assertTrue(k8s.contains("readinessProbe:\n            httpGet: {path: /health/ready"));
    assertTrue(k8s.contains("runAsUser: 10001"), "the image's user");
  }

  @Test
  @DisplayName("SC_PG_HOST alone turns a node with the shipped configuration to PostgreSQL")
  void pgHostAlone() {
    GatewayConfig c = ConfigLoader.load(null, Map.of("SC_PG_HOST", "db.internal"));
    assertEquals("db.internal", c.data().postgres().host());
    assertEquals(5432, c.data().postgres().port());
  }

  @Test
  @DisplayName("the health check compose declares is a class the image carries")
  void healthCheckClass() throws Exception {
    Matcher m = Pattern.compile("\"(org\\.siteconnect\\.[\\w.]+)\"").matcher(read("compose.yaml"));
    assertTrue(m.find());
    Class<?> probe = Class.forName(m.group(1));
    assertEquals("main", probe.getMethod("main", String[].class).getName());
  }
}
