package org.siteconnect.gateway.webhook;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A real HTTP receiver for webhook deliveries on loopback (JDK HttpServer, one thread per request so a slow answer
 * holds nobody else). Records every request; {@link #answer} decides each one's status and delay.
 */
final class Receiver implements AutoCloseable {
  /** One request as it arrived. */
  record Hit(String id, String timestamp, String signature, String body, long at) {
    JsonObject json() {
      return new JsonObject(body);
    }

    long sequence() {
      return json().getLong("sequence");
    }

    String topic() {
      return json().getString("topic");
    }
  }

  /** How to answer: a status after a delay, with a body of {@code bodyBytes} (a small JSON object when 0). */
  record Answer(int status, long delayMs, int bodyBytes) {
    Answer(int status, long delayMs) {
      this(status, delayMs, 0);
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Hit> hits = new ArrayList<>();
  private volatile Function<Hit, Answer> answer = hit -> new Answer(200, 0);

  Receiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setExecutor(threads);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      var h = exchange.getRequestHeaders();
      Hit hit = new Hit(
          h.getFirst("X-SiteConnect-Id"),
          h.getFirst("X-SiteConnect-Timestamp"),
          h.getFirst("X-SiteConnect-Signature"),
          body,
          System.currentTimeMillis());
      synchronized (hits) {
        hits.add(hit);
        hits.notifyAll();
      }
      Answer a = answer.apply(hit);
      try {
        if (a.delayMs() > 0) {
          Thread.sleep(a.delayMs());
        }
        byte[] out = a.bodyBytes() > 0
            ? new byte[a.bodyBytes()]
            : "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(a.status(), out.length);
        exchange.getResponseBody().write(out);
      } catch (InterruptedException | IOException e) {
        // the gateway gave up on us, or the test ended
      } finally {
        exchange.close();
      }
    });
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  void answer(Function<Hit, Answer> answer) {
    this.answer = answer;
  }

  List<Hit> hits() {
    synchronized (hits) {
      return List.copyOf(hits);
    }
  }

  /** Waits until the requests received satisfy {@code done}; fails after {@code waitMs}. */
  List<Hit> await(Predicate<List<Hit>> done, long waitMs, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + waitMs;
    synchronized (hits) {
      while (!done.test(hits)) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          throw new AssertionError("receiver: " + what + " not seen within " + waitMs + " ms; got "
              + hits.stream().map(Hit::body).toList());
        }
        hits.wait(left);
      }
      return List.copyOf(hits);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
