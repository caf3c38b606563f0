package org.siteconnect.gateway.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A minimal SockJS xhr-polling client (open, xhr_send, poll) for tests of the HTTP transports. */
public final class XhrClient {
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final String base;
  private final String origin;

  public XhrClient(int port, String origin) {
    this.base = "http://127.0.0.1:" + port + "/eventbus/" + (100 + (int) (Math.random() * 800))
        + "/" + UUID.randomUUID().toString().replace("-", "");
    this.origin = origin;
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30))
        .POST(
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
    if (origin != null) {
      b.header("Origin", origin);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      // A pooled keep-alive connection the server had already closed: one retry on a fresh one.
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  /** Opens the session: the status of the first xhr request (200 with "o" when admitted). */
  public int open() throws Exception {
    HttpResponse<String> r = post("/xhr", null);
    return r.statusCode() == 200 && r.body().startsWith("o") ? 200 : r.statusCode();
  }

  public int send(String frame) throws Exception {
    return post("/xhr_send", new JsonArray().add(frame).encode()).statusCode();
  }

  /** Posts {@code body} to xhr_send exactly as given (a well-formed body is a JSON array of frame strings). */
  public int sendBody(String body) throws Exception {
    return post("/xhr_send", body).statusCode();
  }

  /** Waits for the next batch of frames the server has for us. */
  public List<JsonObject> poll() throws Exception {
    HttpResponse<String> r = post("/xhr", null);
    List<JsonObject> out = new ArrayList<>();
    String body = r.body().trim();
    if (body.startsWith("a")) {
      for (Object s : new JsonArray(body.substring(1))) {
        out.add(new JsonObject((String) s));
      }
    } else if (body.startsWith("c")) {
      throw new IllegalStateException("session closed: " + body);
    }
    return out;
  }
}
