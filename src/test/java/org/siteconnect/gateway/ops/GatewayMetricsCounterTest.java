package org.siteconnect.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GatewayMetricsCounterTest {

  @Test
  void aKeptCounterIsTheRegisteredOneAndTagsStillTellCountersApart() {
    GatewayMetrics metrics = new GatewayMetrics();
    metrics.messageIn("session");
    metrics.messageIn("session");
    metrics.messageIn("global");
    metrics.messagesOut("session", 5);
    metrics.cobrowseBytes(1000);
    metrics.cobrowseBytes(24);
    String scrape = metrics.registry().scrape();
    assertTrue(scrape.contains("sc_messages_in_total{scope=\"session\"} 2.0"), scrape);
    assertTrue(scrape.contains("sc_messages_in_total{scope=\"global\"} 1.0"), scrape);
    assertTrue(scrape.contains("sc_messages_out_total{scope=\"session\"} 5.0"), scrape);
    assertTrue(scrape.contains("sc_cobrowse_relayed_bytes_total 1024.0"), scrape);
    assertEquals(
        metrics.counter(
            "sc_messages_in_total", "publishes received, by topic scope", "scope", "session"),
        metrics.registry().get("sc_messages_in_total").tag("scope", "session").counter());
  }
}
