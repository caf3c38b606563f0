package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.TestGateway;

/**
 * {@code bridge.maxSubscriptionsPerSession} holds for the page session, whatever number of sockets hold it, and
 * the sockets one session may have are bounded too ({@code bridge.maxSocketsPerSession}).
 */
class SessionSubscriptionsTest {
  private static final int LIMIT = 10;
  private Vertx vertx;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port);
    config.put("bridge", new JsonObject().put("maxSubscriptionsPerSession", LIMIT));
    TestGateway.start(vertx, config);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private BridgeClient socket() throws Exception {
    return BridgeClient.connect(vertx, port, TestGateway.origin(port));
  }

  /** Sockets that all hold one page session: the first says hello, the others resume it. */
  private List<BridgeClient> sockets(int n) throws Exception {
    List<BridgeClient> out = new ArrayList<>();
    BridgeClient first = socket();
    String resume = first.hello(TestGateway.SITE).getString("resume");
    out.add(first);
    for (int i = 1; i < n; i++) {
      BridgeClient s = socket();
      assertTrue(s.hello(TestGateway.SITE, resume).getBoolean("resumed"), "socket " + i);
      out.add(s);
    }
    return out;
  }

  private static void sub(BridgeClient s, String id) {
    s.command(
        new JsonObject().put("op", "sub").put("id", id).put("filter", "~pagesession/x/" + id));
  }

  /** The answer to subscription {@code id}: true granted, false refused as too many. */
  private static boolean granted(BridgeClient s, String id) throws InterruptedException {
    JsonObject answer =
        BridgeClient.body(s.next(f -> id.equals(BridgeClient.body(f).getString("id"))
            || id.equals(BridgeClient.body(f).getString("ref"))));
    if ("suback".equals(answer.getString("op"))) {
      return answer.getBoolean("granted");
    }
    assertEquals("too-many-subscriptions", answer.getString("code"), answer.encode());
    return false;
  }

  @Test
  @DisplayName(
      "one session on 6 sockets sends 30 subscriptions at once: exactly the session's 10 are granted, the rest refused as too-many-subscriptions; an unsubscribe or a closed socket gives room back")
  void limitIsPerSession() throws Exception {
    List<BridgeClient> sockets = sockets(6);
    for (int i = 0; i < 5; i++) {
      for (int k = 0; k < sockets.size(); k++) {
        sub(sockets.get(k), "s" + k + "-" + i);
      }
    }
    int granted = 0;
    List<String> heldBySocket0 = new ArrayList<>();
    for (int k = 0; k < sockets.size(); k++) {
      for (int i = 0; i < 5; i++) {
        if (granted(sockets.get(k), "s" + k + "-" + i)) {
          granted++;
          if (k == 0) {
            heldBySocket0.add("s0-" + i);
          }
        }
      }
    }
    assertEquals(LIMIT, granted);

    BridgeClient holder = sockets.get(heldBySocket0.isEmpty() ? 1 : 0);
    BridgeClient other = sockets.get(2);
    sub(other, "late");
    assertTrue(!granted(other, "late"), "still full");
    if (!heldBySocket0.isEmpty()) {
      holder.command(new JsonObject().put("op", "unsub").put("id", heldBySocket0.get(0)));
      holder.nextBody("unsuback");
      sub(other, "after-unsub");
      assertTrue(granted(other, "after-unsub"), "an unsubscribe frees one");
    }
    // A socket that closes takes its subscriptions with it.
    int heldByLast = 0;
    BridgeClient last = sockets.get(5);
    for (int i = 0; i < 5; i++) {
      sub(last, "again-" + i);
      heldByLast += granted(last, "again-" + i) ? 1 : 0;
    }
    assertEquals(0, heldByLast, "the session is full");
    sockets.get(1).close();
    sockets.get(3).close();
    sockets.get(4).close();
    BridgeClient fresh = sockets.get(2);
    int[] attempt = {0};
    // The closes reach the router a moment later: closed sockets' subscriptions then no longer
    // count.
    org.siteconnect.gateway.support.Eventually.until(
        "a subscription granted once the sockets are closed",
        java.time.Duration.ofSeconds(5),
        () -> {
          String id = "freed-" + attempt[0]++;
          sub(fresh, id);
          return granted(fresh, id);
        },
        isGranted -> isGranted);
  }

  @Test
  @DisplayName(
      "a session is held by at most bridge.maxSocketsPerSession (8) sockets: a further resume gets a session of its own")
  void socketsPerSessionBounded() throws Exception {
    BridgeClient first = socket();
    JsonObject session = first.hello(TestGateway.SITE);
    int resumed = 1;
    for (int i = 1; i < 12; i++) {
      if (socket().hello(TestGateway.SITE, session.getString("resume")).getBoolean("resumed")) {
        resumed++;
      }
    }
    assertEquals(8, resumed);
  }
}
