package org.siteconnect.gateway.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.siteconnect.gateway.config.GatewayConfig;

/**
 * Hazelcast for one gateway node (DESIGN §10): the Vert.x defaults, then our cluster name, one interface, TCP
 * members only (no multicast, no auto-detection), and heartbeats short enough that a killed node is noticed in
 * seconds rather than the default minute.
 */
public final class HazelcastSetup {
  private static final Pattern PORT_RANGE = Pattern.compile("(.+):(\\d{1,5})-(\\d{1,5})");

  private HazelcastSetup() {}

  public static HazelcastClusterManager clusterManager(GatewayConfig.Cluster cluster) {
    return new HazelcastClusterManager(config(cluster));
  }

  static Config config(GatewayConfig.Cluster cluster) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(cluster.name());
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty(
        "hazelcast.heartbeat.interval.seconds", Integer.toString(cluster.heartbeatSeconds()));
    hz.setProperty(
        "hazelcast.max.no.heartbeat.seconds", Integer.toString(cluster.maxNoHeartbeatSeconds()));
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    // Hazelcast's own metrics (collected every 5 s) and its health monitor (every 30 s) ran on the
    // nodes' cores for no reader: the gateway's figures are on /metrics. Off, an idle two-node
    // cluster used less CPU and its cross-node chat had fewer stalls behind them (issue 22,
    // src/loadtest/RESULTS.md).
    hz.getMetricsConfig().setEnabled(false);
    hz.setProperty("hazelcast.health.monitoring.level", "OFF");
    hz.setProperty(
        "hazelcast.shutdownhook.enabled", "false"); // our SIGTERM hook drains first, then leaves
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true).setPortCount(20);
    network.getInterfaces().setEnabled(true).addInterface(cluster.host());
    network.setPublicAddress(null);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members(cluster.members()));
    return hz;
  }

  /** {@code host:from-to} becomes one member per port (Hazelcast takes host ranges, not port ranges). */
  static List<String> members(List<String> configured) {
    List<String> out = new ArrayList<>();
    for (String member : configured) {
      Matcher m = PORT_RANGE.matcher(member);
      if (m.matches()) {
        int from = Integer.parseInt(m.group(2));
        int to = Math.min(Integer.parseInt(m.group(3)), from + 99);
        for (int port = from; port <= to; port++) {
          out.add(m.group(1) + ":" + port);
        }
      } else {
        out.add(member);
      }
    }
    return out;
  }

  /** The event bus between nodes listens on the cluster interface too. */
  public static EventBusOptions eventBus(GatewayConfig.Cluster cluster) {
    return new EventBusOptions()
        .setHost(cluster.host())
        .setPort(cluster.eventBusPort())
        .setClusterPublicHost(cluster.host());
  }
}
