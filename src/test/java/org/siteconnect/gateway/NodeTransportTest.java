package org.siteconnect.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.siteconnect.gateway.config.ConfigException;

class NodeTransportTest {

  @Test
  @DisplayName("nio is Java's own transport")
  void nio() {
    assertSame(Transport.NIO, NodeTransport.choose("nio"));
  }

  @Test
  @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
  @DisplayName("on Linux x86-64 the jar's epoll transport loads, and auto (the default) takes it")
  void epollLoads() {
    assertTrue(
        Transport.EPOLL.available(), () -> "epoll: " + Transport.EPOLL.unavailabilityCause());
    assertSame(Transport.EPOLL, NodeTransport.choose("epoll"));
    assertSame(Transport.EPOLL, NodeTransport.choose("auto"));
  }

  @Test
  @DisplayName("a transport named outright that cannot load stops the start with the key named")
  void unavailableNamed() {
    Transport missing =
        new Transport() { // as Vert.x reports a native transport whose library did not load
          public String name() {
            return "epoll";
          }

          public boolean available() {
            return false;
          }

          public Throwable unavailabilityCause() {
            return new UnsatisfiedLinkError("no netty_transport_native_epoll in java.library.path");
          }

          public io.vertx.core.spi.transport.Transport implementation() {
            return null;
          }
        };
    ConfigException e = assertThrows(ConfigException.class, () -> NodeTransport.required(missing));
    assertEquals("http.transport", e.key());
    assertTrue(
        e.getMessage()
            .contains("epoll cannot load on this machine: no netty_transport_native_epoll"),
        e.getMessage());
  }
}
