package org.siteconnect.gateway.support;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small blocking REST client for tests. */
public final class Http {
  public record Response(int status, String body, java.net.http.HttpHeaders headers) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String errorCode() {
      return json().getJsonObject("error").getString("code");
    }
  }

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final String base;

  public Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public Response send(String method, String path, Object body, String token, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    String text = body == null ? null : body instanceof String s ? s : Json.encode(body);
    b.method(
        method,
        text == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(text));
    if (text != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body(), r.headers());
  }

  public Response get(String path, String token) throws Exception {
    return send("GET", path, null, token);
  }

  public Response post(String path, Object body, String token) throws Exception {
    return send("POST", path, body, token);
  }

  /** Logs in and returns the token; fails the test otherwise. */
  public String login(String login, String password) throws Exception {
    Response r =
        post("/api/v1/login", new JsonObject().put("login", login).put("password", password), null);
    if (r.status() != 200) {
      throw new AssertionError("login failed: " + r.status() + " " + r.body());
    }
    return r.json().getString("token");
  }
}
