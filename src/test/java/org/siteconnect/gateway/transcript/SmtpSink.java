package org.siteconnect.gateway.transcript;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real SMTP server for Java tests: node runs src/test/smtp/sink.mjs (npm smtp-server) on a free port and prints
 * each message it receives as a JSON line {from, to, subject, text, html, headers, raw}.
 */
final class SmtpSink implements AutoCloseable {
  final int port;
  private final Process process;
  private final BlockingQueue<JsonObject> mails = new LinkedBlockingQueue<>();

  SmtpSink() throws Exception {
    process = new ProcessBuilder("node", "src/test/smtp/sink.mjs")
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    port = new JsonObject(out.readLine()).getInteger("port");
    Thread reader = new Thread(() -> {
      try {
        for (String line; (line = out.readLine()) != null; ) {
          mails.add(new JsonObject(line));
        }
      } catch (Exception ignored) {
        // the sink stopped
      }
    });
    reader.setDaemon(true);
    reader.start();
  }

  /** The next message received, or null after the wait. */
  JsonObject next(long waitMs) throws InterruptedException {
    return mails.poll(waitMs, TimeUnit.MILLISECONDS);
  }

  int received() {
    return mails.size();
  }

  @Override
  public void close() throws Exception {
    process.getOutputStream().close();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
