package org.siteconnect.gateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.vertx.core.Future;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WirePingsTest {

  private static TextWebSocketFrame text(String s, int rsv) {
    return new TextWebSocketFrame(true, rsv, Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
  }

  private static PageConnection connection() {
    SockJSSocket socket = (SockJSSocket) Proxy.newProxyInstance(
        SockJSSocket.class.getClassLoader(),
        new Class<?>[] {SockJSSocket.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "uri" -> "/eventbus/websocket?batch=1";
          case "write" -> Future.succeededFuture();
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> null;
        });
    return new PageConnection("c", socket, new RateLimiter(100), "raw-websocket", null);
  }

  @Test
  @DisplayName(
      "a linked socket's bridge ping is stamped and dropped on the wire; every other frame goes on to Vert.x")
  void pingStampedOtherFramesPass() {
    WirePings pings = new WirePings();
    WirePings.Wire wire = pings.new Wire("127.0.0.1:5000");
    EmbeddedChannel channel = new EmbeddedChannel(wire);
    assertEquals(1, pings.openWires());

    // not linked yet (the bridge has not opened the socket): the ping takes the bridge's path
    TextWebSocketFrame early = text("{\"type\":\"ping\"}", 0);
    channel.writeInbound(early);
    assertEquals(early, channel.readInbound());
    early.release();

    PageConnection page = connection();
    page.pinged(0);
    wire.connection = page;
    TextWebSocketFrame ping = text("{\"type\":\"ping\"}", 0);
    channel.writeInbound(ping);
    assertNull(channel.readInbound());
    assertEquals(0, ping.refCnt());
    assertTrue(page.lastPing() > 0);

    for (TextWebSocketFrame other : new TextWebSocketFrame[] {
      text("{\"type\":\"send\",\"address\":\"x\",\"body\":{}}", 0),
      text("{\"type\":\"ping\" }", 0),
      text("{\"type\":\"ping\"}", 4), // compressed (RSV1): not ours to read
      new TextWebSocketFrame(
          false, 0, Unpooled.copiedBuffer("{\"type\":\"ping\"}", StandardCharsets.UTF_8))
    }) {
      channel.writeInbound(other);
      assertEquals(other, channel.readInbound());
      other.release();
    }

    channel.close();
    assertEquals(0, pings.openWires());
  }
}
