package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.agent.AgentVerticle;
import org.siteconnect.gateway.bus.RandomIds;
import org.siteconnect.gateway.support.Eventually;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;

/**
 * A single sign-on callback needs no sign-in started, and each failed one is logged and audited: without a limit
 * anyone could fill the audit log with them. They count per client address (an IPv6 one by its /64) like failed
 * password logins, reserved as they arrive.
 */
class SsoCallbackFloodTest {
  private static final String PASSWORD = "correct horse battery";
  private static final int MAX_PER_ADDRESS = 5;
  private Vertx vertx;
  private int port;

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void start() {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    JsonObject config = TestGateway.config(port);
    config.getJsonObject("agents").put("loginMaxFailuresPerAddress", MAX_PER_ADDRESS);
    config.getJsonObject("http").put("trustedProxies", new JsonArray().add("127.0.0.1"));
    // Never reached: a callback whose state this gateway did not issue is refused before the
    // provider.
    config.put(
        "sso",
        new JsonObject()
            .put("issuer", "http://127.0.0.1:1/issuer")
            .put("clientId", "gateway")
            .put("mappings", new JsonArray().add(new JsonObject().put("value", "staff"))));
    TestGateway.start(vertx, config, Map.of(AgentVerticle.ADMIN_PASSWORD_ENV, PASSWORD));
  }

  private static String unknownState() {
    return RandomIds.urlSafe(24) + "." + (System.currentTimeMillis() / 1000 + 300);
  }

  @Test
  @DisplayName(
      "60 concurrent failed SSO callbacks from one IPv6 /64: 5 audited, 55 'locked'; another /64 still answered")
  void callbackFloodFromOneNetwork() throws Exception {
    start();
    try (Burst client = new Burst(vertx, port, null)) {
      List<Future<Burst.Answer>> flood = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String state = i % 3 == 0 ? "not-a-state-" + i : unknownState();
        flood.add(client.get(
            "/api/v1/sso/callback?code=x&state=" + state,
            Map.of("X-Forwarded-For", "2001:db8:1:2::" + Integer.toHexString(i + 1))));
      }
      List<Burst.Answer> answers = Burst.await(flood);
      Burst.Answer other = Burst.within(
          client.get(
              "/api/v1/sso/callback?code=x&state=" + unknownState(),
              Map.of("X-Forwarded-For", "2001:db8:9:9::1")),
          30,
          "a callback from another network");

      long locked =
          answers.stream().filter(a -> fragment(a).equals("sso-error=locked")).count();
      assertTrue(
          answers.stream().allMatch(a -> a.status() == 303),
          "every callback goes back to the console: " + Burst.statuses(answers));
      assertEquals(60 - MAX_PER_ADDRESS, locked, "only the limit's failures get through");
      assertEquals(303, other.status());
      assertFalse(
          fragment(other).equals("sso-error=locked"), "another network: " + fragment(other));
      assertTrue(fragment(other).startsWith("sso-error="), fragment(other));

      Http http = new Http(port);
      String admin = http.login("admin", PASSWORD);
      // Each audited refusal was sent before its answer; the locked ones send none.
      JsonArray audited = Eventually.until(
          "the refused callbacks' audit entries",
          Duration.ofSeconds(10),
          () -> ssoFailures(http, admin),
          entries -> entries.size() >= MAX_PER_ADDRESS + 1);
      assertEquals(MAX_PER_ADDRESS + 1, audited.size(), audited.encodePrettily());
    }
  }

  private static String fragment(Burst.Answer a) {
    String location = a.location() == null ? "" : a.location();
    int hash = location.indexOf('#');
    return hash < 0 ? "" : location.substring(hash + 1);
  }

  private static JsonArray ssoFailures(Http http, String admin) throws Exception {
    JsonArray all =
        new JsonArray(http.get("/api/v1/audit?action=login-failed", admin).body());
    JsonArray sso = new JsonArray();
    all.stream()
        .map(JsonObject.class::cast)
        .filter(e -> "sso".equals(e.getString("actor")))
        .forEach(sso::add);
    return sso;
  }
}
