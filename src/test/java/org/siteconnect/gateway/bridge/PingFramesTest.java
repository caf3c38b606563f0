package org.siteconnect.gateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PingFramesTest {
  private static final String PING = "{\"type\":\"ping\"}";

  /** One client frame: FIN, the opcode, masked with {@code mask} (4 bytes). */
  private static byte[] frame(int opcode, boolean fin, byte[] payload, byte[] mask) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((fin ? 0x80 : 0) | opcode);
    if (payload.length < 126) {
      out.write(0x80 | payload.length);
    } else {
      out.write(0x80 | 126);
      out.write(payload.length >> 8);
      out.write(payload.length & 0xff);
    }
    out.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      out.write(payload[i] ^ mask[i & 3]);
    }
    return out.toByteArray();
  }

  private static byte[] text(String s, Random rnd) {
    byte[] mask = new byte[4];
    rnd.nextBytes(mask);
    return frame(1, true, s.getBytes(StandardCharsets.UTF_8), mask);
  }

  /** What the bridge's JSON path decides: a bridge ping. */
  private static boolean jsonSaysPing(String s) {
    try {
      return "ping".equals(new JsonObject(s).getValue("type"));
    } catch (DecodeException | ClassCastException e) {
      return false;
    }
  }

  private static final String[] TEXTS = {
    PING,
    "{\"type\": \"ping\"}",
    " {\"type\":\"ping\"}",
    "{\"type\":\"ping\" }",
    "{\"type\":\"pong\"}",
    "{\"type\":\"PING\"}",
    "{\"type\":\"ping\",\"x\":1}",
    "{\"type\":\"send\",\"address\":\"sc.in\",\"body\":{\"op\":\"ping\"}}",
    "{\"type\":\"pinġ\"}",
    "{\"type\":\"pin\"}",
    "{\"type\":\"ping\"",
    "{\"tyṗe\":\"ping\"}",
    "",
    "{\"type\":\"register\",\"address\":\"sc.page.x\"}",
  };

  @Test
  @DisplayName(
      "the byte recogniser takes exactly the pings the JSON path takes in the frame's own form")
  void sameAnswerAsJson() {
    Random rnd = new Random(22);
    for (int round = 0; round < 200; round++) {
      for (String s : TEXTS) {
        ByteBuf buf = Unpooled.wrappedBuffer(text(s, rnd));
        boolean bytes = PingFrames.isPing(buf, 0);
        // never a ping the JSON path would not take; other spellings of a ping take the usual path
        if (bytes) {
          assertTrue(jsonSaysPing(s), s);
        }
        assertEquals(s.equals(PING), bytes, s);
        assertEquals(bytes ? 1 : 0, PingFrames.leadingPings(buf));
      }
    }
    // truncated: one byte short of a ping frame is not one
    byte[] ping = text(PING, rnd);
    for (int len = 0; len < ping.length; len++) {
      ByteBuf part = Unpooled.wrappedBuffer(ping, 0, len);
      assertEquals(0, PingFrames.leadingPings(part), "length " + len);
    }
    // unmasked, not final, binary, rsv bit set: not a ping
    byte[] mask = {1, 2, 3, 4};
    byte[] payload = PING.getBytes(StandardCharsets.US_ASCII);
    assertFalse(PingFrames.isPing(Unpooled.wrappedBuffer(frame(1, false, payload, mask)), 0));
    assertFalse(PingFrames.isPing(Unpooled.wrappedBuffer(frame(2, true, payload, mask)), 0));
    assertFalse(PingFrames.isPing(Unpooled.wrappedBuffer(frame(0x41, true, payload, mask)), 0));
  }

  private static SockJSSocket noSocket() {
    return (SockJSSocket) Proxy.newProxyInstance(
        SockJSSocket.class.getClassLoader(),
        new Class<?>[] {SockJSSocket.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> null;
        });
  }

  /** Frames out of the decoder as text ("op:payload"), in order. */
  private static List<String> drain(EmbeddedChannel ch) {
    List<String> out = new ArrayList<>();
    for (Object o; (o = ch.readInbound()) != null; ) {
      WebSocketFrame f = (WebSocketFrame) o;
      out.add(f.getClass().getSimpleName() + ":" + f.isFinalFragment() + ":"
          + f.content().toString(StandardCharsets.ISO_8859_1));
      f.release();
    }
    return out;
  }

  @Test
  @DisplayName(
      "in front of Netty's decoder, reads split anywhere: the decoder gets every frame but leading pings")
  void decoderSeesTheSameFrames() {
    assertTrue(PingFrames.available(), "Netty's frame decoder as expected");
    Random rnd = new Random(7);
    for (int round = 0; round < 300; round++) {
      // a stream of frames: pings, other texts, binary frames carrying a ping frame's bytes,
      // fragmented messages
      ByteArrayOutputStream wire = new ByteArrayOutputStream();
      List<String> expected = new ArrayList<>();
      int pings = 0;
      for (int i = 0; i < 12; i++) {
        int kind = rnd.nextInt(5);
        if (kind == 0 || kind == 1) {
          wire.writeBytes(text(PING, rnd));
          expected.add("TextWebSocketFrame:true:" + PING);
          pings++;
        } else if (kind == 2) {
          String s = TEXTS[rnd.nextInt(TEXTS.length)];
          wire.writeBytes(text(s, rnd));
          expected.add("TextWebSocketFrame:true:"
              + new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        } else if (kind == 3) {
          byte[] inner = text(PING, rnd);
          byte[] mask = new byte[4];
          rnd.nextBytes(mask);
          wire.writeBytes(frame(2, true, inner, mask));
          expected.add(
              "BinaryWebSocketFrame:true:" + new String(inner, StandardCharsets.ISO_8859_1));
        } else {
          // a fragmented text message whose second fragment is a ping's text frame shape
          // (continuation)
          byte[] mask = new byte[4];
          rnd.nextBytes(mask);
          wire.writeBytes(frame(1, false, "{\"a\":".getBytes(StandardCharsets.US_ASCII), mask));
          wire.writeBytes(frame(0, true, "1}".getBytes(StandardCharsets.US_ASCII), mask));
          expected.add("TextWebSocketFrame:false:{\"a\":");
          expected.add("ContinuationWebSocketFrame:true:1}");
        }
      }
      byte[] bytes = wire.toByteArray();
      PageConnection c =
          new PageConnection("p", noSocket(), new RateLimiter(100), "raw-websocket", null);
      c.pinged(0);
      WebSocket08FrameDecoder decoder = new WebSocket13FrameDecoder(true, false, 65536);
      EmbeddedChannel ch = new EmbeddedChannel(new PingFrames(c, decoder), decoder);
      List<String> got = new ArrayList<>();
      int at = 0;
      boolean whole = rnd.nextBoolean(); // whole frames per read, or cut anywhere
      while (at < bytes.length) {
        int n = whole ? bytes.length - at : 1 + rnd.nextInt(Math.min(40, bytes.length - at));
        ch.writeInbound(Unpooled.copiedBuffer(bytes, at, n));
        at += n;
        got.addAll(drain(ch));
      }
      // what came out is what went in minus some pings, and nothing else
      List<String> rest = new ArrayList<>(expected);
      int taken = 0;
      int j = 0;
      for (String e : expected) {
        if (j < got.size() && got.get(j).equals(e)) {
          j++;
        } else {
          assertEquals(
              "TextWebSocketFrame:true:" + PING, e, "only pings are taken (round " + round + ")");
          taken++;
        }
      }
      assertEquals(got.size(), j, "no frame out of order or invented (round " + round + ")");
      assertEquals(rest.size() - taken, got.size());
      if (whole && pings > 0 && expected.get(0).endsWith(PING)) {
        assertTrue(taken > 0, "a read starting with a ping has it taken");
      }
      assertEquals(taken > 0, c.lastPing() > 0, "a taken ping is stamped");
      ch.finishAndReleaseAll();
    }
  }
}
