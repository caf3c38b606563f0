package org.siteconnect.gateway.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The direct path's bytes are Netty's own server encoding of the same binary frame. */
class DirectFramesTest {
  private static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

  static byte[] nettyEncoding(byte[] payload) {
    EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
    channel.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
    ByteBuf all = Unpooled.buffer();
    ByteBuf part;
    while ((part = channel.readOutbound()) != null) {
      all.writeBytes(part);
      part.release();
    }
    channel.finishAndReleaseAll();
    return ByteBufUtil.getBytes(all);
  }

  @Test
  @DisplayName(
      "300 generated payloads, every length class (7-bit, 16-bit, 64-bit): the same bytes as Netty")
  void sameBytesAsNetty() {
    Random random = new Random(22);
    List<Integer> lengths = new ArrayList<>(List.of(0, 1, 125, 126, 127, 65_535, 65_536, 70_000));
    for (int i = 0; i < 292; i++) {
      lengths.add(random.nextInt(4) == 0 ? random.nextInt(126) : random.nextInt(70_000));
    }
    for (int length : lengths) {
      byte[] payload = new byte[length];
      random.nextBytes(payload);
      ByteBuf ours = DirectFrames.encode(Buffer.buffer(payload), ALLOC);
      try {
        assertArrayEquals(nettyEncoding(payload), ByteBufUtil.getBytes(ours), "length " + length);
      } finally {
        ours.release();
      }
    }
  }

  @Test
  @DisplayName(
      "one encoding per frame: every write gets its own view, freed when the last is written")
  void encodedOncePerFrame() {
    DirectFrames.Encoded encoded = new DirectFrames.Encoded();
    Buffer frame = Buffer.buffer("{\"op\":\"msg\",\"topic\":\"public/x\"}");
    ByteBuf a = encoded.of(frame, ALLOC);
    ByteBuf b = encoded.of(frame, ALLOC);
    assertEquals(ByteBufUtil.hexDump(a), ByteBufUtil.hexDump(b));
    a.skipBytes(2); // a channel reading one view does not move the other
    assertEquals(2 + frame.length(), b.readableBytes());
    ByteBuf other =
        encoded.of(Buffer.buffer("{}"), ALLOC); // the next frame: the first's encoding is let go
    assertEquals(2 + 2, other.readableBytes());
    a.release();
    assertEquals(1, b.refCnt());
    b.release();
    assertEquals(0, b.refCnt(), "the first frame's bytes are freed with its last view");
    other.release();
    encoded.clear();
    assertEquals(0, other.refCnt());
  }
}
