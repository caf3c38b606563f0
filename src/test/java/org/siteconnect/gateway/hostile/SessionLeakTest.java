package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.Gateway;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.TestGateway;

/**
 * Issue 15.1: many hellos at once on one socket used to start a session each; the router kept the last, the
 * others stayed "connected" forever with their codes, and three such sockets held a 50-session gateway full.
 */
class SessionLeakTest {
  private static final int SOCKETS = 10;
  private static final int HELLOS = 90;
  private static final int TTL_SECONDS = 10;
  private Vertx vertx;
  private Gateway gateway;
  private int port;

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "90 hellos at once on each of 10 sockets: one session per socket, none left after the sockets close")
  void helloBurstLeavesNothing() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    gateway = TestGateway.start(
        vertx,
        TestGateway.config(port)
            .put(
                "sessions",
                new JsonObject().put("maxSessions", 50).put("codeTtlSeconds", TTL_SECONDS)));
    double baseline = sessions();
    List<BridgeClient> sockets = new ArrayList<>();
    for (int i = 0; i < SOCKETS; i++) {
      sockets.add(BridgeClient.connect(vertx, port, TestGateway.origin(port)));
    }
    JsonObject hello = new JsonObject().put("op", "hello").put("site", TestGateway.SITE);
    for (BridgeClient socket : sockets) {
      for (int i = 0; i < HELLOS; i++) {
        socket.command(hello); // written back to back: all in flight before the first answer
      }
    }
    int sessionFrames = 0;
    int busy = 0;
    for (BridgeClient socket : sockets) {
      for (int i = 0; i < HELLOS; i++) { // every hello gets one answer: session, busy or err
        String op = BridgeClient.body(socket.next(
                f -> BridgeClient.body(f).getString("op", "").matches("session|busy|err")))
            .getString("op");
        sessionFrames += "session".equals(op) ? 1 : 0;
        busy += "busy".equals(op) ? 1 : 0;
      }
    }
    double whileOpen = sessions() - baseline;
    sockets.forEach(BridgeClient::close);
    long closedAt = System.currentTimeMillis();
    long deadline = closedAt + (TTL_SECONDS + 8) * 1000L;
    while (sessions() > baseline && System.currentTimeMillis() < deadline) {
      Thread.sleep(100); // polling a gauge: there is no event to await
    }
    double left = sessions() - baseline;
    System.out.printf(
        "session leak: %d x %d hellos -> %d session answers, %d busy; %.0f sessions while open, %.0f "
            + "left %d ms after the sockets closed%n",
        SOCKETS,
        HELLOS,
        sessionFrames,
        busy,
        whileOpen,
        left,
        System.currentTimeMillis() - closedAt);
    assertEquals(
        0, left, "every session ends within sessions.codeTtlSeconds after its socket closed");
    assertEquals(SOCKETS, sessionFrames, "one session per socket, the other hellos are refused");
    assertEquals(SOCKETS, whileOpen, "the services hold one session per socket");

    BridgeClient fresh = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    JsonObject session = fresh.hello(TestGateway.SITE);
    assertEquals("session", session.getString("op"), "a new page still gets a session: " + session);
    assertTrue(session.getString("code").matches("\\d{6}"));
    fresh.close();
  }

  private double sessions() {
    return gateway.metrics().registry().find("sc_page_sessions").gauge().value();
  }
}
