package org.siteconnect.loadtest;

import java.io.IOException;

/** A server kind and the wire its clients speak. */
record Target(String name, Wire wire) {
  static Target of(String name) {
    return switch (name) {
      case "gateway", "gateway-before", "gateway-cluster", "gateway-cluster-before" -> new Target(name, new PageWire());
      case "raw-bridge" -> new Target(name, new BridgeWire());
      case "floor" -> new Target(name, new PageWire()); // src/loadtest/floor/floor.c speaks the page protocol
      case "mosquitto" -> new Target(name, new MqttWire());
      default -> throw new IllegalArgumentException("unknown target " + name);
    };
  }

  Server start(Options opt, int port, boolean profiling) throws IOException {
    return switch (name) {
      case "gateway", "gateway-before" -> Server.gateway(opt, name, port, profiling, false);
      case "gateway-cluster" -> Server.gatewayCluster(opt, port, port + 2); // Hazelcast on port + 1, port + 3
      case "gateway-cluster-before" -> Server.gatewayCluster(opt, port, port + 2, opt.beforeJar, false);
      case "raw-bridge" -> Server.rawBridge(opt, port, profiling);
      case "floor" -> Server.floor(opt, port);
      default -> Server.mosquitto(opt, port);
    };
  }
}
