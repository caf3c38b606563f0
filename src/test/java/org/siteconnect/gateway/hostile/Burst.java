package org.siteconnect.gateway.hostile;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Concurrent REST requests over real sockets, each on its own connection, optionally from a chosen loopback
 * address (127.0.0.2, …: Linux routes all of 127/8 to the loopback interface).
 */
final class Burst implements AutoCloseable {
  record Answer(int status, String body, String retryAfter, long millis, String location) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final int port;
  private final HttpClient client;

  Burst(Vertx vertx, int port, String localAddress) {
    this.port = port;
    HttpClientOptions options = new HttpClientOptions()
        .setKeepAlive(false)
        .setConnectTimeout(10_000)
        .setIdleTimeout(30)
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    if (localAddress != null) {
      options.setLocalAddress(localAddress);
    }
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(1000));
  }

  /** One POST of a JSON body; the future completes with the answer (never fails on an HTTP status). */
  Future<Answer> post(String path, JsonObject body, String token) {
    return post(path, body.encode(), "application/json", token);
  }

  Future<Answer> post(String path, String body, String contentType, String token) {
    RequestOptions ro = request(HttpMethod.POST, path);
    if (contentType != null) {
      ro.putHeader("Content-Type", contentType);
    }
    if (token != null) {
      ro.putHeader("Authorization", "Bearer " + token);
    }
    return send(ro, Buffer.buffer(body));
  }

  /** One request of any method, with a JSON body when {@code body} is not null. */
  Future<Answer> send(HttpMethod method, String path, JsonObject body, String token) {
    RequestOptions ro = request(method, path);
    if (body != null) {
      ro.putHeader("Content-Type", "application/json");
    }
    if (token != null) {
      ro.putHeader("Authorization", "Bearer " + token);
    }
    return send(ro, body == null ? Buffer.buffer() : body.toBuffer());
  }

  /** One POST of a JSON body with these headers (e.g. X-Forwarded-For through a trusted proxy). */
  Future<Answer> postWith(String path, JsonObject body, Map<String, String> headers) {
    RequestOptions ro =
        request(HttpMethod.POST, path).putHeader("Content-Type", "application/json");
    headers.forEach(ro::putHeader);
    return send(ro, body.toBuffer());
  }

  /** One GET with these headers (e.g. X-Forwarded-For through a trusted proxy); redirects are not followed. */
  Future<Answer> get(String path, Map<String, String> headers) {
    RequestOptions ro = request(HttpMethod.GET, path).setFollowRedirects(false);
    headers.forEach(ro::putHeader);
    return send(ro, Buffer.buffer());
  }

  private RequestOptions request(HttpMethod method, String path) {
    return new RequestOptions()
        .setMethod(method)
        .setHost("127.0.0.1")
        .setPort(port)
        .setURI(path);
  }

  private Future<Answer> send(RequestOptions ro, Buffer body) {
    long t0 = System.nanoTime();
    return client.request(ro).compose(req -> req.send(body)).compose(resp -> resp.body()
        .map(b -> new Answer(
            resp.statusCode(),
            b.toString(),
            resp.getHeader("Retry-After"),
            (System.nanoTime() - t0) / 1_000_000,
            resp.getHeader("Location"))));
  }

  /**
   * The answer within {@code seconds}; on a timeout the error names the request and shows what every Vert.x thread
   * of this JVM was doing, so an answer that never comes (seen twice in CI, never here) can be told apart from a
   * slow machine.
   */
  static Answer within(Future<Answer> answer, int seconds, String what) throws Exception {
    try {
      return answer.await(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      StringBuilder threads = new StringBuilder();
      Thread.getAllStackTraces().forEach((thread, stack) -> {
        if (thread.getName().startsWith("vert.x-")) {
          threads.append('\n').append(thread.getName()).append(' ').append(thread.getState());
          for (int i = 0; i < Math.min(12, stack.length); i++) {
            threads.append("\n    at ").append(stack[i]);
          }
        }
      });
      throw new AssertionError(
          what + ": no answer in " + seconds + " s; Vert.x threads:" + threads, e);
    }
  }

  /** Sends every body at once and waits for all answers. */
  List<Answer> all(String path, List<JsonObject> bodies, String token) throws Exception {
    List<Future<Answer>> sent = new ArrayList<>();
    bodies.forEach(b -> sent.add(post(path, b, token)));
    return await(sent);
  }

  static List<Answer> await(List<Future<Answer>> sent) throws Exception {
    Future.join(sent).await(60, TimeUnit.SECONDS);
    List<Answer> out = new ArrayList<>();
    for (Future<Answer> f : sent) {
      if (f.failed()) {
        throw new AssertionError("a request failed: " + f.cause(), f.cause());
      }
      out.add(f.result());
    }
    return out;
  }

  static Map<Integer, Integer> statuses(List<Answer> answers) {
    Map<Integer, Integer> count = new TreeMap<>();
    answers.forEach(a -> count.merge(a.status(), 1, Integer::sum));
    return count;
  }

  @Override
  public void close() {
    client.close();
  }
}
