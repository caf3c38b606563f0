package org.siteconnect.gateway.support;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A gateway in its own JVM (the test classpath, {@code Main}), for SIGTERM and restart tests. */
public final class GatewayProcess implements AutoCloseable {
  private final Process process;
  private final StringBuilder output = new StringBuilder();
  private Thread reader;

  private GatewayProcess(Process process) {
    this.process = process;
  }

  public static GatewayProcess start(Path conf, Map<String, String> env) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            "org.siteconnect.gateway.Main",
            "-conf",
            conf.toString()))
        .redirectErrorStream(true);
    pb.environment().putAll(env);
    GatewayProcess gp = new GatewayProcess(pb.start());
    CompletableFuture<Void> up = new CompletableFuture<>();
    Thread reader = new Thread(
        () -> {
          try (BufferedReader r = new BufferedReader(
              new InputStreamReader(gp.process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
              synchronized (gp.output) {
                gp.output.append(line).append('\n');
              }
              if (line.contains("SiteConnect gateway up")) {
                up.complete(null);
              }
            }
          } catch (Exception ignored) {
            // the process ended
          }
          up.completeExceptionally(
              new AssertionError("gateway exited before it was up:\n" + gp.output()));
        },
        "gateway-output");
    reader.setDaemon(true);
    reader.start();
    gp.reader = reader;
    try {
      up.get(
          120,
          TimeUnit.SECONDS); // three cluster JVMs starting at once on two busy cores take a while
    } catch (java.util.concurrent.TimeoutException e) {
      gp.close(); // it never came up: do not leave it running
      throw new AssertionError("gateway not up within 120 s; its output:\n" + gp.output(), e);
    } catch (Exception e) {
      gp.close();
      throw e;
    }
    return gp;
  }

  public String output() {
    synchronized (output) {
      return output.toString();
    }
  }

  /** SIGTERM, then how long until the process was gone (millis); fails if it takes longer than the limit. */
  public long terminate(long limitMillis) throws Exception {
    long t0 = System.nanoTime();
    // kill(1), not Process.destroy(): destroy() also closes our end of the pipes, losing what the
    // node says.
    new ProcessBuilder("kill", "-TERM", Long.toString(process.pid()))
        .inheritIO()
        .start()
        .waitFor();
    if (!process.waitFor(limitMillis, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the gateway did not exit within " + limitMillis + " ms of SIGTERM");
    }
    long took = (System.nanoTime() - t0) / 1_000_000;
    reader.join(5_000); // everything it printed has been read
    synchronized (output) {
      output
          .append("[exit ")
          .append(process.exitValue())
          .append(" after ")
          .append(took)
          .append(" ms]\n");
    }
    return took;
  }

  /** SIGKILL: the node dies at once, without draining or leaving the cluster. */
  public void kill() throws Exception {
    new ProcessBuilder("kill", "-KILL", Long.toString(process.pid()))
        .inheritIO()
        .start()
        .waitFor();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError("the gateway survived SIGKILL");
    }
    reader.join(5_000);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
