package org.siteconnect.gateway.cobrowse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.ops.GatewayMetrics;
import org.siteconnect.gateway.support.OnContext;

/** The same-node relay's decisions on one node, with the leader's announcements published by hand. */
class LocalRelayTest {
  private static final String EVENTS = "~pagesession/cobrowsing/events";
  private static final String TOPIC = "$agents/acme/cobrowse/admin/cb1/events";

  private Vertx vertx;
  private Context ctx;
  private LocalRelay relay;
  private final List<Object> published = new ArrayList<>();
  private final List<JsonObject> told = new ArrayList<>();
  private boolean watched = true;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    ctx = vertx.getOrCreateContext();
    on(() -> {
      vertx.eventBus().<JsonObject>consumer(Addresses.COBROWSE_RELAYED, m -> told.add(m.body()));
      relay = new LocalRelay(vertx, new GatewayMetrics(), new LocalRelay.Router() {
        @Override
        public boolean watchedHere(String serverTopic) {
          return watched && TOPIC.equals(serverTopic);
        }

        @Override
        public void publish(String serverTopic, Object payload) {
          published.add(((JsonObject) payload).getInteger("seq"));
        }
      });
      return relay.start();
    });
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Runs on the relay's context and waits, so that every earlier message to it has been handled. */
  private <T> T on(Callable<T> action) throws Exception {
    return OnContext.call(ctx, action);
  }

  private void announce(List<String> sessions, String current, boolean set) throws Exception {
    on(() -> vertx
        .eventBus()
        .publish(
            Addresses.COBROWSE_RELAY_STATE,
            new JsonObject()
                .put("id", "cb1")
                .put("site", "acme")
                .put("login", "admin")
                .put("sessions", new JsonArray(sessions))
                .put("current", current)
                .put("set", set)));
    on(() -> null); // the announcement was delivered before this turn
  }

  private boolean batch(String sid, int seq, boolean full) throws Exception {
    return on(() -> relay.fromPage(
        sid, EVENTS, new JsonObject().put("seq", seq).put("full", full).put("rid", "r"), false));
  }

  @Test
  @DisplayName(
      "the recording tab's batches are relayed here; another tab's only from its full snapshot on, as the leader does")
  void tabsAsTheLeaderHasThem() throws Exception {
    announce(List.of("a", "b"), "a", true);
    assertTrue(batch("a", 1, false));
    assertTrue(batch("b", 2, false), "handled here: refused, as the leader would");
    assertTrue(batch("b", 3, true), "a full snapshot takes over");
    assertTrue(batch("b", 4, false));
    assertFalse(batch("x", 5, true), "not a tab of it: the leader's path (which refuses it)");
    assertEquals(List.of(1, 3, 4), published);
    on(() -> null);
    assertEquals(1, told.size(), "the leader hears of the full snapshot, without its events");
    assertEquals("b", told.get(0).getString("sid"));
    assertFalse(told.get(0).containsKey("events"));

    announce(
        List.of("a", "b", "c"),
        "a",
        false); // a tab joined; the leader has not heard of b's snapshot yet
    assertTrue(batch("b", 6, false), "the tab this node chose keeps recording");
    announce(List.of("a", "b", "c"), "c", true); // c's snapshot reached the leader on another node
    assertTrue(batch("b", 7, false));
    assertEquals(List.of(1, 3, 4, 6), published, "b is no longer the recording tab");
  }

  @Test
  @DisplayName(
      "the visitor's end drops the co-browse here at once; no agent here, a retained publish or a drop: the leader's path")
  void whenItIsNotHandledHere() throws Exception {
    announce(List.of("a"), "a", true);
    assertFalse(on(() -> relay.fromPage("a", EVENTS, new JsonObject().put("seq", 1), true)));
    watched = false;
    assertFalse(batch("a", 2, false), "the agent watches from another node");
    watched = true;
    assertFalse(on(() -> relay.fromPage(
        "a", "~pagesession/cobrowsing/end", new JsonObject().put("reason", "visitor"), false)));
    assertFalse(batch("a", 3, false), "stopped: nothing relayed here any more");
    announce(List.of("a"), "a", true);
    on(() -> {
      vertx
          .eventBus()
          .publish(
              Addresses.COBROWSE_RELAY_STATE, new JsonObject().put("id", "cb1").put("drop", true));
      return null;
    });
    on(() -> null);
    assertFalse(batch("a", 4, false), "withdrawn by the leader");
    assertEquals(List.of(), published);
  }
}
