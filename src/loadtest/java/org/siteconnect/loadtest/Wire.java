package org.siteconnect.loadtest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One client protocol: how a harness connection opens, subscribes, publishes and reads deliveries. Topics are
 * given in MQTT form ({@code bench/fanout}); each wire maps them to its own names.
 */
interface Wire {
  WebSocketConnectOptions options(int port);

  /** The WebSocket is open: start the protocol's handshake; complete {@link Conn#ready} when subscribed. */
  void opened(Conn c);

  /** One WebSocket message from the server. */
  void received(Conn c, Buffer message);

  void subscribe(Conn c, String topic, String id);

  void unsubscribe(Conn c, String topic, String id);

  void publish(Conn c, String topic, String payloadJson);

  /** The SockJS bridge's ping frame (gateway and raw bridge); MQTT sends PINGREQ instead. */
  default void ping(Conn c) {
    c.text("{\"type\":\"ping\"}");
  }

  /** The realistic subscription set of page {@code i}: five filters (DESIGN §3.4 seed topics and the benchmark's). */
  List<String> pageTopics(int i);

  /** Connect options for the server on loopback port {@code port}, path {@code uri}. */
  static WebSocketConnectOptions loopback(int port, String uri) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
  }

  /** The same, with the Origin header of a page served by that server (the SockJS bridges check it). */
  static WebSocketConnectOptions sameOrigin(int port, String uri) {
    return loopback(port, uri).addHeader("Origin", "http://127.0.0.1:" + port);
  }

  /**
   * A JSON wire's control frame, or null when {@code m} was a delivery (recorded by the meter) or is not JSON
   * (counted as an error of {@code who}).
   */
  static JsonObject controlFrame(Conn c, Buffer m, String who) {
    if (c.meter.scan(m, 0, m.length())) {
      return null;
    }
    try {
      return m.toJsonObject();
    } catch (RuntimeException e) {
      c.meter.error(who + ": not JSON: " + m);
      return null;
    }
  }

  static String pairTopic(int pair, boolean sideB) {
    return "bench/pair/" + pair + "/" + (sideB ? "b" : "a");
  }

  String FANOUT = "bench/fanout";
}
