package org.siteconnect.gateway.bridge;

import io.vertx.core.Vertx;
import io.vertx.ext.web.handler.sockjs.impl.SockJSSocketBase;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Closes page sockets that sent no bridge ping for {@code bridge.pingTimeoutMs} (issue 22): one sweep over the
 * node's connections every quarter of the timeout, on the HTTP verticle's loop, instead of the Vert.x bridge's
 * periodic timer per socket (10,000 idle pages were 83 timer wake-ups a second). The bridge still gets a ping
 * timeout, {@link #BRIDGE_TIMEOUT_MS}, so long that its own timers never fire. A socket is closed as the bridge
 * closed it (WebSocket close 1001 "Session expired", the SockJS session ended) between one and 1.25 timeouts
 * after its last ping or its opening (the bridge: between one and two).
 */
final class PingTimeouts {
  /** The ping timeout handed to the Vert.x bridge: about 24.8 days, its per-socket checks never close anything. */
  static final long BRIDGE_TIMEOUT_MS = Integer.MAX_VALUE;

  private final long timeoutMs;

  PingTimeouts(long timeoutMs) {
    this.timeoutMs = timeoutMs;
  }

  /** How often the sweep runs: a quarter of the timeout. */
  long periodMs() {
    return Math.max(1, timeoutMs / 4);
  }

  /** Arms the sweep on the calling verticle's loop (the loop the connections are used on). */
  long start(Vertx vertx, Collection<PageConnection> connections) {
    return vertx.setPeriodic(periodMs(), id -> {
      for (PageConnection c : idle(connections, System.currentTimeMillis())) {
        if (c.socket() instanceof SockJSSocketBase base) {
          base.closeAfterSessionExpired();
        } else {
          c.socket().close();
        }
      }
    });
  }

  /** The connections whose last ping (or opening) is at least the timeout before {@code now}. */
  List<PageConnection> idle(Collection<PageConnection> connections, long now) {
    List<PageConnection> out = null;
    for (PageConnection c : connections) {
      if (now - c.lastPing() >= timeoutMs) {
        if (out == null) {
          out = new ArrayList<>();
        }
        out.add(c);
      }
    }
    return out == null ? List.of() : out;
  }
}
