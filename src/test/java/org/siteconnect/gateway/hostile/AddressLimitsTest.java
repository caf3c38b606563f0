package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Issue 15.2: one address used to open 2,000 sockets and get 2,000 sessions in 2 s. Sockets and page sessions are
 * now limited per client address (defaults 200 and 100), counted when they arrive; behind a trusted proxy the
 * forwarded address counts, from anyone else the forwarding headers are ignored.
 */
class AddressLimitsTest {
  private Vertx vertx;
  private int port;
  private final List<WebSocketClient> clients =
      new ArrayList<>(); // referenced: the GC closes unreferenced ones

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** One raw bridge socket: its first answer (welcome or an error code), then hellos on it. */
  private final class Socket {
    final Promise<String> opened = Promise.promise();
    Promise<String> helloAnswer;
    ClientWebSocket ws;
    String inbound;

    void onFrame(JsonObject frame) {
      JsonObject body = frame.getJsonObject("body", new JsonObject());
      String op = body.getString("op", "");
      if ("welcome".equals(op)) {
        inbound = body.getString("send");
        opened.tryComplete("welcome");
      } else if ("err".equals(op) && !opened.future().isComplete()) {
        opened.tryComplete(body.getString("code"));
      } else if (helloAnswer != null && op.matches("session|busy|err")) {
        helloAnswer.tryComplete("busy".equals(op) ? body.getString("reason") : op);
      }
    }

    Future<String> hello() {
      helloAnswer = Promise.promise();
      ws.writeTextMessage(new JsonObject()
          .put("type", "send")
          .put("address", inbound)
          .put("body", new JsonObject().put("op", "hello").put("site", TestGateway.SITE))
          .encode());
      return helloAnswer.future();
    }
  }

  private WebSocketClient client(String localAddress) {
    WebSocketClient client = vertx.createWebSocketClient(
        new WebSocketClientOptions().setMaxConnections(5_000).setLocalAddress(localAddress));
    clients.add(client);
    return client;
  }

  private Socket open(WebSocketClient client, String... headers) {
    Socket s = new Socket();
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost("127.0.0.1")
        .setPort(port)
        .setURI("/eventbus/websocket")
        .addHeader("Origin", TestGateway.origin(port));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      options.addHeader(headers[i], headers[i + 1]);
    }
    s.ws = client.webSocket();
    s.ws.handler(b -> s.onFrame(b.toJsonObject()));
    s.ws.closeHandler(v -> s.opened.tryComplete("closed"));
    s.ws.connect(options).onFailure(err -> s.opened.tryComplete("failed: " + err.getMessage()));
    return s;
  }

  /** Opens {@code n} sockets at once and counts the first answers. */
  private Map<String, Integer> burst(
      List<Socket> into, int n, WebSocketClient client, String... headers) throws Exception {
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sockets.add(open(client, headers));
    }
    Future.join(sockets.stream().map(s -> s.opened.future()).toList()).await(30, TimeUnit.SECONDS);
    into.addAll(sockets);
    return tally(sockets.stream().map(s -> s.opened.future().result()).toList());
  }

  private static Map<String, Integer> tally(List<String> answers) {
    Map<String, Integer> out = new TreeMap<>();
    answers.forEach(a -> out.merge(a, 1, Integer::sum));
    return out;
  }

  @Test
  @DisplayName(
      "300 sockets at once from one address: exactly 200 admitted; 150 hellos at once: exactly 100 sessions")
  void perAddressLimits() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    TestGateway.start(
        vertx, TestGateway.config(port)); // the defaults: 200 sockets, 100 sessions per address
    List<Socket> fromOne = new ArrayList<>();
    Map<String, Integer> opened = burst(fromOne, 300, client("127.0.0.1"));
    List<Socket> admitted = fromOne.stream()
        .filter(s -> "welcome".equals(s.opened.future().result()))
        .toList();
    List<String> hellos = Future.join(admitted.subList(0, Math.min(150, admitted.size())).stream()
            .map(Socket::hello)
            .toList())
        .await(30, TimeUnit.SECONDS)
        .list();
    Map<String, Integer> sessions = tally(hellos);
    Map<String, Integer> others = burst(new ArrayList<>(), 60, client("127.0.0.2"));
    System.out.printf(
        "address limits: 300 sockets from 127.0.0.1 -> %s; 150 hellos -> %s; 60 from 127.0.0.2 -> %s%n",
        opened, sessions, others);
    assertEquals(Map.of("welcome", 200, "address-limit", 100), opened);
    assertEquals(Map.of("session", 100, "address-limit", 50), sessions);
    assertEquals(Map.of("welcome", 60), others, "other addresses are not affected");

    admitted.get(0).ws.close().await(5, TimeUnit.SECONDS);
    Socket again = open(client("127.0.0.1"));
    assertEquals(
        "welcome",
        again.opened.future().await(10, TimeUnit.SECONDS),
        "a closed socket frees its place");
  }

  @Test
  @DisplayName(
      "forwarded addresses count only from a trusted proxy; from anyone else the headers are ignored")
  void trustedProxies() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    TestGateway.start(
        vertx,
        TestGateway.config(port)
            .put("limits", new JsonObject().put("socketsPerAddress", 5))
            .put(
                "http",
                TestGateway.config(port)
                    .getJsonObject("http")
                    .put("trustedProxies", new JsonArray().add("127.0.0.3/32"))));
    List<Socket> keep = new ArrayList<>();
    // An untrusted peer naming a different client on every socket: all count as 127.0.0.1.
    WebSocketClient direct = client("127.0.0.1");
    List<Socket> spoofed = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      spoofed.add(
          open(direct, "X-Forwarded-For", "198.51.100." + i, "Forwarded", "for=203.0.113." + i));
    }
    Future.join(spoofed.stream().map(s -> s.opened.future()).toList()).await(30, TimeUnit.SECONDS);
    keep.addAll(spoofed);
    Map<String, Integer> fromUntrusted =
        tally(spoofed.stream().map(s -> s.opened.future().result()).toList());
    // Through the trusted proxy: per forwarded client.
    WebSocketClient proxy = client("127.0.0.3");
    Map<String, Integer> clientA =
        burst(keep, 8, proxy, "X-Forwarded-For", "6.6.6.6, 198.51.100.7");
    Map<String, Integer> clientB = burst(keep, 3, proxy, "Forwarded", "for=\"[2001:db8::1]:4711\"");
    System.out.printf(
        "trusted proxies: spoofed from an untrusted peer %s; via the proxy, client A %s, client B %s%n",
        fromUntrusted, clientA, clientB);
    assertEquals(Map.of("welcome", 5, "address-limit", 7), fromUntrusted);
    assertEquals(Map.of("welcome", 5, "address-limit", 3), clientA);
    assertEquals(Map.of("welcome", 3), clientB);
  }
}
