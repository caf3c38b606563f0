package org.siteconnect.gateway.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.support.TestGateway;

/**
 * The browser files as shipped (docs/ASSETS.md), over real HTTP against a gateway serving what bundle.mjs built into
 * target/classes: content coding negotiation, ETag and 304, immutable hashed names, HEAD, 404 and path traversal.
 */
class AssetHandlerTest {
  private static final Path BUILT = Path.of("target/classes/siteconnect/webroot");
  private static Vertx vertx;
  private static String base;
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    int port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port);
    config.getJsonObject("http").put("scriptMaxAgeSeconds", 60);
    TestGateway.start(vertx, config);
    base = TestGateway.origin(port);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static HttpResponse<byte[]> send(String method, String path, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    return send("GET", path, headers);
  }

  private static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  private static byte[] built(String path) throws Exception {
    return Files.readAllBytes(BUILT.resolve(path));
  }

  /** The hashed module script the built frame page names. */
  private static String frameScript() throws Exception {
    String html = Files.readString(BUILT.resolve("frame/index.html"));
    Matcher m = Pattern.compile("src=\"(/frame/frame-[0-9a-f]{10}\\.js)\"").matcher(html);
    assertTrue(m.find(), "the frame page names its hashed module bundle: " + html);
    return m.group(1);
  }

  @Test
  @DisplayName(
      "br > gzip > identity by Accept-Encoding, q-values honoured, br;q=0 refused; Vary on all")
  void negotiation() throws Exception {
    byte[] identity = built("site_connect.js");
    record Case(String acceptEncoding, String expected) {}
    List<Case> cases = List.of(
        new Case("gzip, deflate, br, zstd", "br"),
        new Case("br;q=0, gzip", "gzip"),
        new Case("gzip, br;q=0", "gzip"),
        new Case("gzip;q=0.8, br;q=0.5", "gzip"),
        new Case("br;q=0.9, gzip;q=0.9", "br"),
        new Case("*", "br"),
        new Case("*;q=0.5, br;q=0", "gzip"),
        new Case("x-gzip", "gzip"),
        new Case("identity", "identity"),
        new Case("br;q=0, gzip;q=0", "identity"),
        new Case("br;q=0, gzip;q=0, identity;q=0", "identity"),
        new Case("deflate", "identity"),
        new Case("identity;q=0.5, gzip;q=0.4", "identity"),
        new Case("br;q=bogus, gzip", "gzip"));
    for (Case c : cases) {
      HttpResponse<byte[]> r = get("/site_connect.js", "Accept-Encoding", c.acceptEncoding());
      assertEquals(200, r.statusCode(), c.toString());
      String encoding = header(r, "Content-Encoding");
      assertEquals(c.expected(), encoding == null ? "identity" : encoding, "Accept-Encoding: " + c);
      assertEquals("Accept-Encoding", header(r, "Vary"), c.toString());
      // Built as pure ASCII, so no charset parameter (its bytes count on the wire).
      assertEquals("text/javascript", header(r, "Content-Type"), c.toString());
      assertEquals(String.valueOf(r.body().length), header(r, "Content-Length"), c.toString());
      switch (c.expected()) {
        case "br" -> assertArrayEquals(built("site_connect.js.br"), r.body(), c.toString());
        case "gzip" -> assertArrayEquals(identity, gunzip(r.body()), c.toString());
        default -> assertArrayEquals(identity, r.body(), c.toString());
      }
    }
    HttpResponse<byte[]> none = get("/site_connect.js");
    assertEquals(null, header(none, "Content-Encoding"), "no Accept-Encoding: identity");
    assertTrue(
        identity.length > 2 * built("site_connect.js.br").length,
        "the brotli file is a fraction of the minified one");
  }

  @Test
  @DisplayName(
      "site_connect.js: configured max-age, a strong ETag per encoding, 304 on If-None-Match (weak form too)")
  void pageScriptRevalidates() throws Exception {
    HttpResponse<byte[]> br = get("/site_connect.js", "Accept-Encoding", "br");
    HttpResponse<byte[]> gz = get("/site_connect.js", "Accept-Encoding", "gzip");
    assertEquals("max-age=60", header(br, "Cache-Control"));
    String etag = header(br, "ETag");
    assertTrue(etag.matches("\"[A-Za-z0-9_-]{16}\""), etag);
    assertNotEquals(etag, header(gz, "ETag"), "each encoding has its own validator");
    assertEquals(etag, header(get("/site_connect.js", "Accept-Encoding", "br"), "ETag"), "stable");

    HttpResponse<byte[]> again =
        get("/site_connect.js", "Accept-Encoding", "br", "If-None-Match", etag);
    assertEquals(304, again.statusCode());
    assertEquals(0, again.body().length);
    assertEquals(etag, header(again, "ETag"));
    assertEquals("max-age=60", header(again, "Cache-Control"));
    assertEquals("nosniff", header(again, "X-Content-Type-Options"), "security headers on a 304");
    assertEquals(
        304,
        get("/site_connect.js", "Accept-Encoding", "br", "If-None-Match", "\"x\", W/" + etag)
            .statusCode());
    assertEquals(
        304,
        get("/siteconnect.js", "Accept-Encoding", "br", "If-None-Match", etag).statusCode());
    assertEquals(
        200,
        get("/site_connect.js", "Accept-Encoding", "gzip", "If-None-Match", etag)
            .statusCode(),
        "the brotli validator does not match the gzip body");
    assertEquals(
        200,
        get("/site_connect.js", "Accept-Encoding", "br", "If-None-Match", "\"other\"")
            .statusCode());
  }

  @Test
  @DisplayName(
      "hashed names immutable for a year; HTML pages and unhashed names no-cache + ETag; the frame keeps its CSP")
  void cacheControl() throws Exception {
    String script = frameScript();
    HttpResponse<byte[]> hashed = get(script, "Accept-Encoding", "gzip, br");
    assertEquals(200, hashed.statusCode());
    assertEquals("public, max-age=31536000, immutable", header(hashed, "Cache-Control"));
    assertEquals("br", header(hashed, "Content-Encoding"));
    HttpResponse<byte[]> sockjs = get("/webjars/sockjs-client/1.6.1/dist/sockjs.min.js");
    assertEquals(200, sockjs.statusCode());
    assertEquals("public, max-age=31536000, immutable", header(sockjs, "Cache-Control"));

    HttpResponse<byte[]> frame = get("/frame/?site=" + TestGateway.SITE, "Accept-Encoding", "br");
    assertEquals(200, frame.statusCode());
    assertEquals("no-cache", header(frame, "Cache-Control"));
    assertEquals("text/html; charset=utf-8", header(frame, "Content-Type"));
    assertEquals(
        "frame-ancestors " + TestGateway.SITE_ORIGIN, header(frame, "Content-Security-Policy"));
    HttpResponse<byte[]> frame304 = get(
        "/frame/?site=" + TestGateway.SITE,
        "Accept-Encoding",
        "br",
        "If-None-Match",
        header(frame, "ETag"));
    assertEquals(304, frame304.statusCode());
    assertEquals(
        "frame-ancestors " + TestGateway.SITE_ORIGIN, header(frame304, "Content-Security-Policy"));
    assertEquals(404, get("/frame/?site=nope").statusCode(), "unknown site: 404 as before");

    HttpResponse<byte[]> console = get("/agent/", "Accept-Encoding", "gzip");
    assertEquals("no-cache", header(console, "Cache-Control"));
    assertTrue(header(console, "Content-Security-Policy").contains("frame-ancestors 'none'"));
    assertTrue(header(console, "ETag") != null);
    HttpResponse<byte[]> alias = get("/agent/console.js");
    assertEquals(200, alias.statusCode(), "an unhashed name still answers");
    assertEquals("no-cache", header(alias, "Cache-Control"), "... but is revalidated");
    assertTrue(header(alias, "ETag") != null);
  }

  @Test
  @DisplayName("HEAD: the GET's headers and length, no body")
  void head() throws Exception {
    for (String path : List.of("/site_connect.js", frameScript(), "/agent/")) {
      HttpResponse<byte[]> g = get(path, "Accept-Encoding", "br");
      HttpResponse<byte[]> h = send("HEAD", path, "Accept-Encoding", "br");
      assertEquals(200, h.statusCode(), path);
      assertEquals(0, h.body().length, path);
      for (String name :
          List.of("Content-Length", "Content-Type", "Content-Encoding", "Cache-Control", "ETag")) {
        assertEquals(header(g, name), header(h, name), path + " " + name);
      }
    }
  }

  @Test
  @DisplayName("unknown files 404 with a JSON error; traversal and encoded dots refused")
  void notFound() throws Exception {
    for (String path : List.of(
        "/frame/nothing.js", "/agent/console-AAAAAAAA.js", "/vendor/rrweb/x.js", "/cobrowse/")) {
      HttpResponse<byte[]> r = get(path);
      assertEquals(404, r.statusCode(), path);
      assertEquals("application/json", header(r, "Content-Type"), path);
      assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("\"not-found\""), path);
    }
    for (String path : List.of(
        "/frame/../agent/index.html",
        "/frame/%2e%2e/agent/index.html",
        "/frame/.%2E/agent/",
        "/agent/..%2f..%2fconf/config.json",
        "/vendor/../../conf/config.json",
        "/demo/..\\agent\\index.html",
        "/frame//etc/passwd",
        "/agent/./index.html",
        "/frame/%00index.html")) {
      String answer = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      String status = answer.substring(0, answer.indexOf("\r\n"));
      assertTrue(status.contains(" 404 ") || status.contains(" 400 "), path + ": " + status);
      assertFalse(answer.contains("<!doctype html>"), path + " served a page of ours");
      assertFalse(answer.contains("\"sites\""), path + " served a configuration");
    }
  }

  @Test
  @DisplayName(
      "a concurrent burst of 200 requests in mixed encodings: each gets the bytes of its encoding")
  void burst() throws Exception {
    String script = frameScript();
    String file = script.substring(1);
    java.util.Map<String, byte[]> expected = java.util.Map.of(
        "br", built(file + ".br"), "gzip", built(file + ".gz"), "identity", built(file));
    List<String> encodings = List.of("br", "gzip", "identity");
    List<java.util.concurrent.CompletableFuture<HttpResponse<byte[]>>> answers =
        new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      answers.add(CLIENT.sendAsync(
          HttpRequest.newBuilder(URI.create(base + script))
              .header("Accept-Encoding", encodings.get(i % 3))
              .build(),
          HttpResponse.BodyHandlers.ofByteArray()));
    }
    for (int i = 0; i < answers.size(); i++) {
      HttpResponse<byte[]> r = answers.get(i).get(30, TimeUnit.SECONDS);
      String encoding = encodings.get(i % 3);
      assertEquals(200, r.statusCode());
      assertEquals(encoding, r.headers().firstValue("Content-Encoding").orElse("identity"));
      assertArrayEquals(expected.get(encoding), r.body(), "request " + i);
    }
  }

  /** One request over a plain socket, exactly as written (no client normalises the path). */
  private static String raw(String request) throws Exception {
    URI uri = URI.create(base);
    try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static byte[] gunzip(byte[] body) throws Exception {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    }
  }
}
