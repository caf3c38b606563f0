package org.siteconnect.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sso section and agents.localPasswords (docs/SSO.md). */
class SsoConfigTest {
  private static final String SITES =
      "\"sites\":[{\"key\":\"shop\",\"origins\":[],\"buttons\":[{\"id\":\"sales\"}]}]";

  private static JsonObject json(String sso) {
    return new JsonObject("{" + SITES + ",\"sso\":" + sso + "}");
  }

  @Test
  @DisplayName("left out, single sign-on is off and local passwords work")
  void offByDefault() {
    GatewayConfig c = GatewayConfig.from(new JsonObject());
    assertNull(c.sso());
    assertTrue(c.agents().localPasswords());
  }

  @Test
  @DisplayName("a minimal section gets its defaults; openid is always among the scopes")
  void defaults() {
    GatewayConfig.Sso sso = GatewayConfig.from(json("{\"issuer\":\"https://idp.example/\","
            + "\"clientId\":\"gw\",\"scopes\":[\"profile\"],\"mappings\":[{\"value\":\"g\"}]}"))
        .sso();
    assertEquals("https://idp.example/", sso.issuer(), "the issuer is kept exactly as written");
    assertEquals(List.of("openid", "profile"), sso.scopes());
    assertEquals("single sign-on", sso.providerName());
    assertEquals("sub", sso.loginClaim());
    assertEquals("groups", sso.claim());
    assertNull(sso.clientSecret(), "no secret: a public client");
    assertEquals(
        List.of(new GatewayConfig.SsoMapping("g", List.of("agent"), List.of())), sso.mappings());
    assertEquals(300, sso.loginTtlSeconds());
    assertEquals(1000, sso.maxPendingLogins());
  }

  @ParameterizedTest(name = "{0} → {1}")
  @DisplayName("a bad sso value fails with the key named")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"clientId\":\"gw\",\"mappings\":[]}                                    | sso.issuer",
        "{\"issuer\":\"idp.example\",\"clientId\":\"gw\",\"mappings\":[]}          | sso.issuer",
        "{\"issuer\":\"https://i\",\"mappings\":[]}                               | sso.clientId",
        "{\"issuer\":\"https://i\",\"clientId\":\"gw\"}                            | sso.mappings",
        "{\"issuer\":\"https://i\",\"clientId\":\"gw\",\"mappings\":[{\"value\":\"g\",\"roles\":[\"root\"]}]} | sso.mappings[0].roles[0]",
        "{\"issuer\":\"https://i\",\"clientId\":\"gw\",\"mappings\":[{\"value\":\"g\",\"buttons\":[\"shop/nope\"]}]} | sso.mappings[0].buttons",
        "{\"issuer\":\"https://i\",\"clientId\":\"gw\",\"mappings\":[],\"loginClaim\":\"nickname\"} | sso.loginClaim",
        "{\"issuer\":\"https://i\",\"clientId\":\"gw\",\"mappings\":[],\"loginTtlSeconds\":5} | sso.loginTtlSeconds",
      })
  void badValueNamesKey(String sso, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.from(json(sso)));
    assertEquals(key, e.key(), e.getMessage());
  }

  @Test
  @DisplayName("local passwords may only be switched off when single sign-on is configured")
  void localPasswordsOffNeedsSso() {
    ConfigException e = assertThrows(
        ConfigException.class,
        () -> GatewayConfig.from(new JsonObject("{\"agents\":{\"localPasswords\":false}}")));
    assertEquals("agents.localPasswords", e.key());
  }

  @Test
  @DisplayName("issuer, client id and secret, and local passwords come from the environment too")
  void env() {
    JsonObject json = new JsonObject("{" + SITES + ",\"sso\":{\"mappings\":[{\"value\":\"g\"}]}}");
    ConfigLoader.applyEnv(
        json,
        Map.of(
            "SC_SSO_ISSUER", "https://login.example.com",
            "SC_SSO_CLIENT_ID", "siteconnect",
            "SC_SSO_CLIENT_SECRET", "s3cret",
            "SC_LOCAL_PASSWORDS", "false"));
    GatewayConfig c = GatewayConfig.from(json);
    assertEquals("https://login.example.com", c.sso().issuer());
    assertEquals("siteconnect", c.sso().clientId());
    assertEquals("s3cret", c.sso().clientSecret());
    assertEquals(false, c.agents().localPasswords());
  }
}
