package org.siteconnect.gateway.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/**
 * A page's frames written straight to its raw WebSocket's Netty channel, already encoded (issue 22 part 1): a
 * broadcast to 10,000 pages went 10,000 times through Vert.x's WebSocket, its connection's queue and Netty's frame
 * encoder, each copying the frame into a direct buffer of its own; now it is encoded once ({@link Encoded}) and each
 * page is written a view of those bytes. The bytes are what Vert.x sends for {@code SockJSSocket.write(Buffer)} on
 * the raw transport: one final, unmasked binary frame. The socket's write queue bound still holds: the bytes wait in
 * the same channel buffer, whose water mark Vert.x's {@code writeQueueFull} reads.
 *
 * <p>Only for a raw WebSocket without extensions (with permessage-deflate, {@code bridge.webSocketCompression}, the
 * frames must go through the compressor) and frames up to {@code limit} bytes (Vert.x splits a longer message into
 * frames of at most its maximum frame size; such a frame takes Vert.x's path). Vert.x's byte counters
 * ({@code vertx_http_server_bytes_written}) do not see these writes.
 */
final class DirectFrames {
  private final ChannelHandlerContext out;
  private final int limit;

  private DirectFrames(ChannelHandlerContext out, int limit) {
    this.out = out;
    this.limit = limit;
  }

  /** The direct path for {@code socket}, or null (a SockJS fallback, an extension, Netty not as expected). */
  static DirectFrames of(SockJSSocket socket, int limit) {
    Channel channel = DirectWebSocketQueue.channelOf(socket);
    if (channel == null || channel.pipeline().get(WebSocketExtensionEncoder.class) != null) {
      return null;
    }
    ChannelHandlerContext encoder = channel.pipeline().context(WebSocket08FrameEncoder.class);
    return encoder == null ? null : new DirectFrames(encoder, limit);
  }

  /** Writes {@code frame} (through {@code cache} when given); false if it is too long for this path. */
  boolean write(Buffer frame, Encoded cache) {
    if (frame.length() > limit) {
      return false;
    }
    ByteBuf bytes = cache != null ? cache.of(frame, out.alloc()) : encode(frame, out.alloc());
    out.writeAndFlush(bytes);
    return true;
  }

  /** One binary WebSocket frame (FIN, opcode 2, not masked) holding {@code frame}. */
  static ByteBuf encode(Buffer frame, ByteBufAllocator alloc) {
    ByteBuf payload = ((BufferInternal) frame).getByteBuf();
    int length = payload.readableBytes();
    int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    ByteBuf bytes = alloc.directBuffer(header + length);
    bytes.writeByte(0x82);
    if (length < 126) {
      bytes.writeByte(length);
    } else if (length <= 0xFFFF) {
      bytes.writeByte(126).writeShort(length);
    } else {
      bytes.writeByte(127).writeLong(length);
    }
    return bytes.writeBytes(payload, payload.readerIndex(), length);
  }

  /**
   * The last frame encoded, for the next connection of the same broadcast (one per drain of {@link PageConnections},
   * on its loop): each write gets its own view of the same bytes.
   */
  static final class Encoded {
    private Buffer last;
    private ByteBuf bytes;

    ByteBuf of(Buffer frame, ByteBufAllocator alloc) {
      if (frame != last) {
        clear();
        bytes = encode(frame, alloc);
        last = frame;
      }
      return bytes.retainedDuplicate();
    }

    void clear() {
      if (bytes != null) {
        bytes.release();
        bytes = null;
      }
      last = null;
    }
  }
}
