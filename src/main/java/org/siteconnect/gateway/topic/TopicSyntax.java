package org.siteconnect.gateway.topic;

import java.util.Arrays;

/**
 * The one place where topic strings are checked and split into levels (MQTT 3.1.1 §4.7, §1.5.3; DESIGN §3.1).
 * Topic names and topic filters share every rule except the wildcard ones.
 */
final class TopicSyntax {

  static final char SEPARATOR = '/';
  static final String SINGLE_LEVEL = "+";
  static final String MULTI_LEVEL = "#";

  private TopicSyntax() {}

  /**
   * Checks {@code topic} and returns its levels.
   *
   * @param filter true to allow whole-level {@code +} and a last-level {@code #}; false for topic names
   * @throws InvalidTopicException naming the first broken rule
   */
  static String[] parseLevels(String topic, TopicLimits limits, boolean filter) {
    if (topic == null) {
      throw new InvalidTopicException("empty", "a topic must not be null (MQTT-4.7.3-1)", null);
    }
    int length = topic.length();
    if (length == 0) {
      throw new InvalidTopicException(
          "empty", "a topic must be at least one character long (MQTT-4.7.3-1)", topic);
    }
    if (length > limits.maxBytes()) {
      // every UTF-16 char encodes to at least one UTF-8 byte, so this is too long whatever it
      // contains
      throw tooLong(topic, limits);
    }
    long utf8Bytes = 0;
    int levelCount = 1;
    for (int i = 0; i < length; i++) {
      char c = topic.charAt(i);
      if (c < 0x80) {
        utf8Bytes++;
        if (c == SEPARATOR) {
          levelCount++;
        } else if (c == '+' || c == '#') {
          checkWildcard(topic, i, c, filter);
        } else if (c == 0) {
          // MQTT-4.7.3-2, MQTT-1.5.3-2
          throw new InvalidTopicException(
              "null-char", "a topic must not contain U+0000 (MQTT-4.7.3-2)", topic);
        }
      } else if (c < 0x800) {
        utf8Bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < length
          && Character.isLowSurrogate(topic.charAt(i + 1))) {
        utf8Bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        // a lone surrogate has no UTF-8 encoding (MQTT-1.5.3-1)
        throw new InvalidTopicException(
            "invalid-utf16",
            "a topic must be well-formed UTF-16 without lone surrogates, as it cannot be UTF-8 encoded (MQTT-1.5.3-1)",
            topic);
      } else {
        utf8Bytes += 3;
      }
    }
    if (utf8Bytes > limits.maxBytes()) {
      throw tooLong(topic, limits);
    }
    if (levelCount > limits.maxLevels()) {
      throw new InvalidTopicException(
          "too-deep",
          "a topic must have at most " + limits.maxLevels() + " levels but has " + levelCount
              + " (DESIGN §3.1)",
          topic);
    }
    String[] levels = split(topic, levelCount);
    if (filter && levelCount > 1) {
      shareLevels(levels);
    }
    return levels;
  }

  /** Filter levels at most this long are interned. */
  static final int SHARED_LEVEL_MAX = 64;

  /**
   * Interns a filter's levels: the levels many pages' filters have in common ({@code $pagesession}, a site key,
   * {@code +}) then exist once instead of once per page (issue 22). Filters only, at subscribe time: topic names
   * (every publish) are left alone. Interned strings no longer referenced are collected as any other.
   */
  private static void shareLevels(String[] levels) {
    for (int i = 0; i < levels.length; i++) {
      if (levels[i].length() <= SHARED_LEVEL_MAX) {
        levels[i] = levels[i].intern();
      }
    }
  }

  /** True if the first level of a topic starts with {@code $} or {@code ~} (MQTT-4.7.2-1, extended to {@code ~}). */
  static boolean isReservedFirstLevel(String topic) {
    if (topic.isEmpty()) {
      return false;
    }
    char first = topic.charAt(0);
    return first == '$' || first == '~';
  }

  static boolean isWildcard(String level) {
    return SINGLE_LEVEL.equals(level) || MULTI_LEVEL.equals(level);
  }

  private static void checkWildcard(String topic, int i, char wildcard, boolean filter) {
    if (!filter) {
      // MQTT-4.7.1-1
      throw new InvalidTopicException(
          "wildcard-in-name", "a topic name must not contain '+' or '#' (MQTT-4.7.1-1)", topic);
    }
    boolean startsLevel = i == 0 || topic.charAt(i - 1) == SEPARATOR;
    boolean isLastChar = i == topic.length() - 1;
    boolean endsLevel = isLastChar || topic.charAt(i + 1) == SEPARATOR;
    if (!startsLevel || !endsLevel) {
      // MQTT-4.7.1-3 for '+', MQTT-4.7.1-2 for '#'
      throw new InvalidTopicException(
          "wildcard-not-whole-level",
          "'" + wildcard + "' must fill a whole level ("
              + (wildcard == '+' ? "MQTT-4.7.1-3" : "MQTT-4.7.1-2") + ")",
          topic);
    }
    if (wildcard == '#' && !isLastChar) {
      // MQTT-4.7.1-2
      throw new InvalidTopicException(
          "hash-not-last", "'#' must be the last level (MQTT-4.7.1-2)", topic);
    }
  }

  private static InvalidTopicException tooLong(String topic, TopicLimits limits) {
    // MQTT-4.7.3-3
    return new InvalidTopicException(
        "too-long",
        "a topic must encode to at most " + limits.maxBytes() + " UTF-8 bytes (MQTT-4.7.3-3)",
        topic);
  }

  /** Splits on '/', keeping empty levels ({@code "/"} is two empty levels). */
  private static String[] split(String topic, int levelCount) {
    if (levelCount == 1) {
      return new String[] {topic};
    }
    String[] levels = new String[levelCount];
    int start = 0;
    int level = 0;
    for (int i = 0; i < topic.length(); i++) {
      if (topic.charAt(i) == SEPARATOR) {
        levels[level++] = topic.substring(start, i);
        start = i + 1;
      }
    }
    levels[level] = topic.substring(start);
    assert level == levelCount - 1 : Arrays.toString(levels);
    return levels;
  }
}
