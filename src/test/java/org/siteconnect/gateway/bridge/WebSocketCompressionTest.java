package org.siteconnect.gateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.TestGateway;

/**
 * permessage-deflate, which every browser offers: refused unless {@code bridge.webSocketCompression} is on (a
 * compressor per page costs ~90 KB and a compression per page per broadcast).
 */
class WebSocketCompressionTest {
  private static final String EXTENSIONS = "sec-websocket-extensions";
  private Vertx vertx;
  private int port;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private BridgeClient connectOfferingDeflate() throws Exception {
    return BridgeClient.connect(
        vertx,
        port,
        TestGateway.origin(port),
        new WebSocketClientOptions()
            .setTryUsePerMessageCompression(true)
            .setTryUsePerFrameCompression(true));
  }

  @Test
  @DisplayName(
      "by default a client offering permessage-deflate gets plain frames, and its session works")
  void offByDefault() throws Exception {
    TestGateway.start(vertx, TestGateway.config(port));
    try (BridgeClient page = connectOfferingDeflate()) {
      assertNull(page.handshakeHeader(EXTENSIONS), "no extension was accepted");
      assertEquals("session", page.hello(TestGateway.SITE).getString("op"));
    }
  }

  @Test
  @DisplayName(
      "bridge.webSocketCompression: true accepts it, and messages arrive through the compressor")
  void onWhenConfigured() throws Exception {
    JsonObject config = TestGateway.config(port);
    config.put("bridge", new JsonObject().put("webSocketCompression", true));
    TestGateway.start(vertx, config);
    try (BridgeClient reader = connectOfferingDeflate();
        BridgeClient writer = connectOfferingDeflate()) {
      String accepted = reader.handshakeHeader(EXTENSIONS);
      assertTrue(
          accepted != null && accepted.contains("deflate"), "accepted extensions: " + accepted);
      reader.hello(TestGateway.SITE);
      writer.hello(TestGateway.SITE);
      reader.command(new JsonObject().put("op", "sub").put("id", "s").put("filter", "public/z"));
      assertTrue(reader.nextBody("suback").getBoolean("granted"));
      String payload = "compressible ".repeat(500);
      writer.command(new JsonObject()
          .put("op", "pub")
          .put("topic", "public/z")
          .put("payload", payload)
          .put("mid", "m1"));
      assertEquals("m1", writer.nextBody("puback").getString("mid"));
      assertEquals(payload, reader.nextBody("msg").getString("payload"));
    }
  }
}
