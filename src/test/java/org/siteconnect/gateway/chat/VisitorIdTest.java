package org.siteconnect.gateway.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The visitor id (sites[].rememberVisitorDays, docs/CONTEXT.md "Chats before"): page sessions sending the same id
 * on an opted-in site see each other's chats as chats before; a site with the setting off, and a malformed id, are
 * ignored (the session starts, its chats link by page session only); an erase by visitor token takes the chats of
 * the same id too.
 */
class VisitorIdTest {
  private static final String PASSWORD = "correct horse battery";
  /** 128 bits in base64url: 22 characters, the last one carrying 2 bits. */
  private static final String ID = "AbCdEfGhIjKlMnOpQrSt_A";

  protected Vertx vertx;
  private int port;
  private Http http;
  private String admin;
  private final List<BridgeClient> clients = new ArrayList<>();

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
    config.getJsonArray("sites").getJsonObject(0).put("rememberVisitorDays", 30);
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
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) { // the PostgreSQL re-run closed it already, and the clients with it
      clients.forEach(BridgeClient::close);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** A new page session sending {@code visitor} with its hello, and its chat on {@code button}: {id, token}. */
  private JsonObject chat(String site, String button, Object visitor) throws Exception {
    BridgeClient page = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    clients.add(page);
    page.command(new JsonObject().put("op", "hello").put("site", site).put("visitor", visitor));
    JsonObject session = page.nextBody("session");
    assertEquals(
        "acme".equals(site) ? 30 : null, session.getInteger("visitorDays"), session.encode());
    page.command(
        new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    page.nextBody("suback");
    page.command(new JsonObject()
        .put("op", "pub")
        .put("topic", "~pagesession/chat/trigger")
        .put("payload", new JsonObject().put("button_id", button)));
    JsonObject waiting = page.nextPayload(
        "~pagesession/chat/state", s -> "waiting".equals(s.getString("state")), 5_000);
    return new JsonObject()
        .put("id", waiting.getString("chat_id"))
        .put("token", waiting.getString("token"));
  }

  private List<String> before(JsonObject chat) throws Exception {
    Http.Response r = http.get("/api/v1/chats/" + chat.getString("id") + "/context", admin);
    assertEquals(200, r.status(), r.body());
    return r.json().getJsonArray("chatsBefore").stream()
        .map(o -> ((JsonObject) o).getString("id"))
        .toList();
  }

  @Test
  @DisplayName(
      "two page sessions with one visitor id see each other's chats; off or malformed: page session only; "
          + "an erase by one chat's visitor token takes every chat of the id")
  void linksByVisitorId() throws Exception {
    JsonObject first = chat("acme", "sales", ID);
    JsonObject second = chat("acme", "sales", ID);
    JsonObject stranger = chat("acme", "sales", "BbCdEfGhIjKlMnOpQrSt_A");
    assertEquals(List.of(), before(first));
    assertEquals(List.of(first.getString("id")), before(second), "the other tab's chat");
    assertEquals(List.of(), before(stranger), "another visitor id links nothing");

    // malformed ids are ignored: the session starts, the chat links to nothing
    for (Object bad :
        new Object[] {ID + "x", "AbCdEfGhIjKlMnOpQrSt_B", "AbCdEfGhIjKlMnOp+rSt/A", 42}) {
      assertEquals(List.of(), before(chat("acme", "sales", bad)), String.valueOf(bad));
    }
    // a site that keeps no visitor id ignores the one the page sends
    chat("beta", "help", ID);
    assertEquals(List.of(), before(chat("beta", "help", ID)), "beta has the setting off");

    // the export by one chat's token holds both chats of the id, with the id; the erase takes both
    Http.Response export = http.post(
        "/api/v1/privacy/export",
        new JsonObject().put("visitorToken", second.getString("token")),
        admin);
    assertEquals(200, export.status(), export.body());
    assertEquals(2, export.json().getJsonObject("counts").getInteger("chats"), export.body());
    assertTrue(export.body().contains("\"visitorId\":\"" + ID + "\""), export.body());
    Http.Response erased = http.post(
        "/api/v1/privacy/erase",
        new JsonObject().put("visitorToken", first.getString("token")),
        admin);
    assertEquals(200, erased.status(), erased.body());
    assertEquals(2, erased.json().getJsonObject("erased").getInteger("chats"), erased.body());
    assertEquals(
        404,
        http.get("/api/v1/chats/" + second.getString("id") + "/context", admin).status());
    assertEquals(List.of(), before(stranger), "the other visitor's chat stays");
  }
}
