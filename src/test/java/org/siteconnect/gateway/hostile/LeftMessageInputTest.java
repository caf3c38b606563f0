package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

/** What a page puts in a left message is checked before it is stored: a bad field is the page's error, not ours. */
class LeftMessageInputTest {
  private static final String PASSWORD = "correct horse battery";
  private Vertx vertx;
  private Http http;
  private String admin;
  private BridgeClient page;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    int port = TestGateway.freePort();
    TestGateway.start(
        vertx, TestGateway.config(port), Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
    http = new Http(port);
    admin = http.login("admin", PASSWORD);
    page = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    page.hello(TestGateway.SITE);
    page.subscribe("all", "~pagesession/#");
  }

  @AfterEach
  void stop() throws Exception {
    page.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static JsonObject left(Object button) {
    return new JsonObject()
        .put("button_id", button)
        .put("name", "Ann")
        .put("contact", "ann@example.org")
        .put("text", "please call me");
  }

  private JsonObject answer() throws InterruptedException {
    return BridgeClient.body(page.next(x -> "msg".equals(BridgeClient.body(x).getString("op"))
            && BridgeClient.body(x)
                .getString("topic", "")
                .matches("~pagesession/chat/(left|error)")))
        .getJsonObject("payload");
  }

  private JsonArray stored() throws Exception {
    return new JsonArray(http.get("/api/v1/messages", admin).body());
  }

  @Test
  @DisplayName(
      "30 left messages with a 65-character or non-text button_id: bad-request each, nothing stored, nothing logged")
  void badButtonBurst() throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      for (int i = 0; i < 30; i++) {
        page.publish("~pagesession/chat/leave_message", left(i % 3 == 0 ? 42 : "b".repeat(65 + i)));
      }
      for (int i = 0; i < 30; i++) {
        assertEquals("bad-request", answer().getString("code"), "frame " + i);
      }
    } finally {
      System.setErr(err);
    }
    assertEquals("", log.toString(StandardCharsets.UTF_8), "a page's bad field logs nothing");
    assertEquals(0, stored().size());
    // The page's allowance is untouched: a good message is still taken.
    page.publish("~pagesession/chat/leave_message", left("sales"));
    assertEquals(true, answer().getBoolean("ok"));
    assertEquals("sales", stored().getJsonObject(0).getString("button"));
  }

  @Test
  @DisplayName(
      "a button_id that is no button of the site is stored as none (every agent of the site sees it); none is none")
  void unknownButtonIsNone() throws Exception {
    page.publish("~pagesession/chat/leave_message", left("nosuchbutton"));
    assertEquals(true, answer().getBoolean("ok"));
    page.publish("~pagesession/chat/leave_message", left(null));
    assertEquals(true, answer().getBoolean("ok"));
    JsonArray stored = stored();
    assertEquals(2, stored.size());
    for (Object o : stored) {
      assertEquals("", ((JsonObject) o).getString("button"), stored.encode());
    }
  }
}
