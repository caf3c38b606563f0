package org.siteconnect.loadtest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Target 1: the gateway's page protocol (docs/PROTOCOL.md) on the raw {@code /eventbus/websocket} endpoint, reading
 * batch frames ({@code ?batch=1}) as frame.js does.
 */
final class PageWire implements Wire {
  static final String SITE = "bench";

  @Override
  public WebSocketConnectOptions options(int port) {
    return Wire.sameOrigin(port, "/eventbus/websocket?batch=1");
  }

  @Override
  public void opened(Conn c) {
    // the server speaks first: the welcome frame names the inbound address
  }

  @Override
  public void received(Conn c, Buffer m) {
    if (m.length() > 0 && m.getByte(0) == '[') {
      // a batch: every sample in it is recorded by one scan; control frames inside are read one by one
      if (c.meter.scanAll(m, 0, m.length()) == 0) {
        for (Object f : new io.vertx.core.json.JsonArray(m)) {
          if (f instanceof JsonObject o) {
            received(c, o.toBuffer());
          }
        }
      }
      return;
    }
    JsonObject frame = Wire.controlFrame(c, m, "gateway");
    if (frame == null) {
      return;
    }
    JsonObject body = frame.getValue("body") instanceof JsonObject o ? o : new JsonObject();
    if ("err".equals(frame.getString("type"))) {
      c.fail("bridge err " + frame.encode());
      return;
    }
    String op = body.getString("op", "");
    switch (op) {
      case "welcome" -> {
        c.inbound = body.getString("send");
        command(c, new JsonObject().put("op", "hello").put("site", SITE));
      }
      case "session" -> {
        c.pendingAcks = c.initialTopics.size();
        if (c.pendingAcks == 0) {
          c.ready.tryComplete();
        }
        for (int i = 0; i < c.initialTopics.size(); i++) {
          subscribe(c, c.initialTopics.get(i), "s" + i);
        }
      }
      case "suback" -> {
        String id = body.getString("id", "");
        if (id.startsWith("x")) {
          c.ackReceived(id);
        } else {
          if (!body.getBoolean("granted", false)) {
            c.refused++;
          }
          if (--c.pendingAcks == 0) {
            c.ready.tryComplete();
          }
        }
      }
      case "unsuback" -> c.ackReceived(body.getString("id", ""));
      case "busy", "err" -> c.fail("gateway " + body.encode());
      default -> {
        // other server pushes (code, retained chat-button state) cost the same JSON parse for every target
      }
    }
  }

  private static void command(Conn c, JsonObject body) {
    c.text(new JsonObject().put("type", "send").put("address", c.inbound).put("body", body).encode());
  }

  @Override
  public void subscribe(Conn c, String topic, String id) {
    if (id.startsWith("x")) {
      c.waiting.put(id, System.nanoTime());
    }
    c.text("{\"type\":\"send\",\"address\":\"" + c.inbound + "\",\"body\":{\"op\":\"sub\",\"id\":\"" + id
        + "\",\"filter\":\"" + topic + "\"}}");
  }

  @Override
  public void unsubscribe(Conn c, String topic, String id) {
    c.waiting.put(id, System.nanoTime());
    c.text("{\"type\":\"send\",\"address\":\"" + c.inbound + "\",\"body\":{\"op\":\"unsub\",\"id\":\"" + id + "\"}}");
  }

  @Override
  public void publish(Conn c, String topic, String payloadJson) {
    c.text("{\"type\":\"send\",\"address\":\"" + c.inbound + "\",\"body\":{\"op\":\"pub\",\"topic\":\"" + topic
        + "\",\"payload\":" + payloadJson + "}}");
  }

  @Override
  public List<String> pageTopics(int i) {
    return List.of(FANOUT, Wire.pairTopic(i / 2, i % 2 == 1), "bench/page/" + i,
        "$sites/" + SITE + "/chat_button/+", "~pagesession/show_frame");
  }
}
