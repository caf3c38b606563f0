package org.siteconnect.gateway.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * About how many bytes a JSON value takes encoded, without encoding it: string lengths plus a little per
 * structure. For metrics on hot paths (co-browse batches), where encoding just to count would double the work.
 */
public final class JsonSize {
  private JsonSize() {}

  public static long estimate(Object value) {
    if (value == null) {
      return 4;
    }
    if (value instanceof String s) {
      return s.length() + 2L;
    }
    if (value instanceof JsonObject o) {
      long n = 2;
      for (Map.Entry<String, Object> e : o) {
        n += e.getKey().length() + 4L + estimate(e.getValue());
      }
      return n;
    }
    if (value instanceof JsonArray a) {
      long n = 2;
      for (Object item : a) {
        n += 1 + estimate(item);
      }
      return n;
    }
    return 8; // numbers and booleans
  }
}
