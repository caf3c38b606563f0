package org.siteconnect.gateway.agent;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Schedules password checks fairly: at most {@code maxRunning} at once, at most {@code maxPerKey} waiting or
 * running per client address (more are refused at once with {@link Full}), one address never on every thread
 * (with two threads, one check per address runs at a time), and the addresses with work waiting take turns, one
 * check each. A flood from one address therefore leaves a thread to the others, and delays another address's
 * login by about one check per busy address, not by the flood's length. A check that waited longer than {@code maxWaitMillis} is
 * given up with {@link Expired} (answered before the caller's own deadline). Not thread-safe: call it, and
 * complete the work's futures, on one event loop.
 */
final class HashQueue {
  /** The address already has its share of checks waiting or running. */
  static final class Full extends RuntimeException {
    Full() {
      super("too many logins in progress from this address", null, false, false);
    }
  }

  /** The check waited in the queue for too long. */
  static final class Expired extends RuntimeException {
    Expired() {
      super("the login queue is too long", null, false, false);
    }
  }

  private record Job(long enqueuedAt, Runnable start, Promise<?> promise) {}

  private final int maxRunning;
  private final int maxPerKey;
  private final long maxWaitMillis;
  private final int maxRunningPerKey;
  private final Map<String, Integer> pending = new HashMap<>();
  private final Map<String, Integer> runningByKey = new HashMap<>();
  /** Waiting jobs per address; the map's order is the order of turns (an address goes last after its turn). */
  private final Map<String, Deque<Job>> waiting = new java.util.LinkedHashMap<>();

  private int running;

  HashQueue(int maxRunning, int maxPerKey, long maxWaitMillis) {
    this.maxRunning = maxRunning;
    this.maxPerKey = maxPerKey;
    this.maxWaitMillis = maxWaitMillis;
    this.maxRunningPerKey = Math.max(1, maxRunning - 1);
  }

  <T> Future<T> submit(String key, long now, Supplier<Future<T>> work) {
    int mine = pending.getOrDefault(key, 0);
    if (mine >= maxPerKey) {
      return Future.failedFuture(new Full());
    }
    pending.put(key, mine + 1);
    Promise<T> promise = Promise.promise();
    Runnable start = () -> {
      Future<T> result;
      try {
        result = work.get();
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        running--;
        runningByKey.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        done(key);
        promise.handle(ar);
        next();
      });
    };
    waiting.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(new Job(now, start, promise));
    next();
    return promise.future();
  }

  /** Gives up checks that have waited longer than the limit; call it every few hundred millis. */
  void expire(long now) {
    for (Iterator<Map.Entry<String, Deque<Job>>> it = waiting.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<String, Deque<Job>> e = it.next();
      while (!e.getValue().isEmpty()
          && e.getValue().peekFirst().enqueuedAt() + maxWaitMillis <= now) {
        Job job = e.getValue().pollFirst();
        done(e.getKey());
        job.promise().fail(new Expired());
      }
      if (e.getValue().isEmpty()) {
        it.remove();
      }
    }
  }

  /** Whether a check waits (not yet running): only then does {@link #expire} have anything to do. */
  boolean hasWaiting() {
    return !waiting.isEmpty();
  }

  int waitingCount() {
    return waiting.values().stream().mapToInt(Deque::size).sum();
  }

  private void next() {
    while (running < maxRunning) {
      Map.Entry<String, Deque<Job>> turn = null;
      for (Map.Entry<String, Deque<Job>> e : waiting.entrySet()) {
        if (runningByKey.getOrDefault(e.getKey(), 0) < maxRunningPerKey) {
          turn = e;
          break;
        }
      }
      if (turn == null) {
        return;
      }
      waiting.remove(turn.getKey());
      Job job = turn.getValue().pollFirst();
      if (!turn.getValue().isEmpty()) {
        waiting.put(turn.getKey(), turn.getValue()); // to the back of the line
      }
      running++;
      runningByKey.merge(turn.getKey(), 1, Integer::sum);
      job.start().run();
    }
  }

  private void done(String key) {
    pending.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }
}
