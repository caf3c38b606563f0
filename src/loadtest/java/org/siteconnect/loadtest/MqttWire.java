package org.siteconnect.loadtest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketConnectOptions;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Target 3: mosquitto, MQTT 3.1.1 over WebSocket (subprotocol {@code mqtt}), QoS 0. */
final class MqttWire implements Wire {
  private final String clientPrefix = "lt" + Long.toString(System.nanoTime() & 0xFFFFFF, 36) + "-";

  @Override
  public WebSocketConnectOptions options(int port) {
    return Wire.loopback(port, "/mqtt").addSubProtocol("mqtt");
  }

  @Override
  public void opened(Conn c) {
    c.binary(Mqtt.connect(clientPrefix + c.index, 60));
  }

  @Override
  public void received(Conn c, Buffer m) {
    Mqtt.decode(c, m, (type, flags, b, from, to) -> packet(c, type, flags, b, from, to));
  }

  private void packet(Conn c, int type, int flags, Buffer b, int from, int to) {
    switch (type) {
      case Mqtt.PUBLISH -> {
        int topicLength = b.getUnsignedShort(from);
        int payload = from + 2 + topicLength + (((flags >> 1) & 3) > 0 ? 2 : 0);
        c.meter.scan(b, payload, to);
      }
      case Mqtt.CONNACK -> {
        int rc = b.getUnsignedByte(from + 1);
        if (rc != 0) {
          c.ready.tryFail("mosquitto CONNACK rc=" + rc);
          return;
        }
        c.pendingAcks = c.initialTopics.size();
        if (c.pendingAcks == 0) {
          c.ready.tryComplete();
        }
        for (String topic : c.initialTopics) {
          c.binary(Mqtt.subscribe(c.packetId(), topic));
        }
      }
      case Mqtt.SUBACK -> {
        Integer pid = b.getUnsignedShort(from);
        if (c.waiting.containsKey(pid)) {
          c.ackReceived(pid);
        } else {
          if (b.getUnsignedByte(from + 2) == 0x80) {
            c.refused++;
          }
          if (--c.pendingAcks == 0) {
            c.ready.tryComplete();
          }
        }
      }
      case Mqtt.UNSUBACK -> c.ackReceived(b.getUnsignedShort(from));
      case Mqtt.PINGRESP -> {
      }
      default -> c.meter.error("mosquitto: unexpected packet type " + type);
    }
  }

  @Override
  public void subscribe(Conn c, String topic, String id) {
    int pid = c.packetId();
    c.waiting.put(pid, System.nanoTime());
    c.binary(Mqtt.subscribe(pid, topic));
  }

  @Override
  public void unsubscribe(Conn c, String topic, String id) {
    int pid = c.packetId();
    c.waiting.put(pid, System.nanoTime());
    c.binary(Mqtt.unsubscribe(pid, topic));
  }

  @Override
  public void publish(Conn c, String topic, String payloadJson) {
    c.binary(Mqtt.publish(topic, payloadJson.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public void ping(Conn c) {
    c.binary(Mqtt.pingreq());
  }

  @Override
  public List<String> pageTopics(int i) {
    return List.of(FANOUT, Wire.pairTopic(i / 2, i % 2 == 1), "bench/page/" + i,
        "sites/" + PageWire.SITE + "/chat_button/+", "bench/ps/" + i + "/show_frame");
  }
}
