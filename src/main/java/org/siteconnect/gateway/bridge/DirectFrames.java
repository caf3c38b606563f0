package org.siteconnect.gateway.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.io.IOException;

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
 *
 * <p>On Linux's native transport a frame of a broadcast goes one step further, as the floor's does: when nothing
 * waits in the channel before it, its bytes are written to the socket at once with one {@code write(2)}, without a
 * view, a pass through the pipeline or an entry in Netty's outbound buffer (whose fields each page's write set,
 * dirtying a card of the old generation per page for G1 to scan). What the socket does not take then (its buffer is
 * full) goes through the channel as before, so order and backpressure are Netty's.
 */
final class DirectFrames {
  private final ChannelHandlerContext out;
  private final int limit;
  /** The socket, on Linux's native transport without TLS; else null (every frame goes through the channel). */
  private final FileDescriptor socket;

  private long writtenAtOnce;
  private long throughChannel;

  private DirectFrames(ChannelHandlerContext out, int limit, FileDescriptor socket) {
    this.out = out;
    this.limit = limit;
    this.socket = socket;
  }

  /** The direct path for {@code socket}, or null (a SockJS fallback, an extension, Netty not as expected). */
  static DirectFrames of(SockJSSocket socket, int limit) {
    Channel channel = DirectWebSocketQueue.channelOf(socket);
    return channel == null ? null : of(channel, limit);
  }

  /** The direct path for a WebSocket's channel, or null (an extension, no frame encoder). */
  static DirectFrames of(Channel channel, int limit) {
    if (channel.pipeline().get(WebSocketExtensionEncoder.class) != null) {
      return null;
    }
    ChannelHandlerContext encoder = channel.pipeline().context(WebSocket08FrameEncoder.class);
    if (encoder == null) {
      return null;
    }
    boolean plainSocket =
        channel instanceof UnixChannel && channel.pipeline().get(SslHandler.class) == null;
    return new DirectFrames(encoder, limit, plainSocket ? ((UnixChannel) channel).fd() : null);
  }

  /** Writes {@code frame} (through {@code cache} when given); false if it is too long for this path. */
  boolean write(Buffer frame, Encoded cache) {
    if (frame.length() > limit) {
      return false;
    }
    if (cache != null && socket != null) {
      ByteBuf bytes = cache.bytes(frame, out.alloc());
      int written = writeAtOnce(bytes);
      int rest = bytes.readableBytes() - written;
      if (rest == 0) {
        writtenAtOnce++;
      } else {
        throughChannel++;
        out.writeAndFlush(bytes.retainedSlice(bytes.readerIndex() + written, rest));
      }
      return true;
    }
    throughChannel++;
    out.writeAndFlush(cache != null ? cache.of(frame, out.alloc()) : encode(frame, out.alloc()));
    return true;
  }

  /**
   * How many of {@code bytes} the socket took in one {@code write(2)}: 0 when anything waits in the channel before
   * them (written or flushed and not yet sent), the channel is closed or the socket is full. An error (a reset
   * connection) also gives 0: the channel's own write then meets it and closes the channel as Netty does.
   */
  private int writeAtOnce(ByteBuf bytes) {
    Channel channel = out.channel();
    ChannelOutboundBuffer waiting = channel.unsafe().outboundBuffer();
    if (waiting == null
        || waiting.totalPendingWriteBytes() != 0
        || !waiting.isEmpty()
        || !bytes.hasMemoryAddress()
        || !channel.isActive()
        || !channel.eventLoop().inEventLoop()) {
      return 0;
    }
    try {
      return socket.writeAddress(bytes.memoryAddress(), bytes.readerIndex(), bytes.writerIndex());
    } catch (IOException e) {
      return 0;
    }
  }

  /** Frames written to the socket whole at once, and those (or their rest) that went through the channel. */
  long writtenAtOnce() {
    return writtenAtOnce;
  }

  long throughChannel() {
    return throughChannel;
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
      return bytes(frame, alloc).retainedDuplicate();
    }

    /** The encoding itself, to read and not to keep (it is released with the next frame or {@link #clear}). */
    ByteBuf bytes(Buffer frame, ByteBufAllocator alloc) {
      if (frame != last) {
        clear();
        bytes = encode(frame, alloc);
        last = frame;
      }
      return bytes;
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
