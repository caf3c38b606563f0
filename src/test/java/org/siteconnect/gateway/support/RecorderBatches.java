package org.siteconnect.gateway.support;

import java.util.Random;

/**
 * Seeded recorder batches as JSON text, written the many ways a page (or a hostile one) may write them: DOM
 * mutations with unicode (accents, CJK, emoji raw and escaped), every escape, lone surrogates (escaped), numbers past
 * a long and in exponent form, -0, nested arrays, whitespace between tokens (issue 22 part 3's relay tests).
 */
public final class RecorderBatches {
  private static final String[] NUMBERS = {
    "0", "-0", "7", "-42", "1700000000000", "9223372036854775807", "-9223372036854775809",
    "123456789012345678901234567890", "0.1", "-1.5", "3.0", "1e5", "2.5E-3",
        "1.7976931348623157e308",
    "6.02214076E+23", "-0.0", "4.9e-324", "100.000"
  };
  private static final String[] PIECES = {
    "a",
    "Z",
    " ",
    "é",
    "ß",
    "中文",
    "😀",
    "\u2028",
    "\u007f",
    "<div class=\\\"x\\\">",
    "&amp;",
    "'",
    "/"
  };

  private final Random random;

  public RecorderBatches(long seed) {
    this.random = new Random(seed);
  }

  /** A batch of a co-browse: {@code cobrowse_id}, {@code seq}, {@code events} (and sometimes more fields). */
  public String batch(String cobrowseId, int seq, int events) {
    StringBuilder b = new StringBuilder();
    b.append('{')
        .append(ws())
        .append("\"cobrowse_id\"")
        .append(ws())
        .append(':')
        .append(ws());
    b.append('"').append(cobrowseId).append('"').append(',').append(ws());
    b.append("\"seq\":").append(seq).append(",\"events\":").append(ws()).append('[');
    for (int i = 0; i < events; i++) {
      if (i > 0) {
        b.append(',').append(ws());
      }
      event(b);
    }
    b.append(ws()).append(']');
    if (random.nextInt(4) == 0) {
      b.append(",\"extra\":");
      value(b, 0);
    }
    b.append(ws()).append('}');
    return b.toString();
  }

  private void event(StringBuilder b) {
    b.append("{\"type\":")
        .append(random.nextInt(6))
        .append(",\"timestamp\":")
        .append(1_700_000_000_000L + random.nextInt(1_000_000))
        .append(",\"data\":{\"source\":")
        .append(random.nextInt(10))
        .append(",\"adds\":[");
    int adds = 1 + random.nextInt(4);
    for (int i = 0; i < adds; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"parentId\":")
          .append(random.nextInt(5000))
          .append(",\"node\":{\"type\":3,\"textContent\":");
      string(b);
      b.append(",\"attributes\":");
      value(b, 1);
      b.append("}}");
    }
    b.append("],\"texts\":");
    value(b, 2);
    b.append("}}");
  }

  private void value(StringBuilder b, int depth) {
    int k = random.nextInt(depth > 3 ? 4 : 7);
    switch (k) {
      case 0 -> string(b);
      case 1 -> b.append(NUMBERS[random.nextInt(NUMBERS.length)]);
      case 2 -> b.append(random.nextBoolean() ? "true" : random.nextBoolean() ? "false" : "null");
      case 3 -> b.append(random.nextInt(100_000));
      case 4, 5 -> {
        b.append('[').append(ws());
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            b.append(ws()).append(',').append(ws());
          }
          value(b, depth + 1);
        }
        b.append(ws()).append(']');
      }
      default -> {
        b.append('{');
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            b.append(',');
          }
          b.append(ws());
          string(b, "k" + i); // unique keys: the parser keeps only the last of a repeated key
          b.append(ws()).append(':').append(ws());
          value(b, depth + 1);
        }
        b.append(ws()).append('}');
      }
    }
  }

  /** A string literal with raw and escaped characters of every kind. */
  private void string(StringBuilder b) {
    string(b, "");
  }

  private void string(StringBuilder b, String prefix) {
    b.append('"').append(prefix);
    int n = random.nextInt(12);
    for (int i = 0; i < n; i++) {
      switch (random.nextInt(9)) {
        case 0 -> b.append("\\\"");
        case 1 -> b.append("\\\\");
        case 2 ->
          b.append(new String[] {"\\n", "\\t", "\\r", "\\b", "\\f", "\\/"}[random.nextInt(6)]);
        case 3 -> b.append(String.format("\\u%04x", random.nextInt(0x20))); // a control character
        case 4 ->
          b.append(
              String.format(random.nextBoolean() ? "\\u%04X" : "\\u%04x", random.nextInt(0x10000)));
        case 5 -> b.append("\\ud83d\\ude00");
        default -> b.append(PIECES[random.nextInt(PIECES.length)]);
      }
    }
    b.append('"');
  }

  private String ws() {
    return switch (random.nextInt(8)) {
      case 0 -> " ";
      case 1 -> "\n  ";
      case 2 -> "\t";
      default -> "";
    };
  }
}
