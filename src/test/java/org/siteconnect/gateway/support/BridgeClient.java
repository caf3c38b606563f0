package org.siteconnect.gateway.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A blocking test client for the raw {@code /eventbus/websocket} endpoint, speaking the bridge framing of
 * docs/PROTOCOL.md. Every frame the server sends is queued; tests take the ones they expect.
 */
public final class BridgeClient implements AutoCloseable {
  private static final long WAIT_MS = 5_000;

  private final WebSocketClient
      client; // keep referenced: an unreferenced client is closed by the GC
  private final WebSocket socket;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final List<JsonObject> seen = new ArrayList<>();
  private JsonObject welcome;
  private final java.util.concurrent.CompletableFuture<Void> closed =
      new java.util.concurrent.CompletableFuture<>();

  public static BridgeClient connect(Vertx vertx, int port, String origin) throws Exception {
    return connect(vertx, port, origin, new WebSocketClientOptions());
  }

  /** As {@link #connect(Vertx, int, String)} with the client's own options (e.g. a small receive buffer). */
  public static BridgeClient connect(
      Vertx vertx, int port, String origin, WebSocketClientOptions clientOptions) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(clientOptions);
    BlockingQueue<JsonObject> early = new LinkedBlockingQueue<>();
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost("127.0.0.1")
        .setPort(port)
        .setURI("/eventbus/websocket")
        .addHeader("Origin", origin);
    BridgeClient[] holder = new BridgeClient[1];
    ClientWebSocket ws = client.webSocket();
    ws.handler(buffer -> {
      JsonObject frame = buffer.toJsonObject();
      synchronized (holder) {
        (holder[0] == null ? early : holder[0].frames).add(frame);
      }
    });
    ws.connect(options).await(5, TimeUnit.SECONDS);
    BridgeClient c;
    synchronized (holder) {
      c = new BridgeClient(client, ws, early);
      holder[0] = c;
    }
    c.welcome = body(c.next(f -> "welcome".equals(body(f).getString("op"))));
    return c;
  }

  private BridgeClient(WebSocketClient client, WebSocket socket, BlockingQueue<JsonObject> early) {
    this.client = client;
    this.socket = socket;
    early.drainTo(frames);
    socket.closeHandler(v -> closed.complete(null));
    if (socket.isClosed()) {
      closed.complete(null);
    }
  }

  /** A header of the server's handshake answer (101), or null. */
  public String handshakeHeader(String name) {
    return socket.headers() == null ? null : socket.headers().get(name);
  }

  public static JsonObject body(JsonObject frame) {
    Object b = frame.getValue("body");
    return b instanceof JsonObject o ? o : new JsonObject();
  }

  /** Sends a raw text frame, exactly as given. */
  public void sendRaw(String text) {
    socket.writeTextMessage(text);
  }

  public void sendFrame(JsonObject frame) {
    sendRaw(frame.encode());
  }

  /** Sends a command to the node's inbound address. */
  public void command(JsonObject body) {
    sendFrame(new JsonObject().put("type", "send").put("address", inbound()).put("body", body));
  }

  public String inbound() {
    return welcomeBody().getString("send");
  }

  public String inbox() {
    return welcomeBody().getString("inbox");
  }

  public JsonObject welcomeBody() {
    return welcome;
  }

  /** Says hello and returns the session body ({@code op: session}). */
  public JsonObject hello(String site) throws InterruptedException {
    return hello(site, null);
  }

  public JsonObject hello(String site, String resume) throws InterruptedException {
    JsonObject cmd = new JsonObject().put("op", "hello").put("site", site);
    if (resume != null) {
      cmd.put("resume", resume);
    }
    command(cmd);
    return body(next(f -> body(f).getString("op", "").matches("session|busy|err")));
  }

  /** The next frame matching, skipping (but remembering) others; fails after five seconds. */
  public JsonObject next(Predicate<JsonObject> wanted) throws InterruptedException {
    return next(wanted, WAIT_MS);
  }

  /** As {@link #next(Predicate)}, waiting up to {@code waitMs} (e.g. across a cluster fail-over). */
  public JsonObject next(Predicate<JsonObject> wanted, long waitMs) throws InterruptedException {
    for (JsonObject f : seen) {
      if (wanted.test(f)) {
        seen.remove(f);
        return f;
      }
    }
    long deadline = System.currentTimeMillis() + waitMs;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      JsonObject f = left <= 0 ? null : frames.poll(left, TimeUnit.MILLISECONDS);
      if (f == null) {
        throw new AssertionError("no matching frame within " + waitMs + " ms; unmatched: " + seen);
      }
      if (wanted.test(f)) {
        return f;
      }
      seen.add(f);
    }
  }

  /** The payload of the next {@code msg} on {@code topic} whose object payload {@code wanted} accepts. */
  public JsonObject nextPayload(String topic, Predicate<JsonObject> wanted, long waitMs)
      throws InterruptedException {
    return body(next(
            f -> "msg".equals(body(f).getString("op"))
                && topic.equals(body(f).getString("topic"))
                && body(f).getValue("payload") instanceof JsonObject p
                && wanted.test(p),
            waitMs))
        .getJsonObject("payload");
  }

  /** Subscribes {@code filter} under {@code id} and waits for its suback; fails unless it is granted. */
  public void subscribe(String id, String filter) throws InterruptedException {
    command(new JsonObject().put("op", "sub").put("id", id).put("filter", filter));
    JsonObject ack =
        next(f -> "suback".equals(body(f).getString("op")) && id.equals(body(f).getString("id")));
    if (!body(ack).getBoolean("granted", false)) {
      throw new AssertionError("subscription " + filter + " not granted: " + ack);
    }
  }

  public void publish(String topic, Object payload) {
    command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
  }

  /** The body of the next {@code msg} on {@code topic} (15 s: long enough for a cluster's hop or a fail-over). */
  public JsonObject nextMessage(String topic) throws InterruptedException {
    return body(next(
        f -> "msg".equals(body(f).getString("op")) && topic.equals(body(f).getString("topic")),
        15_000));
  }

  public JsonObject nextBody(String op) throws InterruptedException {
    return body(next(f -> op.equals(body(f).getString("op"))));
  }

  /** Asserts that no frame matching arrives within the given time (after a round trip to fence earlier ones). */
  public void assertNone(Predicate<JsonObject> unwanted, long millis) throws InterruptedException {
    for (JsonObject f : seen) {
      if (unwanted.test(f)) {
        throw new AssertionError("unexpected frame " + f);
      }
    }
    long deadline = System.currentTimeMillis() + millis;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return;
      }
      JsonObject f = frames.poll(left, TimeUnit.MILLISECONDS);
      if (f != null) {
        if (unwanted.test(f)) {
          throw new AssertionError("unexpected frame " + f);
        }
        seen.add(f);
      }
    }
  }

  /** Sends a ping-like fence: an unsub of an unknown id, whose error proves every earlier command was handled. */
  public void fence() throws InterruptedException {
    String id = "fence-" + System.nanoTime();
    command(new JsonObject().put("op", "unsub").put("id", id));
    next(f -> id.equals(body(f).getString("ref")));
  }

  /** Hands every frame received so far (skipped ones first) to the consumer, and forgets them. */
  public void drainMatching(java.util.function.Consumer<JsonObject> consumer) {
    seen.forEach(consumer);
    seen.clear();
    JsonObject f;
    while ((f = frames.poll()) != null) {
      consumer.accept(f);
    }
  }

  /** Forgets frames skipped by earlier {@link #next} calls (long fuzz runs). */
  public void drainSeen() {
    seen.clear();
  }

  /** Waits until the connection is closed (by the server, or because its node died); false if it stays open. */
  public boolean awaitClosed(long waitMs) throws InterruptedException {
    try {
      closed.get(waitMs, TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return socket.isClosed();
    }
  }

  /** Stops reading from the socket (the frames pile up at the server, as for a client that stopped reading). */
  public void pauseReading() {
    socket.pause();
  }

  /** Reads again after {@link #pauseReading}. */
  public void resumeReading() {
    socket.resume();
  }

  public boolean isClosed() {
    return socket.isClosed();
  }

  @Override
  public void close() {
    socket.close().eventually(client::close);
  }
}
