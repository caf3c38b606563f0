package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.TestGateway;
import org.siteconnect.gateway.support.XhrClient;

/** Issue 9: foreign origins on every SockJS transport, and hostile frames over the XHR transport. */
class TransportsTest {
  static final List<String> FOREIGN = List.of(
      "https://evil.example",
      "null",
      "http://127.0.0.1.evil.tld",
      "http://localhost:5999",
      "https://site.example.evil.tld");
  private Vertx vertx;
  private int port;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    TestGateway.start(
        vertx,
        TestGateway.config(port)
            .put("bridge", new JsonObject().put("maxMessagesPerSecond", 100_000)));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "5 foreign origins × every enabled transport (raw and SockJS websocket, xhr, xhr_streaming, xhr_send, info) → refused")
  void foreignOriginsRefused() throws Exception {
    HttpClient http =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (String origin : FOREIGN) {
      assertThrows(
          Throwable.class,
          () -> BridgeClient.connect(vertx, port, origin),
          origin + " raw websocket");
      for (String path : List.of(
          "/eventbus/info",
          "/eventbus/123/abcdef/xhr",
          "/eventbus/123/abcdef/xhr_streaming",
          "/eventbus/123/abcdef/xhr_send",
          "/eventbus/123/abcdef/websocket")) {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path))
            .header("Origin", origin);
        HttpRequest request = path.endsWith("info") || path.endsWith("websocket")
            ? b.GET().build()
            : b.POST(HttpRequest.BodyPublishers.ofString("[\"x\"]")).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(403, r.statusCode(), origin + " " + path + ": " + r.body());
      }
    }
    // …while the gateway's own origin gets through.
    assertEquals(200, new XhrClient(port, TestGateway.origin(port)).open());
  }

  @Test
  @DisplayName(
      "hostile frames over xhr_send: each answered with an error, the session keeps working")
  void hostileOverXhr() throws Exception {
    XhrClient xhr = new XhrClient(port, TestGateway.origin(port));
    assertEquals(200, xhr.open());
    List<JsonObject> frames = new ArrayList<>(xhr.poll());
    JsonObject welcome = frames.stream()
        .filter(f -> "welcome".equals(BridgeClient.body(f).getString("op")))
        .findFirst()
        .orElseThrow();
    String inbound = BridgeClient.body(welcome).getString("send");
    HostileFrames generator = new HostileFrames(
        99,
        inbound,
        BridgeClient.body(welcome).getString("inbox"),
        "sc.page.AAAAAAAAAAAAAAAAAAAAAA");
    int n = Integer.getInteger("sc.fuzz.xhr", 300);
    for (int i = 0; i < n; i++) {
      HostileFrames.Hostile h = generator.next();
      int status;
      try {
        status = xhr.send(h.text());
      } catch (java.io.IOException e) {
        throw new AssertionError(
            "xhr_send dropped the connection for " + h.kind() + ": "
                + h.text().substring(0, Math.min(120, h.text().length())),
            e);
      }
      if (status != 204) {
        assertTrue(
            status == 400 || status == 413 || status == 500,
            "xhr_send " + status + " for " + h.kind());
        continue; // refused by the transport itself (not a JSON array of strings, or too large)
      }
      if (!h.mustError()) {
        continue;
      }
      List<JsonObject> answer = xhr.poll();
      assertTrue(
          answer.stream()
              .anyMatch(f -> "err".equals(f.getString("type"))
                  || "err".equals(BridgeClient.body(f).getString("op"))),
          h.kind() + " got " + answer);
    }
    assertEquals(
        204,
        xhr.send(new JsonObject()
            .put("type", "send")
            .put("address", inbound)
            .put("body", new JsonObject().put("op", "hello").put("site", TestGateway.SITE))
            .encode()));
    List<JsonObject> session = xhr.poll();
    assertTrue(
        session.stream().anyMatch(f -> "session".equals(BridgeClient.body(f).getString("op"))),
        session.toString());
  }
}
