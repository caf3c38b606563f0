package org.siteconnect.loadtest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketConnectOptions;

import java.util.List;

/**
 * One client protocol: how a harness connection opens, subscribes, publishes and reads deliveries. Topics are
 * given in MQTT form ({@code bench/fanout}); each wire maps them to its own names.
 */
interface Wire {
  String name();

  WebSocketConnectOptions options(int port);

  /** The WebSocket is open: start the protocol's handshake; complete {@link Conn#ready} when subscribed. */
  void opened(Conn c);

  /** One WebSocket message from the server. */
  void received(Conn c, Buffer message);

  void subscribe(Conn c, String topic, String id);

  void unsubscribe(Conn c, String topic, String id);

  void publish(Conn c, String topic, String payloadJson);

  void ping(Conn c);

  /** The realistic subscription set of page {@code i}: five filters (DESIGN §3.4 seed topics and the benchmark's). */
  List<String> pageTopics(int i);

  static String pairTopic(int pair, boolean sideB) {
    return "bench/pair/" + pair + "/" + (sideB ? "b" : "a");
  }

  String FANOUT = "bench/fanout";
}
