package org.siteconnect.gateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.TestGateway;

/** Pings taken off the wire ({@link PingFrames}) in a real gateway: the page's other frames are untouched. */
class PingFramesGatewayTest {
  private static final String PING = "{\"type\":\"ping\"}";
  private Vertx vertx;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    TestGateway.start(vertx, TestGateway.config(port));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "bursts of pings around, between and after commands: every command is answered, the socket stays")
  void pingsAroundCommands() throws Exception {
    try (BridgeClient reader = BridgeClient.connect(vertx, port, TestGateway.origin(port));
        BridgeClient writer = BridgeClient.connect(vertx, port, TestGateway.origin(port))) {
      for (int i = 0; i < 50; i++) {
        reader.sendRaw(PING);
        writer.sendRaw(PING);
      }
      assertEquals("session", reader.hello(TestGateway.SITE).getString("op"));
      assertEquals("session", writer.hello(TestGateway.SITE).getString("op"));
      for (int round = 0; round < 20; round++) {
        reader.sendRaw(PING);
        reader.command(new JsonObject()
            .put("op", "sub")
            .put("id", "s" + round)
            .put("filter", "public/r" + round));
        reader.sendRaw(PING);
        reader.sendRaw("{\"type\": \"ping\"}"); // another spelling: the bridge's JSON path
        JsonObject ack = reader.nextBody("suback");
        assertTrue(ack.getBoolean("granted"), ack.encode());
        writer.sendRaw(PING);
        writer.command(new JsonObject()
            .put("op", "pub")
            .put("topic", "public/r" + round)
            .put("payload", PING)
            .put("mid", "m" + round));
        writer.sendRaw(PING);
        assertEquals("m" + round, writer.nextBody("puback").getString("mid"));
        JsonObject msg = reader.nextBody("msg");
        assertEquals("public/r" + round, msg.getString("topic"));
        assertEquals(
            PING, msg.getString("payload"), "a ping's text as a payload is delivered as it was");
        reader.command(new JsonObject().put("op", "unsub").put("id", "s" + round));
      }
      reader.fence();
      writer.fence();
      assertFalse(reader.isClosed());
      assertFalse(writer.isClosed());
    }
  }
}
