package org.siteconnect.gateway.topic;

/**
 * The plainest possible MQTT matcher, written independently of {@link TopicFilter#matches}: split both strings
 * on '/' and compare level by level, recursively. The property tests hold the real code to it.
 */
final class ReferenceMatcher {

  private ReferenceMatcher() {}

  static boolean matches(String filter, String topic) {
    String[] filterLevels = filter.split("/", -1);
    String[] topicLevels = topic.split("/", -1);
    boolean filterStartsWithWildcard = filterLevels[0].equals("+") || filterLevels[0].equals("#");
    boolean topicIsReserved = topicLevels[0].startsWith("$") || topicLevels[0].startsWith("~");
    if (filterStartsWithWildcard && topicIsReserved) {
      return false;
    }
    return matches(filterLevels, 0, topicLevels, 0);
  }

  private static boolean matches(String[] filter, int f, String[] topic, int t) {
    if (f == filter.length) {
      return t == topic.length;
    }
    if (filter[f].equals("#")) {
      return true;
    }
    if (t == topic.length) {
      return false;
    }
    return (filter[f].equals("+") || filter[f].equals(topic[t]))
        && matches(filter, f + 1, topic, t + 1);
  }
}
