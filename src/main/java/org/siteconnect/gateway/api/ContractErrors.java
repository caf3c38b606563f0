package org.siteconnect.gateway.api;

import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.siteconnect.gateway.bus.ServiceError;

/**
 * Turns what vertx-openapi's request validator refuses into our error object: 400 {@code bad-request} naming
 * the field (or parameter) and saying what is wrong in our words, 415 for a body that is not JSON. The library's
 * own sentences (JSON pointers, schema keywords) are never shown to clients.
 */
final class ContractErrors {
  /** The validator names a parameter only in its message: "… query parameter since …". */
  private static final Pattern PARAMETER =
      Pattern.compile("\\b(query|path|header|cookie) parameter (\\S+?)[ .]");

  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
  private static final Pattern LIMIT = Pattern.compile("[<>] (\\d+)\\)");
  private static final Pattern EXPECTED = Pattern.compile("Expected (\\S+)");

  /** The order in which one problem is reported when a body has several: unknown fields first, as before. */
  private static final List<String> PRIORITY = List.of(
      "additionalProperties", "type", "required", "minLength", "maxLength", "enum", "const");

  private ContractErrors() {}

  /**
   * @param allowed the properties the operation's body schema declares, for the "unknown field" message
   * @param contentType the request's Content-Type header, or null
   */
  static ServiceError from(ValidatorException e, Collection<String> allowed, String contentType) {
    Matcher parameter = PARAMETER.matcher(String.valueOf(e.getMessage()));
    String name = parameter.find() ? parameter.group(2) : null;
    ValidatorErrorType type = e.type();
    // A form's body is parsed away before validation: it arrives as "no body", but its type is the
    // problem.
    boolean notJson = contentType != null && !isJson(contentType);
    if (name == null
        && (type == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT
            || (notJson && type == ValidatorErrorType.MISSING_REQUIRED_PARAMETER))) {
      return ServiceError.of(
          415, "unsupported-media-type", "send the body as Content-Type: application/json");
    }
    if (name != null) {
      return ServiceError.badRequest(parameterProblem(name, e));
    }
    if (type == ValidatorErrorType.MISSING_REQUIRED_PARAMETER
        && !(e instanceof SchemaValidationException)) {
      return ServiceError.badRequest("a JSON object body is required");
    }
    if (type == ValidatorErrorType.ILLEGAL_VALUE) {
      return ServiceError.badRequest("the body is not valid JSON");
    }
    if (e instanceof SchemaValidationException s && s.getOutputUnit() != null) {
      return ServiceError.badRequest(bodyProblem(s.getOutputUnit(), allowed));
    }
    return ServiceError.badRequest("the request does not match the API contract");
  }

  static boolean isJson(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
    return "application/json".equalsIgnoreCase(type);
  }

  private static String parameterProblem(String name, ValidatorException e) {
    String p = "parameter '" + name + "'";
    if (e.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER) {
      return p + " is required";
    }
    if (e instanceof SchemaValidationException s && s.getOutputUnit() != null) {
      OutputUnit worst = mostRelevant(s.getOutputUnit());
      if (worst != null && keyword(worst).equals("type")) {
        return p + " must be " + typeWords(worst.getError());
      }
    }
    return p + " is not valid";
  }

  private static String bodyProblem(OutputUnit result, Collection<String> allowed) {
    OutputUnit worst = mostRelevant(result, allowed);
    if (worst == null) {
      return "the body does not match the API contract";
    }
    String field = field(worst.getInstanceLocation());
    String error = String.valueOf(worst.getError());
    switch (keyword(worst)) {
      case "additionalProperties":
        return "unknown field '" + field + "'"
            + (allowed.isEmpty() ? "" : " (allowed: " + String.join(", ", allowed) + ")");
      case "required":
        Matcher q = QUOTED.matcher(error);
        return q.find()
            ? "field '" + join(field, q.group(1)) + "' is required"
            : "a required field is missing";
      case "type":
        return field.isEmpty()
            ? "the body must be a JSON object"
            : "field '" + field + "' must be " + typeWords(error);
      case "minLength":
        String min = limit(error);
        return "1".equals(min)
            ? "field '" + field + "' must not be empty"
            : "field '" + field + "' is shorter than " + min + " characters";
      case "maxLength":
        return "field '" + field + "' is longer than " + limit(error) + " characters";
      case "enum":
        Matcher values = Pattern.compile("any of (\\[.*])").matcher(error);
        return "field '" + field + "' must be one of "
            + (values.find()
                ? values.group(1).replaceAll("[\\[\\]\"]", "").replace(",", ", ")
                : "the documented values");
      default:
        return field.isEmpty()
            ? "the body does not match the API contract"
            : "field '" + field + "' is not valid";
    }
  }

  private static OutputUnit mostRelevant(OutputUnit result) {
    return mostRelevant(result, List.of());
  }

  /**
   * The error to report by our priority. vertx-json-schema 5.0.7 also reports a declared property whose value
   * fails its schema under {@code additionalProperties}: those are not unknown fields.
   */
  private static OutputUnit mostRelevant(OutputUnit result, Collection<String> declared) {
    List<OutputUnit> all = new ArrayList<>();
    flatten(result, all);
    OutputUnit best = null;
    int bestRank = Integer.MAX_VALUE;
    for (OutputUnit u : all) {
      if (keyword(u).equals("additionalProperties")
          && declared.contains(field(u.getInstanceLocation()))) {
        continue;
      }
      int rank = PRIORITY.indexOf(keyword(u));
      rank = rank < 0 ? PRIORITY.size() : rank;
      if (rank < bestRank) {
        best = u;
        bestRank = rank;
      }
    }
    return best;
  }

  private static void flatten(OutputUnit u, List<OutputUnit> into) {
    if (u.getErrors() == null || u.getErrors().isEmpty()) {
      if (u.getKeywordLocation() != null) {
        into.add(u);
      }
      return;
    }
    for (OutputUnit child : u.getErrors()) {
      if (child.getKeywordLocation() != null) {
        into.add(child);
      }
      flatten(child, into);
    }
  }

  private static String keyword(OutputUnit u) {
    String location = u.getKeywordLocation() == null ? "" : u.getKeywordLocation();
    return location.substring(location.lastIndexOf('/') + 1);
  }

  /** A JSON pointer ("#/roles/0", "/login") as the field path clients wrote ("roles/0", "login"). */
  static String field(String instanceLocation) {
    if (instanceLocation == null) {
      return "";
    }
    String p = instanceLocation.startsWith("#") ? instanceLocation.substring(1) : instanceLocation;
    p = p.startsWith("/") ? p.substring(1) : p;
    return p.replace("~1", "/").replace("~0", "~");
  }

  private static String join(String parent, String child) {
    return parent.isEmpty() ? child : parent + "/" + child;
  }

  private static String limit(String error) {
    Matcher m = LIMIT.matcher(error);
    return m.find() ? m.group(1) : "the limit of";
  }

  private static String typeWords(String error) {
    Matcher m = EXPECTED.matcher(String.valueOf(error));
    String expected = m.find() ? m.group(1).replaceAll("[\\[\\]\"]", "") : "";
    return switch (expected) {
      case "string" -> "a string";
      case "boolean" -> "true or false";
      case "integer" -> "a whole number";
      case "number" -> "a number";
      case "array" -> "an array";
      case "object" -> "an object";
      default -> "of the documented type";
    };
  }
}
