package org.siteconnect.gateway.topic;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** One publish to a topic with 10,000 exact subscribers, among 100,000 other subscriptions: the hottest path. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class FanOutBenchmark {

  static final int FAN_OUT = 10_000;

  private final SubscriptionIndex<Integer> index = new SubscriptionIndex<>();
  private final SubscriptionIndexBenchmark.CountingSink sink =
      new SubscriptionIndexBenchmark.CountingSink();
  private final TopicName topic = TopicName.parse("site/42/broadcast");

  @Setup
  public void setUp() {
    String[] background = Workload.generate(100_000, 42).filters;
    for (int i = 0; i < background.length; i++) {
      index.subscribe(background[i], i / 4);
    }
    for (int i = 0; i < FAN_OUT; i++) {
      index.subscribe(topic.value(), 1_000_000 + i);
    }
  }

  @Benchmark
  public long fanOut10k() {
    sink.sum = 0;
    index.match(topic, sink);
    return sink.sum;
  }
}
