package org.siteconnect.gateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InboundBacklogTest {
  @Test
  @DisplayName(
      "eight threads adding 300 bytes at once, 500 rounds: never past the bound of 1,000 (at most three taken)")
  void concurrentAddsStayWithinTheBound() throws Exception {
    InboundBacklog backlog = new InboundBacklog(1_000);
    int threads = 8;
    AtomicInteger taken = new AtomicInteger();
    List<String> broken = new CopyOnWriteArrayList<>();
    CyclicBarrier added = new CyclicBarrier(threads, () -> {
      if (backlog.bytes() > 1_000 || taken.get() > 3 || backlog.bytes() != 300L * taken.get()) {
        broken.add(backlog.bytes() + " bytes, " + taken.get() + " taken");
      }
    });
    CyclicBarrier released = new CyclicBarrier(threads, () -> taken.set(0));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> runs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      runs.add(pool.submit(() -> {
        for (int round = 0; round < 500; round++) {
          boolean mine = backlog.tryAdd(300);
          if (mine) {
            taken.incrementAndGet();
          }
          added.await();
          if (mine) {
            backlog.taken(300);
          }
          released.await();
        }
        return null;
      }));
    }
    for (Future<?> f : runs) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertEquals(List.of(), broken);
    assertEquals(0, backlog.bytes());
  }

  @Test
  @DisplayName(
      "one command larger than the bound still passes into an empty backlog, a second does not")
  void oneOversizedIntoEmpty() {
    InboundBacklog backlog = new InboundBacklog(100);
    assertTrue(backlog.tryAdd(150));
    assertEquals(false, backlog.tryAdd(1));
    backlog.taken(150);
    assertTrue(backlog.tryAdd(100));
  }
}
