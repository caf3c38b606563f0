package org.siteconnect.gateway.topic;

/**
 * A validated MQTT topic filter: what a client subscribes to (MQTT 3.1.1 §4.7; DESIGN §3.1).
 *
 * <p>The topic-name rules apply (non-empty, no U+0000, well-formed UTF-16, byte and level limits), and wildcards
 * must fill a whole level: {@code +} matches exactly one level (MQTT-4.7.1-3); {@code #} matches the parent and
 * any number of sub-levels and must be last (MQTT-4.7.1-2). So {@code a+}, {@code #a} and {@code a/#/b} are
 * invalid. Immutable; equality is on {@link #value()}.
 */
public final class TopicFilter extends TopicString {

  private final boolean hasWildcard;
  private final boolean startsWithWildcard;

  private TopicFilter(String value, String[] levels) {
    super(value, levels);
    this.hasWildcard = value.indexOf('+') >= 0 || value.indexOf('#') >= 0;
    this.startsWithWildcard = TopicSyntax.isWildcard(levels[0]);
  }

  /** Parses with {@link TopicLimits#DEFAULT}. */
  public static TopicFilter parse(String filter) {
    return parse(filter, TopicLimits.DEFAULT);
  }

  /**
   * Validates and splits a topic filter.
   *
   * @throws InvalidTopicException with rule {@code empty}, {@code wildcard-not-whole-level}, {@code hash-not-last},
   *     {@code null-char}, {@code invalid-utf16}, {@code too-long} or {@code too-deep}
   */
  public static TopicFilter parse(String filter, TopicLimits limits) {
    return new TopicFilter(filter, TopicSyntax.parseLevels(filter, limits, true));
  }

  /** True if any level is {@code +} or {@code #}. */
  public boolean hasWildcard() {
    return hasWildcard;
  }

  /** True if the first level is {@code +} or {@code #}, so reserved ({@code $}, {@code ~}) topics never match. */
  boolean startsWithWildcard() {
    return startsWithWildcard;
  }

  /**
   * The reference matching semantics, level by level. {@code a/#} matches {@code a}; {@code +} matches one
   * level, possibly empty; a filter starting with a wildcard never matches a topic whose first level starts with
   * {@code $} or {@code ~} (MQTT-4.7.2-1, extended to {@code ~}). {@link SubscriptionIndex} gives the same answers
   * without testing filters one by one.
   */
  public boolean matches(TopicName topic) {
    if (startsWithWildcard && topic.isReserved()) {
      return false; // MQTT-4.7.2-1
    }
    int topicDepth = topic.depth();
    for (int i = 0; i < depth(); i++) {
      String level = level(i);
      if (level.equals(TopicSyntax.MULTI_LEVEL)) {
        return true; // '#' also matches the parent level (MQTT 3.1.1 §4.7.1.2)
      }
      if (i >= topicDepth) {
        return false;
      }
      if (!level.equals(TopicSyntax.SINGLE_LEVEL) && !level.equals(topic.level(i))) {
        return false;
      }
    }
    return depth() == topicDepth;
  }
}
