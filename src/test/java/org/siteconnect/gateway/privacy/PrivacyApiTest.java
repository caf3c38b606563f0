package org.siteconnect.gateway.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Data rights over real HTTP and the real page protocol, on the embedded database ({@link
 * PostgresPrivacyApiTest} runs the same on PostgreSQL): two visitors each leave a message and chat; export and
 * erasure of one never touch the other.
 */
class PrivacyApiTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String EXPORT = "/api/v1/privacy/export";
  private static final String ERASE = "/api/v1/privacy/erase";
  /** An '_' in the address: the LIKE pre-filter must take it literally on both databases. */
  private static final String BOB = "bob_b@example.org";

  protected Vertx vertx;
  private int port;
  private Http http;
  private String admin;
  private BridgeClient console;

  /** What one visitor did: their chat, its visitor token and their page. */
  private record Visit(String email, String chatId, String token, BridgeClient page) {}

  private Visit ann;
  private Visit bob;

  /** The database part of the config (the embedded one here). */
  protected JsonObject data(JsonObject data) {
    return data;
  }

  @BeforeEach
  void start() throws Exception {
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
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
    ann = visit("Ann <ann@example.org>", "ann@example.org", "I am Ann, mail ann@example.org");
    bob = visit("bob_b@example.org", "bob_b@example.org", "Bob here; tell joann@example.org hi");
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * A visitor who finds nobody there and leaves a message, then (an agent now available) chats: two lines of
   * theirs, one of the agent's; the chat stays active.
   */
  private Visit visit(String contact, String email, String line) throws Exception {
    setAvailable(false);
    BridgeClient page = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    page.hello(TestGateway.SITE);
    page.command(
        new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    page.nextBody("suback");
    pub(page, "~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    state(page, "unavailable");
    pub(
        page,
        "~pagesession/chat/leave_message",
        new JsonObject()
            .put("button_id", "sales")
            .put("name", contact.split(" ")[0])
            .put("contact", contact)
            .put("text", "call me back, " + contact));
    page.nextPayload("~pagesession/chat/left", p -> true, 5_000);
    setAvailable(true);
    pub(page, "~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    JsonObject waiting = state(page, "waiting");
    String chatId = waiting.getString("chat_id");
    assertEquals(
        200, http.post("/api/v1/chats/" + chatId + "/accept", null, admin).status());
    state(page, "active");
    // The agent's "joined" line is stored before it reaches the page: wait, so that every record is
    // in.
    page.nextPayload("~pagesession/chat/message", p -> "system".equals(p.getString("from")), 5_000);
    for (String text : List.of(line, "second line of " + email)) {
      pub(
          page,
          "~pagesession/chat/send",
          new JsonObject().put("cid", "c" + text.hashCode()).put("text", text));
      page.nextPayload("~pagesession/chat/ack", p -> true, 5_000);
    }
    Http.Response sent = http.post(
        "/api/v1/chats/" + chatId + "/messages",
        new JsonObject().put("cid", "a-" + chatId).put("text", "hello " + contact),
        admin);
    assertEquals(200, sent.status(), sent.body());
    return new Visit(email, chatId, waiting.getString("token"), page);
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

  private JsonObject export(JsonObject selector) throws Exception {
    Http.Response r = http.post(EXPORT, selector, admin);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  /** The export once the audit entries (written fire-and-forget) are in. */
  private JsonObject exportWithAudit(JsonObject selector, int auditEntries) throws Exception {
    long deadline = System.currentTimeMillis() + 5_000;
    JsonObject doc = export(selector);
    while (doc.getJsonObject("counts").getInteger("auditEntries") < auditEntries
        && System.currentTimeMillis() < deadline) {
      doc = export(selector);
    }
    return doc;
  }

  private static JsonObject email(String email) {
    return new JsonObject().put("email", email);
  }

  /** The counts per kind an export or erasure answers. */
  private static JsonObject counts(int chats, int messages, int leftMessages, int auditEntries) {
    return new JsonObject()
        .put("chats", chats)
        .put("messages", messages)
        .put("attachments", 0) // AttachmentApiTest exports and erases them
        .put("leftMessages", leftMessages)
        .put("auditEntries", auditEntries)
        .put("transfers", 0);
  }

  private static JsonObject counts(JsonObject doc) {
    return doc.getJsonObject("counts");
  }

  @Test
  @DisplayName(
      "an export by e-mail, chat id or visitor token holds the visitor's chat, every line, the left message and "
          + "the audit entries, and nothing of the other visitor")
  void exportHoldsOneVisitor() throws Exception {
    JsonObject doc = exportWithAudit(email("ANN@example.org "), 1);
    JsonObject counts = counts(doc);
    assertEquals(1, counts.getInteger("chats"), doc.encodePrettily());
    assertEquals(4, counts.getInteger("messages"), "joined + 2 visitor lines + 1 agent line");
    assertEquals(1, counts.getInteger("leftMessages"));
    assertEquals(1, counts.getInteger("auditEntries"), "chat-accepted");
    assertEquals(new JsonArray(), doc.getJsonArray("truncated"));
    assertEquals("siteconnect-visitor-export/1", doc.getString("format"));
    JsonObject records = doc.getJsonObject("records");
    assertEquals(ann.chatId(), records.getJsonArray("chats").getJsonObject(0).getString("id"));
    assertEquals(
        ann.token(), records.getJsonArray("chats").getJsonObject(0).getString("visitorToken"));
    assertEquals(
        "Ann <ann@example.org>",
        records.getJsonArray("leftMessages").getJsonObject(0).getString("contact"));
    assertEquals(
        "chat " + ann.chatId(),
        records.getJsonArray("auditEntries").getJsonObject(0).getString("target"));
    String text = doc.encode();
    for (String other : List.of("bob_b@", bob.chatId(), bob.token(), "Bob here")) {
      assertFalse(text.contains(other), "nothing of Bob (" + other + "): " + text);
    }
    assertFalse(text.contains("session"), "no page session id: " + text);

    // The other selectors find the same visitor (the chat leads to the left message through its
    // page session).
    assertEquals(
        records, export(new JsonObject().put("chatId", ann.chatId())).getJsonObject("records"));
    assertEquals(
        records,
        export(new JsonObject().put("visitorToken", ann.token())).getJsonObject("records"));
    // "joann@example.org" in Bob's line is not Ann's address; an unknown visitor is simply empty.
    assertEquals(0, counts(export(email("oann@example.org"))).getInteger("chats"));
    assertEquals(
        0, counts(export(new JsonObject().put("chatId", "no-such-chat"))).getInteger("chats"));

    Http.Response file = http.post(EXPORT, email("ann@example.org"), admin);
    assertTrue(
        file.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment;"),
        "offered as a download");
  }

  @Test
  @DisplayName(
      "erasure ends the live chat, removes the visitor's records, anonymises their audit entries, is audited "
          + "without the data, is idempotent and leaves the other visitor intact")
  void eraseOneVisitor() throws Exception {
    JsonObject bobBefore = exportWithAudit(email(BOB), 1);
    assertEquals(counts(1, 4, 1, 1), counts(bobBefore), "Bob found by his address");
    assertEquals(0, counts(export(email("bobxb@example.org"))).getInteger("leftMessages"));
    exportWithAudit(email("ann@example.org"), 1);

    Http.Response erased =
        http.post(ERASE, new JsonObject().put("visitorToken", ann.token()), admin);
    assertEquals(200, erased.status(), erased.body());
    assertEquals(counts(1, 4, 1, 1), erased.json().getJsonObject("erased"));
    assertEquals(1, erased.json().getInteger("liveChatsEnded"));
    assertTrue(erased.json().getBoolean("complete"));
    // The visitor's frame is reset to "no chat" (and forgets the chat id and token it kept).
    state(ann.page(), "none");
    // The agent can no longer write into it.
    assertEquals(
        404,
        http.post(
                "/api/v1/chats/" + ann.chatId() + "/messages",
                new JsonObject().put("cid", "late").put("text", "still there?"),
                admin)
            .status());

    JsonObject after = export(email("ann@example.org"));
    assertEquals(counts(0, 0, 0, 0), counts(after));
    assertEquals(counts(bobBefore), counts(export(email(BOB))), "Bob intact");
    assertEquals(bobBefore.getJsonObject("records"), export(email(BOB)).getJsonObject("records"));
    JsonArray chats = new JsonArray(http.get("/api/v1/chats", admin).body());
    assertEquals(1, chats.size(), chats.encode());
    assertEquals(bob.chatId(), chats.getJsonObject(0).getString("id"));

    Http.Response again = http.post(ERASE, email("ann@example.org"), admin);
    assertEquals(200, again.status(), again.body());
    assertEquals(counts(0, 0, 0, 0), again.json().getJsonObject("erased"), "idempotent");

    // The audit log keeps the events: the accept as "chat (erased)", and the erasures by kind and
    // counts only.
    String audit = awaitAudit("visitor-erased", 2);
    assertTrue(audit.contains("\"target\":\"by visitorToken\""), audit);
    assertTrue(
        audit.contains(
            "\"detail\":\"chats 1, messages 4, attachments 0, leftMessages 1, auditEntries 1, transfers 0\""),
        audit);
    String accepted = http.get("/api/v1/audit?action=chat-accepted", admin).body();
    assertTrue(accepted.contains("\"target\":\"chat (erased)\""), accepted);
    assertTrue(accepted.contains("\"target\":\"chat " + bob.chatId() + "\""), accepted);
    String whole = http.get("/api/v1/audit?limit=1000", admin).body();
    for (String gone : List.of(ann.chatId(), ann.token(), "ann@")) {
      assertFalse(whole.contains(gone), "the audit log no longer names Ann (" + gone + ")");
    }
  }

  private String awaitAudit(String action, int entries) throws Exception {
    long deadline = System.currentTimeMillis() + 5_000;
    JsonArray found;
    do {
      found = new JsonArray(http.get("/api/v1/audit?action=" + action, admin).body());
    } while (found.size() < entries && System.currentTimeMillis() < deadline);
    assertEquals(entries, found.size(), found.encode());
    return found.encode();
  }

  @Test
  @DisplayName(
      "non-admins are refused, bad selectors get a clear 400, and neither changes anything")
  void refusals() throws Exception {
    Http.Response created = http.post(
        "/api/v1/agents",
        new JsonObject()
            .put("login", "eve")
            .put("name", "Eve")
            .put("password", "a long password")
            .put("roles", new JsonArray().add("agent"))
            .put("buttons", new JsonArray().add("acme/sales")),
        admin);
    assertEquals(201, created.status(), created.body());
    String eve = http.login("eve", "a long password");
    for (String path : List.of(EXPORT, ERASE)) {
      Http.Response r = http.post(path, email("ann@example.org"), eve);
      assertEquals(403, r.status(), r.body());
      assertEquals(401, http.post(path, email("ann@example.org"), null).status());
      assertEquals(401, http.post(path, email("ann@example.org"), "not-a-token").status());
    }
    List<Object> bad = List.of(
        new JsonObject(),
        new JsonObject().put("chatId", ann.chatId()).put("email", "ann@example.org"),
        new JsonObject().put("email", "not an address"),
        new JsonObject().put("email", 42),
        new JsonObject().put("chatId", "   "),
        new JsonObject().put("visitorToken", "x".repeat(65)),
        new JsonObject().put("email", "ann@example.org").put("all", true),
        "[\"ann@example.org\"]",
        "{not json");
    for (Object body : bad) {
      Http.Response r = http.post(ERASE, body, admin);
      assertEquals(400, r.status(), body + " → " + r.body());
      JsonObject error = r.json().getJsonObject("error");
      assertFalse(error.getString("message").isBlank(), r.body());
      assertFalse(r.body().contains("Exception"), r.body());
    }
    assertEquals(
        "bad-selector",
        http.post(ERASE, new JsonObject(), admin).errorCode(),
        "a selector-specific code");
    assertEquals(1, counts(export(email("ann@example.org"))).getInteger("chats"), "nothing erased");
  }

  @Test
  @DisplayName(
      "a burst of 24 concurrent erasures and exports: every call answers, each row is erased exactly once, "
          + "every export is all or nothing, the other visitor is intact")
  void concurrentBurst() throws Exception {
    exportWithAudit(email("ann@example.org"), 1);
    JsonObject bobBefore = exportWithAudit(email(BOB), 1);
    ExecutorService pool = Executors.newFixedThreadPool(24);
    try {
      long started = System.nanoTime();
      List<Future<Http.Response>> calls = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        String path = i % 2 == 0 ? ERASE : EXPORT;
        JsonObject selector =
            i % 3 == 0 ? new JsonObject().put("chatId", ann.chatId()) : email("ann@example.org");
        calls.add(pool.submit((Callable<Http.Response>) () -> http.post(path, selector, admin)));
      }
      int chats = 0;
      int messages = 0;
      int left = 0;
      for (Future<Http.Response> call : calls) {
        Http.Response r = call.get(30, TimeUnit.SECONDS);
        assertEquals(200, r.status(), r.body());
        JsonObject body = r.json();
        if (body.containsKey("erased")) {
          chats += body.getJsonObject("erased").getInteger("chats");
          messages += body.getJsonObject("erased").getInteger("messages");
          left += body.getJsonObject("erased").getInteger("leftMessages");
        } else {
          JsonObject c = body.getJsonObject("counts");
          boolean all = c.getInteger("chats") == 1
              && c.getInteger("messages") == 4
              && c.getInteger("leftMessages") == 1;
          boolean none = c.getInteger("chats") == 0
              && c.getInteger("messages") == 0
              && c.getInteger("leftMessages") == 0;
          assertTrue(all || none, "all or nothing: " + c.encode());
        }
      }
      System.out.printf(
          "privacy burst (%s): 24 concurrent calls answered in %d ms%n",
          getClass().getSimpleName(), (System.nanoTime() - started) / 1_000_000);
      assertEquals(1, chats, "the chat erased once");
      assertEquals(4, messages, "each line erased once");
      assertEquals(1, left, "the left message erased once");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, counts(export(email("ann@example.org"))).getInteger("chats"));
    assertEquals(
        bobBefore.getJsonObject("records"),
        export(email(BOB)).getJsonObject("records"),
        "Bob intact");
  }
}
