package org.siteconnect.gateway.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/**
 * One SockJS connection of a site-connect frame on this node. Written to only from the HTTP verticle's event
 * loop (the router hands batches over with {@link PageConnections#writeAll}).
 */
public final class PageConnection {
  private final String id;
  private final SockJSSocket socket;
  private final RateLimiter inboundRate;
  private final String transport;
  private volatile boolean open = true;

  PageConnection(String id, SockJSSocket socket, RateLimiter inboundRate, String transport) {
    this.id = id;
    this.socket = socket;
    this.inboundRate = inboundRate;
    this.transport = transport;
  }

  String transport() {
    return transport;
  }

  public String id() {
    return id;
  }

  public boolean isOpen() {
    return open;
  }

  RateLimiter inboundRate() {
    return inboundRate;
  }

  void markClosed() {
    open = false;
  }

  void write(Buffer frame) {
    if (open) {
      socket.write(frame);
    }
  }

  void close() {
    open = false;
    socket.close();
  }
}
