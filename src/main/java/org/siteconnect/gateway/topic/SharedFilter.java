package org.siteconnect.gateway.topic;

import java.util.Objects;

/**
 * A shared subscription {@code $share/<group>/<filter>} (MQTT 5 §4.8.2; DESIGN §3.3): each matching message goes
 * to one member of the group instead of to every subscriber.
 *
 * @param group  the share name: non-empty, without {@code /}, {@code +}, {@code #} or U+0000
 * @param filter the topic filter the group subscribes to
 */
public record SharedFilter(String group, TopicFilter filter) {

  /** The prefix that marks a shared subscription. */
  public static final String PREFIX = "$share/";

  public SharedFilter {
    Objects.requireNonNull(filter, "filter");
    checkGroup(group, group);
  }

  /** True if {@code raw} starts with {@code $share/}; null-safe. */
  public static boolean isShared(String raw) {
    return raw != null && raw.startsWith(PREFIX);
  }

  /**
   * Parses {@code $share/<group>/<filter>}.
   *
   * @throws InvalidTopicException with rule {@code bad-share} if the prefix, group or filter is missing or the
   *     group is malformed, or with the filter's rule if the filter part is invalid
   */
  public static SharedFilter parse(String raw, TopicLimits limits) {
    if (!isShared(raw)) {
      throw badShare("a shared subscription must start with '$share/' (MQTT 5 §4.8.2)", raw);
    }
    int groupEnd = raw.indexOf('/', PREFIX.length());
    if (groupEnd < 0) {
      throw badShare(
          "a shared subscription needs a filter after the group: '$share/<group>/<filter>'", raw);
    }
    String group = raw.substring(PREFIX.length(), groupEnd);
    checkGroup(group, raw);
    String filter = raw.substring(groupEnd + 1);
    if (filter.isEmpty()) {
      throw badShare(
          "a shared subscription needs a filter after the group: '$share/<group>/<filter>'", raw);
    }
    return new SharedFilter(group, TopicFilter.parse(filter, limits));
  }

  /** Parses with {@link TopicLimits#DEFAULT}. */
  public static SharedFilter parse(String raw) {
    return parse(raw, TopicLimits.DEFAULT);
  }

  /** The subscription as written: {@code $share/<group>/<filter>}. */
  @Override
  public String toString() {
    return PREFIX + group + '/' + filter.value();
  }

  private static void checkGroup(String group, String input) {
    if (group == null || group.isEmpty()) {
      throw badShare("a shared subscription's group must not be empty (MQTT 5 §4.8.2)", input);
    }
    for (int i = 0; i < group.length(); i++) {
      char c = group.charAt(i);
      if (c == '/' || c == '+' || c == '#' || c == 0) {
        throw badShare(
            "a shared subscription's group must not contain '/', '+', '#' or U+0000 (MQTT 5 §4.8.2)",
            input);
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < group.length()
          && Character.isLowSurrogate(group.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw badShare(
            "a shared subscription's group must be well-formed UTF-16 (MQTT-1.5.3-1)", input);
      }
    }
  }

  private static InvalidTopicException badShare(String reason, String input) {
    return new InvalidTopicException("bad-share", reason, input);
  }
}
