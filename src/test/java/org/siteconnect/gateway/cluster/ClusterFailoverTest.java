package org.siteconnect.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.ClusterNodes;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Node failure (issue 7): the leader — which hosts the services and holds the page's connection — dies with
 * SIGKILL in the middle of a chat and a co-browse; then the next leader leaves with SIGTERM. Pages reconnect to a
 * surviving node and resume (same code, subscriptions restored by the client as the frame does), no acknowledged
 * chat message is lost or doubled, and the co-browse carries on from a fresh snapshot.
 */
class ClusterFailoverTest {
  private static final long FAILOVER_MS = 30_000;
  private final Vertx vertx = Vertx.vertx();
  private final List<BridgeClient> clients = new ArrayList<>();
  private ClusterNodes nodes;

  @AfterEach
  void stop() throws Exception {
    clients.forEach(BridgeClient::close);
    if (nodes != null) {
      nodes.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A page as the frame runs it: connect, hello (resuming when it has a token), subscribe its session topics. */
  private final class Page {
    BridgeClient socket;
    String code;
    String resume;
    String chatId;
    String chatToken;
    final List<String> acked = new ArrayList<>();

    void connect(int node) throws Exception {
      socket = BridgeClient.connect(vertx, nodes.port(node), TestGateway.origin(nodes.port(node)));
      clients.add(socket);
      JsonObject cmd = new JsonObject().put("op", "hello").put("site", TestGateway.SITE);
      if (resume != null) {
        cmd.put("resume", resume);
      }
      socket.command(cmd);
      JsonObject session = BridgeClient.body(
          socket.next(f -> "session".equals(BridgeClient.body(f).getString("op")), FAILOVER_MS));
      if (resume != null) {
        assertTrue(session.getBoolean("resumed"), "the session was resumed: " + session);
      }
      code = session.getString("code");
      resume = session.getString("resume");
      socket.command(
          new JsonObject().put("op", "sub").put("id", "mine").put("filter", "~pagesession/#"));
      socket.nextBody("suback");
    }

    void publish(String topic, JsonObject payload) {
      socket.command(new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload));
    }

    JsonObject await(String topic, Predicate<JsonObject> wanted) throws InterruptedException {
      return payloadOn(socket, topic, wanted);
    }

    /**
     * Sends a chat line until it is acknowledged (stored before acknowledged), as the frame does: again when the
     * chat service says it restarted ({@code chat/resync}: a line sent while nobody served chats is lost).
     */
    void say(String cid, String text) throws InterruptedException {
      JsonObject line = new JsonObject().put("cid", cid).put("text", text);
      publish("~pagesession/chat/send", line);
      while (true) {
        JsonObject frame = BridgeClient.body(socket.next(
            f -> "msg".equals(BridgeClient.body(f).getString("op"))
                && ("~pagesession/chat/resync".equals(BridgeClient.body(f).getString("topic"))
                    || "~pagesession/chat/ack".equals(BridgeClient.body(f).getString("topic"))
                        && cid.equals(
                            BridgeClient.body(f).getJsonObject("payload").getString("cid"))),
            FAILOVER_MS));
        if (frame.getString("topic").endsWith("/ack")) {
          break;
        }
        publish("~pagesession/chat/send", line);
      }
      acked.add(text);
    }
  }

  private static JsonObject payloadOn(BridgeClient c, String topic, Predicate<JsonObject> wanted)
      throws InterruptedException {
    return c.nextPayload(topic, wanted, FAILOVER_MS);
  }

  /** The agent side: REST calls retried while the services move (503), as the console does. */
  private static Http.Response retried(
      Http http, String method, String path, JsonObject body, String token) throws Exception {
    long deadline = System.currentTimeMillis() + FAILOVER_MS;
    while (true) {
      Http.Response r;
      try {
        r = http.send(method, path, body, token);
      } catch (java.io.IOException e) {
        r = null; // the request died with its node
      }
      if (r != null && r.status() != 503 && r.status() != 500) {
        return r;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(
            method + " " + path + " kept failing: " + (r == null ? "no answer" : r.body()));
      }
      Thread.sleep(
          200); // the console's retry delay; there is no event to await from outside the cluster
    }
  }

  private static void awaitClosed(BridgeClient c) throws InterruptedException {
    assertTrue(c.awaitClosed(10_000), "the socket to the dead node closed");
  }

  @Test
  @DisplayName(
      "SIGKILL the leader mid-chat and mid-co-browse, then SIGTERM the next one: sessions resume, 0 lost, 0 doubled")
  void leaderDiesThenNextLeaves(@TempDir Path dir) throws Exception {
    nodes = ClusterNodes.start(dir, 3);
    Http viaB = new Http(nodes.port(1));
    String token = viaB.login("admin", ClusterNodes.ADMIN_PASSWORD);
    BridgeClient agent =
        BridgeClient.connect(vertx, nodes.port(1), TestGateway.origin(nodes.port(1)));
    clients.add(agent);
    agent.command(new JsonObject().put("op", "agent-hello").put("token", token));
    agent.nextBody("agent-session");
    assertEquals(
        200,
        viaB.send(
                "PUT",
                "/api/v1/me/buttons/acme/sales",
                new JsonObject().put("available", true),
                token)
            .status());

    // The visitor chats and is co-browsed; a second page only keeps its code. Both are on the
    // leader (node 0).
    Page visitor = new Page();
    visitor.connect(0);
    Page bystander = new Page();
    bystander.connect(0);
    String bystanderCode = bystander.code;
    visitor.publish("~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"));
    JsonObject waiting =
        visitor.await("~pagesession/chat/state", p -> "waiting".equals(p.getString("state")));
    visitor.chatId = waiting.getString("chat_id");
    visitor.chatToken = waiting.getString("token");
    assertEquals(
        200,
        viaB.post("/api/v1/chats/" + visitor.chatId + "/accept", null, token).status());
    visitor.await("~pagesession/chat/state", p -> "active".equals(p.getString("state")));
    List<String> agentAcked = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      visitor.say("v" + i, "visitor " + i);
      assertEquals(
          200,
          viaB.post(
                  "/api/v1/chats/" + visitor.chatId + "/messages",
                  new JsonObject().put("cid", "a" + i).put("text", "agent " + i),
                  token)
              .status());
      agentAcked.add("agent " + i);
    }
    Http.Response redeemed =
        viaB.post("/api/v1/cobrowse", new JsonObject().put("code", visitor.code), token);
    assertEquals(200, redeemed.status(), redeemed.body());
    String cobrowse = redeemed.json().getString("cobrowse_id");
    agent.command(new JsonObject()
        .put("op", "sub")
        .put("id", "cb")
        .put("filter", "$agents/acme/cobrowse/admin/" + cobrowse + "/#"));
    agent.nextBody("suback");
    visitor.await(
        "~pagesession/cobrowsing/consent_request",
        p -> cobrowse.equals(p.getString("cobrowse_id")));
    visitor.socket.command(
        new JsonObject().put("op", "consent").put("cobrowse_id", cobrowse).put("allow", true));
    visitor.await(
        "~pagesession/cobrowsing/start", p -> cobrowse.equals(p.getString("cobrowse_id")));
    visitor.publish(
        "~pagesession/cobrowsing/events",
        new JsonObject()
            .put("cobrowse_id", cobrowse)
            .put("seq", 0)
            .put("events", new JsonArray().add(new JsonObject().put("type", 2))));
    payloadOn(
        agent,
        "$agents/acme/cobrowse/admin/" + cobrowse + "/events",
        p -> p.getInteger("seq", -1) == 0);

    // A line sent just before the crash: maybe stored, never acknowledged. The page will send it
    // again.
    visitor.publish(
        "~pagesession/chat/send", new JsonObject().put("cid", "v4").put("text", "visitor 4"));
    nodes.process(0).kill();
    awaitClosed(visitor.socket);
    awaitClosed(bystander.socket);

    // Both pages come back through node 2 (the load balancer's pick); the services move to node 1.
    visitor.connect(2);
    bystander.connect(2);
    assertEquals(bystanderCode, bystander.code, "the same contact code after the fail-over");
    // The chat button stays on through the take-over: the agent still serves it (no blink to
    // disabled).
    bystander.socket.command(new JsonObject()
        .put("op", "sub")
        .put("id", "button")
        .put("filter", "$sites/acme/chat_button/sales"));
    assertEquals(
        "enabled", bystander.await("$sites/acme/chat_button/sales", p -> true).getString("state"));
    visitor.say("v4", "visitor 4"); // the resend: stored once whatever the dead node managed
    for (int i = 5; i <= 6; i++) {
      visitor.say("v" + i, "visitor " + i);
    }
    for (int i = 4; i <= 6; i++) {
      assertEquals(
          200,
          retried(
                  viaB,
                  "POST",
                  "/api/v1/chats/" + visitor.chatId + "/messages",
                  new JsonObject().put("cid", "a" + i).put("text", "agent " + i),
                  token)
              .status());
      agentAcked.add("agent " + i);
    }
    assertHistory(visitor, agentAcked);
    bystander.socket.assertNone(
        f -> "msg".equals(BridgeClient.body(f).getString("op"))
            && "$sites/acme/chat_button/sales".equals(BridgeClient.body(f).getString("topic")),
        200);

    // The co-browse carries on: the console asks for a fresh snapshot (as it does on a gap) and
    // gets it.
    Http.Response resynced =
        retried(viaB, "POST", "/api/v1/cobrowse/" + cobrowse + "/resync", null, token);
    assertEquals(200, resynced.status(), resynced.body());
    visitor.await("~pagesession/cobrowsing/resync", p -> true);
    visitor.publish(
        "~pagesession/cobrowsing/events",
        new JsonObject()
            .put("cobrowse_id", cobrowse)
            .put("seq", 0)
            .put(
                "events",
                new JsonArray().add(new JsonObject().put("type", 2).put("data", "fresh"))));
    JsonObject fresh = payloadOn(
        agent,
        "$agents/acme/cobrowse/admin/" + cobrowse + "/events",
        p -> p.getJsonArray("events", new JsonArray()).stream()
            .anyMatch(e -> "fresh".equals(((JsonObject) e).getString("data"))));
    assertEquals(0, fresh.getInteger("seq"));

    // Node 1 (now the leader) leaves cleanly; pages on node 2 notice nothing, and the chat goes on
    // from node 2.
    Http viaC = new Http(nodes.port(2));
    nodes.process(1).terminate(15_000);
    visitor.say("v7", "visitor 7");
    assertEquals(
        200,
        retried(
                viaC,
                "POST",
                "/api/v1/chats/" + visitor.chatId + "/messages",
                new JsonObject().put("cid", "a7").put("text", "agent 7"),
                token)
            .status());
    agentAcked.add("agent 7");
    assertHistory(visitor, agentAcked);
    assertTrue(nodes.output(1).contains("draining"), nodes.output(1));
  }

  /** The transcript as the page syncs it: every acknowledged line exactly once, each side in order. */
  private static void assertHistory(Page visitor, List<String> agentAcked)
      throws InterruptedException {
    visitor.publish("~pagesession/chat/sync", new JsonObject().put("after", 0));
    JsonObject history = visitor.await("~pagesession/chat/history", p -> p.containsKey("messages"));
    assertEquals("active", history.getString("state"));
    List<String> texts = history.getJsonArray("messages").stream()
        .map(o -> ((JsonObject) o).getString("text"))
        .filter(t -> !t.endsWith("joined the chat"))
        .toList();
    Set<String> distinct = new LinkedHashSet<>(texts);
    assertEquals(texts.size(), distinct.size(), "no message twice: " + texts);
    assertEquals(
        visitor.acked,
        texts.stream().filter(t -> t.startsWith("visitor")).toList(),
        "visitor lines");
    assertEquals(
        agentAcked, texts.stream().filter(t -> t.startsWith("agent")).toList(), "agent lines");
  }
}
