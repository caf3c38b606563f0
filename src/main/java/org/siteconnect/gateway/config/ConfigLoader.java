package org.siteconnect.gateway.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Finds the configuration JSON: {@code -conf FILE} if given, else {@code conf/config.json} in the working
 * directory, else the defaults embedded in the jar; then applies the environment overrides.
 */
public final class ConfigLoader {
  private static final String EMBEDDED = "/conf/config.json";

  private ConfigLoader() {}

  public static GatewayConfig load(String confFile, Map<String, String> env) {
    JsonObject json = readJson(confFile);
    applyEnv(json, env);
    return GatewayConfig.from(json);
  }

  static JsonObject readJson(String confFile) {
    if (confFile != null) {
      return parse(confFile, readFile(Path.of(confFile)));
    }
    Path local = Path.of("conf", "config.json");
    if (Files.isRegularFile(local)) {
      return parse(local.toString(), readFile(local));
    }
    try (InputStream in = ConfigLoader.class.getResourceAsStream(EMBEDDED)) {
      return in == null
          ? new JsonObject()
          : parse("embedded " + EMBEDDED, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException("-conf", "cannot read the embedded defaults: " + e.getMessage());
    }
  }

  private static String readFile(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("-conf", "file not found: " + file);
    } catch (IOException e) {
      throw new ConfigException("-conf", "cannot read " + file + ": " + e.getMessage());
    }
  }

  private static JsonObject parse(String source, String text) {
    try {
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      String why =
          e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      throw new ConfigException("-conf", source + " is not a JSON object: " + why);
    }
  }

  /**
   * SC_HTTP_PORT=9090 sets http.port: every key with an {@code x-env} in config.schema.json, the value typed by the
   * key's schema type (an array from a comma-separated list).
   */
  static void applyEnv(JsonObject json, Map<String, String> env) {
    for (ConfigSchema.Key key : ConfigSchema.keys()) {
      String value = key.env() == null ? null : env.get(key.env());
      if (value == null) {
        continue;
      }
      String[] parts = key.name().split("\\.");
      JsonObject parent = json;
      for (int i = 0; i < parts.length - 1; i++) {
        Object child = parent.getValue(parts[i]);
        if (!(child instanceof JsonObject)) {
          child = new JsonObject();
          parent.put(parts[i], child);
        }
        parent = (JsonObject) child;
      }
      parent.put(parts[parts.length - 1], typed(key, value));
    }
  }

  private static Object typed(ConfigSchema.Key key, String value) {
    String type = key.schema().getString("type");
    switch (type) {
      case "boolean":
        if (!value.equals("true") && !value.equals("false")) {
          throw new ConfigException(
              key.name(),
              "environment variable " + key.env() + " must be true or false (got '" + value + "')");
        }
        return Boolean.parseBoolean(value);
      case "integer":
        try {
          return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
          throw new ConfigException(
              key.name(),
              "environment variable " + key.env() + " must be a whole number (got '" + value
                  + "')");
        }
      case "array":
        return new JsonArray(Arrays.stream(value.split(","))
            .map(String::strip)
            .filter(x -> !x.isEmpty())
            .toList());
      default:
        return value;
    }
  }
}
