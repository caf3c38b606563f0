package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siteconnect.gateway.support.GatewayProcess;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;
import org.siteconnect.gateway.support.XhrClient;

/**
 * Issue 15 item 10, against a gateway in its own JVM (its log is what an operator reads): the security headers on
 * every kind of answer, HSTS behind an https origin, the database files readable by the owner only, a JSON bomb
 * over xhr_send, and oversized WebSocket frames that must not fill the log.
 */
class HygieneTest {
  private static final String PASSWORD = "correct horse battery";
  private final List<GatewayProcess> processes = new ArrayList<>();

  @AfterEach
  void stop() {
    processes.forEach(GatewayProcess::close);
  }

  private GatewayProcess start(JsonObject config, Path dir) throws Exception {
    Path conf = dir.resolve("conf.json");
    Files.writeString(conf, config.encodePrettily());
    GatewayProcess gp = GatewayProcess.start(conf, Map.of("SC_ADMIN_PASSWORD", PASSWORD));
    processes.add(gp);
    return gp;
  }

  private static JsonObject config(int port, Path dir) {
    return TestGateway.config(port)
        .put("data", new JsonObject().put("dir", dir.resolve("data").toString()));
  }

  /** Every kind of answer: console, demo, frame, page script, REST (ok and error), SockJS, health, 404, 413. */
  private static Map<String, Http.Response> answers(Http http, String token) throws Exception {
    Map<String, Http.Response> r = new java.util.LinkedHashMap<>();
    r.put("/agent/", http.get("/agent/", null));
    r.put("/agent/console.js", http.get("/agent/console.js", null));
    r.put("/demo/", http.get("/demo/", null));
    r.put("/frame/?site=acme", http.get("/frame/?site=acme", null));
    r.put("/site_connect.js", http.get("/site_connect.js", null));
    r.put("/api/v1/me", http.get("/api/v1/me", token));
    r.put("/api/v1/me (401)", http.get("/api/v1/me", null));
    r.put("/api/v1/login (400)", http.post("/api/v1/login", "{", null));
    r.put(
        "/api/v1/login (413)",
        http.post("/api/v1/login", "{\"login\":\"" + "x".repeat(200_000) + "\"}", null));
    r.put("/eventbus/info", http.get("/eventbus/info", null));
    r.put("/health", http.get("/health", null));
    r.put("/nowhere (404)", http.get("/nowhere", null));
    return r;
  }

  @Test
  @DisplayName(
      "nosniff and no-referrer on every answer; the console's CSP; the demo only framed by itself; no HSTS on http")
  void headers(@TempDir Path dir) throws Exception {
    int port = TestGateway.freePort();
    start(config(port, dir), dir);
    Http http = new Http(port);
    String token = http.login("admin", PASSWORD);
    Map<String, Http.Response> answers = answers(http, token);
    answers.forEach((what, r) -> {
      HttpHeaders h = r.headers();
      assertEquals(
          "nosniff", h.firstValue("X-Content-Type-Options").orElse(null), what + " " + r.status());
      assertEquals(
          what.startsWith("/site_connect.js") ? null : "no-referrer",
          h.firstValue("Referrer-Policy").orElse(null),
          what + " " + r.status() + " (not on the page script, where it has no effect)");
      assertFalse(
          h.firstValue("Strict-Transport-Security").isPresent(),
          what + ": no HSTS on an http origin");
    });
    assertEquals(401, answers.get("/api/v1/me (401)").status());
    assertEquals(413, answers.get("/api/v1/login (413)").status());
    assertEquals(404, answers.get("/nowhere (404)").status());

    for (String console : List.of("/agent/", "/agent/console.js")) {
      String csp =
          answers.get(console).headers().firstValue("Content-Security-Policy").orElse("");
      assertTrue(csp.contains("script-src 'self';"), csp);
      assertTrue(csp.contains("frame-ancestors 'none'"), csp);
      assertTrue(csp.contains("img-src 'self' data: blob: " + TestGateway.SITE_ORIGIN + ";"), csp);
      assertTrue(csp.contains("default-src 'self'"), csp);
      assertFalse(csp.contains("unsafe-eval"), csp);
      assertFalse(
          csp.replace("style-src 'self' 'unsafe-inline'", "").contains("unsafe-inline"),
          "scripts never inline: " + csp);
      assertEquals(
          "DENY", answers.get(console).headers().firstValue("X-Frame-Options").orElse(null));
    }
    Http.Response demo = answers.get("/demo/");
    assertEquals(
        "frame-ancestors 'self'",
        demo.headers().firstValue("Content-Security-Policy").orElse(null));
    assertEquals("SAMEORIGIN", demo.headers().firstValue("X-Frame-Options").orElse(null));
    assertEquals(
        "frame-ancestors " + TestGateway.SITE_ORIGIN,
        answers
            .get("/frame/?site=acme")
            .headers()
            .firstValue("Content-Security-Policy")
            .orElse(null));
    assertEquals(
        "</frame/config?site=acme>; rel=preload; as=fetch; crossorigin",
        answers.get("/frame/?site=acme").headers().firstValue("Link").orElse(null),
        "the frame's config is fetched while its scripts load");
  }

  @Test
  @DisplayName("an https public origin gives HSTS on every answer")
  void hsts(@TempDir Path dir) throws Exception {
    int port = TestGateway.freePort();
    JsonObject config = config(port, dir);
    config.getJsonObject("http").put("publicOrigin", "https://gateway.example");
    start(config, dir);
    Http http = new Http(port);
    String token = http.login("admin", PASSWORD);
    answers(http, token)
        .forEach((what, r) -> assertEquals(
            "max-age=31536000",
            r.headers().firstValue("Strict-Transport-Security").orElse(null),
            what + " " + r.status()));
  }

  @Test
  @DisplayName(
      "the embedded database is readable by its owner only: data dir 0700, files 0600 (also when they were wider)")
  void databaseFilesOwnerOnly(@TempDir Path dir) throws Exception {
    int port = TestGateway.freePort();
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(data.resolve("old.trace.db"), "x");
    Files.setPosixFilePermissions(
        data.resolve("old.trace.db"), PosixFilePermissions.fromString("rw-r--r--"));
    start(config(port, dir), dir);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
    List<Path> files;
    try (Stream<Path> s = Files.list(data)) {
      files = s.toList();
    }
    assertTrue(
        files.stream().anyMatch(f -> f.getFileName().toString().endsWith(".mv.db")),
        files.toString());
    for (Path f : files) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
      assertEquals("rw-------", PosixFilePermissions.toString(perms), f.toString());
    }
  }

  @Test
  @DisplayName("JSON nested 50,000 deep over xhr_send: 400, and the session still works")
  void deepXhrSend(@TempDir Path dir) throws Exception {
    int port = TestGateway.freePort();
    GatewayProcess gp = start(config(port, dir), dir);
    XhrClient xhr = new XhrClient(port, TestGateway.origin(port));
    assertEquals(200, xhr.open());
    String deep = "[".repeat(50_000) + "]".repeat(50_000);
    // As a frame inside the SockJS array, and as the body itself (the array nested 50,000 deep).
    assertEquals(400, xhr.send(deep));
    assertEquals(400, xhr.sendBody("[" + deep + "]"));
    assertEquals(400, xhr.sendBody(deep));
    JsonObject ping = new JsonObject().put("type", "ping");
    assertEquals(204, xhr.send(ping.encode()));
    assertFalse(gp.output().contains("StackOverflowError"), gp.output());
  }

  @Test
  @DisplayName("oversized WebSocket frames: at most one WARN line and no stack trace in the log")
  void oversizedFramesLogOnce(@TempDir Path dir) throws Exception {
    int port = TestGateway.freePort();
    GatewayProcess gp = start(config(port, dir), dir);
    int before = gp.output().split("\n").length;
    HttpClient client = HttpClient.newHttpClient();
    String big = "x"
        .repeat(1024 * 1024); // far over 4 × bridge.maxFrameBytes: refused by the WebSocket layer
    List<CompletableFuture<Integer>> closed = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      CompletableFuture<Integer> done = new CompletableFuture<>();
      WebSocket ws = client
          .newWebSocketBuilder()
          .header("Origin", TestGateway.origin(port))
          .buildAsync(
              URI.create("ws://127.0.0.1:" + port + "/eventbus/websocket"),
              new WebSocket.Listener() {
                @Override
                public java.util.concurrent.CompletionStage<?> onClose(
                    WebSocket w, int status, String reason) {
                  done.complete(status);
                  return null;
                }

                @Override
                public void onError(WebSocket w, Throwable error) {
                  done.complete(-1);
                }
              })
          .get(5, TimeUnit.SECONDS);
      ws.sendText(big, true);
      closed.add(done);
    }
    // And as single frames over the limit (the Vert.x client sends one 1 MiB frame).
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      io.vertx.core.http.WebSocketClient wsClient = vertx.createWebSocketClient(
          new io.vertx.core.http.WebSocketClientOptions().setMaxFrameSize(2 * 1024 * 1024));
      for (int i = 0; i < 10; i++) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        io.vertx.core.http.WebSocket ws = wsClient
            .connect(new io.vertx.core.http.WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/eventbus/websocket")
                .addHeader("Origin", TestGateway.origin(port)))
            .await(5, TimeUnit.SECONDS);
        ws.closeHandler(v -> done.complete(0));
        ws.writeFrame(io.vertx.core.http.WebSocketFrame.textFrame(big, true));
        closed.add(done);
      }
      awaitClosed(closed, gp);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    // A fence: the node answers, so everything it logged for those frames has been printed.
    assertEquals(200, new Http(port).get("/health/live", null).status());
    String[] lines = gp.output().split("\n");
    List<String> after = List.of(lines).subList(Math.min(before, lines.length), lines.length);
    long warns = after.stream().filter(l -> l.contains(" WARN ")).count();
    long errors = after.stream().filter(l -> l.contains(" ERROR ")).count();
    // Every log line starts with its timestamp; a stack trace's lines do not.
    long traces = after.stream()
        .filter(l -> !l.isBlank() && !l.matches("^\\d{4}-\\d\\d-\\d\\dT.*"))
        .count();
    assertTrue(
        warns <= 1,
        "at most one WARN line for 30 oversized messages:\n" + String.join("\n", after));
    assertEquals(0, errors, String.join("\n", after));
    assertEquals(0, traces, "no stack trace:\n" + String.join("\n", after));
  }

  @Test
  @DisplayName(
      "malformed percent escapes in paths and queries (static files, REST with and without a token, the frame, "
          + "SockJS, an upload): 400 each, in a concurrent burst, with no log line and no stack trace")
  void badPercentEscapes(@TempDir Path dir) throws Exception {
    int port = TestGateway.freePort();
    GatewayProcess gp = start(config(port, dir), dir);
    Http http = new Http(port);
    String token = http.login("admin", PASSWORD);
    int before = gp.output().split("\n").length;
    List<String> requests = List.of(
        "GET /x%ZZ",
        "GET /agent/%ZZ.js",
        "GET /%",
        "GET /site_connect.js?v=%ZZ",
        "GET /frame/?site=%ZZ",
        "GET /frame/config?site=%ZZ",
        "GET /api/v1/sso/callback?state=%ZZ",
        "GET /api/v1/me%2",
        "GET /api/v1/chats?x=%E0%A4%A",
        "GET /api/v1/transcripts?from=%ZZ",
        "GET /api/v1/audit?limit=%ZZ",
        "POST /api/v1/visitor/chats/a/attachments?name=%ZZ",
        "GET /eventbus/info?t=%ZZ",
        "GET /health?%");
    List<CompletableFuture<String>> answers = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      for (String request : requests) {
        answers.add(CompletableFuture.supplyAsync(() -> rawStatusLine(port, request, token)));
      }
    }
    for (int i = 0; i < answers.size(); i++) {
      String statusLine = answers.get(i).get(20, TimeUnit.SECONDS);
      assertTrue(
          statusLine.startsWith("HTTP/1.1 400"),
          requests.get(i % requests.size()) + " -> " + statusLine);
    }
    assertEquals(200, http.get("/health/live", null).status()); // a fence, as above
    String[] lines = gp.output().split("\n");
    List<String> after = List.of(lines).subList(Math.min(before, lines.length), lines.length);
    assertEquals(List.of(), after, "nothing logged for " + answers.size() + " bad requests");
  }

  /** Sends one request line as it is (no client library would send these) and returns the status line. */
  private static String rawStatusLine(int port, String request, String token) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      String head = request + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
          + "Authorization: Bearer " + token + "\r\n"
          + "X-Visitor-Token: none\r\n"
          + "Content-Type: application/octet-stream\r\n"
          + "Content-Length: " + (request.startsWith("POST") ? 4 : 0) + "\r\n"
          + "Connection: close\r\n\r\n" + (request.startsWith("POST") ? "abcd" : "");
      socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new java.io.BufferedReader(new java.io.InputStreamReader(
              socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
          .readLine();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void awaitClosed(List<CompletableFuture<Integer>> closed, GatewayProcess gp)
      throws Exception {
    try {
      CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(
          "the gateway did not close every socket that sent an oversized frame:\n" + gp.output());
    }
  }
}
