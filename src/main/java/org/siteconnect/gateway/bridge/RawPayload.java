package org.siteconnect.gateway.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.vertx.core.json.JsonObject;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A co-browse batch as the page wrote it (issue 22 part 3): the payload's JSON text, carried unparsed from the page's
 * frame into the agent's ({@link PageFrames#message}). It is a {@link JsonObject} to everything else: the two fields
 * the relay reads ({@code full}, {@code rid}) come from the bridge's scan ({@link RelayFrameScan}); any other use
 * (another field, iteration, size, a mutation, Jackson encoding it inside another object) parses the text once into
 * the tree the bridge would have made, and from then on it is that tree — and no longer sent as raw text.
 * Thread-safe for readers (a delivery is shared by the router's and the services' loops).
 */
public final class RawPayload extends JsonObject {
  private final Lazy lazy;

  /** The payload is characters [start, end) of the page's message {@code frame}. */
  RawPayload(
      String frame,
      int start,
      int end,
      long encodedLength,
      Object full,
      Object rid,
      boolean simple) {
    this(new Lazy(frame, start, end, encodedLength, full, rid, simple));
  }

  private RawPayload(Lazy lazy) {
    super(lazy);
    this.lazy = lazy;
  }

  /** The JSON text to write as is; null once the tree was built (it may have been changed). */
  String json() {
    return lazy.tree == null ? lazy.json() : null;
  }

  /** True while the text is what it is (no tree built): {@link #writeUtf8} may be used. */
  boolean untouched() {
    return lazy.tree == null;
  }

  /** The UTF-8 length of the text. */
  int utf8Length() {
    return ByteBufUtil.utf8Bytes(lazy.frame, lazy.start, lazy.end);
  }

  /** Writes the text as UTF-8, straight from the page's message (no copy of it in between). */
  void writeUtf8(ByteBuf out) {
    ByteBufUtil.writeUtf8(out, lazy.frame, lazy.start, lazy.end);
  }

  /** What {@link JsonSize} counts for it: Jackson's length of the parsed tree (exact while untouched). */
  long encodedLength() {
    return lazy.tree == null ? lazy.encodedLength : JsonSize.of(new JsonObject(lazy.tree));
  }

  @Override
  public JsonObject copy(Function<Object, ?> cloner) {
    return lazy.tree == null ? new RawPayload(lazy.share()) : super.copy(cloner);
  }

  @Override
  public JsonObject copy() {
    return lazy.tree == null ? new RawPayload(lazy.share()) : super.copy();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof JsonObject other)) {
      return false;
    }
    JsonObject mine = new JsonObject(lazy.tree());
    JsonObject theirs = other instanceof RawPayload r
        ? new JsonObject(r.lazy.tree())
        : new JsonObject(other.getMap());
    return mine.equals(theirs);
  }

  @Override
  public int hashCode() {
    return new JsonObject(lazy.tree()).hashCode();
  }

  /** The map under the JsonObject: the scanned fields at once, the parsed tree for anything else. */
  private static final class Lazy extends AbstractMap<String, Object> {
    final String frame;
    final int start;
    final int end;
    final long encodedLength;
    final Object full;
    final Object rid;
    final boolean simple;
    volatile Map<String, Object> tree;

    Lazy(
        String frame,
        int start,
        int end,
        long encodedLength,
        Object full,
        Object rid,
        boolean simple) {
      this.frame = frame;
      this.start = start;
      this.end = end;
      this.encodedLength = encodedLength;
      this.full = full;
      this.rid = rid;
      this.simple = simple;
    }

    Lazy share() {
      return new Lazy(frame, start, end, encodedLength, full, rid, simple);
    }

    String json() {
      return frame.substring(start, end);
    }

    Map<String, Object> tree() {
      Map<String, Object> t = tree;
      if (t == null) {
        synchronized (this) {
          t = tree;
          if (t == null) {
            t = new JsonObject(json()).getMap();
            tree = t;
          }
        }
      }
      return t;
    }

    @Override
    public Object get(Object key) {
      if (simple && tree == null) {
        if ("full".equals(key)) {
          return full;
        }
        if ("rid".equals(key)) {
          return rid;
        }
      }
      return tree().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return tree().containsKey(key);
    }

    @Override
    public Object put(String key, Object value) {
      return tree().put(key, value);
    }

    @Override
    public Object remove(Object key) {
      return tree().remove(key);
    }

    @Override
    public void clear() {
      tree().clear();
    }

    @Override
    public int size() {
      return tree().size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return tree().entrySet();
    }
  }
}
