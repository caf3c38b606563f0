package org.siteconnect.gateway.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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

/** Transfer and canned responses (docs/CONSOLE.md) over real HTTP and the real page protocol. */
class ChatToolsTest {
  private static final String PASSWORD = "correct horse battery";
  private static final int CANNED_PER_SITE = 5;
  protected Vertx vertx;
  private int port;
  private Http http;
  private String admin;
  private final List<BridgeClient> consoles = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port)
        .put(
            "agents",
            new JsonObject()
                .put("maxWritesPerMinute", 1_000_000)
                .put("passwordIterations", 10_000)
                .put("disconnectGraceSeconds", 0))
        .put(
            "chat",
            new JsonObject()
                .put("cannedPerSite", CANNED_PER_SITE)
                .put("cannedMaxBytes", 100)
                .put("cannedShortcutMaxLength", 8));
    config.put("data", data(config.getJsonObject("data")));
    vertx = Vertx.vertx();
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
  }

  /** The data section: the embedded database here, PostgreSQL in the subclass. */
  protected JsonObject data(JsonObject data) {
    return data;
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private String agent(String login, int maxChats, String... buttons) throws Exception {
    Http.Response r = http.post(
        "/api/v1/agents",
        new JsonObject()
            .put("login", login)
            .put("name", "Agent " + login)
            .put("password", "a long password")
            .put("maxChats", maxChats)
            .put("buttons", new JsonArray(List.of(buttons))),
        admin);
    assertEquals(201, r.status(), r.body());
    return http.login(login, "a long password");
  }

  /** The agent's console connects and it switches on for the button. */
  private void available(String token, String button) throws Exception {
    BridgeClient console = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    console.command(new JsonObject().put("op", "agent-hello").put("token", token));
    console.nextBody("agent-session");
    consoles.add(console);
    Http.Response r = http.send(
        "PUT", "/api/v1/me/buttons/acme/" + button, new JsonObject().put("available", true), token);
    assertEquals(200, r.status(), r.body());
  }

  private BridgeClient page() throws Exception {
    BridgeClient p = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    p.hello(TestGateway.SITE);
    p.command(new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    p.nextBody("suback");
    return p;
  }

  private static JsonObject next(
      BridgeClient p, String topic, java.util.function.Predicate<JsonObject> when)
      throws InterruptedException {
    return BridgeClient.body(p.next(f -> "msg".equals(BridgeClient.body(f).getString("op"))
            && topic.equals(BridgeClient.body(f).getString("topic"))
            && BridgeClient.body(f).getValue("payload") instanceof JsonObject o
            && when.test(o)))
        .getJsonObject("payload");
  }

  /** A visitor's chat on {@code button}, accepted by {@code token}; its id. */
  private String chat(BridgeClient visitor, String button, String token) throws Exception {
    visitor.command(new JsonObject()
        .put("op", "pub")
        .put("topic", "~pagesession/chat/trigger")
        .put("payload", new JsonObject().put("button_id", button)));
    String id = next(
            visitor, "~pagesession/chat/state", s -> "waiting".equals(s.getString("state")))
        .getString("chat_id");
    Http.Response accepted = http.post("/api/v1/chats/" + id + "/accept", null, token);
    assertEquals(200, accepted.status(), accepted.body());
    return id;
  }

  private Http.Response canned(String site, String shortcut, String text, String token)
      throws Exception {
    return http.post(
        "/api/v1/canned",
        new JsonObject().put("site", site).put("shortcut", shortcut).put("text", text),
        token);
  }

  private Http.Response transfer(String chatId, JsonObject body, String token) throws Exception {
    return http.post("/api/v1/chats/" + chatId + "/transfer", body, token);
  }

  /** Sends every call at once (threads released together); the answers in order. */
  private static <T> List<T> burst(List<Callable<T>> calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(calls.size());
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> out = new ArrayList<>();
      for (Callable<T> c : calls) {
        out.add(pool.submit(() -> {
          go.await();
          return c.call();
        }));
      }
      go.countDown();
      List<T> answers = new ArrayList<>();
      for (Future<T> f : out) {
        answers.add(f.get(30, TimeUnit.SECONDS));
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName(
      "transfer to an agent: refused to one who does not serve the button, is not available or is at its limit; "
          + "a burst of 10 leaves one owner; the visitor sees 'You are now talking to…', the new agent the note")
  void transferToAgent() throws Exception {
    available(admin, "sales");
    String bob = agent("bob", 1, "acme/sales");
    available(bob, "sales");
    String carol = agent("carol", 2, "acme/support");
    available(carol, "support");
    agent("dave", 2, "acme/sales"); // serves sales, never switched on
    BridgeClient visitor = page();
    String chatId = chat(visitor, "sales", admin);

    assertEquals(
        "not-serving",
        transfer(chatId, new JsonObject().put("toAgent", "carol"), admin).errorCode());
    assertEquals(
        "not-available",
        transfer(chatId, new JsonObject().put("toAgent", "dave"), admin).errorCode());
    assertEquals(
        "not-available",
        transfer(chatId, new JsonObject().put("toAgent", "nobody"), admin).errorCode());
    assertEquals(
        "bad-request",
        transfer(chatId, new JsonObject().put("toAgent", "bob").put("toButton", "support"), admin)
            .errorCode());
    assertEquals(
        400,
        transfer(chatId, new JsonObject().put("toAgent", "bob").put("colour", 1), admin)
            .status());
    assertEquals(
        404,
        transfer(chatId, new JsonObject().put("toAgent", "bob"), carol).status(),
        "not the holder");

    JsonObject targets =
        http.get("/api/v1/chats/" + chatId + "/transfer-targets", admin).json();
    assertEquals(
        List.of("bob"),
        targets.getJsonArray("agents").stream()
            .map(a -> ((JsonObject) a).getString("login"))
            .toList(),
        "only agents serving the button and available: " + targets);
    assertEquals("support", targets.getJsonArray("buttons").getJsonObject(0).getString("id"));

    List<Callable<Http.Response>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String note = "note " + i;
      calls.add(
          () -> transfer(chatId, new JsonObject().put("toAgent", "bob").put("note", note), admin));
    }
    List<Http.Response> answers = burst(calls);
    List<Http.Response> ok = answers.stream().filter(r -> r.status() == 200).toList();
    assertEquals(
        1,
        ok.size(),
        "exactly one transfer: " + answers.stream().map(Http.Response::status).toList());
    assertTrue(answers.stream()
        .allMatch(r -> r.status() == 200 || r.status() == 409 || r.status() == 404));
    assertEquals("bob", ok.get(0).json().getString("agent"));

    JsonObject line =
        next(visitor, "~pagesession/chat/message", m -> "transferred".equals(m.getString("code")));
    assertEquals("You are now talking to Agent bob", line.getString("text"));
    assertEquals("Agent bob", line.getJsonObject("params").getString("name"));
    next(visitor, "~pagesession/chat/state", s -> "Agent bob".equals(s.getString("agent_name")));

    JsonObject seen = http.get("/api/v1/chats/" + chatId + "/messages", bob).json();
    assertEquals("bob", seen.getJsonObject("chat").getString("agent"));
    JsonArray notes = seen.getJsonArray("transfers");
    assertEquals(1, notes.size());
    assertTrue(notes.getJsonObject(0).getString("note").startsWith("note "));
    assertEquals("admin", notes.getJsonObject(0).getString("from"));
    assertEquals(
        404,
        http.post(
                "/api/v1/chats/" + chatId + "/messages",
                new JsonObject().put("cid", "x").put("text", "hi"),
                admin)
            .status(),
        "the former holder no longer writes in it");
    assertEquals(
        200,
        http.post(
                "/api/v1/chats/" + chatId + "/messages",
                new JsonObject().put("cid", "y").put("text", "hi"),
                bob)
            .status());

    JsonArray audit =
        new JsonArray(http.get("/api/v1/audit?action=chat-transferred", admin).body());
    assertEquals(1, audit.size(), audit.encode());
    assertEquals("admin", audit.getJsonObject(0).getString("actor"));

    // Bob holds one chat, his limit: a second one is refused.
    BridgeClient second = page();
    String other = chat(second, "sales", admin);
    assertEquals(
        "at-limit",
        transfer(other, new JsonObject().put("toAgent", "bob"), admin).errorCode());
  }

  @Test
  @DisplayName("three chats transferred at once to an agent with room for one: exactly one arrives")
  void transferBurstAgainstMaxChats() throws Exception {
    available(admin, "sales");
    String bob = agent("bob", 1, "acme/sales");
    available(bob, "sales");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(chat(page(), "sales", admin));
    }
    List<Callable<Http.Response>> calls = new ArrayList<>();
    ids.forEach(id -> calls.add(() -> transfer(id, new JsonObject().put("toAgent", "bob"), admin)));
    List<Http.Response> answers = burst(calls);
    assertEquals(
        1,
        answers.stream().filter(r -> r.status() == 200).count(),
        answers.stream().map(Http.Response::body).toList().toString());
    assertEquals(
        2,
        answers.stream()
            .filter(r -> r.status() == 409 && "at-limit".equals(r.errorCode()))
            .count());
    JsonArray chats = new JsonArray(http.get("/api/v1/chats", bob).body());
    assertEquals(
        1,
        chats.stream()
            .filter(c -> "bob".equals(((JsonObject) c).getString("agent")))
            .count());
  }

  /** A visitor's chat on {@code button}, left waiting; its id. */
  private String waiting(BridgeClient visitor, String button) throws Exception {
    visitor.command(new JsonObject()
        .put("op", "pub")
        .put("topic", "~pagesession/chat/trigger")
        .put("payload", new JsonObject().put("button_id", button)));
    return next(visitor, "~pagesession/chat/state", s -> "waiting".equals(s.getString("state")))
        .getString("chat_id");
  }

  @Test
  @DisplayName("an agent at its maxChats cannot accept another waiting chat: 409 at-limit")
  void acceptAtMaxChats() throws Exception {
    String bob = agent("bob", 1, "acme/sales");
    available(bob, "sales");
    String first = waiting(page(), "sales");
    String second = waiting(page(), "sales");
    assertEquals(200, http.post("/api/v1/chats/" + first + "/accept", null, bob).status());
    Http.Response refused = http.post("/api/v1/chats/" + second + "/accept", null, bob);
    assertEquals(409, refused.status(), refused.body());
    assertEquals("at-limit", refused.errorCode());
    assertEquals(
        200,
        http.post("/api/v1/chats/" + second + "/accept", null, admin).status(),
        "the refused chat still waits for someone else");
  }

  @Test
  @DisplayName("six waiting chats accepted at once by an agent with room for two: exactly two")
  void acceptBurstAgainstMaxChats() throws Exception {
    String bob = agent("bob", 2, "acme/sales");
    available(bob, "sales");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(waiting(page(), "sales"));
    }
    List<Callable<Http.Response>> calls = new ArrayList<>();
    ids.forEach(id -> calls.add(() -> http.post("/api/v1/chats/" + id + "/accept", null, bob)));
    List<Http.Response> answers = burst(calls);
    String all = answers.stream().map(r -> r.status() + " " + r.body()).toList().toString();
    assertEquals(2, answers.stream().filter(r -> r.status() == 200).count(), all);
    assertEquals(
        4,
        answers.stream()
            .filter(r -> r.status() == 409 && "at-limit".equals(r.errorCode()))
            .count(),
        all);
    JsonArray chats = new JsonArray(http.get("/api/v1/chats", bob).body());
    assertEquals(
        2,
        chats.stream()
            .filter(c -> "bob".equals(((JsonObject) c).getString("agent")))
            .count());
  }

  @Test
  @DisplayName(
      "transfer to a button: the chat waits in that queue; an agent of it accepts and reads the note")
  void transferToButton() throws Exception {
    available(admin, "sales");
    String bob = agent("bob", 1, "acme/sales");
    BridgeClient visitor = page();
    String chatId = chat(visitor, "sales", admin);
    assertEquals(
        "button-unavailable",
        transfer(chatId, new JsonObject().put("toButton", "support"), admin).errorCode(),
        "nobody serves support yet");
    assertEquals(
        404, transfer(chatId, new JsonObject().put("toButton", "nope"), admin).status());
    String carol = agent("carol", 2, "acme/support");
    available(carol, "support");
    Http.Response moved = transfer(
        chatId, new JsonObject().put("toButton", "support").put("note", "wants a refund"), admin);
    assertEquals(200, moved.status(), moved.body());
    assertEquals("waiting", moved.json().getString("state"));
    assertEquals(
        404, http.get("/api/v1/chats/" + chatId + "/messages", bob).status(), "off bob's buttons");
    assertEquals(
        200, http.post("/api/v1/chats/" + chatId + "/accept", null, carol).status());
    JsonObject seen = http.get("/api/v1/chats/" + chatId + "/messages", carol).json();
    assertEquals(
        "wants a refund", seen.getJsonArray("transfers").getJsonObject(0).getString("note"));
    assertEquals("support", seen.getJsonObject("chat").getString("button"));
    next(visitor, "~pagesession/chat/state", s -> "Agent carol".equals(s.getString("agent_name")));
  }

  @Test
  @DisplayName(
      "canned responses: admins create, change and delete within bounds; agents read those of their sites; "
          + "a burst of 12 creates stops at the per-site limit")
  void canned() throws Exception {
    String bob = agent("bob", 1, "acme/sales");
    Http.Response made = canned("acme", "hello", "Hello! How can I help?", admin);
    assertEquals(201, made.status(), made.body());
    String id = made.json().getString("id");

    assertEquals("bad-request", canned("acme", "a b", "x", admin).errorCode());
    assertEquals(400, canned("acme", "toolonger", "x", admin).status(), "shortcut longer than 8");
    assertEquals(400, canned("acme", "big", "é".repeat(51), admin).status(), "102 bytes > 100");
    assertEquals(409, canned("acme", "hello", "y", admin).status(), "shortcut taken");
    assertEquals(403, canned("acme", "b", "y", bob).status(), "agents do not manage them");
    assertEquals(403, canned("other", "b", "y", admin).status(), "a site the admin does not serve");
    assertEquals(
        400,
        http.post(
                "/api/v1/canned", new JsonObject().put("site", "acme").put("shortcut", "b"), admin)
            .status());

    JsonArray list = new JsonArray(http.get("/api/v1/canned", bob).body());
    assertEquals(1, list.size());
    assertEquals("Hello! How can I help?", list.getJsonObject(0).getString("text"));
    assertEquals(0, new JsonArray(http.get("/api/v1/canned?site=other", bob).body()).size());

    Http.Response changed =
        http.send("PUT", "/api/v1/canned/" + id, new JsonObject().put("text", "Hi there!"), admin);
    assertEquals(200, changed.status(), changed.body());
    assertEquals("Hi there!", changed.json().getString("text"));
    assertEquals(
        403,
        http.send("PUT", "/api/v1/canned/" + id, new JsonObject().put("text", "x"), bob)
            .status());
    assertEquals(
        400, http.send("PUT", "/api/v1/canned/" + id, new JsonObject(), admin).status());
    assertEquals(
        404,
        http.send("PUT", "/api/v1/canned/nope", new JsonObject().put("text", "x"), admin)
            .status());

    List<Callable<Http.Response>> calls = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String shortcut = "s" + i;
      calls.add(() -> canned("acme", shortcut, "text " + shortcut, admin));
    }
    List<Http.Response> answers = burst(calls);
    assertEquals(
        CANNED_PER_SITE - 1,
        answers.stream().filter(r -> r.status() == 201).count(),
        answers.stream().map(Http.Response::status).toList().toString());
    assertTrue(answers.stream().filter(r -> r.status() != 201).allMatch(r -> "too-many"
        .equals(r.errorCode())));
    assertEquals(
        CANNED_PER_SITE,
        new JsonArray(http.get("/api/v1/canned?site=acme", admin).body()).size());

    assertEquals(204, http.send("DELETE", "/api/v1/canned/" + id, null, admin).status());
    assertEquals(404, http.send("DELETE", "/api/v1/canned/" + id, null, admin).status());
    JsonArray audit =
        new JsonArray(http.get("/api/v1/audit?action=canned-deleted", admin).body());
    assertEquals(1, audit.size());
  }
}
