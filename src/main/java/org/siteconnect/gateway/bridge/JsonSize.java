package org.siteconnect.gateway.bridge;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The byte length of a JSON value as {@link JsonObject#toBuffer()} would write it (Jackson's compact UTF-8 output),
 * counted without writing it. The bridge guard checks every inbound message against {@code bridge.maxFrameBytes};
 * encoding a 60 KB co-browse part only to measure it was a tenth of the gateway's CPU under co-browse load.
 *
 * <p>Counting stops as soon as the length passes the limit, so an oversized message costs no more than an allowed
 * one. Values the bridge never produces from a parsed frame (buffers, instants, enums) are measured by encoding
 * them.
 */
public final class JsonSize {
  private JsonSize() {}

  /** True if {@code value} encodes to more than {@code limit} bytes. */
  static boolean exceeds(Object value, long limit) {
    return upTo(value, limit) > limit;
  }

  /** The encoded length if it is at most {@code limit}; else some number above {@code limit}. */
  static long upTo(Object value, long limit) {
    return new Counter(limit).add(value).total;
  }

  /** The encoded length, exactly (tests compare it with the encoder). */
  public static long of(Object value) {
    return new Counter(Long.MAX_VALUE).add(value).total;
  }

  private static final class Counter {
    private final long limit;
    private long total;

    Counter(long limit) {
      this.limit = limit;
    }

    Counter add(Object value) {
      if (total > limit) {
        return this;
      }
      if (value == null) {
        total += 4;
      } else if (value instanceof String s) {
        string(s);
      } else if (value instanceof Boolean b) {
        total += b ? 4 : 5;
      } else if (value instanceof Integer
          || value instanceof Long
          || value instanceof Double
          || value instanceof Float
          || value instanceof Short
          || value instanceof Byte
          || value instanceof java.math.BigInteger
          || value instanceof java.math.BigDecimal) {
        total += value.toString().length();
      } else if (value instanceof RawPayload raw) {
        total += raw.encodedLength();
      } else if (value instanceof JsonObject o) {
        object(o.getMap());
      } else if (value instanceof Map<?, ?> m) {
        object(m);
      } else if (value instanceof JsonArray a) {
        array(a.getList());
      } else if (value instanceof List<?> l) {
        array(l);
      } else {
        total += new JsonArray().add(value).toBuffer().length() - 2;
      }
      return this;
    }

    private void object(Map<?, ?> map) {
      total += map.isEmpty() ? 2 : 1 + map.size(); // braces, and a comma between entries
      for (Map.Entry<?, ?> e : map.entrySet()) {
        string(String.valueOf(e.getKey()));
        total++; // ':'
        add(e.getValue());
        if (total > limit) {
          return;
        }
      }
    }

    private void array(List<?> list) {
      total += list.isEmpty() ? 2 : 1 + list.size();
      for (Object v : list) {
        add(v);
        if (total > limit) {
          return;
        }
      }
    }

    /** Quotes, UTF-8 bytes and Jackson's escapes: two bytes for \" \\ \b \t \n \f \r, six for other controls. */
    private void string(String s) {
      long n = 2;
      int length = s.length();
      for (int i = 0; i < length; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          if (c >= 0x20) {
            n += c == '"' || c == '\\' ? 2 : 1;
          } else {
            n += c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r' ? 2 : 6;
          }
        } else if (c < 0x800) {
          n += 2;
        } else if (Character.isSurrogate(c)) {
          n += 6; // Jackson writes each half of a pair (and a lone half) as a six-byte escape
        } else {
          n += 3;
        }
      }
      total += n;
    }
  }
}
