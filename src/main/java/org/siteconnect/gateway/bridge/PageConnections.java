package org.siteconnect.gateway.bridge;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page connections of this node, by connection id. Sockets belong to the HTTP verticle's event loop; other
 * verticles hand writes over through one queue that the loop drains in one task, so a broadcast to 10,000 pages
 * costs one context switch, not 10,000.
 *
 * <p>Write coalescing: a drain first takes every queued delivery and files each frame with its connection, then
 * writes each connection's frames at once — one frame, or one batch frame when several piled up (the router
 * published faster than the sockets were written). Under load a page gets one WebSocket write, one flush and one
 * {@code write(2)} for k messages instead of k; at low rates nothing changes. A drain writes at most
 * {@link #WRITES_PER_TURN} connections and then yields the loop; deliveries that arrive meanwhile join the frames
 * still pending. A connection that gets a frame for it alone (a command's answer, a chat line) is written before
 * the connections that only wait for a broadcast, so a subscribe's ack does not wait for a broadcast to 10,000
 * pages to finish. Per connection, frames keep the order in which they were handed over (an early write takes the
 * broadcast frames filed before with it); a close waits for everything handed over before it.
 */
public final class PageConnections {
  private static final Logger LOG = LoggerFactory.getLogger(PageConnections.class);
  /** Connections written per event-loop task before yielding to other tasks on the loop. */
  static final int WRITES_PER_TURN = 2048;

  private final Map<String, PageConnection> byId = new ConcurrentHashMap<>();
  private final Queue<Object> jobs = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  /** Connections with frames pending, in the order they got their first one. Socket loop only. */
  private final ArrayDeque<PageConnection> pending = new ArrayDeque<>();
  /** Connections with a frame for them alone pending: written first. May repeat entries of {@link #pending}. */
  private final ArrayDeque<PageConnection> direct = new ArrayDeque<>();

  private final BatchCache batches = new BatchCache();
  private final InboundBacklog inbound;
  private volatile Context socketContext;
  private boolean draining;

  private record Deliver(List<PageConnection> targets, PageConnection target, Buffer frame) {}

  /** Connections whose commands the router may fall behind on without bound (tests). */
  public PageConnections() {
    this(new InboundBacklog(Long.MAX_VALUE));
  }

  public PageConnections(InboundBacklog inbound) {
    this.inbound = inbound;
  }

  /** What this node's pages sent and its router has not handled yet. */
  public InboundBacklog inbound() {
    return inbound;
  }

  public void bind(Context httpContext) {
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
    submit(new Deliver(targets, null, frame));
  }

  public void write(PageConnection target, Buffer frame) {
    submit(new Deliver(null, target, frame));
  }

  /** Writes a last frame to every connection and closes it (the node is shutting down). */
  public void drainAll(Buffer lastFrame) {
    submit((Runnable) () -> byId.values().forEach(c -> {
      c.write(lastFrame);
      c.close();
    }));
  }

  /** Closes one connection (e.g. a logout or a drain), after the frames handed over before. */
  public void close(String id) {
    PageConnection c = byId.get(id);
    if (c != null) {
      submit((Runnable) c::close);
    }
  }

  /** Nothing handed over is still waiting to be written (tests; read it on the socket loop). */
  boolean idle() {
    return jobs.isEmpty() && pending.isEmpty() && direct.isEmpty() && !scheduled.get();
  }

  private void submit(Object job) {
    Context ctx = socketContext;
    if (ctx == null) {
      run(job, true); // not bound (unit tests without the HTTP verticle): write at once
      return;
    }
    boolean onLoop = Context.isOnEventLoopThread() && ctx == Vertx.currentContext();
    if (onLoop && !draining && jobs.isEmpty() && pending.isEmpty() && direct.isEmpty()) {
      run(job, true); // nothing queued ahead of it: write now, as a direct socket write would
      return;
    }
    jobs.add(job);
    if (scheduled.compareAndSet(false, true)) {
      ctx.runOnContext(v -> drain());
    }
  }

  private void run(Object job, boolean direct) {
    if (job instanceof Deliver d) {
      if (direct) {
        if (d.target != null) {
          d.target.write(d.frame);
        } else {
          for (PageConnection c : d.targets) {
            c.write(d.frame);
          }
        }
      } else if (d.target != null) {
        fileDirect(d.target, d.frame);
      } else {
        for (PageConnection c : d.targets) {
          file(c, d.frame);
        }
      }
    } else {
      ((Runnable) job).run();
    }
  }

  private void file(PageConnection c, Buffer frame) {
    if (c.isOpen() && c.enqueue(frame)) {
      pending.add(c);
    }
  }

  private void fileDirect(PageConnection c, Buffer frame) {
    if (c.isOpen()) {
      c.enqueue(frame);
      direct.add(c); // if it is in pending too, that later flush finds nothing left to write
    }
  }

  /** One task on the socket loop: file every queued delivery, then write up to WRITES_PER_TURN connections. */
  private void drain() {
    scheduled.set(false);
    draining = true;
    try {
      Object job;
      while ((job = jobs.poll()) != null) {
        if (job instanceof Deliver) {
          run(job, false);
        } else {
          flush(
              Integer.MAX_VALUE); // a close or shutdown goes after everything handed over before it
          run(job, false);
        }
      }
      flush(WRITES_PER_TURN);
    } finally {
      draining = false;
      batches.clear();
    }
    if ((!pending.isEmpty() || !direct.isEmpty()) && scheduled.compareAndSet(false, true)) {
      continueAfterIo();
    }
  }

  /**
   * Runs the next drain after the loop has read its sockets once. Not {@code runOnContext}: Netty runs the tasks
   * queued while it runs tasks in the same batch, for up to {@code io.netty.eventLoop.maxTaskProcessingQuantumMs}
   * (1 s), before it reads again — a broadcast to 10,000 pages left every page's commands unread until its last
   * write (subscribe acks waited 440 ms at p99 under load). A task scheduled with no delay is taken after the next
   * I/O pass, which does not block because the task is due.
   */
  private void continueAfterIo() {
    Context ctx = socketContext;
    ((ContextInternal) ctx)
        .nettyEventLoop()
        .schedule(() -> ctx.runOnContext(v -> drain()), 0, TimeUnit.NANOSECONDS);
  }

  private void flush(int max) {
    PageConnection c;
    for (int n = 0; n < max && ((c = direct.poll()) != null || (c = pending.poll()) != null); n++) {
      try {
        c.flush(batches);
      } catch (RuntimeException e) { // one broken socket must not hold up the others' frames
        LOG.warn("write to page connection failed [{}]", c.id(), e);
      }
    }
  }

  /**
   * Builds batch frames ({@code [frame,frame,…]}, docs/PROTOCOL.md): the connections of one broadcast usually hold
   * the same frames, so the last batch built is reused while the next connection holds the same buffers.
   */
  static final class BatchCache {
    private Buffer lastHead;
    private Buffer[] lastTail = new Buffer[0];
    private Buffer lastBatch;
    private final DirectFrames.Encoded encoded = new DirectFrames.Encoded();

    /** The last frame's encoding for the direct path (a broadcast's frame is encoded once per drain). */
    DirectFrames.Encoded encoded() {
      return encoded;
    }

    Buffer batch(Buffer head, List<Buffer> tail) {
      if (head == lastHead && sameTail(tail)) {
        return lastBatch;
      }
      int size = head.length() + 2;
      for (Buffer b : tail) {
        size += b.length() + 1;
      }
      Buffer batch = Buffer.buffer(size).appendByte((byte) '[').appendBuffer(head);
      for (Buffer b : tail) {
        batch.appendByte((byte) ',').appendBuffer(b);
      }
      batch.appendByte((byte) ']');
      lastHead = head;
      lastTail = tail.toArray(new Buffer[0]);
      lastBatch = batch;
      return batch;
    }

    private boolean sameTail(List<Buffer> tail) {
      if (tail.size() != lastTail.length) {
        return false;
      }
      for (int i = 0; i < lastTail.length; i++) {
        if (tail.get(i) != lastTail[i]) {
          return false;
        }
      }
      return true;
    }

    void clear() {
      lastHead = null;
      lastTail = new Buffer[0];
      lastBatch = null;
      encoded.clear();
    }
  }
}
