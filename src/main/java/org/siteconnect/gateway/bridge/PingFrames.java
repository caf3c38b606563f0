package org.siteconnect.gateway.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridge pings taken off the wire before any decoding (issue 22 part 1): an idle page on the raw
 * {@code /eventbus/websocket} endpoint sends nothing but {@code {"type":"ping"}} every 20 s, and Vert.x takes each
 * through Netty's frame decoder, its WebSocket and frame aggregator, a String, the SockJS socket, a JSON parse and a
 * bridge event with its future, to set one timestamp ({@link PageConnection#pinged}). This handler sits just in
 * front of the WebSocket frame decoder of a page's channel and recognises the ping by its bytes: a final,
 * uncompressed, masked text frame of exactly those 15 bytes (21 bytes on the wire). Pings at the start of a read
 * are stamped and dropped; whatever follows them, and every read that does not start with one, goes on unchanged.
 *
 * <p>It only takes a ping when the decoder is between frames (its state {@code READING_FIRST}, nothing cumulated,
 * not inside a fragmented message, no close received), so a ping's bytes inside another frame's payload, or a frame
 * split over two reads, are never mistaken: the decoder sees exactly the bytes it would have seen, minus whole ping
 * frames. The decoder's state is read through Netty internals ({@link VarHandle}s); if they are not as expected
 * (another Netty version) the handler is not installed and pings take the usual path, where {@link BridgeGuard}
 * stamps them. The Vert.x bridge no longer sees these pings: its own ping timeout is
 * {@link PingTimeouts#BRIDGE_TIMEOUT_MS} (24.8 days), after which it closes the socket (1001) and the page
 * reconnects; {@link PingTimeouts} does the real timeout from the stamps.
 */
final class PingFrames extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(PingFrames.class);
  static final String NAME = "sc-ping-frames";
  /** The ping's payload, unmasked. */
  static final byte[] PING = "{\"type\":\"ping\"}".getBytes(StandardCharsets.US_ASCII);
  /** FIN + text opcode, mask bit + payload length 15: the first two bytes of every client ping frame. */
  private static final int HEADER = 0x8100 | 0x80 | PING.length;

  private static final int FRAME_BYTES = 2 + 4 + PING.length;
  private static final VarHandle CUMULATION;
  private static final VarHandle STATE;
  private static final VarHandle FRAGMENTS;
  private static final VarHandle CLOSING;
  private static final Object READING_FIRST;

  static {
    VarHandle cumulation = null;
    VarHandle state = null;
    VarHandle fragments = null;
    VarHandle closing = null;
    Object first = null;
    try {
      MethodHandles.Lookup b2m =
          MethodHandles.privateLookupIn(ByteToMessageDecoder.class, MethodHandles.lookup());
      MethodHandles.Lookup ws =
          MethodHandles.privateLookupIn(WebSocket08FrameDecoder.class, MethodHandles.lookup());
      Class<?> stateType = Class.forName(WebSocket08FrameDecoder.class.getName() + "$State");
      cumulation = b2m.findVarHandle(ByteToMessageDecoder.class, "cumulation", ByteBuf.class);
      state = ws.findVarHandle(WebSocket08FrameDecoder.class, "state", stateType);
      fragments =
          ws.findVarHandle(WebSocket08FrameDecoder.class, "fragmentedFramesCount", int.class);
      closing = ws.findVarHandle(
          WebSocket08FrameDecoder.class, "receivedClosingHandshake", boolean.class);
      for (Object c : stateType.getEnumConstants()) {
        if ("READING_FIRST".equals(((Enum<?>) c).name())) {
          first = c;
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info(
          "bridge pings take Vert.x's path (Netty's frame decoder is not as expected): [{}]",
          e.toString());
    }
    boolean ok = cumulation != null
        && state != null
        && fragments != null
        && closing != null
        && first != null;
    CUMULATION = ok ? cumulation : null;
    STATE = ok ? state : null;
    FRAGMENTS = ok ? fragments : null;
    CLOSING = ok ? closing : null;
    READING_FIRST = ok ? first : null;
  }

  private final PageConnection connection;
  private final WebSocket08FrameDecoder decoder;

  PingFrames(PageConnection connection, WebSocket08FrameDecoder decoder) {
    this.connection = connection;
    this.decoder = decoder;
  }

  /**
   * Puts the handler in front of the WebSocket frame decoder of {@code socket}'s channel; true if it did. Call on
   * the socket's event loop, for raw-WebSocket page sockets only (SockJS frames never match anyway).
   */
  static boolean install(SockJSSocket socket, PageConnection connection) {
    if (READING_FIRST == null) {
      return false;
    }
    Channel channel = DirectWebSocketQueue.channelOf(socket);
    if (channel == null || !channel.eventLoop().inEventLoop()) {
      return false;
    }
    ChannelHandlerContext ctx = channel.pipeline().context(WebSocket08FrameDecoder.class);
    if (ctx == null || channel.pipeline().get(NAME) != null) {
      return false;
    }
    channel
        .pipeline()
        .addBefore(
            ctx.name(), NAME, new PingFrames(connection, (WebSocket08FrameDecoder) ctx.handler()));
    return true;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf && betweenFrames(decoder)) {
      int pings = leadingPings(buf);
      if (pings > 0) {
        connection.pinged(System.currentTimeMillis());
        buf.skipBytes(pings * FRAME_BYTES);
        if (!buf.isReadable()) {
          buf.release();
          return;
        }
      }
    }
    ctx.fireChannelRead(msg);
  }

  /** True if {@code decoder} would start a new frame with the next byte it gets. */
  static boolean betweenFrames(WebSocket08FrameDecoder decoder) {
    ByteBuf cumulated = (ByteBuf) CUMULATION.get(decoder);
    return STATE.get(decoder) == READING_FIRST
        && (cumulated == null || !cumulated.isReadable())
        && (int) FRAGMENTS.get(decoder) == 0
        && !(boolean) CLOSING.get(decoder);
  }

  /** How many whole client ping frames {@code buf} starts with (its reader index unchanged). */
  static int leadingPings(ByteBuf buf) {
    int at = buf.readerIndex();
    int end = buf.writerIndex();
    int n = 0;
    while (end - at >= FRAME_BYTES && isPing(buf, at)) {
      at += FRAME_BYTES;
      n++;
    }
    return n;
  }

  /** True if the {@link #FRAME_BYTES} bytes at {@code at} are one masked client frame {@code {"type":"ping"}}. */
  static boolean isPing(ByteBuf buf, int at) {
    if (buf.getUnsignedShort(at) != HEADER) {
      return false;
    }
    int p = at + 6;
    for (int i = 0; i < PING.length; i++) {
      if ((buf.getByte(p + i) ^ buf.getByte(at + 2 + (i & 3))) != PING[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether the handler can be installed at all (Netty's decoder as expected). */
  static boolean available() {
    return READING_FIRST != null;
  }
}
