package org.siteconnect.loadtest;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/** The few MQTT 3.1.1 packets the harness needs (QoS 0 only), encoded and decoded by hand. */
final class Mqtt {
  static final int CONNACK = 2;
  static final int PUBLISH = 3;
  static final int SUBACK = 9;
  static final int UNSUBACK = 11;
  static final int PINGRESP = 13;

  private static final Buffer PINGREQ = Buffer.buffer(new byte[] {(byte) 0xC0, 0});

  private Mqtt() {}

  static Buffer connect(String clientId, int keepAliveSeconds) {
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    Buffer b = header(0x10, 10 + 2 + id.length);
    b.appendShort((short) 4).appendString("MQTT").appendByte((byte) 4).appendByte((byte) 0x02) // clean session
        .appendShort((short) keepAliveSeconds);
    b.appendShort((short) id.length).appendBytes(id);
    return b;
  }

  static Buffer subscribe(int packetId, String topic) {
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    Buffer b = header(0x82, 2 + 2 + t.length + 1);
    return b.appendShort((short) packetId).appendShort((short) t.length).appendBytes(t).appendByte((byte) 0);
  }

  static Buffer unsubscribe(int packetId, String topic) {
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    Buffer b = header(0xA2, 2 + 2 + t.length);
    return b.appendShort((short) packetId).appendShort((short) t.length).appendBytes(t);
  }

  static Buffer publish(String topic, byte[] payload) {
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    Buffer b = header(0x30, 2 + t.length + payload.length);
    return b.appendShort((short) t.length).appendBytes(t).appendBytes(payload);
  }

  static Buffer pingreq() {
    return PINGREQ.copy();
  }

  private static Buffer header(int first, int remaining) {
    Buffer b = Buffer.buffer(remaining + 5);
    b.appendByte((byte) first);
    int x = remaining;
    do {
      int digit = x % 128;
      x /= 128;
      if (x > 0) {
        digit |= 0x80;
      }
      b.appendByte((byte) digit);
    } while (x > 0);
    return b;
  }

  /** Receives complete packets: (type, flags, buffer, start of variable header, end). */
  interface Sink {
    void packet(int type, int flags, Buffer b, int from, int to);
  }

  /**
   * Splits a stream of WebSocket messages into MQTT packets; an incomplete tail is kept in {@link Conn#partial}.
   * The common case (whole packets in one message) copies nothing.
   */
  static void decode(Conn c, Buffer m, Sink sink) {
    Buffer buf = m;
    if (c.partial != null) {
      buf = c.partial.appendBuffer(m);
      c.partial = null;
    }
    int end = buf.length();
    int pos = 0;
    while (end - pos >= 2) {
      int first = buf.getUnsignedByte(pos);
      int i = pos + 1;
      int len = 0;
      int mult = 1;
      boolean complete = false;
      for (int n = 0; n < 4 && i < end; n++) {
        int d = buf.getUnsignedByte(i++);
        len += (d & 0x7F) * mult;
        mult *= 128;
        if ((d & 0x80) == 0) {
          complete = true;
          break;
        }
      }
      if (!complete || i + len > end) {
        break;
      }
      sink.packet(first >>> 4, first & 0x0F, buf, i, i + len);
      pos = i + len;
    }
    if (pos < end) {
      c.partial = buf.getBuffer(pos, end);
    }
  }
}
