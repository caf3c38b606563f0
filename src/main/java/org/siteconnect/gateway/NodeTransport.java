package org.siteconnect.gateway;

import io.vertx.core.transport.Transport;
import org.siteconnect.gateway.config.ConfigException;

/**
 * The socket transport a node runs on ({@code http.transport}): Java NIO, or Netty's Linux epoll transport, which
 * the jar carries for x86-64. {@code auto} (the default) takes epoll where it loads and NIO elsewhere, so the jar
 * still starts on any OS; {@code epoll} named outright must load. With 10,000 pages epoll took 0.5–0.7× NIO's idle
 * CPU and 0.87× its broadcast p99 (src/loadtest/RESULTS.md); io_uring was measured too and gained nothing.
 */
final class NodeTransport {

  private NodeTransport() {}

  static Transport choose(String name) {
    return switch (name) {
      case "nio" -> Transport.NIO;
      case "epoll" -> required(Transport.EPOLL);
      case "auto" -> Transport.EPOLL.available() ? Transport.EPOLL : Transport.NIO;
      default -> throw new ConfigException("http.transport", "unknown transport '" + name + "'");
    };
  }

  static Transport required(Transport transport) {
    if (!transport.available()) {
      Throwable cause = transport.unavailabilityCause();
      throw new ConfigException(
          "http.transport",
          transport.name() + " cannot load on this machine"
              + (cause == null ? "" : ": " + cause.getMessage()));
    }
    return transport;
  }
}
