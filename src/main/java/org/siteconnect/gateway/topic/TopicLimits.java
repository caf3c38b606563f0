package org.siteconnect.gateway.topic;

/**
 * Size limits applied when parsing topic names and filters (DESIGN §3.1).
 *
 * @param maxBytes  the largest allowed topic, counted in UTF-8 bytes (MQTT allows at most 65,535, MQTT-4.7.3-3)
 * @param maxLevels the largest allowed number of levels ({@code "a/b"} has two, {@code "/"} has two)
 */
public record TopicLimits(int maxBytes, int maxLevels) {

  /** MQTT's 65,535-byte limit and 32 levels. */
  public static final TopicLimits DEFAULT = new TopicLimits(65_535, 32);

  public TopicLimits {
    if (maxBytes < 1 || maxLevels < 1) {
      throw new IllegalArgumentException(
          "topic limits must be positive: " + maxBytes + " bytes, " + maxLevels + " levels");
    }
  }
}
