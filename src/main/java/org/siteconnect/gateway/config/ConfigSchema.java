package org.siteconnect.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code config.schema.json}: the one description of every configuration key (type, range, default, environment
 * variable). Validates a configuration tree, reporting the first problem as one line naming the key, and fills in
 * the defaults; what the schema cannot say (origins, CIDRs, one key compared with another) stays in GatewayConfig.
 */
final class ConfigSchema {
  private static final JsonObject SCHEMA = load();
  // the validator annotates the tree it is given, so it gets a copy of ours
  private static final Validator VALIDATOR = Validator.create(
      JsonSchema.of(SCHEMA.copy()),
      new JsonSchemaOptions()
          .setDraft(Draft.DRAFT202012)
          .setBaseUri("https://siteconnect.org/")
          .setOutputFormat(OutputFormat.Basic));
  /** Keywords that only say "something inside me failed"; the error after them says what. */
  private static final Set<String> WRAPPERS =
      Set.of("properties", "items", "prefixItems", "$ref", "allOf", "anyOf", "oneOf");

  private static final Pattern REQUIRED = Pattern.compile("required property \"(.*)\"");

  /** A configuration key ({@code http.port}); {@code optional}: it or an enclosing object is {@code x-optional}. */
  record Key(String name, JsonObject schema, boolean optional) {
    String env() {
      return schema.getString("x-env");
    }
  }

  private ConfigSchema() {}

  private static JsonObject load() {
    try (InputStream in = ConfigSchema.class.getResourceAsStream("/config.schema.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The keys, in schema order: the leaves of nested objects (an array, even of objects, is one key). */
  static List<Key> keys() {
    List<Key> keys = new ArrayList<>();
    collect(SCHEMA, "", false, keys);
    return keys;
  }

  private static void collect(
      JsonObject objectSchema, String prefix, boolean optional, List<Key> into) {
    JsonObject props = objectSchema.getJsonObject("properties");
    for (String name : props.fieldNames()) {
      JsonObject prop = props.getJsonObject(name);
      boolean isOptional = optional || prop.getBoolean("x-optional", false);
      if (prop.containsKey("properties")) {
        collect(prop, prefix + name + ".", isOptional, into);
      } else {
        into.add(new Key(prefix + name, prop, isOptional));
      }
    }
  }

  /** Throws a {@link ConfigException} naming the key of the first value the schema refuses. */
  static void validate(JsonObject config) {
    OutputUnit result = VALIDATOR.validate(config);
    if (result.getValid()) {
      return;
    }
    List<OutputUnit> errors = result.getErrors();
    OutputUnit error = errors.stream()
        .filter(e -> !WRAPPERS.contains(keyword(e)))
        .findFirst()
        .orElse(errors.get(0));
    String keyword = keyword(error);
    JsonObject node = schemaAt(error.getKeywordLocation());
    List<String> path = segments(error.getInstanceLocation());
    StringBuilder key = new StringBuilder();
    Object value = config;
    for (String segment : path) {
      if (value instanceof JsonArray array) {
        key.append('[').append(segment).append(']');
        value = array.getValue(Integer.parseInt(segment));
      } else {
        key.append(key.length() == 0 ? "" : ".").append(segment);
        value = value instanceof JsonObject object ? object.getValue(segment) : null;
      }
    }
    if (keyword.equals("required")) {
      Matcher m = REQUIRED.matcher(error.getError());
      String missing = m.find() ? m.group(1) : "?";
      throw new ConfigException(key.length() == 0 ? missing : key + "." + missing, "is required");
    }
    throw new ConfigException(key.toString(), problem(keyword, node, value, error.getError()));
  }

  private static String problem(String keyword, JsonObject node, Object value, String libraryText) {
    return switch (keyword) {
      case "type" ->
        switch (node.getString("type")) {
          case "integer" -> "must be a whole number";
          case "boolean" -> "must be true or false";
          case "object" -> "must be an object";
          case "array" ->
            "object".equals(node.getJsonObject("items", new JsonObject()).getString("type"))
                ? "must be an array of objects"
                : "must be an array of strings";
          default -> "must be a " + node.getString("type");
        };
      case "minimum", "maximum" ->
        node.containsKey("maximum")
            ? "must be between " + node.getValue("minimum") + " and " + node.getValue("maximum")
                + " (got " + value + ")"
            : "must be at least " + node.getValue("minimum") + " (got " + value + ")";
      case "enum" ->
        "must be one of "
            + String.join(
                ", ", node.getJsonArray("enum").stream().map(String::valueOf).toList());
      case "additionalProperties" ->
        "unknown key (allowed here: "
            + String.join(", ", node.getJsonObject("properties").fieldNames()) + ")";
      default -> node.getString("x-error", "is not valid: " + libraryText);
    };
  }

  private static String keyword(OutputUnit error) {
    String location = error.getKeywordLocation();
    return location.substring(location.lastIndexOf('/') + 1);
  }

  /** The schema object holding the keyword that {@code keywordLocation} (a JSON pointer from "#") points at. */
  private static JsonObject schemaAt(String keywordLocation) {
    List<String> segments = segments(keywordLocation);
    JsonObject node = SCHEMA;
    for (String segment : segments.subList(0, segments.size() - 1)) {
      node = node.getJsonObject(segment);
    }
    return node;
  }

  private static List<String> segments(String pointer) {
    String path = pointer.startsWith("#") ? pointer.substring(1) : pointer;
    if (path.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String s : path.substring(1).split("/", -1)) {
      out.add(s.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }

  /** A copy of {@code config} with every left-out key that has a default set to it (x-optional objects stay out). */
  static JsonObject withDefaults(JsonObject config) {
    JsonObject copy = config.copy();
    fill(copy, SCHEMA);
    return copy;
  }

  private static void fill(JsonObject object, JsonObject objectSchema) {
    JsonObject props = objectSchema.getJsonObject("properties");
    for (String name : props.fieldNames()) {
      JsonObject prop = props.getJsonObject(name);
      Object value = object.getValue(name);
      if (value == null && prop.containsKey("default")) {
        value =
            prop.getValue("default") instanceof JsonArray a ? a.copy() : prop.getValue("default");
        object.put(name, value);
      } else if (value == null
          && prop.containsKey("properties")
          && !prop.getBoolean("x-optional", false)) {
        value = new JsonObject();
        object.put(name, value);
      }
      if (value instanceof JsonObject child && prop.containsKey("properties")) {
        fill(child, prop);
      }
      JsonObject items = prop.getJsonObject("items");
      if (value instanceof JsonArray array && items != null && items.containsKey("properties")) {
        array.forEach(element -> fill((JsonObject) element, items));
      }
    }
  }
}
