package org.siteconnect.gateway.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** config.schema.json is the one source: conf/config.json, docs/CONFIGURATION.md's table and the env overrides agree with it. */
class ConfigSchemaTest {
  private static final Pattern ENV_VAR = Pattern.compile("`(SC_[A-Z_]+)`");

  private static Map<String, ConfigSchema.Key> schemaKeys() {
    Map<String, ConfigSchema.Key> keys = new LinkedHashMap<>();
    ConfigSchema.keys().forEach(k -> keys.put(k.name(), k));
    return keys;
  }

  private static JsonObject shipped() throws Exception {
    return new JsonObject(Files.readString(Path.of("conf/config.json")));
  }

  /** Leaves of nested objects, as the schema counts keys: an array is one key. */
  private static Map<String, Object> leaves(
      JsonObject json, String prefix, Map<String, Object> into) {
    json.forEach(e -> {
      if (e.getValue() instanceof JsonObject o) {
        leaves(o, prefix + e.getKey() + ".", into);
      } else {
        into.put(prefix + e.getKey(), e.getValue());
      }
    });
    return into;
  }

  @Test
  @DisplayName(
      "conf/config.json validates against the schema and holds exactly its keys, each at the schema's default")
  void shippedConfigMatchesSchema() throws Exception {
    JsonObject shipped = shipped();
    ConfigSchema.validate(shipped);
    Map<String, Object> inFile = leaves(shipped, "", new LinkedHashMap<>());
    Map<String, ConfigSchema.Key> schema = schemaKeys();
    Set<String> expected = schema.values().stream()
        .filter(k -> !k.optional())
        .map(ConfigSchema.Key::name)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(
        expected, new TreeSet<>(inFile.keySet()), "keys of conf/config.json vs config.schema.json");
    inFile.forEach((key, value) -> {
      JsonObject s = schema.get(key).schema();
      if (s.containsKey("default") && !s.getBoolean("x-conf-example", false)) {
        assertEquals(
            s.getValue("default"),
            value,
            "conf/config.json's " + key + " is not the schema's default");
      }
    });
  }

  @Test
  @DisplayName("the jar embeds conf/config.json itself as its defaults")
  void embeddedDefaultsAreTheSameFile() throws Exception {
    try (InputStream in = ConfigLoader.class.getResourceAsStream("/conf/config.json")) {
      assertNotNull(in);
      assertArrayEquals(Files.readAllBytes(Path.of("conf/config.json")), in.readAllBytes());
    }
  }

  @Test
  @DisplayName("every schema key has a description, and each env var overrides one key")
  void schemaIsDocumented() {
    Set<String> vars = new TreeSet<>();
    for (ConfigSchema.Key k : ConfigSchema.keys()) {
      assertFalse(
          k.schema().getString("description", "").isBlank(), k.name() + " has no description");
      if (k.env() != null) {
        assertTrue(vars.add(k.env()), k.env() + " overrides two keys");
      }
    }
    assertTrue(vars.contains("SC_HTTP_PORT") && vars.contains("SC_TRANSPORT"), vars.toString());
  }

  /** One row of the Configuration table (docs/CONFIGURATION.md): its keys (`a.b` / `c` means a.b, a.c), defaults and env vars. */
  private record Row(String line, List<String> keys, List<String> defaults, Set<String> envVars) {}

  private static List<Row> readmeRows() throws Exception {
    String readme = Files.readString(Path.of("docs/CONFIGURATION.md"));
    int start = readme.indexOf("# Configuration");
    int end = readme.indexOf("\n## ", start + 1);
    end = end < 0 ? readme.length() : end;
    List<Row> rows = new ArrayList<>();
    for (String line :
        readme.substring(start, end).lines().filter(l -> l.startsWith("| `")).toList()) {
      String[] cells = line.split("\\|");
      List<String> keys = new ArrayList<>();
      String parent = "";
      for (String part : cells[1].strip().split(" / ")) {
        String name = part.strip().replace("`", "").replace("[]", "");
        if (keys.isEmpty() || name.contains(".")) {
          parent = name.substring(0, name.lastIndexOf('.') + 1);
          keys.add(name);
        } else {
          keys.add(parent + name);
        }
      }
      List<String> defaults = keys.size() == 1
          ? List.of(cells[2].strip())
          : Arrays.stream(cells[2].split(" / ")).map(String::strip).toList();
      Set<String> vars = new TreeSet<>();
      Matcher m = ENV_VAR.matcher(cells[3]);
      while (m.find()) {
        vars.add(m.group(1));
      }
      rows.add(new Row(line, keys, defaults, vars));
    }
    return rows;
  }

  /** How the README writes a key's default: the schema's x-default text, else the default in backticks, else none. */
  private static String readmeDefault(JsonObject s) {
    if (s.containsKey("x-default")) {
      return s.getString("x-default");
    }
    if (!s.containsKey("default")) {
      return "none";
    }
    Object d = s.getValue("default");
    return "`" + (d instanceof String str ? str : Json.encode(d)) + "`";
  }

  @Test
  @DisplayName(
      "docs/CONFIGURATION.md's table lists exactly the schema's keys, with the schema's defaults and env vars")
  void readmeTableMatchesSchema() throws Exception {
    Map<String, ConfigSchema.Key> schema = schemaKeys();
    Map<String, Integer> listed = new HashMap<>();
    for (Row row : readmeRows()) {
      assertEquals(row.keys().size(), row.defaults().size(), "one default per key: " + row.line());
      Set<String> vars = new TreeSet<>();
      for (int i = 0; i < row.keys().size(); i++) {
        String key = row.keys().get(i);
        ConfigSchema.Key k = schema.get(key);
        assertNotNull(k, "README lists " + key + ", which the schema does not have");
        listed.merge(key, 1, Integer::sum);
        assertEquals(
            readmeDefault(k.schema()), row.defaults().get(i), "README's default of " + key);
        if (k.env() != null) {
          vars.add(k.env());
        }
      }
      assertEquals(vars, row.envVars(), "README's env vars of " + row.keys());
    }
    assertEquals(
        new TreeSet<>(schema.keySet()),
        new TreeSet<>(listed.keySet()),
        "README keys vs schema keys");
    listed.forEach((key, times) -> assertEquals(1, times, key + " is listed twice"));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @DisplayName("what the schema refuses is one line naming the key")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"sessions\":{\"codeLength\":2}}         | config key 'sessions.codeLength': must be between 4 and 12 (got 2)",
        "{\"http\":{\"port\":\"x\"}}               | config key 'http.port': must be a whole number",
        "{\"http\":{\"port\":80.5}}                | config key 'http.port': must be a whole number",
        "{\"http\":{\"transport\":\"uring\"}}       | config key 'http.transport': must be one of auto, nio, epoll",
        "{\"http\":{\"host\":\" \"}}                | config key 'http.host': must not be empty",
        "{\"topics\":{\"retainedMaxBytes\":-1}}    | config key 'topics.retainedMaxBytes': must be at least 0 (got -1)",
        "{\"cluster\":{\"enabled\":\"yes\"}}        | config key 'cluster.enabled': must be true or false",
        "{\"cluster\":{\"members\":[\"a b\"]}}      | config key 'cluster.members[0]': must be host, host:port or host:from-to",
        "{\"chat\":{\"retention\":1}}              | config key 'chat.retention': unknown key (allowed here: maxMessageBytes, maxMessagesPerMinute, retentionDays, visitorGraceSeconds, cannedPerSite, cannedMaxBytes, cannedShortcutMaxLength, requestsPerSessionHour, requestsPerAddressHour, maxWaitingPerSite, leftMessagesPerSessionHour, leftMessagesPerAddressHour, maxLeftMessagesPerSite, typingPerSecond, exportPageMaxBytes)",
        "{\"sites\":[{\"name\":\"x\"}]}            | config key 'sites[0].key': is required",
        "{\"sites\":{}}                            | config key 'sites': must be an array of objects",
        "{\"sites\":[{\"key\":\"a\",\"buttons\":[{\"id\":\"b\",\"x\":1}]}]} | config key 'sites[0].buttons[0].x': unknown key (allowed here: id, name)",
        "{\"sites\":[{\"key\":\"a\",\"widget\":{\"color\":\"red\"}}]} | config key 'sites[0].widget.color': must be a colour #rgb or #rrggbb",
        "{\"sites\":[{\"key\":\"a\",\"widget\":{\"logoUrl\":\"http://x.example/l.png\"}}]} | config key 'sites[0].widget.logoUrl': must be an https:// URL or a path on the gateway (/...)",
        "{\"sites\":[{\"key\":\"a\",\"widget\":{\"avatar\":\"//x.example/a.png\"}}]} | config key 'sites[0].widget.avatar': must be an https:// URL or a path on the gateway (/...)",
        "{\"sites\":[{\"key\":\"a\",\"widget\":{\"position\":\"top\"}}]} | config key 'sites[0].widget.position': must be one of right, left",
        "{\"sites\":[{\"key\":\"a\",\"widget\":{\"button\":\"x\"}}]} | config key 'sites[0].widget.button': must be one of the site's buttons (got 'x')",
        "{\"ops\":{\"metricsToken\":\"short\"}}     | config key 'ops.metricsToken': must be at least 16 characters (or left out to turn /metrics off)",
        "{\"api\":{\"keys\":[{\"name\":\"n\",\"sha256\":\"AB\"}]}} | config key 'api.keys[0].sha256': must be the 64-hex-digit SHA-256 of the key (sha256sum)",
        "{\"data\":{\"postgres\":{\"poolSize\":0}}} | config key 'data.postgres.poolSize': must be between 1 and 256 (got 0)",
      })
  void schemaErrorIsOneLineNamingTheKey(String json, String message) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> GatewayConfig.from(new JsonObject(json)));
    assertEquals(message, e.getMessage());
  }

  @Test
  @DisplayName(
      "env overrides take their types from the schema: strings stay strings, arrays split on commas")
  void envTypedBySchema() {
    JsonObject json = new JsonObject();
    ConfigLoader.applyEnv(
        json,
        Map.of(
            "SC_TRANSPORT",
            "nio",
            "SC_CLUSTER_MEMBERS",
            "10.0.0.1:5701, 10.0.0.2",
            "SC_CLUSTER",
            "false",
            "SC_PG_PASSWORD",
            "12345",
            "SC_METRICS_TOKEN",
            "0123456789abcdef0123"));
    GatewayConfig c = GatewayConfig.from(json);
    assertEquals("nio", c.http().transport());
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2"), c.cluster().members());
    assertEquals("12345", c.data().postgres().password());
    assertEquals("0123456789abcdef0123", c.ops().metricsToken());
  }

  @ParameterizedTest(name = "{0}={1}")
  @DisplayName("a bad env value names the variable and the key")
  @CsvSource({
    "SC_HTTP_PORT, abc, http.port",
    "SC_PG_PORT, 5432x, data.postgres.port",
    "SC_SESSIONS_PER_ADDRESS, many, limits.sessionsPerAddress",
    "SC_CLUSTER, yes, cluster.enabled",
  })
  void badEnvValue(String var, String value, String key) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(var, value)));
    assertEquals(key, e.key());
    assertTrue(
        e.getMessage().contains(var) && e.getMessage().contains("'" + value + "'"), e.getMessage());
  }

  @Test
  @DisplayName("every x-env variable is typed by its key's schema type, not by the key's name")
  void everyEnvVarTypedBySchema() {
    for (ConfigSchema.Key k : ConfigSchema.keys()) {
      if (k.env() == null) {
        continue;
      }
      String type = k.schema().getString("type");
      JsonObject json = new JsonObject();
      if (type.equals("string")) {
        ConfigLoader.applyEnv(json, Map.of(k.env(), "8080"));
        assertEquals("8080", valueAt(json, k.name()), k.env() + " must stay a string");
      } else if (type.equals("array")) {
        ConfigLoader.applyEnv(json, Map.of(k.env(), "a,b"));
        assertEquals(
            new io.vertx.core.json.JsonArray().add("a").add("b"), valueAt(json, k.name()), k.env());
      } else {
        ConfigException e = assertThrows(
            ConfigException.class,
            () -> ConfigLoader.applyEnv(json, Map.of(k.env(), "x1")),
            k.env() + " (" + type + ") must refuse x1");
        assertEquals(k.name(), e.key());
        assertTrue(e.getMessage().contains(k.env()), e.getMessage());
      }
    }
  }

  private static Object valueAt(JsonObject json, String key) {
    Object v = json;
    for (String part : key.split("\\.")) {
      v = ((JsonObject) v).getValue(part);
    }
    return v;
  }

  @Test
  @DisplayName("config.schema.json is itself a valid JSON Schema 2020-12")
  void schemaIsValidDraft202012() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      JsonSchemaOptions options = new JsonSchemaOptions()
          .setDraft(Draft.DRAFT202012)
          .setBaseUri("https://siteconnect.org/")
          .setOutputFormat(OutputFormat.Basic);
      SchemaRepository repository =
          SchemaRepository.create(options).preloadMetaSchema(vertx.fileSystem());
      JsonObject schema;
      try (InputStream in = ConfigSchema.class.getResourceAsStream("/config.schema.json")) {
        schema =
            new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
      OutputUnit result =
          repository.validator("https://json-schema.org/draft/2020-12/schema").validate(schema);
      assertTrue(result.getValid(), String.valueOf(result.getErrors()));
    } finally {
      vertx.close().await();
    }
  }

  @Test
  @DisplayName("an env value of the right type but out of range is refused by the schema")
  void envOutOfRange() {
    ConfigException e = assertThrows(
        ConfigException.class, () -> ConfigLoader.load(null, Map.of("SC_HTTP_PORT", "70000")));
    assertEquals("config key 'http.port': must be between 0 and 65535 (got 70000)", e.getMessage());
  }
}
