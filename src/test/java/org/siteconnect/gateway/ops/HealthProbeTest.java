package org.siteconnect.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.Gateway;
import org.siteconnect.gateway.support.TestGateway;

/** The container's health check against a real node: ready, draining, gone. */
class HealthProbeTest {
  private Vertx vertx;
  private Gateway gateway;
  private String url;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    int port = TestGateway.freePort();
    gateway = TestGateway.start(vertx, TestGateway.config(port), Map.of());
    url = HealthProbe.defaultUrl(Map.of("SC_HTTP_PORT", String.valueOf(port)));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("the probe passes on a ready node, fails once it drains and when nothing listens")
  void readyDrainingGone() throws Exception {
    assertEquals(200, HealthProbe.probe(url), "a started node is ready");
    gateway.drain().await(5, TimeUnit.SECONDS);
    assertEquals(503, HealthProbe.probe(url), "a draining node is not ready");
    vertx.close().await(10, TimeUnit.SECONDS);
    assertEquals(-1, HealthProbe.probe(url), "a stopped node does not answer");
  }

  @Test
  @DisplayName(
      "the default URL is the node's own port on loopback, 8080 unless SC_HTTP_PORT says otherwise")
  void defaultUrl() {
    assertEquals("http://127.0.0.1:8080/health/ready", HealthProbe.defaultUrl(Map.of()));
    assertEquals(
        "http://127.0.0.1:9090/health/ready",
        HealthProbe.defaultUrl(Map.of("SC_HTTP_PORT", " 9090")));
  }
}
