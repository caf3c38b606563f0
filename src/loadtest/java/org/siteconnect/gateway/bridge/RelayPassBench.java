package org.siteconnect.gateway.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The relay's own cost per MB, one thread, no network (issue 22 part 3): a page's events frame taken as main takes it
 * (the bridge parses the frame, the guard measures the tree, the router encodes the agent's frame) against the
 * relay pass (scan, the bridge parses the envelope, the guard measures it, the agent's frame is written with the
 * page's bytes). Thread CPU time and allocated bytes (ThreadMXBean), which other load on the machine does not change.
 * {@code java -cp target/loadtest.jar org.siteconnect.gateway.bridge.RelayPassBench [rounds]}
 */
public final class RelayPassBench {
  private static final String TOPIC = "$agents/acme/cobrowse/admin/abcdefghijklmnop/events";

  private RelayPassBench() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    List<String> frames = frames(new Random(22));
    for (int i = 0; i < 3; i++) { // warm-up and JIT, then measured
      run("main (parse, size, encode)", frames, rounds, RelayPassBench::before, i == 2);
      run("relay pass (scan, raw bytes)", frames, rounds, RelayPassBench::after, i == 2);
    }
  }

  private interface Path {
    Buffer relay(String text);
  }

  private static Buffer before(String text) {
    JsonObject msg = new JsonObject(Buffer.buffer(text).toString()); // the bridge, as it reads a message
    JsonObject body = msg.getJsonObject("body");
    if (JsonSize.exceeds(msg, 65_536)) {
      throw new IllegalStateException("too large");
    }
    return PageFrames.message(TOPIC, body.getValue("payload"), false);
  }

  private static final RelayFrameScan SCAN = new RelayFrameScan();

  private static Buffer after(String text) {
    RelayFrameScan.Found f = SCAN.scan(text);
    RawPayload payload =
        new RawPayload(text, f.start(), f.end(), f.encodedLength(), f.full(), f.rid(), f.simple());
    String envelope = text.substring(0, f.start()) + "{}" + text.substring(f.end());
    JsonObject msg = new JsonObject(Buffer.buffer(envelope).toString());
    JsonObject body = msg.getJsonObject("body");
    body.put("payload", payload);
    if (JsonSize.exceeds(msg, 65_536)) {
      throw new IllegalStateException("too large");
    }
    if (!Boolean.TRUE.equals(payload.getValue("full")) && payload.getValue("rid") != null) {
      throw new IllegalStateException("rid without full");
    }
    return PageFrames.message(TOPIC, payload, false);
  }

  private static void run(String name, List<String> frames, int rounds, Path path, boolean print) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long alloc0 = threads.getThreadAllocatedBytes(id);
    long out = 0;
    for (int r = 0; r < rounds; r++) {
      for (String f : frames) {
        out += path.relay(f).length();
      }
    }
    double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
    double alloc = (threads.getThreadAllocatedBytes(id) - alloc0) / 1e6;
    double mb = out / 1e6;
    if (print) {
      System.out.printf(Locale.ROOT, "%-30s %8.1f MB relayed, CPU %.3f s = %.2f ms per MB, allocated %.0f MB = %.2f"
          + " bytes per byte relayed%n", name, mb, cpu, 1000 * cpu / mb, alloc, alloc / mb);
    }
  }

  /** 2,000 frames like the harness's stream: 1 KB recorder batches, and every 40th a 40 KB snapshot part. */
  private static List<String> frames(Random random) {
    List<String> frames = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      StringBuilder p = new StringBuilder("{\"cobrowse_id\":\"abcdefghijklmnop\",\"seq\":").append(i);
      if (i % 40 == 0) {
        p.append(",\"full\":true,\"rid\":\"r").append(i).append("\",\"part\":1,\"parts\":8,\"data\":\"");
        while (p.length() < 40_000) {
          p.append("[{\\\"type\\\":2,\\\"data\\\":{\\\"node\\\":{\\\"id\\\":").append(random.nextInt(100000))
              .append(",\\\"tagName\\\":\\\"div\\\",\\\"attributes\\\":{\\\"class\\\":\\\"row item-")
              .append(random.nextInt(1000)).append("\\\"}}}}]");
        }
        p.append("\"}");
      } else {
        p.append(",\"events\":[");
        int n = 0;
        while (p.length() < 900) {
          if (n++ > 0) {
            p.append(',');
          }
          p.append("{\"type\":3,\"data\":{\"source\":0,\"adds\":[{\"parentId\":").append(random.nextInt(5000))
              .append(",\"node\":{\"type\":3,\"textContent\":\"Line ").append(random.nextInt(99999))
              .append(" — café\"}}]},\"timestamp\":").append(1_700_000_000_000L + i * 50L).append('}');
        }
        p.append(",{\"type\":3,\"data\":{\"source\":1,\"positions\":[{\"x\":").append(random.nextInt(1200))
            .append(",\"y\":").append(random.nextInt(800)).append(",\"id\":4,\"timeOffset\":-12}]}}]}");
      }
      frames.add("{\"type\":\"send\",\"address\":\"sc.in.node1\",\"body\":{\"op\":\"pub\",\"topic\":\""
          + RelayFrameScan.EVENTS + "\",\"payload\":" + p + ",\"mid\":\"m" + i + "\"}}");
    }
    return frames;
  }
}
