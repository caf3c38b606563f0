package org.siteconnect.loadtest;

import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One client WebSocket of the harness (a page, the publisher or a churn client) and its protocol state. */
final class Conn {
  final int index;
  final Wire wire;
  final Meter meter;
  final List<String> initialTopics;
  final Promise<Void> ready = Promise.promise();
  ClientWebSocket ws;
  volatile boolean closed;

  // page protocol: the node's inbound address, subacks still expected, refused subscriptions
  String inbound;
  int pendingAcks;
  int refused;
  // MQTT: bytes of an incomplete packet, next packet id
  Buffer partial;
  int nextPacketId = 1;
  /** churn: subscription id or packet id → System.nanoTime() when sent. */
  final Map<Object, Long> waiting = new HashMap<>();

  Conn(int index, Wire wire, Meter meter, List<String> initialTopics) {
    this.index = index;
    this.wire = wire;
    this.meter = meter;
    this.initialTopics = initialTopics;
  }

  void text(String frame) {
    if (!closed) {
      ws.writeTextMessage(frame);
    }
  }

  void binary(Buffer frame) {
    if (!closed) {
      ws.writeBinaryMessage(frame);
    }
  }

  /** Fails the set-up, or once set up counts a protocol error. */
  void fail(String why) {
    if (!ready.tryFail(why)) {
      meter.error(why);
    }
  }

  void ackReceived(Object key) {
    Long sent = waiting.remove(key);
    if (sent != null) {
      long us = (System.nanoTime() - sent) / 1000;
      meter.churnAcks.recordValue(Math.min(Math.max(us, 0), Meter.MAX_MICROS));
    }
  }

  int packetId() {
    int id = nextPacketId;
    nextPacketId = id == 65535 ? 1 : id + 1;
    return id;
  }
}
