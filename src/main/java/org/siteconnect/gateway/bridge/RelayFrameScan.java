package org.siteconnect.gateway.bridge;

/**
 * Reads a page's bridge frame that publishes on {@code ~pagesession/cobrowsing/events} without building a tree (issue
 * 22 part 3): one pass over the text that checks it is well-formed JSON as the bridge's parser (Jackson, strict)
 * would accept it, finds the payload's character range, counts the bytes the payload would take once parsed and
 * written again by Jackson (what {@link JsonSize} counts for {@code bridge.maxFrameBytes}), and reads the payload's
 * two top-level fields the relay and remote control look at ({@code full}, {@code rid}).
 *
 * <p>Anything it is not sure of — malformed text, a key with escapes where a field is looked for, a field twice,
 * nesting past 200, a number past 1,000 digits, a retained publish, another op or topic — gives {@code null}, and the
 * frame takes the bridge's own parse as before (so a malformed frame gets the very same answer). Not thread-safe: one
 * instance per event loop.
 */
final class RelayFrameScan {
  static final String EVENTS = "~pagesession/cobrowsing/events";
  private static final int MAX_DEPTH = 200;
  private static final int MAX_NUMBER = 1000;
  private static final int MAX_KEY = 40_000;

  /** What {@link #scan} found: the payload's range in the frame and what the relay needs of it. */
  record Found(int start, int end, long encodedLength, Object full, Object rid, boolean simple) {}

  private String s;
  private int n;
  private boolean counting;
  private long count;
  /** What {@link #next} saw: the closing bracket (true) or a comma. */
  private boolean closed;

  /** The payload of a non-retained co-browse events publish in {@code frame}, or null (see the class comment). */
  Found scan(String frame) {
    s = frame;
    n = frame.length();
    try {
      return envelope();
    } finally {
      s = null;
    }
  }

  private Found envelope() {
    int i = ws(0);
    if (i >= n || s.charAt(i) != '{') {
      return null;
    }
    Found found = null;
    boolean sawBody = false;
    i = ws(i + 1);
    if (i < n && s.charAt(i) == '}') {
      return null;
    }
    while (true) {
      int keyEnd = plainKeyEnd(i);
      if (keyEnd < 0) {
        return null;
      }
      boolean body = keyEnd - i == 6 && s.startsWith("\"body\"", i);
      i = colon(keyEnd);
      if (i < 0) {
        return null;
      }
      if (body) {
        if (sawBody) {
          return null; // the parser keeps the last one: not ours to guess
        }
        sawBody = true;
        int[] end = new int[1];
        found = body(i, end);
        if (found == null) {
          return null;
        }
        i = end[0];
      } else {
        i = value(i, 1);
        if (i < 0) {
          return null;
        }
      }
      i = next(i, '}');
      if (i < 0) {
        return null;
      }
      if (closed) {
        return ws(i) == n ? found : null; // nothing but whitespace after the frame
      }
    }
  }

  /** The body object at {@code i}: op "pub", topic EVENTS, an object payload, no retain:true. */
  private Found body(int i, int[] endOut) {
    if (i >= n || s.charAt(i) != '{') {
      return null;
    }
    boolean op = false;
    boolean topic = false;
    boolean retain = false;
    int pStart = -1;
    int pEnd = -1;
    Object full = null;
    Object rid = null;
    boolean simple = true;
    long length = 0;
    i = ws(i + 1);
    if (i < n && s.charAt(i) == '}') {
      return null;
    }
    while (true) {
      int keyEnd = plainKeyEnd(i);
      if (keyEnd < 0) {
        return null;
      }
      String key = keyEnd - i <= 9 ? s.substring(i + 1, keyEnd - 1) : "";
      i = colon(keyEnd);
      if (i < 0) {
        return null;
      }
      switch (key) {
        case "op", "topic" -> {
          boolean isOp = key.equals("op");
          if (isOp ? op : topic) {
            return null;
          }
          String want = isOp ? "\"pub\"" : "\"" + EVENTS + "\"";
          if (!s.startsWith(want, i)) {
            return null;
          }
          if (isOp) {
            op = true;
          } else {
            topic = true;
          }
          i += want.length();
        }
        case "retain" -> {
          if (retain || !s.startsWith("false", i)) {
            return null; // a retained publish (or a malformed flag) goes the bridge's way
          }
          retain = true;
          i += 5;
        }
        case "payload" -> {
          if (pStart >= 0 || i >= n || s.charAt(i) != '{') {
            return null;
          }
          pStart = i;
          counting = true;
          count = 0;
          Object[] fields = new Object[3];
          fields[2] = Boolean.TRUE;
          i = payload(i, fields);
          counting = false;
          if (i < 0) {
            return null;
          }
          pEnd = i;
          length = count;
          full = fields[0];
          rid = fields[1];
          simple = fields[2] == Boolean.TRUE;
        }
        default -> {
          i = value(i, 2);
          if (i < 0) {
            return null;
          }
        }
      }
      i = next(i, '}');
      if (i < 0) {
        return null;
      }
      if (closed) {
        if (!op || !topic || pStart < 0) {
          return null;
        }
        endOut[0] = i;
        return new Found(pStart, pEnd, length, full, rid, simple);
      }
    }
  }

  /**
   * The payload object at {@code i}, counted; fields[0]/[1]: the values of {@code full}/{@code rid} when they are
   * literals or strings without escapes (fields[2] turns false when either is something else).
   */
  private int payload(int i, Object[] fields) {
    count += 2;
    boolean sawFull = false;
    boolean sawRid = false;
    i = ws(i + 1);
    if (i < n && s.charAt(i) == '}') {
      return i + 1;
    }
    boolean first = true;
    while (true) {
      if (!first) {
        count++;
      }
      first = false;
      int keyStart = i;
      i = string(i);
      if (i < 0) {
        return -1;
      }
      int slot = -1;
      if (hasEscape(keyStart, i)) {
        // a key written with escapes could read "full" or "rid" once decoded
        if (i - keyStart <= 40) {
          return -1;
        }
      } else if (i - keyStart == 6 && s.startsWith("\"full\"", keyStart)) {
        slot = 0;
      } else if (i - keyStart == 5 && s.startsWith("\"rid\"", keyStart)) {
        slot = 1;
      }
      if (slot >= 0) {
        if (slot == 0 ? sawFull : sawRid) {
          return -1;
        }
        if (slot == 0) {
          sawFull = true;
        } else {
          sawRid = true;
        }
      }
      count++; // ':'
      i = colon(i);
      if (i < 0) {
        return -1;
      }
      int valueStart = i;
      i = value(i, 2);
      if (i < 0) {
        return -1;
      }
      if (slot >= 0) {
        fields[slot] = simpleValue(valueStart, i, fields);
      }
      i = next(i, '}');
      if (i < 0 || closed) {
        return i;
      }
    }
  }

  private Object simpleValue(int start, int end, Object[] fields) {
    char c = s.charAt(start);
    if (c == 't') {
      return Boolean.TRUE;
    }
    if (c == 'f') {
      return Boolean.FALSE;
    }
    if (c == 'n') {
      return null;
    }
    if (c == '"' && !hasEscape(start, end)) {
      return s.substring(start + 1, end - 1);
    }
    fields[2] =
        Boolean.FALSE; // an object, array, number or escaped string: read from the parsed tree
    return null;
  }

  /** A key of the envelope or body: a string without escapes (else null: the bridge decides). */
  private int plainKeyEnd(int i) {
    if (i >= n || s.charAt(i) != '"') {
      return -1;
    }
    int end = string(i);
    return end < 0 || hasEscape(i, end) ? -1 : end;
  }

  /**
   * After a member or element ending at {@code i}: past the {@code close} bracket ({@link #closed} true) or at the
   * next member after the comma ({@link #closed} false); -1 if neither follows.
   */
  private int next(int i, char close) {
    i = ws(i);
    if (i >= n) {
      return -1;
    }
    char c = s.charAt(i);
    closed = c == close;
    if (closed) {
      return i + 1;
    }
    return c == ',' ? ws(i + 1) : -1;
  }

  /** After a key ending at {@code i}: the colon, and the start of the value. */
  private int colon(int i) {
    i = ws(i);
    if (i >= n || s.charAt(i) != ':') {
      return -1;
    }
    return ws(i + 1);
  }

  private int ws(int i) {
    while (i < n) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return i;
      }
      i++;
    }
    return i;
  }

  /** Any JSON value at {@code i}; its end, or -1. Counts when inside the payload. */
  private int value(int i, int depth) {
    if (i >= n) {
      return -1;
    }
    char c = s.charAt(i);
    switch (c) {
      case '"' -> {
        return string(i);
      }
      case '{' -> {
        return object(i, depth + 1);
      }
      case '[' -> {
        return array(i, depth + 1);
      }
      case 't' -> {
        return literal(i, "true");
      }
      case 'f' -> {
        return literal(i, "false");
      }
      case 'n' -> {
        return literal(i, "null");
      }
      default -> {
        return number(i);
      }
    }
  }

  private int literal(int i, String word) {
    if (!s.startsWith(word, i)) {
      return -1;
    }
    count += word.length();
    return i + word.length();
  }

  private int object(int i, int depth) {
    if (depth > MAX_DEPTH) {
      return -1;
    }
    count += 2;
    i = ws(i + 1);
    if (i < n && s.charAt(i) == '}') {
      return i + 1;
    }
    boolean first = true;
    while (true) {
      if (!first) {
        count++;
      }
      first = false;
      int keyStart = i;
      if (i >= n || s.charAt(i) != '"') {
        return -1;
      }
      i = string(i);
      if (i < 0 || i - keyStart > MAX_KEY) {
        return -1;
      }
      count++;
      i = colon(i);
      if (i < 0) {
        return -1;
      }
      i = value(i, depth);
      if (i < 0) {
        return -1;
      }
      i = next(i, '}');
      if (i < 0 || closed) {
        return i;
      }
    }
  }

  private int array(int i, int depth) {
    if (depth > MAX_DEPTH) {
      return -1;
    }
    count += 2;
    i = ws(i + 1);
    if (i < n && s.charAt(i) == ']') {
      return i + 1;
    }
    boolean first = true;
    while (true) {
      if (!first) {
        count++;
      }
      first = false;
      i = value(i, depth);
      if (i < 0) {
        return -1;
      }
      i = next(i, ']');
      if (i < 0 || closed) {
        return i;
      }
    }
  }

  /**
   * The string at {@code i} (which is a quote); the index after its closing quote, or -1. Counts what Jackson writes
   * for the decoded text (see {@link JsonSize}): two bytes for {@code \" \\ \b \t \n \f \r}, six for other controls
   * and for each surrogate, UTF-8 otherwise.
   */
  private int string(int i) {
    long len = 2;
    i++;
    while (i < n) {
      char c = s.charAt(i++);
      if (c == '"') {
        if (counting) {
          count += len;
        }
        return i;
      }
      if (c == '\\') {
        if (i >= n) {
          return -1;
        }
        char e = s.charAt(i++);
        switch (e) {
          case '"', '\\' -> len += 2;
          case '/' -> len += 1;
          case 'b', 'f', 'n', 'r', 't' -> len += 2;
          case 'u' -> {
            if (i + 4 > n) {
              return -1;
            }
            int code = 0;
            for (int k = 0; k < 4; k++) {
              int d = Character.digit(s.charAt(i + k), 16);
              if (d < 0 || s.charAt(i + k) > 'f') {
                return -1;
              }
              code = code * 16 + d;
            }
            i += 4;
            len += encoded((char) code);
          }
          default -> {
            return -1;
          }
        }
      } else if (c < 0x20) {
        return -1; // Jackson refuses an unescaped control character
      } else {
        len += encoded(c);
      }
    }
    return -1;
  }

  private static int encoded(char c) {
    if (c < 0x80) {
      if (c >= 0x20) {
        return c == '"' || c == '\\' ? 2 : 1;
      }
      return c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r' ? 2 : 6;
    }
    if (c < 0x800) {
      return 2;
    }
    return Character.isSurrogate(c) ? 6 : 3;
  }

  /** A number as JSON allows it; counted as Jackson writes the value it parses to. */
  private int number(int i) {
    int start = i;
    if (i < n && s.charAt(i) == '-') {
      i++;
    }
    if (i >= n) {
      return -1;
    }
    char c = s.charAt(i);
    if (c == '0') {
      i++;
    } else if (c >= '1' && c <= '9') {
      while (i < n && isDigit(s.charAt(i))) {
        i++;
      }
    } else {
      return -1;
    }
    boolean integral = true;
    if (i < n && s.charAt(i) == '.') {
      integral = false;
      i++;
      int d = i;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
      }
      if (i == d) {
        return -1;
      }
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      integral = false;
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int d = i;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
      }
      if (i == d) {
        return -1;
      }
    }
    if (i - start > MAX_NUMBER) {
      return -1;
    }
    if (counting) {
      if (integral) {
        count += i - start == 2 && s.charAt(start) == '-' && s.charAt(start + 1) == '0'
            ? 1
            : i - start; // -0 is parsed to 0
      } else {
        count += Double.toString(Double.parseDouble(s.substring(start, i))).length();
      }
    }
    return i;
  }

  private boolean hasEscape(int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == '\\') {
        return true;
      }
    }
    return false;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
