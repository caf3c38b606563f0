package org.siteconnect.gateway.bridge;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The page connections of this node, by connection id. Sockets belong to the HTTP verticle's event loop; other
 * verticles hand writes over in one task per batch, so a broadcast to 10,000 pages costs one context switch,
 * not 10,000.
 */
public final class PageConnections {
  private final Map<String, PageConnection> byId = new ConcurrentHashMap<>();
  private volatile Context socketContext;

  void bind(Context httpContext) {
    this.socketContext = httpContext;
  }

  void add(PageConnection connection) {
    byId.put(connection.id(), connection);
  }

  void remove(String id) {
    PageConnection c = byId.remove(id);
    if (c != null) {
      c.markClosed();
    }
  }

  public PageConnection get(String id) {
    return byId.get(id);
  }

  public int size() {
    return byId.size();
  }

  /** Writes the same buffer to every connection, on the sockets' own event loop. */
  public void writeAll(List<PageConnection> targets, Buffer frame) {
    if (targets.isEmpty()) {
      return;
    }
    onSocketContext(() -> {
      for (PageConnection c : targets) {
        c.write(frame);
      }
    });
  }

  public void write(PageConnection target, Buffer frame) {
    onSocketContext(() -> target.write(frame));
  }

  /** Writes a last frame to every connection and closes it (the node is shutting down). */
  void drainAll(Buffer lastFrame) {
    onSocketContext(() -> byId.values().forEach(c -> {
      c.write(lastFrame);
      c.close();
    }));
  }

  /** Closes one connection (e.g. a logout or a drain). */
  public void close(String id) {
    PageConnection c = byId.get(id);
    if (c != null) {
      onSocketContext(c::close);
    }
  }

  private void onSocketContext(Runnable task) {
    Context ctx = socketContext;
    if (ctx == null || Context.isOnEventLoopThread() && ctx == io.vertx.core.Vertx.currentContext()) {
      task.run();
    } else {
      ctx.runOnContext(v -> task.run());
    }
  }
}
