package org.siteconnect.gateway.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Transcripts over real HTTP and the real page protocol, e-mail through a real SMTP server (npm smtp-server): export
 * per chat and in bulk (JSON and escaped HTML, access, date range, pages), the visitor's e-mail on request after the
 * chat ended (rate-limited), left-message notices, header injection.
 */
class TranscriptTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String HOSTILE = "<script>alert('x')</script> & <b>bold</b>";

  private Vertx vertx;
  private int port;
  private Http http;
  private String admin;
  private BridgeClient console;
  private SmtpSink smtp;

  private record Visit(String chatId, BridgeClient page) {}

  @BeforeEach
  void start(TestInfo test) throws Exception {
    smtp = new SmtpSink();
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port);
    if (test.getTestMethod().map(m -> m.getName().equals("pagesEndByBytes")).orElse(false)) {
      // the smallest budget: each chat's transcript fills a page on its own
      config.put("chat", new JsonObject().put("exportPageMaxBytes", 1024));
    }
    config.put(
        "agents",
        new JsonObject()
            .put("maxWritesPerMinute", 1_000_000)
            .put("passwordIterations", 10_000)
            .put("disconnectGraceSeconds", 0));
    config.put(
        "mail",
        new JsonObject()
            .put("host", "127.0.0.1")
            .put("port", smtp.port)
            .put("tls", "none")
            .put("from", "chat@acme.test")
            .put("retries", 1)
            .put("retryDelayMs", 100)
            .put(
                "notify",
                new JsonArray()
                    .add(new JsonObject()
                        .put("site", TestGateway.SITE)
                        .put("to", new JsonArray().add("support@acme.test")))));
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    smtp.close();
  }

  private BridgeClient page() throws Exception {
    BridgeClient page = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    page.hello(TestGateway.SITE);
    page.command(
        new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    page.nextBody("suback");
    return page;
  }

  /** A visitor chats with the admin on acme/sales: one hostile line each way; ended by the visitor if asked. */
  private Visit chat(boolean end) throws Exception {
    setAvailable(true);
    BridgeClient page = page();
    pub(page, "~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    String chatId = state(page, "waiting").getString("chat_id");
    assertEquals(
        200, http.post("/api/v1/chats/" + chatId + "/accept", null, admin).status());
    state(page, "active");
    page.nextPayload("~pagesession/chat/message", p -> "system".equals(p.getString("from")), 5_000);
    pub(
        page,
        "~pagesession/chat/send",
        new JsonObject().put("cid", "v1").put("text", "visitor says " + HOSTILE));
    page.nextPayload("~pagesession/chat/ack", p -> true, 5_000);
    Http.Response sent = http.post(
        "/api/v1/chats/" + chatId + "/messages",
        new JsonObject().put("cid", "a1").put("text", "agent answers line two"),
        admin);
    assertEquals(200, sent.status(), sent.body());
    if (end) {
      pub(page, "~pagesession/chat/end", new JsonObject());
      state(page, "ended");
    }
    return new Visit(chatId, page);
  }

  private void setAvailable(boolean available) throws Exception {
    if (console == null) {
      console = BridgeClient.connect(vertx, port, TestGateway.origin(port));
      console.command(new JsonObject().put("op", "agent-hello").put("token", admin));
      console.nextBody("agent-session");
    }
    Http.Response r = http.send(
        "PUT",
        "/api/v1/me/buttons/acme/sales",
        new JsonObject().put("available", available),
        admin);
    assertEquals(200, r.status(), r.body());
  }

  private static void pub(BridgeClient p, String topic, JsonObject payload) {
    p.command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
  }

  private static JsonObject state(BridgeClient p, String state) throws InterruptedException {
    return p.nextPayload("~pagesession/chat/state", s -> state.equals(s.getString("state")), 5_000);
  }

  private static JsonObject emailAnswer(BridgeClient p) throws InterruptedException {
    return p.nextPayload("~pagesession/chat/transcript_email", s -> true, 5_000);
  }

  private String agent(String login, String... buttons) throws Exception {
    Http.Response r = http.post(
        "/api/v1/agents",
        new JsonObject()
            .put("login", login)
            .put("name", "Agent " + login)
            .put("password", "a long password")
            .put("buttons", new JsonArray(List.of(buttons))),
        admin);
    assertEquals(201, r.status(), r.body());
    return http.login(login, "a long password");
  }

  @Test
  @DisplayName(
      "one chat's transcript: JSON with every line; HTML escaped, no script, a strict CSP, as an attachment")
  void oneChat() throws Exception {
    Visit v = chat(true);
    Http.Response json = http.get("/api/v1/chats/" + v.chatId() + "/transcript", admin);
    assertEquals(200, json.status(), json.body());
    assertTrue(
        json.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"));
    JsonArray lines = json.json().getJsonArray("messages");
    assertTrue(
        lines.stream()
            .anyMatch(m -> ("visitor says " + HOSTILE).equals(((JsonObject) m).getString("text"))),
        json.body());
    assertTrue(json.body().contains("agent answers line two"));
    assertEquals(v.chatId(), json.json().getJsonObject("chat").getString("id"));

    Http.Response html = http.get("/api/v1/chats/" + v.chatId() + "/transcript?format=html", admin);
    assertEquals(200, html.status(), html.body());
    assertTrue(html.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(html.headers()
        .firstValue("Content-Disposition")
        .orElse("")
        .matches("attachment; filename=\"transcript-[A-Za-z0-9_-]+\\.html\""));
    String csp = html.headers().firstValue("Content-Security-Policy").orElse("");
    assertTrue(csp.contains("default-src 'none'") && csp.contains("sandbox"), csp);
    assertEquals("nosniff", html.headers().firstValue("X-Content-Type-Options").orElse(""));
    assertTrue(
        html.body().contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;"));
    assertFalse(html.body().toLowerCase().contains("<script"), html.body());
    assertFalse(html.body().contains("<b>bold"));
    assertTrue(html.body().contains("agent answers line two"));
  }

  @Test
  @DisplayName(
      "an agent not serving the chat's button gets 404 for its transcript and 403 for the bulk export")
  void accessRefused() throws Exception {
    Visit v = chat(false);
    String other = agent("olga", "acme/support");
    Http.Response one = http.get("/api/v1/chats/" + v.chatId() + "/transcript?format=html", other);
    assertEquals(404, one.status(), one.body());
    assertEquals("not-found", one.errorCode());
    assertFalse(one.body().contains("visitor says"));
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    Http.Response bulk = http.get("/api/v1/transcripts?from=" + today + "&to=" + today, other);
    assertEquals(403, bulk.status(), bulk.body());
    String server = agent("sam", "acme/sales");
    assertEquals(
        200, http.get("/api/v1/chats/" + v.chatId() + "/transcript", server).status());
  }

  @Test
  @DisplayName(
      "bulk export: a page ends once it holds chat.exportPageMaxBytes (each transcript here is larger), and the "
          + "cursor still walks every chat once, in order")
  void pagesEndByBytes() throws Exception {
    List<String> started = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Visit v = chat(false);
      Http.Response sent = http.post(
          "/api/v1/chats/" + v.chatId() + "/messages",
          new JsonObject().put("cid", "long").put("text", "a long answer ".repeat(100)),
          admin);
      assertEquals(200, sent.status(), sent.body());
      pub(v.page(), "~pagesession/chat/end", new JsonObject());
      state(v.page(), "ended");
      started.add(v.chatId());
    }
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    String range = "/api/v1/transcripts?from=" + today + "&to=" + today;
    List<String> walked = new ArrayList<>();
    String next = null;
    for (int pages = 1; pages <= 10; pages++) {
      Http.Response page = http.get(range + (next == null ? "" : "&after=" + next), admin);
      assertEquals(200, page.status(), page.body());
      JsonArray transcripts = page.json().getJsonArray("transcripts");
      assertTrue(transcripts.size() <= 1, "one transcript a page: " + transcripts.size());
      transcripts.forEach(t -> walked.add(((JsonObject) t).getJsonObject("chat").getString("id")));
      next = page.json().getString("next");
      if (next == null) {
        break;
      }
    }
    assertEquals(started, walked);
  }

  @Test
  @DisplayName(
      "bulk export: the date range selects, pages of `limit` chats follow the cursor, bounds answer 400")
  void bulk() throws Exception {
    Visit first = chat(true);
    Visit second = chat(true);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    String range = "/api/v1/transcripts?from=" + today.minusDays(1) + "&to=" + today;
    Http.Response all = http.get(range, admin);
    assertEquals(200, all.status(), all.body());
    List<String> ids = new ArrayList<>();
    all.json()
        .getJsonArray("transcripts")
        .forEach(t -> ids.add(((JsonObject) t).getJsonObject("chat").getString("id")));
    assertEquals(List.of(first.chatId(), second.chatId()), ids);
    assertNull(all.json().getString("next"));

    Http.Response page1 = http.get(range + "&limit=1", admin);
    String next = page1.json().getString("next");
    assertNotNull(next, page1.body());
    assertEquals(
        first.chatId(),
        page1
            .json()
            .getJsonArray("transcripts")
            .getJsonObject(0)
            .getJsonObject("chat")
            .getString("id"));
    Http.Response page2 = http.get(range + "&limit=1&after=" + next, admin);
    assertEquals(
        second.chatId(),
        page2
            .json()
            .getJsonArray("transcripts")
            .getJsonObject(0)
            .getJsonObject("chat")
            .getString("id"));
    Http.Response page3 =
        http.get(range + "&limit=1&after=" + page2.json().getString("next"), admin);
    assertEquals(0, page3.json().getJsonArray("transcripts").size());

    Http.Response html = http.get(range + "&format=html&limit=1", admin);
    assertEquals(200, html.status());
    assertTrue(html.headers().firstValue("X-Next-Page").isPresent());
    assertTrue(html.headers()
        .firstValue("Content-Security-Policy")
        .orElse("")
        .contains("default-src 'none'"));
    assertFalse(html.body().toLowerCase().contains("<script"));

    Http.Response yesterday = http.get(
        "/api/v1/transcripts?from=" + today.minusDays(3) + "&to=" + today.minusDays(1), admin);
    assertEquals(0, yesterday.json().getJsonArray("transcripts").size(), yesterday.body());
    assertEquals(
        400,
        http.get("/api/v1/transcripts?from=" + today.minusDays(400) + "&to=" + today, admin)
            .status());
    assertEquals(
        400,
        http.get("/api/v1/transcripts?from=" + today + "&to=" + today.minusDays(1), admin)
            .status());
    assertEquals(
        400, http.get("/api/v1/transcripts?from=yesterday&to=" + today, admin).status());
    assertEquals(400, http.get(range + "&limit=1000", admin).status());
    assertEquals(400, http.get(range + "&after=nonsense", admin).status());
  }

  @Test
  @DisplayName(
      "the visitor asks for the transcript after the chat ended: the SMTP server gets it, lines in, HTML escaped")
  void emailToVisitor() throws Exception {
    Visit v = chat(false);
    pub(
        v.page(),
        "~pagesession/chat/email_transcript",
        new JsonObject().put("email", "ann@example.org"));
    JsonObject early = emailAnswer(v.page());
    assertEquals("refused", early.getString("state"));
    assertEquals("not-ended", early.getString("code"));
    pub(v.page(), "~pagesession/chat/end", new JsonObject());
    state(v.page(), "ended");
    pub(
        v.page(),
        "~pagesession/chat/email_transcript",
        new JsonObject().put("email", "ann@example.org"));
    assertEquals("queued", emailAnswer(v.page()).getString("state"));
    assertEquals("sent", emailAnswer(v.page()).getString("state"));
    JsonObject mail = smtp.next(5_000);
    assertNotNull(mail, "the SMTP server received nothing");
    assertEquals(new JsonArray().add("ann@example.org"), mail.getJsonArray("to"));
    assertEquals("chat@acme.test", mail.getString("from"));
    assertEquals("Your conversation with acme", mail.getString("subject"));
    assertTrue(mail.getString("text").contains("visitor says " + HOSTILE), mail.getString("text"));
    assertTrue(mail.getString("text").contains("agent answers line two"));
    assertTrue(mail.getString("html").contains("&lt;script&gt;alert("), mail.getString("html"));
    assertFalse(mail.getString("html").toLowerCase().contains("<script"));
  }

  @Test
  @DisplayName(
      "a burst of transcript requests for one chat sends mail.perChat (2) e-mails, the rest are refused")
  void burstIsLimited() throws Exception {
    Visit v = chat(true);
    int burst = 8;
    for (int i = 0; i < burst; i++) {
      pub(
          v.page(),
          "~pagesession/chat/email_transcript",
          new JsonObject().put("email", "burst" + i + "@example.org"));
    }
    int queued = 0;
    int refused = 0;
    while (queued + refused < burst) {
      JsonObject a = v.page()
          .nextPayload(
              "~pagesession/chat/transcript_email",
              s -> !"sent".equals(s.getString("state")),
              5_000);
      if ("queued".equals(a.getString("state"))) {
        queued++;
      } else {
        assertEquals("rate-limited", a.getString("code"), a.encode());
        assertTrue(a.containsKey("limit"), "which limit, for the widget's language: " + a.encode());
        refused++;
      }
    }
    assertEquals(2, queued);
    assertEquals(burst - 2, refused);
    assertNotNull(smtp.next(5_000));
    assertNotNull(smtp.next(5_000));
    assertNull(smtp.next(500), "a third e-mail arrived");
  }

  @Test
  @DisplayName(
      "header injection: an address with CR/LF is refused; a left message's name with CR/LF cannot add a header")
  void headerInjection() throws Exception {
    BridgeClient page = page();
    pub(
        page,
        "~pagesession/chat/email_transcript",
        new JsonObject().put("email", "ann@example.org\r\nBcc: eve@evil.test"));
    JsonObject refused = emailAnswer(page);
    assertEquals("bad-address", refused.getString("code"), refused.encode());

    setAvailable(false);
    pub(page, "~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    state(page, "unavailable");
    pub(
        page,
        "~pagesession/chat/leave_message",
        new JsonObject()
            .put("button_id", "sales")
            .put("name", "Eve\r\nBcc: eve@evil.test")
            .put("contact", "eve@example.org")
            .put("text", "please call <b>me</b>"));
    page.nextPayload("~pagesession/chat/left", p -> true, 5_000);
    JsonObject notice = smtp.next(5_000);
    assertNotNull(notice, "no left-message notice arrived");
    assertEquals(new JsonArray().add("support@acme.test"), notice.getJsonArray("to"));
    assertEquals("New message on acme from Eve Bcc: eve@evil.test", notice.getString("subject"));
    assertFalse(notice.getJsonObject("headers").containsKey("bcc"), notice.encode());
    String raw = notice.getString("raw");
    assertFalse(raw.substring(0, raw.indexOf("\r\n\r\n")).contains("\nBcc:"), raw);
    assertTrue(notice.getString("text").contains("Name: Eve Bcc: eve@evil.test"));
    assertTrue(notice.getString("text").contains("please call <b>me</b>"));
    assertTrue(notice.getString("text").contains("eve@example.org"));
  }
}
