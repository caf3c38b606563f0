package org.siteconnect.gateway.attachment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Eventually;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Attachments over real HTTP (on the embedded database; {@link PostgresAttachmentApiTest} on PostgreSQL) and the real page protocol: types sniffed from the bytes, the upload limit and the
 * quotas under a concurrent burst, who may read, the download's headers, and the privacy export and erasure.
 */
class AttachmentApiTest {
  private static final String PASSWORD = "correct horse battery";
  private static final int MAX_BYTES = 200_000;
  private static final int CHAT_BYTES = 1_000_000;
  private static final int UPLOADS_IN_FLIGHT = 12;
  private static final int FILES_PER_CHAT = 8;
  private static final int UPLOADS_PER_ADDRESS = 2;
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

  protected Vertx vertx;
  private int port;
  private Http http;
  private String admin;
  private BridgeClient console;
  private BridgeClient page;
  private String chatId;
  private String visitorToken;
  private final HttpClient client = HttpClient.newHttpClient();

  /** The database part of the config (the embedded one here). */
  protected JsonObject data(JsonObject data) {
    return data;
  }

  @BeforeEach
  void start(TestInfo test) throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port);
    config.put("data", data(config.getJsonObject("data")));
    config.put(
        "agents",
        new JsonObject()
            .put("maxWritesPerMinute", 1_000_000)
            .put("passwordIterations", 10_000)
            .put("disconnectGraceSeconds", 0));
    config.put(
        "attachments",
        new JsonObject()
            .put("maxBytes", MAX_BYTES)
            .put("maxChatBytes", CHAT_BYTES)
            .put("maxFilesPerChat", FILES_PER_CHAT)
            .put("maxUploadsInFlight", UPLOADS_IN_FLIGHT)
            .put("maxUploadsPerAddress", UPLOADS_PER_ADDRESS));
    if (test.getTestMethod().map(m -> m.getName().equals("trickleTimesOut")).orElse(false)) {
      config.getJsonObject("attachments").put("uploadSeconds", 1);
    }
    // Uploads name their client in X-Forwarded-For, so a test can be many clients.
    config.getJsonObject("http").put("trustedProxies", new JsonArray().add("127.0.0.1"));
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
    console = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    console.command(new JsonObject().put("op", "agent-hello").put("token", admin));
    console.nextBody("agent-session");
    Http.Response r = http.send(
        "PUT", "/api/v1/me/buttons/acme/sales", new JsonObject().put("available", true), admin);
    assertEquals(200, r.status(), r.body());
    page = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    page.hello(TestGateway.SITE);
    page.command(
        new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    page.nextBody("suback");
    pub("~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    JsonObject waiting = state("waiting");
    chatId = waiting.getString("chat_id");
    visitorToken = waiting.getString("token");
    assertEquals(
        200, http.post("/api/v1/chats/" + chatId + "/accept", null, admin).status());
    state("active");
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private void pub(String topic, JsonObject payload) {
    page.command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
  }

  private JsonObject state(String state) throws InterruptedException {
    return page.nextPayload(
        "~pagesession/chat/state", s -> state.equals(s.getString("state")), 5_000);
  }

  private static byte[] png(int size) {
    byte[] b = new byte[size];
    System.arraycopy(PNG_MAGIC, 0, b, 0, PNG_MAGIC.length);
    return b;
  }

  private HttpRequest.Builder request(String path, boolean visitor, String credential) {
    String base = "http://127.0.0.1:" + port + "/api/v1" + (visitor ? "/visitor" : "");
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    if (credential != null) {
      b.header(
          visitor ? "X-Visitor-Token" : "Authorization",
          visitor ? credential : "Bearer " + credential);
    }
    return b;
  }

  private HttpRequest upload(boolean visitor, String credential, String name, byte[] bytes) {
    return upload(visitor, credential, name, bytes, "127.0.0.1");
  }

  private HttpRequest upload(
      boolean visitor, String credential, String name, byte[] bytes, String clientAddress) {
    return request(
            "/chats/" + chatId + "/attachments?name="
                + URLEncoder.encode(name, StandardCharsets.UTF_8),
            visitor,
            credential)
        .header("Content-Type", "application/octet-stream")
        .header("X-Forwarded-For", clientAddress)
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build();
  }

  private HttpResponse<String> send(HttpRequest r) throws Exception {
    return client.send(r, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> download(boolean visitor, String credential, String id)
      throws Exception {
    return client.send(
        request("/chats/" + chatId + "/attachments/" + id, visitor, credential)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String code(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonObject("error").getString("code");
  }

  @Test
  @DisplayName(
      "a PNG with a page appended, named .html, is stored as image/png under a name ending .png, and the visitor "
          + "downloads it as an attachment with nosniff and a CSP that runs nothing; the chat gets the line on both "
          + "sides")
  void pngNamedPdf() throws Exception {
    byte[] bytes =
        png(100_000); // larger than http.maxBodyBytes (64 KiB): the route has its own limit
    byte[] appended = "<html><script>alert(1)</script>".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(appended, 0, bytes, bytes.length - appended.length, appended.length);
    HttpResponse<String> r = send(upload(false, admin, "report.html", bytes));
    assertEquals(201, r.statusCode(), r.body());
    JsonObject a = new JsonObject(r.body());
    assertEquals("image/png", a.getString("type"));
    assertEquals("report.html.png", a.getString("name"));
    assertEquals(100_000, a.getInteger("size"));
    JsonObject line = page.nextPayload(
        "~pagesession/chat/message",
        m -> ("attachment:" + a.getString("id")).equals(m.getString("cid")),
        5_000);
    assertEquals("agent", line.getString("from"));
    assertEquals("File: report.html.png", line.getString("text"));

    HttpResponse<byte[]> d = download(true, visitorToken, a.getString("id"));
    assertEquals(200, d.statusCode());
    assertArrayEquals(bytes, d.body());
    assertEquals("image/png", d.headers().firstValue("Content-Type").orElse(""));
    assertTrue(
        d.headers()
            .firstValue("Content-Disposition")
            .orElse("")
            .startsWith("attachment; filename=\"report.html.png\""),
        d.headers().toString());
    assertEquals("nosniff", d.headers().firstValue("X-Content-Type-Options").orElse(""));
    assertEquals(
        "default-src 'none'; sandbox",
        d.headers().firstValue("Content-Security-Policy").orElse(""));

    JsonArray listed =
        new JsonArray(send(request("/chats/" + chatId + "/attachments", true, visitorToken)
                .GET()
                .build())
            .body());
    assertEquals(1, listed.size());
    assertEquals(a.getString("id"), listed.getJsonObject(0).getString("id"));
  }

  @Test
  @DisplayName(
      "HTML named .png, SVG, a script and an empty file are refused whatever their name; a PDF is taken")
  void sniffing() throws Exception {
    for (String body : List.of(
        "<!doctype html><script>alert(1)</script>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        "alert(document.cookie)")) {
      HttpResponse<String> r =
          send(upload(true, visitorToken, "cat.png", body.getBytes(StandardCharsets.UTF_8)));
      assertEquals(415, r.statusCode(), r.body());
      assertEquals("unsupported-type", code(r));
    }
    assertEquals(400, send(upload(true, visitorToken, "empty.png", new byte[0])).statusCode());
    HttpResponse<String> pdf = send(upload(
        true,
        visitorToken,
        "scan.png",
        "%PDF-1.4\n%âãÏÓ\n1 0 obj".getBytes(StandardCharsets.UTF_8)));
    assertEquals(201, pdf.statusCode(), pdf.body());
    assertEquals("application/pdf", new JsonObject(pdf.body()).getString("type"));
    // an agent may not send a page snapshot (only the visitor's widget does)
    HttpResponse<String> snap = send(upload(
        false,
        admin,
        "x",
        (FileTypes.SNAPSHOT_PREFIX + "\"node\":{}}").getBytes(StandardCharsets.UTF_8)));
    assertEquals(415, snap.statusCode(), snap.body());
  }

  @Test
  @DisplayName(
      "uploads in flight are bounded per client address (429) and per node (503 busy) before their bodies are "
          + "read; a slot comes back when an upload is answered or its client goes away")
  void uploadSlots() throws Exception {
    List<HeldUpload> held = new ArrayList<>();
    try {
      // One client: its first two uploads are held half-sent; a burst of five more is refused at
      // once.
      held.add(HeldUpload.start(port, uploadHead("203.0.113.1"), 50_000));
      held.add(HeldUpload.start(port, uploadHead("203.0.113.1"), 50_000));
      awaitRefusal("203.0.113.1", 429);
      assertAllRefused(
          burstOfUploads(
              List.of("203.0.113.1", "203.0.113.1", "203.0.113.1", "203.0.113.1", "203.0.113.1")),
          429,
          "rate-limited");
      // Ten clients take the node's other ten slots; a burst from twenty new clients finds it full.
      for (int i = 0; i < UPLOADS_IN_FLIGHT - 2; i++) {
        held.add(HeldUpload.start(port, uploadHead("203.0.113." + (10 + i)), 50_000));
      }
      awaitRefusal("192.0.2.200", 503);
      List<String> others = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        others.add("198.51.100." + (100 + i));
      }
      assertAllRefused(burstOfUploads(others), 503, "busy");

      // A client that goes away mid-upload frees its slot; one that finishes is answered and frees
      // its own.
      held.remove(0).abort();
      HeldUpload finished = held.remove(0);
      Answer done = finished.finish();
      assertEquals(201, done.status(), done.body());
      awaitRefusal("192.0.2.201", 400); // a slot is free again: the empty probe reaches its check
      HttpResponse<String> next =
          send(upload(true, visitorToken, "next.png", png(10_000), "192.0.2.7"));
      assertEquals(201, next.statusCode(), next.body());
      JsonArray listed = new JsonArray(
          send(request("/chats/" + chatId + "/attachments", false, admin).GET().build())
              .body());
      assertEquals(2, listed.size(), "nothing refused was stored: " + listed);
    } finally {
      for (HeldUpload h : held) {
        h.abort();
      }
    }
  }

  @Test
  @DisplayName(
      "uploads whose bodies stop arriving get 408 too-slow after attachments.uploadSeconds and give their slots "
          + "back: the same client then uploads at once")
  void trickleTimesOut() throws Exception {
    HeldUpload first = HeldUpload.start(port, uploadHead("203.0.113.9"), 50_000);
    HeldUpload second = HeldUpload.start(port, uploadHead("203.0.113.9"), 50_000);
    try {
      for (HeldUpload held : List.of(first, second)) {
        Answer answer = held.answer();
        assertEquals(408, answer.status(), answer.body());
        assertEquals(
            "too-slow", new JsonObject(answer.body()).getJsonObject("error").getString("code"));
      }
      HttpResponse<String> next =
          send(upload(true, visitorToken, "next.png", png(10_000), "203.0.113.9"));
      assertEquals(201, next.statusCode(), next.body());
      JsonArray listed = new JsonArray(
          send(request("/chats/" + chatId + "/attachments", false, admin).GET().build())
              .body());
      assertEquals(1, listed.size(), "the slow ones were not stored: " + listed);
    } finally {
      first.abort();
      second.abort();
    }
  }

  @Test
  @DisplayName(
      "a burst of 11 small uploads from both sides into one chat stores exactly attachments.maxFilesPerChat (8); "
          + "the rest are 413 quota-exceeded and add no line to the chat")
  void filesPerChatBurst() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      burst.add(client.sendAsync(
          upload(
              i % 2 == 0,
              i % 2 == 0 ? visitorToken : admin,
              "s" + i + ".png",
              png(1_000),
              "198.51.100." + (50 + i)),
          HttpResponse.BodyHandlers.ofString()));
    }
    int created = 0;
    for (var f : burst) {
      HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
      if (r.statusCode() == 201) {
        created++;
      } else {
        assertEquals(413, r.statusCode(), r.body());
        assertEquals("quota-exceeded", code(r));
      }
    }
    assertEquals(FILES_PER_CHAT, created);
    JsonArray listed = new JsonArray(
        send(request("/chats/" + chatId + "/attachments", false, admin).GET().build())
            .body());
    assertEquals(FILES_PER_CHAT, listed.size());
    JsonArray lines = new JsonObject(
            send(request("/chats/" + chatId + "/messages", false, admin).GET().build())
                .body())
        .getJsonArray("messages");
    long fileLines = lines.stream()
        .map(JsonObject.class::cast)
        .filter(m -> m.getString("cid", "").startsWith("attachment:"))
        .count();
    assertEquals(FILES_PER_CHAT, fileLines, lines.encodePrettily());
  }

  /**
   * Waits until an upload from this client gets {@code status}: an empty file, which takes a slot when one is free
   * and is then refused (400) without storing anything, so probing changes nothing.
   */
  private void awaitRefusal(String clientAddress, int status) throws Exception {
    Eventually.until(
        "an upload from " + clientAddress + " answered " + status,
        Duration.ofSeconds(10),
        () -> send(upload(true, visitorToken, "probe.png", new byte[0], clientAddress)),
        r -> r.statusCode() == status);
  }

  private String uploadHead(String clientAddress) {
    return "POST /api/v1/visitor/chats/" + chatId + "/attachments?name=held.png HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "X-Visitor-Token: " + visitorToken + "\r\n"
        + "X-Forwarded-For: " + clientAddress + "\r\n"
        + "Content-Type: application/octet-stream\r\n";
  }

  private List<CompletableFuture<HttpResponse<String>>> burstOfUploads(List<String> clients) {
    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (String c : clients) {
      burst.add(client.sendAsync(
          upload(true, visitorToken, "b.png", png(100_000), c),
          HttpResponse.BodyHandlers.ofString()));
    }
    return burst;
  }

  private static void assertAllRefused(
      List<CompletableFuture<HttpResponse<String>>> burst, int status, String errorCode)
      throws Exception {
    for (var f : burst) {
      HttpResponse<String> r = f.get(20, TimeUnit.SECONDS);
      assertEquals(status, r.statusCode(), r.body());
      assertEquals(errorCode, code(r));
    }
  }

  /** An upload over a raw socket whose body is sent only in part until {@link #finish}. */
  private record HeldUpload(Socket socket, byte[] body, int sent) {
    static HeldUpload start(int port, String head, int size) throws Exception {
      byte[] body = png(size);
      Socket socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          (head + "Content-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      int sent = size / 2;
      out.write(body, 0, sent);
      out.flush();
      return new HeldUpload(socket, body, sent);
    }

    Answer finish() throws Exception {
      OutputStream out = socket.getOutputStream();
      out.write(body, sent, body.length - sent);
      out.flush();
      return answer();
    }

    /** Reads the answer (status and JSON body), then closes the socket. */
    Answer answer() throws Exception {
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      int status = Integer.parseInt(in.readLine().split(" ")[1]);
      int length = 0;
      for (String line; !(line = in.readLine()).isEmpty(); ) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      char[] answer = new char[length]; // the JSON answers here are ASCII: one char per byte
      for (int read = 0; read < length; ) {
        read += in.read(answer, read, length - read);
      }
      abort();
      return new Answer(status, new String(answer));
    }

    void abort() throws Exception {
      socket.close();
    }
  }

  private record Answer(int status, String body) {}

  @Test
  @DisplayName(
      "a file over attachments.maxBytes is 413 too-large; a burst of 10 uploads of 150 kB into a chat with "
          + "a 1 MB quota stores exactly 6")
  void sizeAndQuotaBurst() throws Exception {
    HttpResponse<String> big = send(upload(true, visitorToken, "big.png", png(MAX_BYTES + 1)));
    assertEquals(413, big.statusCode(), big.body());
    assertEquals("too-large", code(big));

    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      burst.add(client.sendAsync(
          upload(
              i % 2 == 0,
              i % 2 == 0 ? visitorToken : admin,
              "p" + i + ".png",
              png(150_000),
              "198.51.100." + i),
          HttpResponse.BodyHandlers.ofString()));
    }
    int created = 0;
    int refused = 0;
    for (var f : burst) {
      HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
      if (r.statusCode() == 201) {
        created++;
      } else {
        assertEquals(413, r.statusCode(), r.body());
        assertEquals("quota-exceeded", code(r));
        refused++;
      }
    }
    assertEquals(6, created, "1,000,000 / 150,000");
    assertEquals(4, refused);
    JsonArray listed = new JsonArray(
        send(request("/chats/" + chatId + "/attachments", false, admin).GET().build())
            .body());
    assertEquals(6, listed.size());
  }

  @Test
  @DisplayName(
      "another agent (not serving the button), another visitor token and no credentials get nothing")
  void access() throws Exception {
    HttpResponse<String> r = send(upload(true, visitorToken, "a.png", png(1000)));
    assertEquals(201, r.statusCode(), r.body());
    String id = new JsonObject(r.body()).getString("id");
    Http.Response created = http.post(
        "/api/v1/agents",
        new JsonObject()
            .put("login", "bea")
            .put("name", "Bea")
            .put("password", "another long password")
            .put("roles", new JsonArray().add("agent"))
            .put("buttons", new JsonArray().add("acme/support")),
        admin);
    assertEquals(201, created.status(), created.body());
    String bea = http.login("bea", "another long password");
    assertEquals(404, download(false, bea, id).statusCode());
    assertEquals(
        404,
        send(request("/chats/" + chatId + "/attachments", false, bea).GET().build())
            .statusCode());
    assertEquals(404, send(upload(false, bea, "b.png", png(1000))).statusCode());
    assertEquals(404, download(true, "not-the-token", id).statusCode());
    assertEquals(404, send(upload(true, "not-the-token", "c.png", png(1000))).statusCode());
    assertEquals(400, download(true, null, id).statusCode(), "the visitor token is required");
    assertEquals(401, download(false, null, id).statusCode());
    assertEquals(200, download(false, admin, id).statusCode());
    JsonObject messages =
        http.get("/api/v1/chats/" + chatId + "/messages", admin).json();
    assertTrue(
        messages.getJsonArray("messages").stream()
            .map(JsonObject.class::cast)
            .anyMatch(m -> ("attachment:" + id).equals(m.getString("cid"))
                && "visitor".equals(m.getString("from"))),
        messages.encode());
  }

  @Test
  @DisplayName("the privacy export lists a visitor's attachments and erasure deletes them")
  void privacy() throws Exception {
    assertEquals(201, send(upload(true, visitorToken, "a.png", png(1000))).statusCode());
    assertEquals(
        201,
        send(upload(false, admin, "b.pdf", "%PDF-1.7 x".getBytes(StandardCharsets.UTF_8)))
            .statusCode());
    JsonObject selector = new JsonObject().put("visitorToken", visitorToken);
    Http.Response export = http.post("/api/v1/privacy/export", selector, admin);
    assertEquals(200, export.status(), export.body());
    JsonArray listed = export.json().getJsonObject("records").getJsonArray("attachments");
    assertEquals(2, listed.size(), export.body());
    assertEquals("a.png", listed.getJsonObject(0).getString("name"));
    Http.Response erased = http.post("/api/v1/privacy/erase", selector, admin);
    assertEquals(200, erased.status(), erased.body());
    assertEquals(2, erased.json().getJsonObject("erased").getInteger("attachments"));
    String id = listed.getJsonObject(0).getString("id");
    assertEquals(404, download(false, admin, id).statusCode());
  }
}
