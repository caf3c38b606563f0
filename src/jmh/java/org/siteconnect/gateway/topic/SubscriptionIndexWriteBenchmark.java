package org.siteconnect.gateway.topic;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Changing subscriptions: subscribe throughput into a growing index (string filters, parsed by the index, as the
 * router calls it), and subscribe+unsubscribe churn on an index that already holds 100,000 subscriptions.
 */
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SubscriptionIndexWriteBenchmark {

  static final int BATCH = 200_000;

  /** A fresh index per iteration, filled with {@value #BATCH} subscriptions one call at a time. */
  @State(Scope.Thread)
  public static class Growing {
    String[] filters;
    SubscriptionIndex<Integer> index;
    int cursor;

    @Setup(Level.Trial)
    public void generate() {
      filters = Workload.generate(BATCH, 42).filters;
    }

    @Setup(Level.Iteration)
    public void reset() {
      index = new SubscriptionIndex<>();
      cursor = 0;
    }
  }

  /** An index holding 100,000 subscriptions and a pool of other filters to churn. */
  @State(Scope.Thread)
  public static class Loaded {
    final SubscriptionIndex<Integer> index = new SubscriptionIndex<>();
    String[] churnFilters;
    int cursor;

    @Setup(Level.Trial)
    public void load() {
      String[] loaded = Workload.generate(100_000, 42).filters;
      for (int i = 0; i < loaded.length; i++) {
        index.subscribe(loaded[i], i / 4);
      }
      churnFilters = Workload.generate(1 << 16, 99).filters;
    }
  }

  /** Subscribes per second: one {@code subscribe(String, S)} per op, {@value #BATCH} ops per iteration. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 5, batchSize = BATCH)
  @Measurement(iterations = 10, batchSize = BATCH)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public boolean subscribeBatch(Growing state) {
    int i = state.cursor++;
    return state.index.subscribe(state.filters[i], i / 4);
  }

  /** One new subscription and its removal per op, on a loaded index. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public boolean subscribeUnsubscribe(Loaded state) {
    int i = state.cursor;
    state.cursor = (i + 1) & (state.churnFilters.length - 1);
    String filter = state.churnFilters[i];
    Integer subscriber = 1_000_000 + (i & 1023);
    boolean added = state.index.subscribe(filter, subscriber);
    return state.index.unsubscribe(filter, subscriber) & added;
  }
}
