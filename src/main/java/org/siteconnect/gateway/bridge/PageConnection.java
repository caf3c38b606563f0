package org.siteconnect.gateway.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * One SockJS connection of a site-connect frame on this node. Written to only from the HTTP verticle's event
 * loop (the router hands batches over with {@link PageConnections#writeAll}).
 *
 * <p>Frames for one socket that pile up during one drain of {@link PageConnections} are kept here and go out as one
 * batch frame (a JSON array of bridge frames, docs/PROTOCOL.md) when the client said it reads batches
 * ({@code batch=1} in its connection URL); otherwise one write each, as before.
 */
public final class PageConnection {
  private final String id;
  private final SockJSSocket socket;
  private final RateLimiter inboundRate;
  private final String transport;
  private final boolean batching;
  /** The client address's limit key (see ClientAddresses.limitKey). */
  private final String clientAddress;
  /** Told when this connection is closed for reading too slowly (a metric). */
  private final Runnable fellBehind;

  private volatile boolean open = true;
  /** When the client last sent a bridge ping (or opened), for {@link PingTimeouts}; its event loop only. */
  private long lastPing;
  /** Frames waiting for this drain's flush, in order; null when idle (most of the time: no memory per page). */
  private Buffer first;

  private List<Buffer> more;
  /** The raw WebSocket's direct path, or null (Vert.x's path: fallbacks, tests). */
  private DirectFrames direct;

  PageConnection(
      String id,
      SockJSSocket socket,
      RateLimiter inboundRate,
      String transport,
      String clientAddress) {
    this(id, socket, inboundRate, transport, clientAddress, () -> {});
  }

  PageConnection(
      String id,
      SockJSSocket socket,
      RateLimiter inboundRate,
      String transport,
      String clientAddress,
      Runnable fellBehind) {
    this.clientAddress = clientAddress;
    this.fellBehind = fellBehind;
    this.id = id;
    this.socket = socket;
    this.inboundRate = inboundRate;
    this.transport = transport;
    this.batching = readsBatches(socket.uri());
    this.lastPing = System.currentTimeMillis();
  }

  long lastPing() {
    return lastPing;
  }

  void pinged(long now) {
    lastPing = now;
  }

  SockJSSocket socket() {
    return socket;
  }

  /** The client opts in with {@code batch=1} in its connection URL (frame.js does; older clients don't). */
  static boolean readsBatches(String uri) {
    if (uri == null) {
      return false;
    }
    int q = uri.indexOf('?');
    if (q < 0) {
      return false;
    }
    for (String part : uri.substring(q + 1).split("&")) {
      if (part.equals("batch=1")) {
        return true;
      }
    }
    return false;
  }

  public String clientAddress() {
    return clientAddress;
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

  boolean readsBatches() {
    return batching;
  }

  RateLimiter inboundRate() {
    return inboundRate;
  }

  void markClosed() {
    open = false;
  }

  /** From now on frames go straight to the WebSocket's channel, encoded (see {@link DirectFrames}). */
  void writeDirectly(DirectFrames frames) {
    this.direct = frames;
  }

  void write(Buffer frame) {
    if (open) {
      send(frame, null);
      closeIfBehind();
    }
  }

  private void send(Buffer frame, DirectFrames.Encoded encoded) {
    if (direct == null || !direct.write(frame, encoded)) {
      socket.write(frame);
    }
  }

  /**
   * A client that reads slower than it is written to would have the gateway buffer for it without end (the soak of
   * issue 22 ran a node out of heap so): past {@code bridge.maxQueuedBytesPerConnection} unread bytes (the socket's
   * write queue size, set when it opened) it is closed with 4008 and reconnects, as a page does after any close.
   */
  private void closeIfBehind() {
    if (open && writeQueueFull()) {
      open = false;
      fellBehind.run();
      socket.close(4008, "reading too slowly");
    }
  }

  /**
   * Vert.x answers a WebSocket that closed under us (the page went away while frames were queued for it) with an
   * IllegalStateException here: the page is gone, its close handler follows, and there is nothing to log.
   */
  private boolean writeQueueFull() {
    try {
      return socket.writeQueueFull();
    } catch (IllegalStateException closed) {
      open = false;
      return false;
    }
  }

  /** Keeps a frame for {@link #flush}; true if this connection had nothing pending (the caller lists it once). */
  boolean enqueue(Buffer frame) {
    if (first == null) {
      first = frame;
      return true;
    }
    if (more == null) {
      more = new ArrayList<>(4);
    }
    more.add(frame);
    return false;
  }

  /** Writes what {@link #enqueue} kept: one frame as is, several as one batch (or one by one without opt-in). */
  void flush(PageConnections.BatchCache cache) {
    Buffer head = first;
    List<Buffer> tail = more;
    first = null;
    more = null;
    if (head == null || !open) {
      return;
    }
    if (tail == null) {
      send(head, cache.encoded());
    } else if (batching) {
      send(cache.batch(head, tail), cache.encoded());
    } else {
      send(head, cache.encoded());
      for (Buffer b : tail) {
        send(b, cache.encoded());
      }
    }
    closeIfBehind();
  }

  void close() {
    open = false;
    socket.close();
  }
}
