package org.siteconnect.gateway.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bridge pings answered on the wire (issue 22): a page on the raw {@code /eventbus/websocket} endpoint sends
 * {@code {"type":"ping"}} every 20 s (a minute when hidden), which is nearly all an idle node does. Vert.x takes
 * each through its WebSocket, the SockJS socket, a String, a JSON parse and a bridge event with its future, to
 * set one timestamp. A small Netty handler in front of Vert.x's recognises exactly that frame (one text frame,
 * final, uncompressed, those 15 bytes), stamps {@link PageConnection#pinged} and drops it; {@link PingTimeouts}
 * reads the stamp. Any other frame, and every frame of a socket not yet linked to its page connection (SockJS
 * transports, a socket whose peer address did not match), takes the usual path, where {@link BridgeGuard} stamps
 * the ping. Because the Vert.x bridge no longer sees these pings, its own ping timer is set to
 * {@link PingTimeouts#BRIDGE_TIMEOUT_MS}: a raw WebSocket open for 24.8 days is closed (1001) and the page reconnects.
 */
public final class WirePings {
  private static final byte[] PING = "{\"type\":\"ping\"}".getBytes(StandardCharsets.US_ASCII);

  /** The handler of each open HTTP connection, by peer "address:port" (unique per TCP connection to the node). */
  private final Map<String, Wire> byPeer = new ConcurrentHashMap<>();

  /** From {@code HttpServer.connectionHandler}: HTTP/1.x connections get the handler, in front of Vert.x's. */
  public void install(HttpConnection connection) {
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    Channel channel = base.channel();
    ChannelPipeline pipeline = channel.pipeline();
    String peer = peerKey(channel.remoteAddress());
    if (peer == null || pipeline.get("handler") == null || pipeline.get("httpDecoder") == null) {
      return;
    }
    pipeline.addBefore("handler", "sc-wire-ping", new Wire(peer));
  }

  /** Links a raw-WebSocket page connection to its wire, so that its pings are answered there. */
  void link(PageConnection connection, SockJSSocket socket) {
    if (!"raw-websocket".equals(connection.transport()) || socket.remoteAddress() == null) {
      return;
    }
    Wire wire = byPeer.get(
        socket.remoteAddress().hostAddress() + ":" + socket.remoteAddress().port());
    if (wire != null) {
      wire.connection = connection;
    }
  }

  int openWires() {
    return byPeer.size();
  }

  static String peerKey(java.net.SocketAddress address) {
    if (address instanceof InetSocketAddress a && a.getAddress() != null) {
      return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
    return null;
  }

  static boolean isPing(TextWebSocketFrame frame) {
    if (!frame.isFinalFragment() || frame.rsv() != 0) {
      return false;
    }
    ByteBuf content = frame.content();
    if (content.readableBytes() != PING.length) {
      return false;
    }
    int at = content.readerIndex();
    for (int i = 0; i < PING.length; i++) {
      if (content.getByte(at + i) != PING[i]) {
        return false;
      }
    }
    return true;
  }

  /** One connection's handler; runs on the connection's event loop. */
  final class Wire extends ChannelInboundHandlerAdapter {
    private final String peer;
    /** Set once the bridge opened the page's socket (on the HTTP verticle's loop). */
    volatile PageConnection connection;

    Wire(String peer) {
      this.peer = peer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      byPeer.put(peer, this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      byPeer.remove(peer, this);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      byPeer.remove(peer, this);
      ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      PageConnection c = connection;
      if (c != null && msg instanceof TextWebSocketFrame frame && isPing(frame)) {
        c.pinged(System.currentTimeMillis());
        frame.release();
        return;
      }
      ctx.fireChannelRead(msg);
    }
  }
}
