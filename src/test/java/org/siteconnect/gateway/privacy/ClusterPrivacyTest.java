package org.siteconnect.gateway.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.ClusterNodes;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/** Data rights in a two-node cluster: the visitor and the admin on the node that does not host the services. */
class ClusterPrivacyTest {
  private final Vertx vertx = Vertx.vertx();
  private ClusterNodes nodes;
  private BridgeClient page;
  private BridgeClient console;

  @AfterEach
  void stop() throws Exception {
    for (BridgeClient c : new BridgeClient[] {page, console}) {
      if (c != null) {
        c.close();
      }
    }
    if (nodes != null) {
      nodes.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "on node B a visitor chats and an admin erases them: the live chat ends on the leader, B's page is reset, "
          + "and an export on node A finds nothing")
  void eraseAcrossNodes() throws Exception {
    nodes = ClusterNodes.start(Files.createTempDirectory("sc-privacy-cluster-"), 2);
    Http b = new Http(nodes.port(1));
    String admin = b.login("admin", ClusterNodes.ADMIN_PASSWORD);
    console = BridgeClient.connect(vertx, nodes.port(1), TestGateway.origin(nodes.port(1)));
    console.command(new JsonObject().put("op", "agent-hello").put("token", admin));
    console.nextBody("agent-session");
    assertEquals(
        200,
        b.send(
                "PUT",
                "/api/v1/me/buttons/acme/sales",
                new JsonObject().put("available", true),
                admin)
            .status());
    page = BridgeClient.connect(vertx, nodes.port(1), TestGateway.origin(nodes.port(1)));
    page.hello(TestGateway.SITE);
    page.command(
        new JsonObject().put("op", "sub").put("id", "all").put("filter", "~pagesession/#"));
    page.nextBody("suback");
    pub("~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    String chatId = state("waiting").getString("chat_id");
    assertEquals(200, b.post("/api/v1/chats/" + chatId + "/accept", null, admin).status());
    state("active");
    page.nextPayload(
        "~pagesession/chat/message", p -> "system".equals(p.getString("from")), 15_000);
    pub(
        "~pagesession/chat/send",
        new JsonObject().put("cid", "v1").put("text", "write to me at vi@example.org"));
    page.nextPayload("~pagesession/chat/ack", p -> true, 15_000);

    Http.Response erased =
        b.post("/api/v1/privacy/erase", new JsonObject().put("email", "vi@example.org"), admin);
    assertEquals(200, erased.status(), erased.body());
    assertEquals(1, erased.json().getJsonObject("erased").getInteger("chats"), erased.body());
    assertEquals(2, erased.json().getJsonObject("erased").getInteger("messages"), erased.body());
    assertEquals(1, erased.json().getInteger("liveChatsEnded"));
    state("none");

    Http a = new Http(nodes.port(0));
    Http.Response after = a.post(
        "/api/v1/privacy/export",
        new JsonObject().put("chatId", chatId),
        a.login("admin", ClusterNodes.ADMIN_PASSWORD));
    assertEquals(200, after.status(), after.body());
    assertEquals(0, after.json().getJsonObject("counts").getInteger("chats"), after.body());
    assertEquals(0, after.json().getJsonObject("counts").getInteger("messages"), after.body());
  }

  private void pub(String topic, JsonObject payload) {
    page.command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
  }

  private JsonObject state(String state) throws InterruptedException {
    return page.nextPayload(
        "~pagesession/chat/state", s -> state.equals(s.getString("state")), 15_000);
  }
}
