package org.siteconnect.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.hazelcast.config.Config;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.config.GatewayConfig;

class HazelcastSetupTest {
  @Test
  @DisplayName("cluster.members: host:from-to is one member per port; other forms pass through")
  void portRangesExpand() {
    assertEquals(
        List.of(
            "127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703", "10.0.0.7", "db.internal:6000"),
        HazelcastSetup.members(List.of("127.0.0.1:5701-5703", "10.0.0.7", "db.internal:6000")));
  }

  @Test
  @DisplayName(
      "Hazelcast's own metrics and health monitor are off (nothing reads them; they cost the nodes' cores)")
  void hazelcastHousekeepingOff() {
    Config hz = HazelcastSetup.config(new GatewayConfig.Cluster(
        true, "test", "127.0.0.1", 5701, List.of("127.0.0.1:5701-5702"), 5801, 5901, 1, 5));
    assertFalse(hz.getMetricsConfig().isEnabled(), "metrics collection");
    assertEquals("OFF", hz.getProperty("hazelcast.health.monitoring.level"));
    assertEquals(
        List.of("127.0.0.1:5701", "127.0.0.1:5702"),
        hz.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
  }
}
