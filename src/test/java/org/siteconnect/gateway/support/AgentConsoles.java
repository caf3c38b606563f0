package org.siteconnect.gateway.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** An agent as the tests need it most: its console connected over the bridge and one button marked available. */
public final class AgentConsoles {
  private AgentConsoles() {}

  /** Connects a console with {@code token} and marks {@code button} ({@code site/id}) available; returns the console. */
  public static BridgeClient available(
      Vertx vertx, int port, Http http, String token, String button) throws Exception {
    BridgeClient console = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    console.command(new JsonObject().put("op", "agent-hello").put("token", token));
    console.nextBody("agent-session");
    Http.Response set = http.send(
        "PUT", "/api/v1/me/buttons/" + button, new JsonObject().put("available", true), token);
    assertEquals(200, set.status(), set.body());
    return console;
  }
}
