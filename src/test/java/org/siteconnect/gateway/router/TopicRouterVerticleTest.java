package org.siteconnect.gateway.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.bus.TopicMessage;
import org.siteconnect.gateway.support.TestGateway;

/** The router's event-bus API for server components, on a real gateway node. */
@ExtendWith(VertxExtension.class)
class TopicRouterVerticleTest {

  @BeforeEach
  void deploy(Vertx vertx) {
    TestGateway.start(vertx, TestGateway.config(TestGateway.freePort()));
  }

  private static JsonObject sub(String filter, String address) {
    return new JsonObject().put("filter", filter).put("address", address);
  }

  private static JsonObject pub(String topic, Object payload, boolean retain) {
    return new JsonObject().put("topic", topic).put("payload", payload).put("retain", retain);
  }

  @Test
  @DisplayName("a wildcard subscriber gets every matching publish with its concrete topic")
  void wildcardDelivery(Vertx vertx, VertxTestContext ctx) {
    List<String> topics = new CopyOnWriteArrayList<>();
    Checkpoint two = ctx.checkpoint(2);
    vertx.eventBus().<TopicMessage>consumer("test.inbox", m -> {
      topics.add(m.body().topic());
      ctx.verify(() -> assertTrue(m.body().topic().startsWith("shop/")));
      two.flag();
    });
    vertx
        .eventBus()
        .request(Addresses.ROUTER_SUBSCRIBE, sub("shop/+/orders", "test.inbox"))
        .compose(ok ->
            vertx.eventBus().request(Addresses.ROUTER_PUBLISH, pub("shop/eu/orders", 1, false)))
        .compose(ok ->
            vertx.eventBus().request(Addresses.ROUTER_PUBLISH, pub("shop/eu/returns", 2, false)))
        .compose(ok ->
            vertx.eventBus().request(Addresses.ROUTER_PUBLISH, pub("shop/us/orders", 3, false)))
        .onFailure(ctx::failNow);
  }

  @Test
  @DisplayName("a shared subscription delivers each message to exactly one member of the group")
  void sharedOnce(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger a = new AtomicInteger();
    AtomicInteger b = new AtomicInteger();
    AtomicInteger total = new AtomicInteger();
    Runnable onMessage = () -> {
      if (total.incrementAndGet() == 6) {
        ctx.verify(() -> {
          assertEquals(3, a.get());
          assertEquals(3, b.get());
          ctx.completeNow();
        });
      }
    };
    vertx.eventBus().<TopicMessage>consumer("member.a", m -> {
      a.incrementAndGet();
      onMessage.run();
    });
    vertx.eventBus().<TopicMessage>consumer("member.b", m -> {
      b.incrementAndGet();
      onMessage.run();
    });
    var f = vertx
        .eventBus()
        .request(
            Addresses.ROUTER_SUBSCRIBE,
            sub("$share/testers/pagesession/+/chat/trigger", "member.a"))
        .compose(ok -> vertx
            .eventBus()
            .request(
                Addresses.ROUTER_SUBSCRIBE,
                sub("$share/testers/pagesession/+/chat/trigger", "member.b")));
    for (int i = 0; i < 6; i++) {
      int n = i;
      f = f.compose(ok -> vertx
          .eventBus()
          .request(Addresses.ROUTER_PUBLISH, pub("pagesession/s" + n + "/chat/trigger", n, false)));
    }
    f.onFailure(ctx::failNow);
  }

  @Test
  @DisplayName("a new subscriber gets the retained message of each matching topic")
  void retainedOnSubscribe(Vertx vertx, VertxTestContext ctx) {
    vertx
        .eventBus()
        .<TopicMessage>consumer(
            "late",
            m -> ctx.verify(() -> {
              assertEquals("site/acme/chat_button/sales/enabled", m.body().topic());
              assertTrue(m.body().retained());
              ctx.completeNow();
            }));
    vertx
        .eventBus()
        .request(Addresses.ROUTER_PUBLISH, pub("site/acme/chat_button/sales/enabled", true, true))
        .compose(
            ok -> vertx.eventBus().request(Addresses.ROUTER_SUBSCRIBE, sub("site/acme/#", "late")))
        .onFailure(ctx::failNow);
  }

  @Test
  @DisplayName("after unsubscribe nothing more is delivered")
  void unsubscribeStops(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger got = new AtomicInteger();
    vertx.eventBus().<TopicMessage>consumer("gone", m -> got.incrementAndGet());
    // A second subscriber proves the publish happened: when it has the message, "gone" would have
    // had it too.
    vertx
        .eventBus()
        .<TopicMessage>consumer(
            "witness",
            m -> ctx.verify(() -> {
              assertEquals(0, got.get());
              ctx.completeNow();
            }));
    vertx
        .eventBus()
        .request(Addresses.ROUTER_SUBSCRIBE, sub("a/b", "gone"))
        .compose(ok -> vertx.eventBus().request(Addresses.ROUTER_UNSUBSCRIBE, sub("a/b", "gone")))
        .compose(ok -> vertx.eventBus().request(Addresses.ROUTER_SUBSCRIBE, sub("a/b", "witness")))
        .compose(ok -> vertx.eventBus().request(Addresses.ROUTER_PUBLISH, pub("a/b", "x", false)))
        .onFailure(ctx::failNow);
  }

  @Test
  @DisplayName("a bad topic gets an error reply naming the rule and changes nothing")
  void badTopic(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger got = new AtomicInteger();
    vertx.eventBus().<TopicMessage>consumer("bad", m -> got.incrementAndGet());
    vertx
        .eventBus()
        .request(Addresses.ROUTER_SUBSCRIBE, sub("a/#/b", "bad"))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertEquals(400, ((ReplyException) err).failureCode());
          assertEquals("invalid-topic", ServiceError.from(err).code(), err.toString());
          vertx
              .eventBus()
              .request(Addresses.ROUTER_PUBLISH, pub("a/+", 1, false))
              .onComplete(ctx.failing(err2 -> ctx.verify(() -> {
                assertEquals("invalid-topic", ServiceError.from(err2).code(), err2.toString());
                vertx
                    .eventBus()
                    .<JsonObject>request(Addresses.ROUTER_PUBLISH, pub("a/x/b", 1, false))
                    .onComplete(ctx.succeeding(ok -> ctx.verify(() -> {
                      assertEquals(0, got.get());
                      ctx.completeNow();
                    })));
              })));
        })));
  }
}
