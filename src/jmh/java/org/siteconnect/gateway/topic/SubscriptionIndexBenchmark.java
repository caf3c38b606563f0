package org.siteconnect.gateway.topic;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Matching one published topic against N subscriptions: {@link SubscriptionIndex#match} versus a naive linear
 * scan of (filter, subscriber) pairs with {@link TopicFilter#matches}, on the same {@link Workload}. Results and
 * the command line are in RESULTS.md next to this file.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Thread)
public class SubscriptionIndexBenchmark {

  @Param({"1000", "10000", "100000", "1000000"})
  int subscriptions;

  private SubscriptionIndex<Integer> index;
  private TopicFilter[] linearFilters;
  private Integer[] linearSubscribers;
  private TopicName[] lookups;
  private int cursor;
  private final CountingSink sink = new CountingSink();

  /** Sums what it is given, so the JIT cannot drop the delivery. */
  static final class CountingSink implements Consumer<Integer> {
    long sum;

    @Override
    public void accept(Integer subscriber) {
      sum += subscriber;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    Workload workload = Workload.generate(subscriptions, 42);
    index = new SubscriptionIndex<>();
    linearFilters = new TopicFilter[subscriptions];
    linearSubscribers = new Integer[subscriptions];
    for (int i = 0; i < subscriptions; i++) {
      TopicFilter filter = TopicFilter.parse(workload.filters[i]);
      Integer subscriber = i / 4; // a page holds a few subscriptions
      linearFilters[i] = filter;
      linearSubscribers[i] = subscriber;
      index.subscribe(filter, subscriber);
    }
    lookups = workload.lookups(index, 7);
  }

  @Benchmark
  public long index() {
    sink.sum = 0;
    index.match(nextTopic(), sink);
    return sink.sum;
  }

  @Benchmark
  public long linear() {
    TopicName topic = nextTopic();
    long sum = 0;
    for (int i = 0; i < linearFilters.length; i++) {
      if (linearFilters[i].matches(topic)) {
        sum += linearSubscribers[i];
      }
    }
    return sum;
  }

  private TopicName nextTopic() {
    TopicName topic = lookups[cursor];
    cursor = (cursor + 1) & (Workload.LOOKUPS - 1);
    return topic;
  }
}
