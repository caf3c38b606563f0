package org.siteconnect.gateway.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.TestGateway;

/** Left-message notices are coalesced: at most one per site in mail.notifyIntervalSeconds. */
class LeftMessageNoticesTest {
  private Vertx vertx;
  private SmtpSink smtp;
  private final List<BridgeClient> pages = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    pages.forEach(BridgeClient::close);
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    smtp.close();
  }

  @Test
  @DisplayName(
      "ten messages left at once: one notice at once, one notice with the other nine at the interval's end, no more")
  void coalesced() throws Exception {
    smtp = new SmtpSink();
    vertx = Vertx.vertx();
    int port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port)
        .put(
            "mail",
            new JsonObject()
                .put("host", "127.0.0.1")
                .put("port", smtp.port)
                .put("tls", "none")
                .put("from", "chat@acme.test")
                .put("notifyIntervalSeconds", 2)
                .put(
                    "notify",
                    new JsonArray()
                        .add(new JsonObject()
                            .put("site", TestGateway.SITE)
                            .put("to", new JsonArray().add("support@acme.test")))));
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, "a long password"));
    for (int i = 0; i < 10; i++) {
      BridgeClient p = BridgeClient.connect(vertx, port, TestGateway.origin(port));
      pages.add(p);
      p.hello(TestGateway.SITE);
      p.subscribe("all", "~pagesession/#");
    }
    for (int i = 0; i < pages.size(); i++) {
      pages
          .get(i)
          .publish(
              "~pagesession/chat/leave_message",
              new JsonObject()
                  .put("name", "Visitor " + i)
                  .put("contact", "v" + i + "@example.org")
                  .put("text", "message number " + i));
    }
    for (BridgeClient p : pages) {
      p.nextPayload("~pagesession/chat/left", x -> true, 5_000);
    }
    JsonObject first = smtp.next(5_000);
    assertNotNull(first, "the first message is notified at once");
    JsonObject rest = smtp.next(5_000);
    assertNotNull(rest, "the others come together at the interval's end");
    assertTrue(rest.getString("subject").contains("9 new messages"), rest.getString("subject"));
    for (int i = 0; i < 10; i++) {
      String text = "message number " + i;
      assertTrue(
          first.getString("text").contains(text) ^ rest.getString("text").contains(text),
          "each message is in exactly one notice: " + text);
    }
    assertNull(smtp.next(3_000), "no further notice");
    assertEquals(0, smtp.received());
  }
}
