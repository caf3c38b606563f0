package org.siteconnect.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.bridge.DirectWebSocketQueue;

/** Issue 22: what strict thread mode and the direct WebSocket queue change, and what they must not. */
class StrictThreadModeTest {

  @Test
  void upgradedConnectionLeavesTheHttpTimers() {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.pipeline().addLast("httpDecoder", new HttpRequestDecoder());
    channel.pipeline().addLast("httpEncoder", new HttpResponseEncoder());
    HttpTimeouts.installOn(channel.pipeline(), 10, 60);
    assertNotNull(channel.pipeline().get(HttpTimeouts.REQUEST_PHASE));

    channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    assertNotNull(
        channel.pipeline().get(HttpTimeouts.FIRST_BYTE), "an HTTP answer keeps the timers");
    assertNotNull(channel.pipeline().get(HttpTimeouts.REQUEST_PHASE));

    channel.writeOutbound(
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS));
    assertNull(channel.pipeline().get(HttpTimeouts.FIRST_BYTE), "a WebSocket has no HTTP timers");
    assertNull(channel.pipeline().get(HttpTimeouts.REQUEST_PHASE));
    assertNotNull(channel.readOutbound(), "the 200 went out");
    assertNotNull(channel.readOutbound(), "the 101 went out");
    channel.finishAndReleaseAll();
  }

  /**
   * A raw SockJS WebSocket under strict mode gets the direct queue, and a burst written from its own event loop
   * arrives whole and in order (surefire runs with -ea: Vert.x asserts every write of a direct queue is on the
   * loop).
   */
  @Test
  void rawWebSocketGetsTheDirectQueueAndKeepsOrder() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      List<Boolean> installed = Collections.synchronizedList(new ArrayList<>());
      Router router = Router.router(vertx);
      router
          .route("/sock/*")
          .subRouter(
              SockJSHandler.create(vertx, new SockJSHandlerOptions()).socketHandler(socket -> {
                installed.add(DirectWebSocketQueue.install(socket));
                socket.handler(msg -> {
                  int n = Integer.parseInt(msg.toString());
                  for (int i = 0; i < n; i++) {
                    socket.write("m" + i);
                  }
                });
              }));
      HttpServer server = vertx
          .createHttpServer(new HttpServerOptions().setStrictThreadMode(true))
          .requestHandler(router)
          .listen(0, "127.0.0.1")
          .await(10, TimeUnit.SECONDS);
      WebSocketClient client = vertx.createWebSocketClient();
      int burst = 5000;
      CompletableFuture<List<String>> got = new CompletableFuture<>();
      List<String> received = new ArrayList<>();
      client
          .connect(new WebSocketConnectOptions()
              .setHost("127.0.0.1")
              .setPort(server.actualPort())
              .setURI("/sock/websocket"))
          .onSuccess(ws -> {
            ws.textMessageHandler(m -> {
              received.add(m);
              if (received.size() == burst) {
                got.complete(received);
              }
            });
            ws.writeTextMessage(String.valueOf(burst));
          })
          .onFailure(got::completeExceptionally);
      List<String> messages = got.get(30, TimeUnit.SECONDS);
      assertEquals(List.of(true), installed);
      for (int i = 0; i < burst; i++) {
        assertEquals("m" + i, messages.get(i));
      }
      assertTrue(messages.size() == burst);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
