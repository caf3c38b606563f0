package org.siteconnect.gateway.sso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.siteconnect.gateway.config.GatewayConfig;

class ClaimMappingTest {
  private static final List<GatewayConfig.SsoMapping> MAPPINGS = List.of(
      new GatewayConfig.SsoMapping("sc-admins", List.of("admin", "agent"), List.of("shop/sales")),
      new GatewayConfig.SsoMapping("sc-sales", List.of("agent"), List.of("shop/sales")),
      new GatewayConfig.SsoMapping("sc-support", List.of("agent"), List.of("shop/support")),
      new GatewayConfig.SsoMapping("sc-buttonless", List.of(), List.of("blog/help")));

  private static ClaimMapping mapping(String loginClaim, String claim) {
    return new ClaimMapping(new GatewayConfig.Sso(
        "IdP",
        "https://idp.example",
        "gw",
        null,
        List.of("openid"),
        loginClaim,
        claim,
        MAPPINGS,
        300,
        1000,
        20));
  }

  private static JsonObject claims(Object groups) {
    return new JsonObject()
        .put("sub", "248289761001")
        .put("name", "Jane Doe")
        .put("preferred_username", "jane")
        .put("groups", groups);
  }

  @Test
  @DisplayName(
      "roles and buttons are the union of every mapping whose value the claim holds, in config order")
  void unionOfMatches() throws Exception {
    ClaimMapping.Identity id = mapping("sub", "groups")
        .map(claims(new JsonArray().add("sc-support").add("sc-admins").add("other")));
    assertEquals("sso:248289761001", id.login());
    assertEquals("Jane Doe", id.name());
    assertEquals(List.of("admin", "agent"), id.roles());
    assertEquals(List.of("shop/sales", "shop/support"), id.buttons());
  }

  @Test
  @DisplayName("a claim holding one string matches like an array of one")
  void singleString() throws Exception {
    ClaimMapping.Identity id = mapping("sub", "groups").map(claims("sc-sales"));
    assertEquals(List.of("agent"), id.roles());
    assertEquals(List.of("shop/sales"), id.buttons());
  }

  @Test
  @DisplayName("a mapping that grants no role still makes an agent")
  void noRoleMeansAgent() throws Exception {
    assertEquals(
        List.of("agent"), mapping("sub", "groups").map(claims("sc-buttonless")).roles());
  }

  @ParameterizedTest(name = "groups {0} -> refused")
  @CsvSource(
      delimiter = '|',
      value = {"[\"marketing\"]", "[]", "\"SC-ADMINS\"", "[42, true]", "{\"sc-admins\": 1}", "null"
      })
  @DisplayName(
      "a user whose claim holds no mapped value (or no claim, or not strings) is refused: no-role")
  void refused(String groups) {
    Object value = new JsonObject("{\"g\": " + groups + "}").getValue("g");
    ClaimMapping.Refused r =
        assertThrows(ClaimMapping.Refused.class, () -> mapping("sub", "groups").map(claims(value)));
    assertEquals("no-role", r.code());
  }

  @Test
  @DisplayName("the mapped claim is configurable (roles instead of groups)")
  void otherClaim() throws Exception {
    JsonObject c = claims(new JsonArray().add("sc-admins")).put("roles", "sc-sales");
    assertEquals(List.of("agent"), mapping("sub", "roles").map(c).roles());
  }

  @Test
  @DisplayName(
      "the login comes from the configured claim; without it the user is refused: no-login-claim")
  void loginClaim() throws Exception {
    assertEquals(
        "sso:jane",
        mapping("preferred_username", "groups").map(claims("sc-sales")).login());
    ClaimMapping.Refused r = assertThrows(
        ClaimMapping.Refused.class, () -> mapping("email", "groups").map(claims("sc-sales")));
    assertEquals("no-login-claim", r.code());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "jane, sso:jane",
    "jane.doe@example.com, sso:jane.doe@example.com",
    "auth0|5f7c8ec7c33c6c004bbafe82, sso:~",
    "Ünïcode, sso:~",
    "0123456789012345678901234567890123456789012345678901234567890, sso:~"
  })
  @DisplayName(
      "a plain value is kept in the login; anything else becomes a digest (logins stay <= 64 characters)")
  void logins(String value, String prefix) {
    String login = ClaimMapping.login(value);
    assertTrue(login.startsWith(prefix), login);
    assertTrue(login.length() <= 64, login);
    assertEquals(login, ClaimMapping.login(value), "the same person gets the same login each time");
  }

  @Test
  @DisplayName(
      "the name falls back to preferred_username, email, then the login claim; at most 200 characters")
  void names() throws Exception {
    JsonObject c = new JsonObject().put("sub", "s1").put("groups", "sc-sales");
    assertEquals("s1", mapping("sub", "groups").map(c).name());
    assertEquals(
        "x@example.com",
        mapping("sub", "groups").map(c.copy().put("email", "x@example.com")).name());
    assertEquals(
        200,
        mapping("sub", "groups")
            .map(c.copy().put("name", "n".repeat(500)))
            .name()
            .length());
  }
}
