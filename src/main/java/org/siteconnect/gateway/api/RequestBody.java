package org.siteconnect.gateway.api;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import org.siteconnect.gateway.bus.ServiceError;

/**
 * Strict reading of a JSON request body: unknown fields and wrong types are refused with the field named.
 *
 * <p>Transitional: /api/v1 validates bodies with the OpenAPI contract; this stays only for routes written in
 * parallel in the old style (webhooks, privacy, sso) until they are in the contract. Remove it then.
 */
final class RequestBody {
  private final JsonObject json;

  private RequestBody(JsonObject json) {
    this.json = json;
  }

  static RequestBody of(RoutingContext ctx, String... allowed) {
    JsonObject json;
    try {
      String text = ctx.body() == null ? null : ctx.body().asString();
      if (text == null || text.isBlank()) {
        throw ServiceError.badRequest("a JSON object body is required");
      }
      Object parsed = io.vertx.core.json.Json.decodeValue(text);
      if (!(parsed instanceof JsonObject o)) {
        throw ServiceError.badRequest("the body must be a JSON object");
      }
      json = o;
    } catch (DecodeException e) {
      throw ServiceError.badRequest("the body is not valid JSON");
    }
    Set<String> allow = Set.of(allowed);
    for (String field : json.fieldNames()) {
      if (!allow.contains(field)) {
        throw ServiceError.badRequest(
            "unknown field '" + field + "' (allowed: " + String.join(", ", allowed) + ")");
      }
    }
    return new RequestBody(json);
  }

  JsonObject json() {
    return json;
  }

  String string(String field, boolean required, int maxLength) {
    String s = typed(field, required, String.class, "a string");
    if (s != null && s.length() > maxLength) {
      throw ServiceError.badRequest(
          "field '" + field + "' is longer than " + maxLength + " characters");
    }
    return s;
  }

  Boolean bool(String field, boolean required) {
    return typed(field, required, Boolean.class, "true or false");
  }

  private <T> T typed(String field, boolean required, Class<T> type, String what) {
    Object v = json.getValue(field);
    if (v == null) {
      if (required) {
        throw ServiceError.badRequest("field '" + field + "' is required");
      }
      return null;
    }
    if (!type.isInstance(v)) {
      throw ServiceError.badRequest("field '" + field + "' must be " + what);
    }
    return type.cast(v);
  }

  Integer integer(String field) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw ServiceError.badRequest("field '" + field + "' must be a whole number");
    }
    return n.intValue();
  }

  JsonArray strings(String field) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonArray a) || !a.stream().allMatch(x -> x instanceof String)) {
      throw ServiceError.badRequest("field '" + field + "' must be an array of strings");
    }
    return a;
  }

  boolean has(String field) {
    return json.containsKey(field);
  }

  Object value(String field) {
    return json.getValue(field);
  }
}
