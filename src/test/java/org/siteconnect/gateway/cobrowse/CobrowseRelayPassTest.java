package org.siteconnect.gateway.cobrowse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.RecorderBatches;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Issue 22 part 3: the recorder's batches reach the agent's console as the page wrote them, byte for byte, in the
 * frame the console reads today; malformed and oversized batches are refused exactly as before.
 */
class CobrowseRelayPassTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String EVENTS = "~pagesession/cobrowsing/events";
  private Vertx vertx;
  private int port;
  private Http http;
  private String admin;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    TestGateway.start(
        vertx,
        // the rate limit is another test's subject: these send hundreds of batches a second
        TestGateway.config(port)
            .put("bridge", new JsonObject().put("maxMessagesPerSecond", 100_000)),
        Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** An agent console that keeps every message as the bytes the gateway sent. */
  private final class RawConsole {
    final WebSocketClient client = vertx.createWebSocketClient(
        new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
    final BlockingQueue<Buffer> messages = new LinkedBlockingQueue<>();
    ClientWebSocket ws;
    String inbound;

    RawConsole open() throws Exception {
      ws = client.webSocket();
      ws.handler(messages::add);
      ws.connect(new WebSocketConnectOptions()
              .setHost("127.0.0.1")
              .setPort(port)
              .setURI("/eventbus/websocket")
              .addHeader("Origin", TestGateway.origin(port)))
          .await(5, TimeUnit.SECONDS);
      inbound = body(next(b -> "welcome".equals(body(b).getString("op")))).getString("send");
      command(new JsonObject().put("op", "agent-hello").put("token", admin));
      next(b -> "agent-session".equals(body(b).getString("op")));
      return this;
    }

    void command(JsonObject body) {
      ws.writeTextMessage(new JsonObject()
          .put("type", "send")
          .put("address", inbound)
          .put("body", body)
          .encode());
    }

    Buffer next(java.util.function.Predicate<Buffer> wanted) throws InterruptedException {
      while (true) {
        Buffer b = messages.poll(10, TimeUnit.SECONDS);
        assertNotNull(b, "no message within 10 s");
        if (wanted.test(b)) {
          return b;
        }
      }
    }
  }

  private static JsonObject body(Buffer frame) {
    return new JsonObject(frame.toString(StandardCharsets.UTF_8))
        .getJsonObject("body", new JsonObject());
  }

  /** One started co-browse: the visitor's page and the agent's raw console subscribed to its events. */
  private record Pair(BridgeClient visitor, RawConsole console, String id, String topic) {}

  private Pair cobrowse() throws Exception {
    BridgeClient visitor = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    String code = visitor.hello(TestGateway.SITE).getString("code");
    visitor.command(
        new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    visitor.nextBody("suback");
    RawConsole console = new RawConsole().open();
    Http.Response redeemed =
        http.post("/api/v1/cobrowse", new JsonObject().put("code", code), admin);
    assertEquals(200, redeemed.status(), redeemed.body());
    String id = redeemed.json().getString("cobrowse_id");
    String topic = "$agents/acme/cobrowse/admin/" + id + "/events";
    console.command(new JsonObject().put("op", "sub").put("id", "cb").put("filter", topic));
    console.next(b -> "suback".equals(body(b).getString("op")));
    visitor.nextPayload("~pagesession/cobrowsing/consent_request", p -> true, 5_000);
    visitor.command(
        new JsonObject().put("op", "consent").put("cobrowse_id", id).put("allow", true));
    visitor.nextPayload("~pagesession/cobrowsing/start", p -> true, 5_000);
    return new Pair(visitor, console, id, topic);
  }

  private static String frame(BridgeClient page, String payload, String mid) {
    return "{\"type\":\"send\",\"address\":\"" + page.inbound()
        + "\",\"body\":{\"op\":\"pub\",\"topic\":\"" + EVENTS + "\",\"payload\":" + payload
        + (mid == null ? "" : ",\"mid\":\"" + mid + "\"") + "}}";
  }

  private static boolean isEvents(Buffer b, String topic) {
    JsonObject body = body(b);
    return "msg".equals(body.getString("op")) && topic.equals(body.getString("topic"));
  }

  /** The agent's frame must be the encoder's frame with the page's text for the payload. */
  private static void assertRelayedAsSent(String topic, String payload, Buffer got) {
    String what = payload.length() > 120 ? payload.substring(0, 120) + "…" : payload;
    byte[] head = ("{\"type\":\"rec\",\"address\":\"sc.page\",\"body\":{\"op\":\"msg\",\"topic\":\""
            + topic + "\",\"payload\":")
        .getBytes(StandardCharsets.UTF_8);
    byte[] sent = payload.getBytes(StandardCharsets.UTF_8);
    byte[] all = got.getBytes();
    assertEquals(head.length + sent.length + 2, all.length, what);
    assertArrayEquals(head, java.util.Arrays.copyOfRange(all, 0, head.length));
    assertArrayEquals(
        sent, java.util.Arrays.copyOfRange(all, head.length, head.length + sent.length), what);
    assertEquals("}}", new String(all, all.length - 2, 2, StandardCharsets.US_ASCII));
    // and what the console parses is what it parsed before: the parsed payload, as main encoded it
    JsonObject before = new JsonObject()
        .put("type", "rec")
        .put("address", "sc.page")
        .put(
            "body",
            new JsonObject()
                .put("op", "msg")
                .put("topic", topic)
                .put("payload", new JsonObject(payload)));
    assertEquals(before, new JsonObject(got.toString(StandardCharsets.UTF_8)));
  }

  @Test
  @DisplayName(
      "300 seeded recorder batches (unicode, escapes, big numbers, nested arrays) reach the agent byte for byte")
  void byteIdentical() throws Exception {
    Pair p = cobrowse();
    RecorderBatches gen = new RecorderBatches(2212);
    for (int round = 0; round < 6; round++) {
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String payload = gen.batch(p.id(), round * 50 + i, 1 + (i % 9));
        sent.add(payload);
        p.visitor().sendRaw(frame(p.visitor(), payload, null));
      }
      for (String payload : sent) {
        assertRelayedAsSent(p.topic(), payload, p.console().next(b -> isEvents(b, p.topic())));
      }
    }
  }

  @Test
  @DisplayName(
      "malformed batches get the bridge's invalid_json, as before, and nothing reaches the agent; the next good one does")
  void malformed() throws Exception {
    Pair p = cobrowse();
    String[] bad = {
      "{\"seq\":[1,2}", "{\"seq\":01}", "{\"seq\":\"\\x\"}", "{\"seq\":1,}", "{\"seq\":NaN}"
    };
    for (String payload : bad) {
      p.visitor().sendRaw(frame(p.visitor(), payload, "bad"));
      JsonObject err = p.visitor().next(f -> "err".equals(f.getString("type")));
      assertEquals("invalid_json", err.getString("body"), payload);
    }
    String good = "{\"cobrowse_id\":\"" + p.id() + "\",\"seq\":7,\"events\":[]}";
    p.visitor().sendRaw(frame(p.visitor(), good, null));
    assertRelayedAsSent(p.topic(), good, p.console().next(b -> isEvents(b, p.topic())));
  }

  @Test
  @DisplayName(
      "bridge.maxFrameBytes counts the parsed batch as before: 20,000 emoji (80 KB of text) refused, 10,000 \\u0041 escapes (60 KB) relayed")
  void sizeAsBefore() throws Exception {
    Pair p = cobrowse();
    // 50,000 bytes of UTF-8 on the wire, but the parsed tree encodes each emoji half as a six-byte
    // escape: 240 KB
    String emoji = "{\"seq\":1,\"t\":\"" + "😀".repeat(12_500) + "\"}";
    p.visitor().sendRaw(frame(p.visitor(), emoji, "big"));
    JsonObject err = BridgeClient.body(
        p.visitor().next(f -> "big".equals(BridgeClient.body(f).getString("ref"))));
    assertEquals("too-large", err.getString("code"));
    assertEquals("a message may be at most 65536 bytes", err.getString("message"));
    // 70,000 bytes of text that parse to 10,000 characters
    String escapes =
        "{\"cobrowse_id\":\"" + p.id() + "\",\"seq\":2,\"t\":\"" + "\\u0041".repeat(11_000) + "\"}";
    assertTrue(escapes.length() > 65_536);
    p.visitor().sendRaw(frame(p.visitor(), escapes, null));
    assertRelayedAsSent(p.topic(), escapes, p.console().next(b -> isEvents(b, p.topic())));
    // just over the limit once parsed: refused; just under: relayed
    String envelope = frame(p.visitor(), "{\"seq\":3,\"t\":\"\"}", "edge");
    int room = 65_536 - envelope.length();
    String over = "{\"seq\":3,\"t\":\"" + "x".repeat(room + 1) + "\"}";
    p.visitor().sendRaw(frame(p.visitor(), over, "edge"));
    assertEquals(
        "too-large",
        BridgeClient.body(
                p.visitor().next(f -> "edge".equals(BridgeClient.body(f).getString("ref"))))
            .getString("code"));
    String under = "{\"seq\":3,\"t\":\"" + "x".repeat(room) + "\"}";
    p.visitor().sendRaw(frame(p.visitor(), under, "edge"));
    JsonObject ack = BridgeClient.body(p.visitor()
        .next(f -> "edge".equals(BridgeClient.body(f).getString("mid"))
            || "edge".equals(BridgeClient.body(f).getString("ref"))));
    assertEquals("puback", ack.getString("op"), ack.encode());
    assertRelayedAsSent(p.topic(), under, p.console().next(b -> isEvents(b, p.topic())));
  }

  @Test
  @DisplayName(
      "a concurrent burst: four co-browses, 80 batches each from four threads, every agent gets its own in order, byte for byte")
  void concurrentBurst() throws Exception {
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      pairs.add(cobrowse());
    }
    List<List<String>> sent = new ArrayList<>();
    List<CompletableFuture<Void>> senders = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      RecorderBatches gen = new RecorderBatches(100 + i);
      List<String> mine = new ArrayList<>();
      for (int k = 0; k < 80; k++) {
        mine.add(gen.batch(p.id(), k, 1 + k % 5));
      }
      sent.add(mine);
      senders.add(CompletableFuture.runAsync(
          () -> mine.forEach(s -> p.visitor().sendRaw(frame(p.visitor(), s, null)))));
    }
    CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      for (String payload : sent.get(i)) {
        assertRelayedAsSent(p.topic(), payload, p.console().next(b -> isEvents(b, p.topic())));
      }
    }
  }
}
