package org.siteconnect.gateway.topic;

/**
 * A validated MQTT topic name: what a message is published to (MQTT 3.1.1 §4.7; DESIGN §3.1).
 *
 * <p>Non-empty, no {@code +} or {@code #}, no U+0000, well-formed UTF-16, at most {@link TopicLimits#maxBytes()}
 * UTF-8 bytes and {@link TopicLimits#maxLevels()} levels. Empty levels are legal ({@code "a//b"}, {@code "/"}).
 * Nothing is normalised: names that differ in any UTF-16 unit (NFC vs NFD) are different topics (MQTT-4.7.3-4).
 * Immutable; equality is on {@link #value()}.
 */
public final class TopicName extends TopicString {

  private TopicName(String value, String[] levels) {
    super(value, levels);
  }

  /** Parses with {@link TopicLimits#DEFAULT}. */
  public static TopicName parse(String topic) {
    return parse(topic, TopicLimits.DEFAULT);
  }

  /**
   * Validates and splits a topic name.
   *
   * @throws InvalidTopicException with rule {@code empty}, {@code wildcard-in-name}, {@code null-char},
   *     {@code invalid-utf16}, {@code too-long} or {@code too-deep}
   */
  public static TopicName parse(String topic, TopicLimits limits) {
    return new TopicName(topic, TopicSyntax.parseLevels(topic, limits, false));
  }

  /**
   * True if the first level starts with {@code $} (system topics) or {@code ~} (page scopes): filters whose first
   * level is a wildcard never match these (MQTT-4.7.2-1, extended to {@code ~} by DESIGN §3.1).
   */
  public boolean isReserved() {
    return TopicSyntax.isReservedFirstLevel(value());
  }
}
