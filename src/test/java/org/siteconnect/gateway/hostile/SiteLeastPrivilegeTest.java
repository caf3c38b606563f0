package org.siteconnect.gateway.hostile;

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
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Issue 15 item 7: inside one site, an agent who serves only {@code support} gets nothing of {@code sales} and
 * nothing of another agent's co-browse; the allowed paths still work.
 */
class SiteLeastPrivilegeTest {
  private static final String PASSWORD = "correct horse battery";
  private Vertx vertx;
  private int port;
  private Http http;
  private String sam; // serves acme/support
  private String bea; // serves acme/sales
  private final List<BridgeClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    TestGateway.start(
        vertx, TestGateway.config(port), Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    String admin = http.login("admin", PASSWORD);
    for (String[] a : new String[][] {{"sam", "acme/support"}, {"bea", "acme/sales"}}) {
      assertEquals(
          201,
          http.post(
                  "/api/v1/agents",
                  new JsonObject()
                      .put("login", a[0])
                      .put("password", "a long password")
                      .put("buttons", new JsonArray().add(a[1])),
                  admin)
              .status());
    }
    sam = http.login("sam", "a long password");
    bea = http.login("bea", "a long password");
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(BridgeClient::close);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private BridgeClient console(String token) throws Exception {
    BridgeClient c = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    clients.add(c);
    c.command(new JsonObject().put("op", "agent-hello").put("token", token));
    c.nextBody("agent-session");
    return c;
  }

  private BridgeClient page(JsonObject[] session) throws Exception {
    BridgeClient p = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    clients.add(p);
    session[0] = p.hello(TestGateway.SITE);
    assertTrue(sub(p, "mine", "~pagesession/#"));
    return p;
  }

  private static boolean sub(BridgeClient c, String id, String filter) throws InterruptedException {
    c.command(new JsonObject().put("op", "sub").put("id", id).put("filter", filter));
    JsonObject ack =
        BridgeClient.body(c.next(f -> "suback".equals(BridgeClient.body(f).getString("op"))
            && id.equals(BridgeClient.body(f).getString("id"))));
    return ack.getBoolean("granted");
  }

  private static void pub(BridgeClient c, String topic, Object payload) {
    c.command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
  }

  @Test
  @DisplayName(
      "another agent's co-browse: no subscription reaches its state or events; the redeemer's does")
  void cobrowseOfAnother() throws Exception {
    JsonObject[] session = new JsonObject[1];
    BridgeClient visitor = page(session);
    BridgeClient samConsole = console(sam);
    BridgeClient beaConsole = console(bea);
    Http.Response redeemed = http.post(
        "/api/v1/cobrowse", new JsonObject().put("code", session[0].getString("code")), bea);
    assertEquals(200, redeemed.status(), redeemed.body());
    String id = redeemed.json().getString("cobrowse_id");
    int i = 0;
    for (String filter : List.of(
        "$agents/acme/#",
        "$agents/acme/cobrowse/#",
        "$agents/acme/cobrowse/+/+/events",
        "$agents/acme/cobrowse/bea/" + id + "/#",
        "$agents/acme/cobrowse/bea/" + id + "/events",
        "$agents/acme/cobrowse/" + id + "/#",
        "$agents/+/cobrowse/bea/#",
        "$agents/#")) {
      assertFalse(sub(samConsole, "s" + i++, filter), "refused to sam: " + filter);
    }
    assertTrue(
        sub(beaConsole, "cb", "$agents/acme/cobrowse/bea/" + id + "/#"),
        "the redeemer reads its co-browse");
    JsonObject ask = visitor.nextPayload(
        "~pagesession/cobrowsing/consent_request",
        p -> id.equals(p.getString("cobrowse_id")),
        10_000);
    visitor.command(new JsonObject()
        .put("op", "consent")
        .put("cobrowse_id", ask.getString("cobrowse_id"))
        .put("allow", true)); // the frame's consent command (never a page publish)
    visitor.nextPayload(
        "~pagesession/cobrowsing/start", p -> id.equals(p.getString("cobrowse_id")), 10_000);
    pub(
        visitor,
        "~pagesession/cobrowsing/events",
        new JsonObject()
            .put("cobrowse_id", id)
            .put("seq", 1)
            .put(
                "events",
                new JsonArray().add(new JsonObject().put("type", 2).put("data", "secret page"))));
    beaConsole.nextPayload(
        "$agents/acme/cobrowse/bea/" + id + "/events", p -> p.containsKey("events"), 10_000);
    samConsole.assertNone(f -> "msg".equals(BridgeClient.body(f).getString("op")), 500);
  }

  @Test
  @DisplayName(
      "sales chats: a support agent gets 404 on list entries, messages, accept, send and end, and no topic")
  void chatsOfOtherButtons() throws Exception {
    BridgeClient beaConsole = console(bea);
    BridgeClient samConsole = console(sam);
    assertEquals(
        200,
        http.send(
                "PUT",
                "/api/v1/me/buttons/acme/sales",
                new JsonObject().put("available", true),
                bea)
            .status());
    JsonObject[] session = new JsonObject[1];
    BridgeClient visitor = page(session);
    assertTrue(sub(visitor, "button", "$sites/acme/chat_button/sales"));
    visitor.nextPayload(
        "$sites/acme/chat_button/sales", p -> "enabled".equals(p.getString("state")), 10_000);
    assertTrue(sub(beaConsole, "queue", "$agents/acme/chat_queue/sales"));
    assertTrue(sub(beaConsole, "chats", "$agents/acme/chats/sales/#"));
    assertTrue(
        sub(samConsole, "queue", "$agents/acme/chat_queue/support"),
        "sam reads its own button's queue");
    for (String filter : List.of(
        "$agents/acme/chat_queue/sales",
        "$agents/acme/chat_queue/+",
        "$agents/acme/chat_queue/#",
        "$agents/acme/chats/sales/#",
        "$agents/acme/chats/+/#",
        "$agents/acme/chats/#",
        "$agents/acme/+/sales/#")) {
      assertFalse(sub(samConsole, "x" + filter.hashCode(), filter), "refused to sam: " + filter);
    }
    pub(visitor, "~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    String chatId = visitor
        .nextPayload("~pagesession/chat/state", p -> "waiting".equals(p.getString("state")), 10_000)
        .getString("chat_id");
    beaConsole.nextPayload(
        "$agents/acme/chat_queue/sales", p -> p.getJsonArray("waiting").size() == 1, 10_000);

    assertFalse(http.get("/api/v1/chats", sam).body().contains(chatId), "not in sam's list");
    assertTrue(http.get("/api/v1/chats", bea).body().contains(chatId), "in bea's list");
    assertEquals(
        404, http.post("/api/v1/chats/" + chatId + "/accept", null, sam).status());
    assertEquals(
        404,
        http.get("/api/v1/chats/" + chatId + "/messages", sam).status(),
        "no transcript for sam");
    assertEquals(
        200, http.post("/api/v1/chats/" + chatId + "/accept", null, bea).status());
    pub(
        visitor,
        "~pagesession/chat/send",
        new JsonObject().put("cid", "v1").put("text", "my card number"));
    beaConsole.nextPayload(
        "$agents/acme/chats/sales/" + chatId + "/message",
        p -> "my card number".equals(p.getString("text")),
        10_000);
    assertEquals(200, http.get("/api/v1/chats/" + chatId + "/messages", bea).status());
    assertEquals(404, http.get("/api/v1/chats/" + chatId + "/messages", sam).status());
    assertEquals(
        404,
        http.post(
                "/api/v1/chats/" + chatId + "/messages",
                new JsonObject().put("cid", "s1").put("text", "hi"),
                sam)
            .status());
    assertEquals(404, http.post("/api/v1/chats/" + chatId + "/end", null, sam).status());
    samConsole.assertNone(
        f -> "msg".equals(BridgeClient.body(f).getString("op"))
            && BridgeClient.body(f).getString("topic", "").contains("sales"),
        500);
  }

  @Test
  @DisplayName("proactive invitations and left messages: only on the buttons the agent serves")
  void proactiveAndLeftMessages() throws Exception {
    JsonObject[] session = new JsonObject[1];
    BridgeClient visitor = page(session);
    JsonArray sessions = new JsonArray(http.get("/api/v1/sessions", sam).body());
    String handle = sessions.getJsonObject(0).getString("handle");
    Http.Response refused = http.post(
        "/api/v1/sessions/" + handle + "/proactive",
        new JsonObject().put("button_id", "sales").put("text", "buy now"),
        sam);
    assertEquals(403, refused.status(), refused.body());
    assertEquals(
        202,
        http.post(
                "/api/v1/sessions/" + handle + "/proactive",
                new JsonObject().put("button_id", "support").put("text", "need help?"),
                sam)
            .status());
    assertEquals(
        202,
        http.post(
                "/api/v1/sessions/" + handle + "/proactive",
                new JsonObject().put("button_id", "sales").put("text", "buy now"),
                bea)
            .status());
    pub(
        visitor,
        "~pagesession/chat/leave_message",
        new JsonObject()
            .put("button_id", "sales")
            .put("name", "Vic")
            .put("contact", "vic@example.com")
            .put("text", "call me about sales"));
    visitor.nextPayload("~pagesession/chat/left", p -> true, 10_000);
    assertTrue(http.get("/api/v1/messages", bea).body().contains("call me about sales"));
    assertFalse(http.get("/api/v1/messages", sam).body().contains("call me about sales"));
  }
}
