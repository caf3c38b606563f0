package org.siteconnect.gateway.bridge;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The JSON bytes that this node's pages have sent and its router has not taken up yet, bounded node-wide
 * ({@code bridge.maxInboundBacklogBytes}). The bridge hands commands to the router without waiting: a router
 * that falls behind (a node short of CPU) would otherwise queue them without end and run out of heap (the soak of
 * issue 22 did, at 512 MB, with 50,000 parsed co-browse batches waiting). Past the bound a command is refused
 * with {@code busy} instead; the page's own retries and the co-browse resync catch up once the router has.
 */
public final class InboundBacklog {
  private final AtomicLong bytes = new AtomicLong();
  private final long limit;

  public InboundBacklog(long limit) {
    this.limit = limit;
  }

  /**
   * Counts {@code n} bytes in unless the backlog would pass the limit (one command is always let through into an
   * empty backlog). Safe under concurrent calls: the sum is taken first, so the bound is never passed.
   */
  boolean tryAdd(long n) {
    long now = bytes.addAndGet(n);
    if (now > limit && now != n) {
      bytes.addAndGet(-n);
      return false;
    }
    return true;
  }

  /** The router took up a command of {@code n} bytes. */
  public void taken(long n) {
    bytes.addAndGet(-n);
  }

  public long bytes() {
    return bytes.get();
  }
}
