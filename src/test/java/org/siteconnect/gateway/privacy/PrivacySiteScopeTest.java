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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.AgentConsoles;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Data rights are scoped like transcripts: an admin of acme exports and erases only what was said and left on acme.
 * One e-mail address was used on both sites; the beta records are neither listed nor erased for that admin, its
 * live chat goes on, and the first admin (every button) still exports and erases them. {@link
 * PostgresPrivacySiteScopeTest} runs the same on PostgreSQL.
 */
class PrivacySiteScopeTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String EXPORT = "/api/v1/privacy/export";
  private static final String ERASE = "/api/v1/privacy/erase";
  private static final String EMAIL = "vi@example.org";

  protected Vertx vertx;
  private int port;
  private Http http;
  private String admin; // the first admin: serves every button
  private String acmeAdmin; // an admin serving acme/sales only
  private final List<BridgeClient> clients = new ArrayList<>();

  /** One visitor's chat on one site: its id, token and the page it runs in. */
  private record Visit(String chatId, String token, BridgeClient page) {}

  private Visit onAcme;
  private Visit onBeta;

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
    config
        .getJsonArray("sites")
        .add(new JsonObject()
            .put("key", "beta")
            .put("origins", new JsonArray().add(TestGateway.SITE_ORIGIN))
            .put("buttons", new JsonArray().add(new JsonObject().put("id", "help"))));
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
    clients.add(AgentConsoles.available(vertx, port, http, admin, "acme/sales"));
    clients.add(AgentConsoles.available(vertx, port, http, admin, "beta/help"));
    Http.Response created = http.post(
        "/api/v1/agents",
        new JsonObject()
            .put("login", "ann")
            .put("password", "a long password")
            .put("roles", new JsonArray().add("admin").add("agent"))
            .put("buttons", new JsonArray().add("acme/sales")),
        admin);
    assertEquals(201, created.status(), created.body());
    acmeAdmin = http.login("ann", "a long password");
    onAcme = visit("acme", "sales");
    onBeta = visit("beta", "help");
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) { // the PostgreSQL run closed it already, and the clients with it
      clients.forEach(BridgeClient::close);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * A visitor on {@code site} leaves a message with {@link #EMAIL}, then chats (accepted by the first admin) and
   * types the address: one left message, one active chat with a "joined" line and the visitor's line.
   */
  private Visit visit(String site, String button) throws Exception {
    BridgeClient page = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    clients.add(page);
    page.hello(site);
    page.command(
        new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    page.nextBody("suback");
    pub(
        page,
        "~pagesession/chat/leave_message",
        new JsonObject()
            .put("button_id", button)
            .put("name", "Vi")
            .put("contact", EMAIL)
            .put("text", "call me back on " + site));
    page.nextPayload("~pagesession/chat/left", p -> true, 5_000);
    pub(page, "~pagesession/chat/trigger", new JsonObject().put("button_id", button));
    JsonObject waiting = state(page, "waiting");
    String chatId = waiting.getString("chat_id");
    assertEquals(
        200, http.post("/api/v1/chats/" + chatId + "/accept", null, admin).status());
    state(page, "active");
    page.nextPayload("~pagesession/chat/message", p -> "system".equals(p.getString("from")), 5_000);
    pub(
        page,
        "~pagesession/chat/send",
        new JsonObject().put("cid", "c1").put("text", "I am Vi, mail " + EMAIL));
    page.nextPayload("~pagesession/chat/ack", p -> true, 5_000);
    return new Visit(chatId, waiting.getString("token"), page);
  }

  private static void pub(BridgeClient p, String topic, JsonObject payload) {
    p.command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
  }

  private static JsonObject state(BridgeClient p, String state) throws InterruptedException {
    return p.nextPayload("~pagesession/chat/state", s -> state.equals(s.getString("state")), 5_000);
  }

  private JsonObject post(String path, JsonObject selector, String token) throws Exception {
    Http.Response r = http.post(path, selector, token);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  private static JsonObject email() {
    return new JsonObject().put("email", EMAIL);
  }

  private static JsonObject chatId(Visit v) {
    return new JsonObject().put("chatId", v.chatId());
  }

  private static JsonObject token(Visit v) {
    return new JsonObject().put("visitorToken", v.token());
  }

  /** Chats, messages and left messages of an export's counts or an erasure's answer. */
  private static List<Integer> chatsMessagesLeft(JsonObject counts) {
    return List.of(
        counts.getInteger("chats"),
        counts.getInteger("messages"),
        counts.getInteger("leftMessages"));
  }

  private static final List<Integer> NOTHING = List.of(0, 0, 0);
  /** One chat ("joined" and the visitor's line) and one left message. */
  private static final List<Integer> ONE_SITE = List.of(1, 2, 1);

  @Test
  @DisplayName(
      "an admin of acme exports only the acme records of an address used on both sites; a beta chat id or "
          + "token finds nothing")
  void exportStaysOnTheAdminsSites() throws Exception {
    JsonObject doc = post(EXPORT, email(), acmeAdmin);
    assertEquals(ONE_SITE, chatsMessagesLeft(doc.getJsonObject("counts")), doc.encodePrettily());
    String text = doc.encode();
    for (String beta : List.of(onBeta.chatId(), onBeta.token(), "\"beta\"", "on beta")) {
      assertFalse(text.contains(beta), "nothing of beta (" + beta + "): " + text);
    }
    for (JsonObject selector : List.of(chatId(onBeta), token(onBeta))) {
      JsonObject none = post(EXPORT, selector, acmeAdmin);
      assertTrue(
          none.getJsonObject("counts").stream()
              .allMatch(e -> ((Number) e.getValue()).intValue() == 0),
          selector + " → " + none.encode());
      assertEquals(new JsonArray(), none.getJsonObject("records").getJsonArray("chats"));
    }

    JsonObject all = post(EXPORT, email(), admin);
    assertEquals(List.of(2, 4, 2), chatsMessagesLeft(all.getJsonObject("counts")), "both sites");
    assertEquals(
        ONE_SITE, chatsMessagesLeft(post(EXPORT, chatId(onBeta), admin).getJsonObject("counts")));
  }

  @Test
  @DisplayName(
      "an admin of acme erases nothing of beta (the beta chat goes on), and by e-mail only the acme records; the "
          + "first admin then erases the beta records")
  void eraseStaysOnTheAdminsSites() throws Exception {
    for (JsonObject selector : List.of(chatId(onBeta), token(onBeta))) {
      JsonObject none = post(ERASE, selector, acmeAdmin);
      assertEquals(NOTHING, chatsMessagesLeft(none.getJsonObject("erased")), none.encode());
      assertEquals(0, none.getInteger("liveChatsEnded"), none.encode());
    }
    JsonObject acmeOnly = post(ERASE, email(), acmeAdmin);
    assertEquals(ONE_SITE, chatsMessagesLeft(acmeOnly.getJsonObject("erased")), acmeOnly.encode());
    assertEquals(1, acmeOnly.getInteger("liveChatsEnded"));
    state(onAcme.page(), "none");

    // The beta chat is still live: the agent's line reaches the visitor.
    Http.Response sent = http.post(
        "/api/v1/chats/" + onBeta.chatId() + "/messages",
        new JsonObject().put("cid", "a1").put("text", "still here"),
        admin);
    assertEquals(200, sent.status(), sent.body());
    onBeta
        .page()
        .nextPayload(
            "~pagesession/chat/message", p -> "still here".equals(p.getString("text")), 5_000);
    assertEquals(
        List.of(1, 3, 1),
        chatsMessagesLeft(post(EXPORT, email(), admin).getJsonObject("counts")),
        "the beta records, with the new line");

    JsonObject beta = post(ERASE, chatId(onBeta), admin);
    assertEquals(List.of(1, 3, 1), chatsMessagesLeft(beta.getJsonObject("erased")), beta.encode());
    assertEquals(1, beta.getInteger("liveChatsEnded"));
    state(onBeta.page(), "none");
    assertEquals(NOTHING, chatsMessagesLeft(post(EXPORT, email(), admin).getJsonObject("counts")));
  }
}
