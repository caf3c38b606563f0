package org.siteconnect.gateway.topic;

import java.util.List;
import java.util.Objects;

/**
 * What a page may subscribe to and publish on global topics (DESIGN §3.2): lists of granted patterns, each a topic
 * filter. A page may subscribe to filter F if some subscribe pattern {@linkplain #contains contains} F, and publish
 * to topic T if some publish pattern matches T. Immutable; patterns are parsed once, in the constructor.
 */
public final class Acl {

  private static final Acl DENY_ALL = new Acl(List.of(), List.of());

  private final List<TopicFilter> subscribeGrants;
  private final List<TopicFilter> publishGrants;

  /**
   * @param subscribeGrants patterns a subscription filter must be contained in
   * @param publishGrants   patterns a published topic must match
   * @throws InvalidTopicException if a pattern is not a valid topic filter (the message names it)
   */
  public Acl(List<String> subscribeGrants, List<String> publishGrants) {
    this.subscribeGrants = parseAll(subscribeGrants);
    this.publishGrants = parseAll(publishGrants);
  }

  /** An ACL that grants nothing. */
  public static Acl denyAll() {
    return DENY_ALL;
  }

  /** True if some subscribe grant contains {@code filter}. */
  public boolean maySubscribe(TopicFilter filter) {
    for (TopicFilter pattern : subscribeGrants) {
      if (contains(pattern, filter)) {
        return true;
      }
    }
    return false;
  }

  /** True if some publish grant matches {@code topic}. */
  public boolean mayPublish(TopicName topic) {
    for (TopicFilter pattern : publishGrants) {
      if (pattern.matches(topic)) {
        return true;
      }
    }
    return false;
  }

  /**
   * True if every topic {@code filter} matches is also matched by {@code pattern}, decided level by level:
   * {@code #} in the pattern covers the rest (zero or more levels, as in matching); {@code +} in the pattern
   * covers any single level except {@code #}; a {@code +} in the filter is covered only by {@code +} or {@code #};
   * literals must be equal. A pattern starting with a wildcard does not contain a filter whose first level is a
   * literal starting with {@code $} or {@code ~} (MQTT-4.7.2-1, extended): pattern {@code #} does not contain
   * {@code $sys/x}.
   */
  public static boolean contains(TopicFilter pattern, TopicFilter filter) {
    if (pattern.startsWithWildcard()
        && !filter.startsWithWildcard()
        && TopicSyntax.isReservedFirstLevel(filter.level(0))) {
      return false; // MQTT-4.7.2-1
    }
    for (int i = 0; i < pattern.depth(); i++) {
      String granted = pattern.level(i);
      if (granted.equals(TopicSyntax.MULTI_LEVEL)) {
        return true;
      }
      if (i == filter.depth()) {
        return false; // the filter matches a shorter topic the pattern does not
      }
      String requested = filter.level(i);
      if (requested.equals(TopicSyntax.MULTI_LEVEL)) {
        return false; // only '#' covers '#'
      }
      if (!granted.equals(TopicSyntax.SINGLE_LEVEL) && !granted.equals(requested)) {
        return false; // a literal covers only itself, not '+'
      }
    }
    return pattern.depth() == filter.depth();
  }

  private static List<TopicFilter> parseAll(List<String> patterns) {
    Objects.requireNonNull(patterns, "patterns");
    return patterns.stream().map(Acl::parsePattern).toList();
  }

  private static TopicFilter parsePattern(String pattern) {
    try {
      return TopicFilter.parse(pattern);
    } catch (InvalidTopicException e) {
      throw e.withContext("invalid ACL pattern");
    }
  }
}
