package org.siteconnect.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HazelcastSetupTest {
  @Test
  @DisplayName("cluster.members: host:from-to is one member per port; other forms pass through")
  void portRangesExpand() {
    assertEquals(
        List.of(
            "127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703", "10.0.0.7", "db.internal:6000"),
        HazelcastSetup.members(List.of("127.0.0.1:5701-5703", "10.0.0.7", "db.internal:6000")));
  }
}
