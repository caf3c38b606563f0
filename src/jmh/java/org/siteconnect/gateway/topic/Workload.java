package org.siteconnect.gateway.topic;

import java.util.List;
import java.util.Random;

/**
 * A deterministic subscription workload for the benchmarks: filters of 3–6 levels over 32 words per level,
 * 80% exact, 15% with one {@code +} at a random level, 5% ending in {@code #}; lookups alternate a hit (a topic
 * made from a random stored filter) and a miss (an exact filter's topic with its last level changed, checked to
 * have no recipient — the walk goes deep before it fails, the expensive kind of miss).
 */
final class Workload {

  static final int WORDS_PER_LEVEL = 32;
  static final int LOOKUPS = 1 << 10;

  final String[] filters;

  private Workload(String[] filters) {
    this.filters = filters;
  }

  static Workload generate(int subscriptions, long seed) {
    Random random = new Random(seed);
    String[] filters = new String[subscriptions];
    for (int i = 0; i < subscriptions; i++) {
      filters[i] = randomFilter(random);
    }
    return new Workload(filters);
  }

  /** Lookup topics for an index holding these filters: even slots hit, odd slots miss. */
  TopicName[] lookups(SubscriptionIndex<?> index, long seed) {
    Random random = new Random(seed);
    TopicName[] lookups = new TopicName[LOOKUPS];
    for (int i = 0; i < LOOKUPS; i += 2) {
      lookups[i] = TopicName.parse(instantiate(filters[random.nextInt(filters.length)], random));
      lookups[i + 1] = miss(index, random);
    }
    return lookups;
  }

  private TopicName miss(SubscriptionIndex<?> index, Random random) {
    while (true) {
      String filter = filters[random.nextInt(filters.length)];
      if (filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0) {
        continue;
      }
      TopicName candidate = TopicName.parse(filter.substring(0, filter.lastIndexOf('/') + 1) + "zz");
      if (index.match(candidate).isEmpty()) {
        return candidate;
      }
    }
  }

  static String randomFilter(Random random) {
    int depth = 3 + random.nextInt(4);
    String[] levels = new String[depth];
    for (int level = 0; level < depth; level++) {
      levels[level] = word(random);
    }
    int kind = random.nextInt(100);
    if (kind >= 95) {
      levels[depth - 1] = "#";
    } else if (kind >= 80) {
      levels[random.nextInt(depth)] = "+";
    }
    return String.join("/", levels);
  }

  /** A topic the filter matches: '+' becomes a word, '#' becomes zero to two words. */
  private static String instantiate(String filter, Random random) {
    StringBuilder topic = new StringBuilder();
    for (String level : List.of(filter.split("/", -1))) {
      if (level.equals("#")) {
        int extra = random.nextInt(3);
        if (extra == 0) {
          topic.setLength(Math.max(0, topic.length() - 1)); // 'a/b/#' matches 'a/b'
        }
        for (int i = 0; i < extra; i++) {
          topic.append(word(random)).append('/');
        }
      } else {
        topic.append(level.equals("+") ? word(random) : level).append('/');
      }
    }
    if (topic.charAt(topic.length() - 1) == '/') {
      topic.setLength(topic.length() - 1);
    }
    return topic.toString();
  }

  private static String word(Random random) {
    return "w" + random.nextInt(WORDS_PER_LEVEL);
  }
}
