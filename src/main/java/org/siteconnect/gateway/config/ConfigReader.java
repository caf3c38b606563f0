package org.siteconnect.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads from one object of a configuration that {@link ConfigSchema} has validated and completed with its
 * defaults, so types and ranges hold here; {@link #key} names a key for the checks the schema cannot express.
 */
final class ConfigReader {
  private final JsonObject json;
  private final String path;

  ConfigReader(JsonObject json, String path) {
    this.json = json;
    this.path = path;
  }

  String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** The object under {@code name}, or null when it is left out (only x-optional objects can be). */
  ConfigReader child(String name) {
    JsonObject o = json.getJsonObject(name);
    return o == null ? null : new ConfigReader(o, key(name));
  }

  /** The string, or null when the key is left out and has no default. */
  String string(String name) {
    return json.getString(name);
  }

  int integer(String name) {
    return json.getNumber(name).intValue();
  }

  long number(String name) {
    return json.getNumber(name).longValue();
  }

  boolean bool(String name) {
    return json.getBoolean(name);
  }

  List<String> strings(String name) {
    JsonArray a = json.getJsonArray(name);
    if (a == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    a.forEach(s -> out.add((String) s));
    return List.copyOf(out);
  }

  List<ConfigReader> objects(String name) {
    JsonArray a = json.getJsonArray(name);
    List<ConfigReader> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(new ConfigReader(a.getJsonObject(i), key(name) + "[" + i + "]"));
    }
    return out;
  }
}
