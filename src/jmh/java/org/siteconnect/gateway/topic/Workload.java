package org.siteconnect.gateway.topic;

import java.util.Random;

/**
 * A deterministic subscription workload for the benchmarks, shaped like the gateway's namespace
 * {@code <app>/<id>/<feature>/…}: filters of 3–6 levels, 8 apps, N/16 ids (so each id has about 16 subscriptions
 * whatever N is), 16 words per deeper level; 80% exact, 15% with one {@code +} at a random level below the id,
 * 5% ending in {@code #}. Wildcards stay inside one id's subtree, as a page's own filters do, so the number of
 * recipients per publish stays the same as N grows and the benchmark measures lookup cost, not growing fan-out
 * (global {@code app/+/…} filters belong to a few server components, not to N pages). Lookups alternate a hit (a topic
 * made from a random stored filter) and a miss (an exact filter's topic with its last level changed and checked to
 * have no recipient, so the walk goes deep before it fails: the expensive kind of miss).
 */
final class Workload {

  static final int APPS = 8;
  static final int WORDS_PER_LEVEL = 16;
  static final int LOOKUPS = 1 << 10;
  private static final int MAX_MISS_ATTEMPTS = 100_000;

  final String[] filters;
  private final int ids;

  private Workload(String[] filters, int ids) {
    this.filters = filters;
    this.ids = ids;
  }

  static Workload generate(int subscriptions, long seed) {
    Random random = new Random(seed);
    int ids = Math.max(16, subscriptions / 16);
    String[] filters = new String[subscriptions];
    for (int i = 0; i < subscriptions; i++) {
      filters[i] = randomFilter(random, ids);
    }
    return new Workload(filters, ids);
  }

  /** Lookup topics for an index holding these filters: even slots hit, odd slots miss. */
  TopicName[] lookups(SubscriptionIndex<?> index, long seed) {
    Random random = new Random(seed);
    TopicName[] lookups = new TopicName[LOOKUPS];
    long recipients = 0;
    for (int i = 0; i < LOOKUPS; i += 2) {
      lookups[i] = TopicName.parse(instantiate(filters[random.nextInt(filters.length)], random));
      lookups[i + 1] = miss(index, random);
      recipients += index.match(lookups[i]).size();
    }
    System.err.printf(
        "[workload] %,d subscriptions, %.2f recipients per hit%n",
        filters.length, recipients / (LOOKUPS / 2.0));
    return lookups;
  }

  private TopicName miss(SubscriptionIndex<?> index, Random random) {
    for (int attempt = 0; attempt < MAX_MISS_ATTEMPTS; attempt++) {
      String filter = filters[random.nextInt(filters.length)];
      if (filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0) {
        continue;
      }
      TopicName candidate =
          TopicName.parse(filter.substring(0, filter.lastIndexOf('/') + 1) + "zz");
      if (index.match(candidate).isEmpty()) {
        return candidate;
      }
    }
    throw new IllegalStateException("no miss found: the workload is saturated");
  }

  static String randomFilter(Random random, int ids) {
    int depth = 3 + random.nextInt(4);
    String[] levels = new String[depth];
    for (int level = 0; level < depth; level++) {
      levels[level] = word(random, level, ids);
    }
    int kind = random.nextInt(100);
    if (kind >= 95) {
      levels[depth - 1] = "#";
    } else if (kind >= 80) {
      levels[2 + random.nextInt(depth - 2)] =
          "+"; // inside one id's subtree, like a page's own filters
    }
    return String.join("/", levels);
  }

  /** A topic the filter matches: '+' becomes a word, '#' becomes zero to two words. */
  private String instantiate(String filter, Random random) {
    StringBuilder topic = new StringBuilder();
    String[] levels = filter.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      if (levels[i].equals("#")) {
        int extra = random.nextInt(3);
        if (extra == 0) {
          topic.setLength(Math.max(0, topic.length() - 1)); // 'a/b/#' matches 'a/b'
        }
        for (int j = 0; j < extra; j++) {
          topic.append(word(random, i + j, ids)).append('/');
        }
      } else {
        topic.append(levels[i].equals("+") ? word(random, i, ids) : levels[i]).append('/');
      }
    }
    if (topic.charAt(topic.length() - 1) == '/') {
      topic.setLength(topic.length() - 1);
    }
    return topic.toString();
  }

  private static String word(Random random, int level, int ids) {
    return switch (level) {
      case 0 -> "app" + random.nextInt(APPS);
      case 1 -> "id" + random.nextInt(ids);
      default -> "w" + random.nextInt(WORDS_PER_LEVEL);
    };
  }
}
