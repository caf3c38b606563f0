package org.siteconnect.gateway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HashQueueTest {

  @Test
  @DisplayName(
      "with two threads one address runs one check at a time: the other thread is free for others")
  void neverEveryThread() {
    HashQueue queue = new HashQueue(2, 2, 4_000);
    List<String> started = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      int n = i;
      queue.submit("A", 0, () -> {
        started.add("A" + n);
        return Promise.<String>promise().future();
      });
    }
    queue.submit("B", 0, () -> {
      started.add("B");
      return Promise.<String>promise().future();
    });
    assertEquals(List.of("A0", "B"), started);
  }

  @Test
  @DisplayName(
      "per address at most two checks pending; addresses take turns; a waiting check expires")
  void fairAndBounded() {
    HashQueue queue = new HashQueue(1, 2, 4_000);
    List<Promise<String>> running = new ArrayList<>();
    List<String> started = new ArrayList<>();
    List<Future<String>> flood = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int n = i;
      flood.add(queue.submit("A", 0, () -> {
        started.add("A" + n);
        Promise<String> p = Promise.promise();
        running.add(p);
        return p.future();
      }));
    }
    assertEquals(
        8,
        flood.stream()
            .filter(f -> f.failed() && f.cause() instanceof HashQueue.Full)
            .count());
    Future<String> other = queue.submit("B", 0, () -> {
      started.add("B");
      return Future.succeededFuture("b");
    });
    assertEquals(List.of("A0"), started);
    running.get(0).complete("a0");
    Future<String> again = queue.submit("A", 0, () -> {
      started.add("A again");
      return Future.succeededFuture("a");
    });
    running.get(1).complete("a1");
    assertEquals(
        List.of("A0", "A1", "B", "A again"), started, "B waits one check, not for A's flood");
    assertTrue(other.succeeded());
    assertTrue(again.succeeded());
    queue.submit("D", 0, () -> Promise.<String>promise().future()); // runs and never ends
    Future<String> late = queue.submit("C", 0, () -> Future.succeededFuture("c"));
    queue.expire(4_000);
    assertInstanceOf(HashQueue.Expired.class, late.cause());
  }

  @Test
  @DisplayName("the queue says when checks wait, so its expiry timer runs only then")
  void hasWaitingOnlyWhileChecksWait() {
    HashQueue queue = new HashQueue(1, 2, 4_000);
    assertTrue(!queue.hasWaiting());
    Promise<String> first = Promise.promise();
    queue.submit("A", 0, first::future);
    assertTrue(!queue.hasWaiting()); // running, not waiting
    queue.submit("B", 0, () -> Promise.<String>promise().future());
    assertTrue(queue.hasWaiting());
    queue.expire(4_000);
    assertTrue(!queue.hasWaiting());
  }
}
