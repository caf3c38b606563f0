package org.siteconnect.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayConfigTest {

  @Test
  @DisplayName("an empty config starts a working single node with every default")
  void defaults() {
    GatewayConfig c = GatewayConfig.from(new JsonObject());
    assertEquals(8080, c.http().port());
    assertEquals(6, c.sessions().codeLength());
    assertEquals(1200, c.sessions().codeTtlSeconds());
    assertTrue(c.bridge().pingTimeoutMs() >= 90_000);
    assertEquals("http://localhost:8080", c.http().publicOrigin());
    assertEquals(200, c.limits().socketsPerAddress());
    assertEquals(100, c.limits().sessionsPerAddress());
    assertEquals(32, c.topics().retainedPerSessionMaxMessages());
    assertEquals(10, c.http().headerTimeoutSeconds());
    assertEquals(60, c.http().idleTimeoutSeconds());
  }

  @Test
  @DisplayName("the shipped conf/config.json is valid and names the demo site")
  void shippedConfig() throws Exception {
    GatewayConfig c =
        GatewayConfig.from(new JsonObject(Files.readString(Path.of("conf/config.json"))));
    assertTrue(c.site("demo").isPresent());
  }

  @Test
  @DisplayName("a site's widget language (docs/I18N.md): optional, a language tag")
  void siteLanguage() {
    GatewayConfig c = GatewayConfig.from(
        new JsonObject("{\"sites\":[{\"key\":\"a\",\"lang\":\"pt-BR\"},{\"key\":\"b\"}]}"));
    assertEquals("pt-BR", c.site("a").orElseThrow().lang());
    assertEquals(
        null, c.site("b").orElseThrow().lang(), "left out: the browser's languages choose");
  }

  @ParameterizedTest(name = "{0} → {1}")
  @DisplayName("a bad value fails with the key named")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"http\":{\"port\":\"x\"}}                              | http.port",
        "{\"http\":{\"port\":70000}}                              | http.port",
        "{\"http\":{\"transport\":\"uring\"}}                      | http.transport",
        "{\"sessions\":{\"codeLength\":2}}                        | sessions.codeLength",
        "{\"bridge\":{\"pingTimeoutMs\":1000}}                    | bridge.pingTimeoutMs",
        "{\"sites\":[{\"key\":\"a\",\"origins\":[\"*\"]}]}        | sites[0].origins[0]",
        "{\"sites\":[{\"key\":\"a\",\"origins\":[\"https://a.example/\"]}]} | sites[0].origins[0]",
        "{\"sites\":[{\"key\":\"a\",\"origins\":[\"https://A.example\"]}]}  | sites[0].origins[0]",
        "{\"sites\":[{\"key\":\"a\",\"origins\":[\"HTTPS://a.example\"]}]}  | sites[0].origins[0]",
        "{\"sites\":[{\"key\":\"a\",\"origins\":[\"https://a.example:443\"]}]} | sites[0].origins[0]",
        "{\"sites\":[{\"key\":\"a\",\"origins\":[\"http://a.example:80\"]}]} | sites[0].origins[0]",
        "{\"sites\":[{\"key\":\"a\",\"origins\":[\"null\"]}]}               | sites[0].origins[0]",
        "{\"sites\":[{\"key\":\"a b\"}]}                          | sites[0].key",
        "{\"sites\":[{\"key\":\"a\"},{\"key\":\"a\"}]}            | sites[1].key",
        "{\"htp\":{}}                                             | htp",
        "{\"acl\":{\"subscribe\":[1]}}                            | acl.subscribe[0]",
        "{\"http\":{\"trustedProxies\":[\"lb.internal\"]}}        | http.trustedProxies[0]",
        "{\"http\":{\"trustedProxies\":[\"10.0.0.0/40\"]}}       | http.trustedProxies[0]",
        "{\"http\":{\"headerTimeoutSeconds\":0}}                | http.headerTimeoutSeconds",
        "{\"limits\":{\"socketsPerAddress\":0}}                 | limits.socketsPerAddress",
        "{\"limits\":{\"sessionPerAddress\":5}}                 | limits.sessionPerAddress",
        "{\"topics\":{\"retainedPerSessionMaxBytes\":-1}}       | topics.retainedPerSessionMaxBytes",
        "{\"sites\":[{\"key\":\"a\",\"lang\":\"German\"}]}        | sites[0].lang",
      })
  void badValueNamesKey(String json, String key) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> GatewayConfig.from(new JsonObject(json)));
    assertEquals(key, e.key(), e.getMessage());
    assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
  }

  @ParameterizedTest(name = "{0} → {1}")
  @DisplayName("a bad login or code-guessing limit fails with the key named")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"cobrowse\":{\"lockoutBaseSeconds\":60,\"lockoutMaxSeconds\":30}} | cobrowse.lockoutMaxSeconds",
        "{\"cobrowse\":{\"maxFailuresPerAgentHour\":0}}                   | cobrowse.maxFailuresPerAgentHour",
        "{\"agents\":{\"loginHashThreads\":0}}                            | agents.loginHashThreads",
        "{\"agents\":{\"loginHashesPerAddress\":0}}                       | agents.loginHashesPerAddress",
      })
  void badThrottleNamesKey(String json, String key) {
    badValueNamesKey(json, key);
  }

  @Test
  @DisplayName("environment variables override single keys")
  void envOverrides() {
    JsonObject json = new JsonObject();
    ConfigLoader.applyEnv(
        json, Map.of("SC_HTTP_PORT", "9191", "SC_HTTP_HOST", "127.0.0.1", "SC_TRANSPORT", "epoll"));
    GatewayConfig c = GatewayConfig.from(json);
    assertEquals("epoll", c.http().transport());
    assertEquals(9191, c.http().port());
    assertEquals("127.0.0.1", c.http().host());
    assertEquals("http://localhost:9191", c.http().publicOrigin());
  }

  @Test
  @DisplayName("a non-numeric port in the environment names the variable")
  void envBadPort() {
    ConfigException e = assertThrows(
        ConfigException.class,
        () -> ConfigLoader.applyEnv(new JsonObject(), Map.of("SC_HTTP_PORT", "eighty")));
    assertTrue(e.getMessage().contains("SC_HTTP_PORT"));
  }

  @Test
  @DisplayName("a config file that is not JSON fails with one clear line")
  void notJson(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path f = dir.resolve("c.json");
    Files.writeString(f, "{ nope");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(f.toString(), Map.of()));
    assertTrue(e.getMessage().contains("not a JSON object"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }
}
