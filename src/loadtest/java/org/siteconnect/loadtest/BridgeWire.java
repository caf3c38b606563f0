package org.siteconnect.loadtest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Target 2: a plain Vert.x SockJS event-bus bridge ({@link RawBridgeServer}): pages {@code register} addresses and
 * publishers {@code publish} to them; no topic layer. MQTT topics map to addresses by replacing '/' with '.'.
 */
final class BridgeWire implements Wire {
  @Override
  public WebSocketConnectOptions options(int port) {
    return Wire.sameOrigin(port, "/eventbus/websocket");
  }

  static String address(String topic) {
    return topic.replace('/', '.');
  }

  @Override
  public void opened(Conn c) {
    for (String topic : c.initialTopics) {
      c.text("{\"type\":\"register\",\"address\":\"" + address(topic) + "\"}");
    }
    // The bridge does not ack a register: a round trip through an echo consumer proves they are all in place.
    String fence = "bench.fence." + c.index;
    c.text("{\"type\":\"register\",\"address\":\"" + fence + "\"}");
    c.text("{\"type\":\"send\",\"address\":\"" + RawBridgeServer.ECHO + "\",\"body\":{\"to\":\"" + fence + "\"}}");
  }

  @Override
  public void received(Conn c, Buffer m) {
    JsonObject frame = Wire.controlFrame(c, m, "raw bridge");
    if (frame == null) {
      return;
    }
    String address = frame.getString("address", "");
    if ("rec".equals(frame.getString("type")) && address.startsWith("bench.fence.")) {
      c.text("{\"type\":\"unregister\",\"address\":\"" + address + "\"}");
      c.ready.tryComplete();
    } else if ("err".equals(frame.getString("type"))) {
      c.fail("raw bridge err " + frame.encode());
    }
  }

  @Override
  public void subscribe(Conn c, String topic, String id) {
    c.text("{\"type\":\"register\",\"address\":\"" + address(topic) + "\"}");
  }

  @Override
  public void unsubscribe(Conn c, String topic, String id) {
    c.text("{\"type\":\"unregister\",\"address\":\"" + address(topic) + "\"}");
  }

  @Override
  public void publish(Conn c, String topic, String payloadJson) {
    c.text("{\"type\":\"publish\",\"address\":\"" + address(topic) + "\",\"body\":" + payloadJson + "}");
  }

  @Override
  public List<String> pageTopics(int i) {
    // no wildcards on the event bus: the chat-button state is one address per button
    return List.of(FANOUT, Wire.pairTopic(i / 2, i % 2 == 1), "bench/page/" + i,
        "public/chat_button/1/enabled", "bench/ps/" + i + "/show_frame");
  }
}
