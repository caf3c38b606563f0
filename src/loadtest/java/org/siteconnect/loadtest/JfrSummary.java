package org.siteconnect.loadtest;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Summarises a JFR recording of the server: the hottest methods by own samples (top frame) and by inclusive
 * samples (anywhere on the stack), Java and native samples apart, the top allocations and the GC time. The same
 * facts as {@code jfr print --events jdk.ExecutionSample}, counted.
 */
final class JfrSummary {
  private JfrSummary() {}

  static String summarise(Path file, int top) throws IOException {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> nativeSelf = new HashMap<>();
    Map<String, Integer> byThread = new HashMap<>();
    Map<String, Integer> ownCode = new HashMap<>();
    Map<String, Long> alloc = new HashMap<>();
    int samples = 0;
    int nativeSamples = 0;
    long allocTotal = 0;
    int gcCount = 0;
    Duration gcTime = Duration.ZERO;
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      String type = e.getEventType().getName();
      switch (type) {
        case "jdk.ExecutionSample" -> {
          samples++;
          RecordedStackTrace st = e.getStackTrace();
          if (st == null || st.getFrames().isEmpty()) {
            continue;
          }
          List<RecordedFrame> frames = st.getFrames();
          self.merge(name(frames.get(0)), 1, Integer::sum);
          Set<String> seen = new HashSet<>();
          String firstOwn = null;
          for (RecordedFrame f : frames) {
            String n = name(f);
            if (seen.add(n)) {
              inclusive.merge(n, 1, Integer::sum);
            }
            if (firstOwn == null && n.startsWith("org.siteconnect.")) {
              firstOwn = n;
            }
          }
          if (firstOwn != null) {
            ownCode.merge(firstOwn, 1, Integer::sum);
          }
          var thread = e.getThread("sampledThread");
          byThread.merge(thread == null ? "?" : thread.getJavaName(), 1, Integer::sum);
        }
        case "jdk.NativeMethodSample" -> {
          nativeSamples++;
          RecordedStackTrace st = e.getStackTrace();
          if (st != null && !st.getFrames().isEmpty()) {
            nativeSelf.merge(name(st.getFrames().get(0)), 1, Integer::sum);
          }
        }
        case "jdk.ObjectAllocationSample" -> {
          long w = e.getLong("weight");
          allocTotal += w;
          var cls = e.getClass("objectClass");
          alloc.merge(cls == null ? "?" : cls.getName(), w, Long::sum);
        }
        case "jdk.GarbageCollection" -> {
          gcCount++;
          gcTime = gcTime.plus(e.getDuration());
        }
        default -> {
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("Java execution samples: ").append(samples).append("; native-method samples (threads in syscalls, e.g. ")
        .append("epoll/write): ").append(nativeSamples).append('\n');
    sb.append("GC: ").append(gcCount).append(" collections, ").append(gcTime.toMillis()).append(" ms total\n");
    sb.append("\nSamples by thread:\n");
    appendTop(sb, byThread, samples, top);
    sb.append("\nTop methods by own samples (top frame):\n");
    appendTop(sb, self, samples, top);
    sb.append("\nTop methods by inclusive samples (on the stack):\n");
    appendTop(sb, inclusive, samples, top + 15);
    sb.append("\nGateway code (innermost org.siteconnect frame of each sample):\n");
    appendTop(sb, ownCode, samples, top);
    sb.append("\nNative-method samples by top frame:\n");
    appendTop(sb, nativeSelf, nativeSamples, 8);
    sb.append("\nAllocation by class (sampled weight in KB):\n");
    Map<String, Integer> allocMb = new HashMap<>();
    alloc.forEach((k, v) -> allocMb.put(k, (int) (v / 1024)));
    appendTop(sb, allocMb, (int) (allocTotal / 1024), top);
    return sb.toString();
  }

  private static String name(RecordedFrame f) {
    var m = f.getMethod();
    return m.getType().getName() + "." + m.getName();
  }

  private static void appendTop(StringBuilder sb, Map<String, Integer> counts, int total, int top) {
    List<Map.Entry<String, Integer>> list = new ArrayList<>(counts.entrySet());
    list.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
    for (int i = 0; i < Math.min(top, list.size()); i++) {
      var en = list.get(i);
      sb.append(String.format("  %6.2f%%  %8d  %s%n", total == 0 ? 0.0 : 100.0 * en.getValue() / total,
          en.getValue(), en.getKey()));
    }
  }
}
