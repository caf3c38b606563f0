package org.siteconnect.gateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.Gateway;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.TestGateway;

/** The page protocol over the raw {@code /eventbus/websocket} endpoint of a real gateway (docs/PROTOCOL.md). */
class PageBridgeTest {
  private Vertx vertx;
  private Gateway gateway;
  private int port;
  private final List<BridgeClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    gateway = TestGateway.start(vertx, TestGateway.config(port));
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(BridgeClient::close);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private BridgeClient connect() throws Exception {
    BridgeClient c = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    clients.add(c);
    return c;
  }

  private BridgeClient page() throws Exception {
    BridgeClient c = connect();
    assertEquals("session", c.hello(TestGateway.SITE).getString("op"));
    return c;
  }

  private static JsonObject sub(String id, String filter) {
    return new JsonObject().put("op", "sub").put("id", id).put("filter", filter);
  }

  private static JsonObject pub(String topic, Object payload) {
    return new JsonObject().put("op", "pub").put("topic", topic).put("payload", payload);
  }

  @Test
  @DisplayName("hello gives a page session with a six-digit code and a resume token")
  void helloGivesCode() throws Exception {
    BridgeClient c = connect();
    assertTrue(c.inbound().startsWith("sc.in."), c.welcomeBody().encode());
    JsonObject session = c.hello(TestGateway.SITE);
    assertEquals("session", session.getString("op"));
    assertTrue(session.getString("code").matches("\\d{6}"), session.encode());
    assertTrue(session.getString("resume").length() >= 22);
    assertFalse(session.encode().contains("sid"), "the session id is never shown to the page");
  }

  @Test
  @DisplayName("two pages get different codes, and a resumed session keeps its code")
  void resumeKeepsCode() throws Exception {
    BridgeClient a = connect();
    JsonObject first = a.hello(TestGateway.SITE);
    BridgeClient b = connect();
    assertNotEquals(first.getString("code"), b.hello(TestGateway.SITE).getString("code"));
    a.close();
    BridgeClient again = connect();
    JsonObject resumed = again.hello(TestGateway.SITE, first.getString("resume"));
    assertEquals(first.getString("code"), resumed.getString("code"));
    assertTrue(resumed.getBoolean("resumed"));
  }

  @Test
  @DisplayName("an unknown site key gets an error and no session")
  void unknownSite() throws Exception {
    BridgeClient c = connect();
    JsonObject answer = c.hello("nope");
    assertEquals("err", answer.getString("op"));
    assertEquals("unknown-site", answer.getString("code"));
    c.command(sub("s1", "~pagesession/#"));
    assertEquals("no-session", c.nextBody("err").getString("code"));
  }

  @Test
  @DisplayName(
      "subscribe is acknowledged and a wildcard subscriber gets another page's publish, the publisher no echo")
  void wildcardDeliveryWithoutEcho() throws Exception {
    BridgeClient reader = page();
    BridgeClient writer = page();
    reader.command(sub("s1", "public/+/news"));
    JsonObject ack = reader.nextBody("suback");
    assertEquals("s1", ack.getString("id"));
    assertTrue(ack.getBoolean("granted"));
    writer.command(sub("w1", "public/#"));
    writer.nextBody("suback");
    writer.command(pub("public/eu/news", new JsonObject().put("n", 1)).put("mid", "m1"));
    assertEquals("m1", writer.nextBody("puback").getString("mid"));
    JsonObject msg = reader.nextBody("msg");
    assertEquals("public/eu/news", msg.getString("topic"));
    assertEquals(1, msg.getJsonObject("payload").getInteger("n"));
    writer.fence();
    writer.assertNone(f -> "msg".equals(BridgeClient.body(f).getString("op")), 200);
  }

  @Test
  @DisplayName("session topics stay within their session and come back in page form")
  void sessionTopicsArePrivate() throws Exception {
    BridgeClient a = page();
    BridgeClient b = page();
    b.command(sub("all", "~pagesession/#"));
    b.nextBody("suback");
    a.command(sub("all", "~pagesession/#"));
    a.nextBody("suback");
    // a's own publish is not echoed; b must not see a's session topic.
    a.command(pub("~pagesession/chat/trigger", new JsonObject().put("button_id", "sales"))
        .put("mid", "x"));
    a.nextBody("puback");
    b.fence();
    b.assertNone(f -> "msg".equals(BridgeClient.body(f).getString("op")), 200);
  }

  @Test
  @DisplayName("a global filter without an ACL grant is acknowledged as not granted")
  void aclDenies() throws Exception {
    BridgeClient c = page();
    c.command(sub("s1", "private/#"));
    JsonObject ack = c.nextBody("suback");
    assertFalse(ack.getBoolean("granted"));
    assertEquals("not-allowed", ack.getString("reason"));
    c.command(pub("private/x", "hi").put("mid", "m"));
    assertEquals("not-allowed", c.nextBody("err").getString("code"));
    c.command(pub("$sys/x", "hi"));
    assertEquals("not-allowed", c.nextBody("err").getString("code"));
  }

  @Test
  @DisplayName("a page never reads another session's topics, even when the ACL grants '#'")
  void firstLevelWildcardDenied() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    JsonObject conf = TestGateway.config(port)
        .put(
            "acl",
            new JsonObject()
                .put("subscribe", new io.vertx.core.json.JsonArray().add("#"))
                .put("publish", new io.vertx.core.json.JsonArray()));
    gateway = TestGateway.start(vertx, conf);
    BridgeClient spy = page();
    BridgeClient victim = page();
    for (String f : new String[] {"#", "+/+/chat/#", "+/#"}) {
      spy.command(sub("s" + f.hashCode(), f));
      assertFalse(spy.nextBody("suback").getBoolean("granted"), f);
    }
    victim.command(
        pub("~pagesession/chat/send", new JsonObject().put("text", "secret")).put("mid", "m"));
    victim.nextBody("puback");
    spy.fence();
    spy.assertNone(f -> "msg".equals(BridgeClient.body(f).getString("op")), 200);
  }

  @Test
  @DisplayName(
      "retained messages reach a subscriber that comes later; an empty payload clears them")
  void retained() throws Exception {
    BridgeClient writer = page();
    writer.command(pub("public/state", "on").put("retain", true).put("mid", "r1"));
    writer.nextBody("puback");
    BridgeClient late = page();
    late.command(sub("s", "public/#"));
    late.nextBody("suback");
    JsonObject msg = late.nextBody("msg");
    assertEquals("on", msg.getString("payload"));
    assertTrue(msg.getBoolean("retained"));
    writer.command(pub("public/state", "").put("retain", true).put("mid", "r2"));
    writer.nextBody("puback");
    BridgeClient later = page();
    later.command(sub("s", "public/#"));
    later.nextBody("suback");
    later.fence();
    later.assertNone(f -> "msg".equals(BridgeClient.body(f).getString("op")), 100);
  }

  @Test
  @DisplayName("unsubscribe stops delivery")
  void unsubscribeStops() throws Exception {
    BridgeClient reader = page();
    BridgeClient writer = page();
    reader.command(sub("s1", "public/a"));
    reader.nextBody("suback");
    reader.command(new JsonObject().put("op", "unsub").put("id", "s1"));
    reader.nextBody("unsuback");
    writer.command(pub("public/a", 1).put("mid", "m"));
    writer.nextBody("puback");
    reader.fence();
    reader.assertNone(f -> "msg".equals(BridgeClient.body(f).getString("op")), 200);
  }

  @Test
  @DisplayName("two ids on one filter: delivery goes on until the last of them is unsubscribed")
  void twoIdsOneFilter() throws Exception {
    BridgeClient reader = page();
    BridgeClient writer = page();
    reader.command(sub("s1", "public/a"));
    reader.nextBody("suback");
    reader.command(sub("s2", "public/a"));
    reader.nextBody("suback");
    reader.command(new JsonObject().put("op", "unsub").put("id", "s1"));
    reader.nextBody("unsuback");
    writer.command(pub("public/a", 1).put("mid", "m1"));
    writer.nextBody("puback");
    assertEquals(1, reader.nextBody("msg").getInteger("payload"));
    reader.command(new JsonObject().put("op", "unsub").put("id", "s2"));
    reader.nextBody("unsuback");
    writer.command(pub("public/a", 2).put("mid", "m2"));
    writer.nextBody("puback");
    reader.fence();
    reader.assertNone(f -> "msg".equals(BridgeClient.body(f).getString("op")), 200);
  }

  @Test
  @DisplayName(
      "three pages on one filter (kept once by the router): each gets a publish; after one unsubscribes and one"
          + " closes, the third still does")
  void threePagesOneFilter() throws Exception {
    List<BridgeClient> readers = List.of(page(), page(), page());
    BridgeClient writer = page();
    for (BridgeClient r : readers) {
      r.command(sub("1", "public/+/x"));
      assertTrue(r.nextBody("suback").getBoolean("granted"));
    }
    writer.command(pub("public/a/x", 1).put("mid", "m1"));
    writer.nextBody("puback");
    for (BridgeClient r : readers) {
      assertEquals(1, r.nextBody("msg").getInteger("payload"));
    }
    readers.get(0).command(new JsonObject().put("op", "unsub").put("id", "1"));
    readers.get(0).nextBody("unsuback");
    readers.get(1).close();
    writer.command(pub("public/b/x", 2).put("mid", "m2"));
    writer.nextBody("puback");
    assertEquals(2, readers.get(2).nextBody("msg").getInteger("payload"));
    readers.get(0).fence();
    readers.get(0).assertNone(f -> "msg".equals(BridgeClient.body(f).getString("op")), 200);
  }

  @Test
  @DisplayName(
      "a page with 40 subscriptions (more than the index keeps in a small array) gets each topic once and loses"
          + " each with its unsub")
  void manySubscriptionsOnePage() throws Exception {
    BridgeClient reader = page();
    BridgeClient writer = page();
    int n = 40;
    for (int i = 0; i < n; i++) {
      reader.command(sub("s" + i, "public/" + i));
      assertTrue(reader.nextBody("suback").getBoolean("granted"));
    }
    for (int i = 0; i < n; i += 2) {
      reader.command(new JsonObject().put("op", "unsub").put("id", "s" + i));
      reader.nextBody("unsuback");
    }
    for (int i = 0; i < n; i++) {
      writer.command(pub("public/" + i, i).put("mid", "m" + i));
      writer.nextBody("puback");
    }
    for (int i = 1; i < n; i += 2) {
      assertEquals(i, reader.nextBody("msg").getInteger("payload"));
    }
    reader.fence();
    reader.assertNone(f -> "msg".equals(BridgeClient.body(f).getString("op")), 200);
  }

  @Test
  @DisplayName(
      "bad topics are answered with an error naming the rule, and the connection keeps working")
  void badTopics() throws Exception {
    BridgeClient c = page();
    c.command(sub("a", "a/#/b"));
    JsonObject err = c.nextBody("err");
    assertEquals("invalid-topic", err.getString("code"));
    assertTrue(err.getString("message").contains("#"), err.encode());
    assertEquals("a", err.getString("ref"));
    c.command(sub("b", "~/local"));
    assertEquals("invalid-topic", c.nextBody("err").getString("code"));
    c.command(sub("c", "~other/x"));
    assertTrue(c.nextBody("err").getString("message").contains("other"));
    c.command(pub("public/+", 1));
    assertEquals("invalid-topic", c.nextBody("err").getString("code"));
    c.command(sub("d", "public/ok"));
    assertTrue(c.nextBody("suback").getBoolean("granted"));
  }

  @Test
  @DisplayName(
      "300 frames of types the bridge does not know, sent at once: 300 errors, not a line in the log")
  void unknownFrameTypesDoNotFillTheLog() throws Exception {
    BridgeClient c = page();
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      for (int i = 0; i < 300; i++) {
        c.sendFrame(new JsonObject()
            .put("type", "launch-" + i)
            .put("address", c.inbound())
            .put("body", new JsonObject()));
      }
      for (int i = 0; i < 300; i++) {
        assertEquals(
            "invalid_type", c.next(f -> "err".equals(f.getString("type"))).getString("body"));
      }
      c.command(sub("after", "public/x"));
      assertTrue(c.nextBody("suback").getBoolean("granted"), "the page goes on");
    } finally {
      System.setErr(err);
    }
    String logged = log.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertFalse(logged.contains("launch-"), "a client decides nothing that is logged: " + logged);
  }

  @Test
  @DisplayName("malformed frames get an error, never a stack trace, and change nothing")
  void malformedFrames() throws Exception {
    BridgeClient c = page();
    c.sendRaw("not json");
    assertEquals("err", c.next(f -> "err".equals(f.getString("type"))).getString("type"));
    c.sendRaw("{\"type\":\"send\",\"address\":\"" + c.inbound() + "\",\"body\":null}");
    assertEquals("bad-request", c.nextBody("err").getString("code"));
    c.command(new JsonObject().put("op", "launch"));
    assertTrue(c.nextBody("err").getString("message").contains("unknown op"));
    c.command(new JsonObject().put("op", "sub").put("id", 5).put("filter", "public/x"));
    assertEquals("bad-request", c.nextBody("err").getString("code"));
    c.command(new JsonObject().put("op", "pub").put("topic", "public/x").put("retain", "yes"));
    assertEquals("bad-request", c.nextBody("err").getString("code"));
    c.command(sub("ok", "public/x"));
    assertTrue(c.nextBody("suback").getBoolean("granted"));
  }

  @Test
  @DisplayName(
      "a socket may register only its own inbox and send only to its node's inbound address")
  void addressesAreGuarded() throws Exception {
    BridgeClient a = page();
    BridgeClient b = page();
    a.sendFrame(new JsonObject().put("type", "register").put("address", b.inbox()));
    assertEquals("err", a.next(f -> "err".equals(f.getString("type"))).getString("type"));
    a.sendFrame(new JsonObject().put("type", "register").put("address", "__vertx.reply.1"));
    a.next(f -> "err".equals(f.getString("type")));
    a.sendFrame(new JsonObject()
        .put("type", "send")
        .put("address", "sc.router.publish")
        .put("body", new JsonObject().put("topic", "public/x").put("payload", "forged")));
    a.next(f -> "err".equals(f.getString("type")));
    a.sendFrame(new JsonObject()
        .put("type", "publish")
        .put("address", a.inbound())
        .put("body", pub("public/x", "p")));
    a.next(f -> "err".equals(f.getString("type")));
    b.command(sub("s", "public/#"));
    b.nextBody("suback");
    b.fence();
    b.assertNone(f -> "msg".equals(BridgeClient.body(f).getString("op")), 200);
    a.sendFrame(new JsonObject().put("type", "register").put("address", a.inbox()));
    a.fence();
    a.assertNone(f -> "err".equals(f.getString("type")), 100);
  }

  @Test
  @DisplayName("spoofed headers are ignored: a command acts for the socket that sent it")
  void spoofedHeadersIgnored() throws Exception {
    BridgeClient victim = page();
    BridgeClient attacker = connect(); // no session of its own
    String victimConnection = victim.inbox().substring("sc.page.".length());
    attacker.sendFrame(new JsonObject()
        .put("type", "send")
        .put("address", attacker.inbound())
        .put("headers", new JsonObject().put("sc-conn", victimConnection))
        .put("body", sub("evil", "~pagesession/#")));
    assertEquals("no-session", attacker.nextBody("err").getString("code"));
    victim.fence();
    victim.assertNone(f -> "suback".equals(BridgeClient.body(f).getString("op")), 100);
  }

  @Test
  @DisplayName("a connection over the message rate gets rate-limited errors")
  void rateLimited() throws Exception {
    BridgeClient c = page();
    for (int i = 0; i < 150; i++) {
      c.command(sub("s" + i, "public/r" + i));
    }
    JsonObject limited = c.next(f -> "rate-limited".equals(BridgeClient.body(f).getString("code")));
    assertNotNull(limited);
  }

  @Test
  @DisplayName("a foreign origin cannot open the bridge")
  void foreignOriginRefused() {
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(
        Exception.class, () -> BridgeClient.connect(vertx, port, "https://evil.example"));
    assertNotNull(e);
  }

  @Test
  @DisplayName("at the session cap, hello is answered busy")
  void sessionCap() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    JsonObject conf =
        TestGateway.config(port).put("sessions", new JsonObject().put("maxSessions", 1));
    gateway = TestGateway.start(vertx, conf);
    page();
    BridgeClient second = connect();
    JsonObject answer = second.hello(TestGateway.SITE);
    assertEquals("busy", answer.getString("op"));
  }
}
