package org.siteconnect.gateway.sso;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IdTokenCheckTest {
  private static final long NOW = 1_800_000_000L;

  private static JsonObject token() {
    return new JsonObject()
        .put("iss", "https://idp.example")
        .put("aud", "gw")
        .put("exp", NOW + 300)
        .put("nonce", "n-123");
  }

  private static String refusal(JsonObject token) {
    ClaimMapping.Refused r = assertThrows(
        ClaimMapping.Refused.class,
        () -> IdTokenCheck.verify(token, "https://idp.example", "gw", "n-123", NOW));
    assertEquals("invalid-token", r.code());
    return r.getMessage();
  }

  @Test
  @DisplayName(
      "a token from the issuer, for this client, unexpired, with this sign-in's nonce passes")
  void good() {
    assertDoesNotThrow(
        () -> IdTokenCheck.verify(token(), "https://idp.example", "gw", "n-123", NOW));
    assertDoesNotThrow(() -> IdTokenCheck.verify(
        token().put("aud", new JsonArray().add("gw")), "https://idp.example", "gw", "n-123", NOW));
  }

  @Test
  @DisplayName("each wrong claim is refused, naming it (OIDC Core 3.1.3.7)")
  void refusals() {
    assertEquals("iss is not the configured issuer", refusal(token().put("iss", "https://evil")));
    assertEquals("aud does not name this client", refusal(token().put("aud", "other")));
    assertEquals(
        "several audiences and azp is not this client",
        refusal(token().put("aud", new JsonArray().add("gw").add("other"))));
    assertEquals("the id_token has expired", refusal(token().put("exp", NOW - 61)));
    JsonObject noExp = token();
    noExp.remove("exp");
    assertEquals("the id_token has expired", refusal(noExp));
    assertEquals(
        "the nonce is not the one this sign-in sent", refusal(token().put("nonce", "n-124")));
    assertEquals("the nonce is not the one this sign-in sent", refusal(token().putNull("nonce")));
    assertEquals("the provider sent no id_token", refusal(null));
  }

  @Test
  @DisplayName("a minute of clock skew is allowed on exp")
  void leeway() {
    assertDoesNotThrow(() -> IdTokenCheck.verify(
        token().put("exp", NOW - 59), "https://idp.example", "gw", "n-123", NOW));
  }
}
