package org.siteconnect.gateway.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.support.Eventually;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Webhook delivery against a real receiver on loopback (private targets allowed in this configuration), on the
 * embedded database; {@link PostgresWebhookDeliveryTest} runs the same on PostgreSQL.
 */
class WebhookDeliveryTest {
  static final String PASSWORD = "correct horse battery";
  static final String SECRET = "a webhook secret of some length";

  Vertx vertx;
  Http http;
  String admin;
  Receiver receiver;

  /** The database part of the configuration: the embedded one by default. */
  JsonObject data() {
    return null;
  }

  void start(JsonObject webhooks) throws Exception {
    receiver = new Receiver();
    int port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port);
    JsonObject data = data();
    if (data != null) {
      config.put("data", data);
    }
    config.put(
        "webhooks",
        new JsonObject()
            .put("allowPrivateTargets", true)
            .put("backoffBaseMs", 50)
            .put("backoffMaxMs", 200)
            .put("connectTimeoutMs", 1000)
            .put("responseTimeoutMs", 500)
            .mergeIn(webhooks));
    vertx = Vertx.vertx();
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
  }

  @AfterEach
  void stop() throws Exception {
    if (receiver != null) {
      receiver.close();
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  String hook(String... filters) throws Exception {
    Http.Response r = http.post(
        "/api/v1/webhooks",
        new JsonObject()
            .put("url", receiver.url("/hook"))
            .put("filters", new JsonArray(List.of(filters)))
            .put("secret", SECRET),
        admin);
    assertEquals(201, r.status(), r.body());
    assertNull(r.json().getValue("secret"), "the secret is never shown");
    return r.json().getString("id");
  }

  void publish(String topic, Object payload) throws Exception {
    vertx
        .eventBus()
        .request(
            Addresses.ROUTER_PUBLISH,
            new JsonObject().put("topic", topic).put("payload", payload).put("retain", false))
        .await(5, TimeUnit.SECONDS);
  }

  static String hmac(String secret, String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return java.util.HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }

  JsonArray deliveries(String id) throws Exception {
    Http.Response r = http.get("/api/v1/webhooks/" + id + "/deliveries", admin);
    assertEquals(200, r.status(), r.body());
    return new JsonArray(r.body());
  }

  @Test
  @DisplayName(
      "a matching event is POSTed once, signed with HMAC-SHA256 over timestamp.body; others are not sent")
  void signedDelivery() throws Exception {
    start(new JsonObject());
    String id = hook("$sites/acme/chats/+/message");
    publish("$sites/acme/chats/c1/accepted", new JsonObject().put("n", 0));
    publish("$sites/acme/chats/c1/message", new JsonObject().put("text", "hello"));
    List<Receiver.Hit> hits = receiver.await(h -> h.size() >= 1, 10_000, "one delivery");
    Receiver.Hit hit = hits.get(0);
    assertEquals(
        "sha256=" + hmac(SECRET, hit.timestamp() + "." + hit.body()), hit.signature(), "signature");
    assertTrue(
        Math.abs(Long.parseLong(hit.timestamp()) - System.currentTimeMillis() / 1000) < 30,
        "timestamp is now, in seconds");
    JsonObject body = hit.json();
    assertEquals(hit.id(), body.getString("id"), "X-SiteConnect-Id is the body's id");
    assertEquals(id, body.getString("hook"));
    assertEquals(1, body.getLong("sequence"));
    assertEquals("$sites/acme/chats/c1/message", body.getString("topic"));
    assertEquals("hello", body.getJsonObject("payload").getString("text"));
    assertNotNull(body.getLong("publishedAt"));
    JsonObject line = awaitState(id, 1, "delivered"); // the log is written after the answer
    assertEquals(1, deliveries(id).size(), "one delivery logged");
    assertEquals(1, line.getInteger("attempts"));
    assertEquals(200, line.getInteger("lastStatus"));
    assertEquals(1, receiver.hits().size(), "the non-matching event was not sent");
  }

  @Test
  @DisplayName(
      "a 500 and a timeout are retried with backoff until a 2xx; every attempt carries the same id")
  void retriesUntilDelivered() throws Exception {
    start(new JsonObject());
    String id = hook("$sites/acme/#");
    AtomicInteger n = new AtomicInteger();
    receiver.answer(hit -> switch (n.incrementAndGet()) {
      case 1 -> new Receiver.Answer(500, 0);
      case 2 -> new Receiver.Answer(200, 2_000); // past responseTimeoutMs: a failure
      default -> new Receiver.Answer(204, 0);
    });
    publish("$sites/acme/messages/m1", new JsonObject().put("text", "call me"));
    List<Receiver.Hit> hits = receiver.await(h -> h.size() >= 3, 15_000, "three attempts");
    assertEquals(1, hits.stream().map(Receiver.Hit::id).distinct().count(), "one id: " + hits);
    for (int i = 1; i < hits.size(); i++) {
      assertTrue(hits.get(i).at() >= hits.get(i - 1).at() + 25, "backoff between attempts");
    }
    JsonObject line = awaitState(id, 1, "delivered");
    assertEquals(3, line.getInteger("attempts"));
    assertEquals(204, line.getInteger("lastStatus"));
  }

  @Test
  @DisplayName(
      "a hook retrying 40 failing topics does not hold every delivery slot: another hook's event goes at once")
  void failingHookDoesNotStarveOthers() throws Exception {
    start(new JsonObject().put("concurrency", 2));
    hook("$sites/acme/chats/#");
    String other = hook("$sites/acme/messages/#");
    receiver.answer(hit -> hit.topic().contains("/chats/")
        ? new Receiver.Answer(500, 0)
        : new Receiver.Answer(200, 0));
    for (int i = 0; i < 40; i++) {
      publish("$sites/acme/chats/c" + i + "/message", new JsonObject().put("n", i));
    }
    receiver.await(h -> h.size() >= 40, 20_000, "the failing hook busy retrying");
    long t0 = System.currentTimeMillis();
    publish("$sites/acme/messages/m1", new JsonObject().put("text", "hello"));
    awaitState(other, 1, "delivered");
    long took = System.currentTimeMillis() - t0;
    assertTrue(took < 3_000, "the other hook waited " + took + " ms");
  }

  @Test
  @DisplayName(
      "a delivery failing for retryForSeconds is given up (state failed); the next event on its topic then goes")
  void givenUpAfterRetryWindow() throws Exception {
    start(new JsonObject().put("retryForSeconds", 1));
    String id = hook("$sites/acme/chats/+/ended");
    receiver.answer(hit -> hit.json().getJsonObject("payload").getInteger("n") == 0
        ? new Receiver.Answer(500, 0)
        : new Receiver.Answer(200, 0));
    publish("$sites/acme/chats/c1/ended", new JsonObject().put("n", 0));
    publish("$sites/acme/chats/c1/ended", new JsonObject().put("n", 1));
    JsonObject failed = awaitState(id, 1, "failed");
    assertTrue(failed.getInteger("attempts") >= 2, failed.encode());
    assertEquals(500, failed.getInteger("lastStatus"));
    awaitState(id, 2, "delivered");
    List<Receiver.Hit> hits = receiver.hits();
    assertEquals(
        2,
        hits.get(hits.size() - 1).sequence(),
        "the second event went after the first was given up");
    assertEquals(1, hits.stream().filter(h -> h.sequence() == 2).count());
  }

  @Test
  @DisplayName(
      "a receiver answering 2xx with a 4 MB body: delivered, the body dropped after 64 KiB, the next goes too")
  void largeAnswerBodyIsBounded() throws Exception {
    start(new JsonObject());
    String id = hook("$sites/acme/messages/#");
    receiver.answer(hit -> new Receiver.Answer(200, 0, 4 * 1024 * 1024));
    publish("$sites/acme/messages/m1", new JsonObject().put("text", "one"));
    publish("$sites/acme/messages/m2", new JsonObject().put("text", "two"));
    awaitState(id, 1, "delivered");
    awaitState(id, 2, "delivered");
  }

  JsonObject awaitState(String id, long sequence, String state) throws Exception {
    return Eventually.until(
            "delivery " + sequence + " " + state,
            Duration.ofSeconds(10),
            () -> deliveries(id).stream()
                .map(JsonObject.class::cast)
                .filter(line ->
                    line.getLong("sequence") == sequence && state.equals(line.getString("state")))
                .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  @Test
  @DisplayName(
      "per topic in order: a later event waits while an earlier one is retried; another topic goes on")
  void orderPerTopic() throws Exception {
    start(new JsonObject());
    hook("$sites/acme/chats/#");
    AtomicInteger firstOfA = new AtomicInteger();
    receiver.answer(hit -> hit.topic().endsWith("/a/message")
            && hit.json().getJsonObject("payload").getInteger("n") == 0
            && firstOfA.incrementAndGet() <= 3
        ? new Receiver.Answer(500, 0)
        : new Receiver.Answer(200, 0));
    for (int i = 0; i < 10; i++) {
      publish("$sites/acme/chats/a/message", new JsonObject().put("n", i));
      publish("$sites/acme/chats/b/message", new JsonObject().put("n", i));
    }
    List<Receiver.Hit> hits =
        receiver.await(h -> h.size() >= 23, 20_000, "20 deliveries after 3 failures");
    Map<String, List<Integer>> byTopic = new HashMap<>();
    for (Receiver.Hit h : hits) {
      byTopic
          .computeIfAbsent(h.topic(), t -> new ArrayList<>())
          .add(h.json().getJsonObject("payload").getInteger("n"));
    }
    assertEquals(
        List.of(0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
        byTopic.get("$sites/acme/chats/a/message"),
        "topic a: the first event three times (500), then in order");
    assertEquals(
        List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
        byTopic.get("$sites/acme/chats/b/message"),
        "topic b in order");
  }

  @Test
  @DisplayName("replay from a sequence sends those deliveries again, with their ids, in order")
  void replay() throws Exception {
    start(new JsonObject());
    String id = hook("$sites/acme/chats/+/ended");
    for (int i = 1; i <= 4; i++) {
      publish("$sites/acme/chats/c" + i + "/ended", new JsonObject().put("n", i));
    }
    List<Receiver.Hit> first = receiver.await(h -> h.size() >= 4, 10_000, "four deliveries");
    awaitState(id, 4, "delivered");
    Http.Response r = http.post(
        "/api/v1/webhooks/" + id + "/replay", new JsonObject().put("fromSequence", 3), admin);
    assertEquals(202, r.status(), r.body());
    assertEquals(2, r.json().getInteger("requeued"));
    List<Receiver.Hit> all = receiver.await(h -> h.size() >= 6, 10_000, "two replayed");
    List<Receiver.Hit> again = all.subList(4, 6);
    assertEquals(
        List.of(3L, 4L), again.stream().map(Receiver.Hit::sequence).sorted().toList());
    for (Receiver.Hit h : again) {
      String originalId = first.stream()
          .filter(f -> f.sequence() == h.sequence())
          .findFirst()
          .orElseThrow()
          .id();
      assertEquals(originalId, h.id(), "a replay keeps the idempotency id");
    }
    assertEquals(
        400,
        http.post(
                "/api/v1/webhooks/" + id + "/replay",
                new JsonObject().put("fromSequence", 0),
                admin)
            .status());
  }

  @Test
  @DisplayName(
      "a hook failing for disableAfterSeconds is disabled, shown so and audited; re-enabled it delivers the rest")
  void disabledAfterFailing() throws Exception {
    start(new JsonObject().put("disableAfterSeconds", 1));
    String id = hook("$sites/acme/messages/#");
    receiver.answer(hit -> new Receiver.Answer(503, 0));
    publish("$sites/acme/messages/m1", new JsonObject().put("text", "x"));
    JsonObject shown = Eventually.until(
        "hook disabled",
        Duration.ofSeconds(15),
        () -> http.get("/api/v1/webhooks/" + id, admin).json(),
        hook -> !hook.getBoolean("enabled"));
    assertEquals(false, shown.getBoolean("enabled"), shown.encode());
    assertNotNull(shown.getLong("disabledAt"));
    assertTrue(shown.getString("disabledReason").contains("503"), shown.encode());
    JsonArray audit =
        new JsonArray(http.get("/api/v1/audit?action=webhook-disabled", admin).body());
    assertEquals(1, audit.size(), audit.encode());
    assertEquals("webhook " + id, audit.getJsonObject(0).getString("target"));

    int before = receiver.hits().size();
    publish("$sites/acme/messages/m2", new JsonObject().put("text", "while disabled"));
    Thread.sleep(300); // nothing to await: a disabled hook sends nothing
    assertEquals(before, receiver.hits().size(), "a disabled hook sends nothing");

    receiver.answer(hit -> new Receiver.Answer(200, 0));
    Http.Response enabled =
        http.send("PUT", "/api/v1/webhooks/" + id, new JsonObject().put("enabled", true), admin);
    assertEquals(200, enabled.status(), enabled.body());
    assertNull(enabled.json().getValue("disabledReason"));
    awaitState(id, 1, "delivered");
    assertEquals(1, deliveries(id).size(), "the event while disabled was not recorded");
  }
}
