package org.siteconnect.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Typed, path-aware reads from one JSON object of the configuration. Every failure is a
 * {@link ConfigException} naming the full key (e.g. {@code sessions.codeLength}); unknown keys are
 * refused too, so a typo does not silently fall back to a default.
 */
final class ConfigReader {
  private final JsonObject json;
  private final String path;

  ConfigReader(JsonObject json, String path) {
    this.json = json == null ? new JsonObject() : json;
    this.path = path;
  }

  String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  ConfigReader child(String name) {
    Object v = json.getValue(name);
    if (v == null) {
      return new ConfigReader(new JsonObject(), key(name));
    }
    if (!(v instanceof JsonObject o)) {
      throw new ConfigException(key(name), "must be an object");
    }
    return new ConfigReader(o, key(name));
  }

  boolean isEmpty() {
    return json.isEmpty();
  }

  /** An array of strings, or one comma-separated string (the form an environment variable gives). */
  List<String> stringsOrCsv(String name, List<String> def) {
    if (json.getValue(name) instanceof String csv) {
      return java.util.Arrays.stream(csv.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }
    return strings(name, def);
  }

  void allowOnly(String... names) {
    Set<String> allowed = Set.of(names);
    for (String field : json.fieldNames()) {
      if (!allowed.contains(field)) {
        throw new ConfigException(key(field), "unknown key (allowed here: " + String.join(", ", names) + ")");
      }
    }
  }

  String string(String name, String def) {
    Object v = json.getValue(name);
    if (v == null) {
      return def;
    }
    if (!(v instanceof String s)) {
      throw new ConfigException(key(name), "must be a string");
    }
    return s;
  }

  String nonBlank(String name, String def) {
    String s = string(name, def);
    if (s == null || s.isBlank()) {
      throw new ConfigException(key(name), "must not be empty");
    }
    return s;
  }

  int integer(String name, int def, int min, int max) {
    long v = number(name, def, min, max);
    return (int) v;
  }

  long number(String name, long def, long min, long max) {
    Object v = json.getValue(name);
    long result;
    if (v == null) {
      result = def;
    } else if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      result = n.longValue();
    } else {
      throw new ConfigException(key(name), "must be a whole number");
    }
    if (result < min || result > max) {
      throw new ConfigException(key(name), "must be between " + min + " and " + max + " (got " + result + ")");
    }
    return result;
  }

  boolean bool(String name, boolean def) {
    Object v = json.getValue(name);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Boolean b)) {
      throw new ConfigException(key(name), "must be true or false");
    }
    return b;
  }

  List<String> strings(String name, List<String> def) {
    Object v = json.getValue(name);
    if (v == null) {
      return def;
    }
    if (!(v instanceof JsonArray a)) {
      throw new ConfigException(key(name), "must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof String s)) {
        throw new ConfigException(key(name) + "[" + i + "]", "must be a string");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  List<ConfigReader> objects(String name) {
    Object v = json.getValue(name);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray a)) {
      throw new ConfigException(key(name), "must be an array of objects");
    }
    List<ConfigReader> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof JsonObject o)) {
        throw new ConfigException(key(name) + "[" + i + "]", "must be an object");
      }
      out.add(new ConfigReader(o, key(name) + "[" + i + "]"));
    }
    return out;
  }
}
