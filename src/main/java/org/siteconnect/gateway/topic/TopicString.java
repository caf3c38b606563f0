package org.siteconnect.gateway.topic;

/**
 * What a topic name and a topic filter share: the string exactly as given, split into levels once. Immutable;
 * equality is on the value within one kind (a name never equals a filter with the same text).
 */
public abstract sealed class TopicString permits TopicName, TopicFilter {
  private final String value;
  private final String[] levels;

  TopicString(String value, String[] levels) {
    this.value = value;
    this.levels = levels;
  }

  /** The topic or filter exactly as given. */
  public final String value() {
    return value;
  }

  /** The number of levels, wildcards included ({@code "a/b"} → 2, {@code "/"} → 2, {@code "a/#"} → 2). */
  public final int depth() {
    return levels.length;
  }

  /** Level {@code i}, from 0; may be empty, and in a filter may be {@code "+"} or {@code "#"}. */
  public final String level(int i) {
    return levels[i];
  }

  @Override
  public final boolean equals(Object other) {
    return other != null
        && other.getClass() == getClass()
        && ((TopicString) other).value.equals(value);
  }

  @Override
  public final int hashCode() {
    return value.hashCode();
  }

  @Override
  public final String toString() {
    return value;
  }
}
