package org.siteconnect.gateway.topic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Who is subscribed to what, and who gets a message published to a topic (DESIGN §3.3).
 *
 * <p>Exact filters (no wildcard) live in a hash map keyed by the filter string, so a publish to a topic with only
 * exact subscribers costs one lookup plus a loop over an array of subscribers. Wildcard filters live in a
 * {@link FilterTrie} whose children are hash maps, so matching cost depends on the topic's depth, not on the
 * number of subscriptions. Each subscriber's subscriptions are also kept per subscriber, so
 * {@link #unsubscribeAll} costs O(its subscriptions).
 *
 * <p>Delivery: every plain subscriber whose filters match gets the message exactly once, however many of its
 * filters match. Each shared subscription {@code $share/<group>/<filter>} whose filter matches gives the message to
 * exactly one member of the group, taking turns (round robin) across publishes. As in MQTT 5 §4.8.2, a shared
 * subscription is identified by group and filter, so {@code $share/g/a/+} and {@code $share/g/a/#} are two
 * shared subscriptions and a topic matching both is delivered once for each.
 *
 * <p><b>Not thread-safe</b>: use one index from one thread (a Vert.x event loop). A sink may call {@code match}
 * again, but must not subscribe or unsubscribe while a {@code match} is running on this index
 * ({@link IllegalStateException}); defer such changes.
 *
 * @param <S> the subscriber, e.g. an event-bus address; compared with {@code equals}
 */
public final class SubscriptionIndex<S> {

  /** Above this many matched subscriber lists, dedupe with a hash set instead of pairwise {@code contains}. */
  private static final int PAIRWISE_DEDUPE_MAX_LISTS = 8;

  private final TopicLimits limits;
  private final StringMap<FilterEntry<S>> exact = new StringMap<>();
  private final FilterTrie<S> wildcards = new FilterTrie<>();
  /**
   * Each subscriber's subscriptions: an exact-size {@code Object[]} while it has at most {@link #ARRAY_MAX} (a page
   * has a few: no hash set per page, issue 22), a {@code HashSet<Object>} beyond (a peer node's thousands). A plain
   * subscription is stored as its (canonical) {@link TopicFilter}, a shared one as a {@link Subscription}.
   */
  private final HashMap<S, Object> bySubscriber = new HashMap<>();

  /** The most subscriptions of one subscriber kept in an array (linear scans, copied on change). */
  static final int ARRAY_MAX = 16;

  private final MatchedEntries<S> scratch = new MatchedEntries<>();
  private int matchDepth;
  private int exactCount;
  private int wildcardCount;
  private int sharedCount;

  /** One subscription of one subscriber; {@code group} is null for a plain (non-shared) subscription. */
  private record Subscription(String group, TopicFilter filter) {
    /** What {@link #bySubscriber} keeps: the filter alone for a plain subscription. */
    Object stored() {
      return group == null ? filter : this;
    }

    static Subscription of(Object stored) {
      return stored instanceof TopicFilter f ? new Subscription(null, f) : (Subscription) stored;
    }
  }

  /** An index that parses string filters with {@link TopicLimits#DEFAULT}. */
  public SubscriptionIndex() {
    this(TopicLimits.DEFAULT);
  }

  /** An index that parses string filters with {@code limits}. */
  public SubscriptionIndex(TopicLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * Subscribes to a filter or to a shared subscription {@code $share/<group>/<filter>}.
   *
   * @return false if this subscriber already had exactly this subscription (nothing changes)
   * @throws InvalidTopicException if the filter is invalid
   */
  public boolean subscribe(String filter, S subscriber) {
    if (SharedFilter.isShared(filter)) {
      return subscribeShared(SharedFilter.parse(filter, limits), subscriber);
    }
    return subscribe(TopicFilter.parse(filter, limits), subscriber);
  }

  /**
   * Subscribes to a parsed filter. A filter starting with {@code $share/} is taken as a shared subscription, as in
   * {@link #subscribe(String, Object)}.
   *
   * @return false if this subscriber already had exactly this subscription
   */
  public boolean subscribe(TopicFilter filter, S subscriber) {
    return add(toSubscription(filter), subscriber);
  }

  /**
   * Joins the share group of {@code shared}.
   *
   * @return false if this subscriber was already a member of that group for that filter
   */
  public boolean subscribeShared(SharedFilter shared, S subscriber) {
    return add(new Subscription(shared.group(), shared.filter()), subscriber);
  }

  /**
   * Removes one subscription (plain or {@code $share/…}).
   *
   * @return false if the subscriber did not have it
   * @throws InvalidTopicException if the filter is invalid
   */
  public boolean unsubscribe(String filter, S subscriber) {
    Subscription subscription = SharedFilter.isShared(filter)
        ? toSubscription(SharedFilter.parse(filter, limits))
        : toSubscription(TopicFilter.parse(filter, limits));
    return remove(subscription, subscriber);
  }

  /**
   * Removes every subscription of {@code subscriber} (for example when its connection closes).
   *
   * @return how many subscriptions were removed
   */
  public int unsubscribeAll(S subscriber) {
    checkNotMatching();
    Object subscriptions = bySubscriber.remove(subscriber);
    if (subscriptions == null) {
      return 0;
    }
    Collection<?> all = subscriptions instanceof Object[] array
        ? Arrays.asList(array)
        : (Collection<?>) subscriptions;
    for (Object stored : all) {
      removeFromFilter(Subscription.of(stored), subscriber);
    }
    return all.size();
  }

  /**
   * The filter object this index already keeps for a filter equal to {@code filter}, else {@code filter}: a caller
   * that keeps filters of its own (per page) keeps this one, and a filter that thousands of pages use exists once.
   */
  public TopicFilter canonical(TopicFilter filter) {
    FilterEntry<S> entry =
        filter.hasWildcard() ? wildcards.find(filter) : exact.get(filter.value());
    return entry == null || entry.filter == null ? filter : entry.filter;
  }

  /**
   * Hands {@code topic}'s recipients to {@code sink}: each matching plain subscriber once, and one member of each
   * matching shared subscription. Allocation-free when only one filter matches.
   */
  public void match(TopicName topic, Consumer<? super S> sink) {
    MatchedEntries<S> matched = matchDepth == 0 ? scratch : new MatchedEntries<>();
    matchDepth++;
    try {
      FilterEntry<S> exactEntry = exact.get(topic.value());
      if (exactEntry != null) {
        matched.add(exactEntry);
      }
      if (!wildcards.isEmpty()) {
        wildcards.collect(topic, matched);
      }
      deliverPlain(matched, sink);
      deliverShared(matched, sink);
    } finally {
      matched.clear();
      matchDepth--;
    }
  }

  /** The recipients of {@code topic} as a new list (see {@link #match(TopicName, Consumer)}). */
  public List<S> match(TopicName topic) {
    List<S> recipients = new ArrayList<>();
    match(topic, recipients::add);
    return recipients;
  }

  /** The number of plain (subscriber, filter) pairs whose filter has no wildcard. */
  public int exactCount() {
    return exactCount;
  }

  /** The number of plain (subscriber, filter) pairs whose filter has a wildcard. */
  public int wildcardCount() {
    return wildcardCount;
  }

  /** The number of (subscriber, shared subscription) pairs. */
  public int sharedCount() {
    return sharedCount;
  }

  /** The number of distinct subscribers with at least one subscription. */
  public int subscriberCount() {
    return bySubscriber.size();
  }

  /** True if nothing is stored: no exact entries, no trie nodes below the root, no subscribers. For tests. */
  boolean isEmpty() {
    return exact.isEmpty() && wildcards.isEmpty() && bySubscriber.isEmpty();
  }

  private Subscription toSubscription(TopicFilter filter) {
    if (SharedFilter.isShared(filter.value())) {
      return toSubscription(SharedFilter.parse(filter.value(), limits));
    }
    return new Subscription(null, filter);
  }

  private static Subscription toSubscription(SharedFilter shared) {
    return new Subscription(shared.group(), shared.filter());
  }

  private boolean add(Subscription subscription, S subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    checkNotMatching();
    TopicFilter filter = subscription.filter();
    FilterEntry<S> entry =
        filter.hasWildcard() ? wildcards.getOrCreate(filter) : exactEntry(filter.value());
    boolean added = subscription.group() == null
        ? entry.add(subscriber)
        : entry.addShared(subscription.group(), subscriber);
    if (!added) {
      return false;
    }
    if (entry.filter == null) {
      entry.filter = filter;
    } else if (entry.filter != filter) {
      subscription = new Subscription(subscription.group(), entry.filter);
    }
    Object stored = subscription.stored();
    Object before = bySubscriber.get(subscriber);
    if (before == null) {
      bySubscriber.put(subscriber, new Object[] {stored});
    } else if (before instanceof Object[] array && array.length < ARRAY_MAX) {
      Object[] after = Arrays.copyOf(array, array.length + 1);
      after[array.length] = stored;
      bySubscriber.put(subscriber, after);
    } else if (before instanceof Object[] array) {
      HashSet<Object> set = new HashSet<>(Arrays.asList(array));
      set.add(stored);
      bySubscriber.put(subscriber, set);
    } else {
      @SuppressWarnings("unchecked")
      Set<Object> set = (Set<Object>) before;
      set.add(stored);
    }
    count(subscription, +1);
    return true;
  }

  private boolean remove(Subscription subscription, S subscriber) {
    checkNotMatching();
    Object subscriptions = bySubscriber.get(subscriber);
    if (subscriptions == null || !removeStored(subscriber, subscriptions, subscription.stored())) {
      return false;
    }
    removeFromFilter(subscription, subscriber);
    return true;
  }

  /** Takes {@code wanted} out of the subscriber's array or set; false if it was not there. */
  private boolean removeStored(S subscriber, Object subscriptions, Object wanted) {
    if (subscriptions instanceof Set<?> set) {
      if (!set.remove(wanted)) {
        return false;
      }
      if (set.isEmpty()) {
        bySubscriber.remove(subscriber);
      }
      return true;
    }
    Object[] array = (Object[]) subscriptions;
    int at = -1;
    for (int i = 0; i < array.length && at < 0; i++) {
      at = array[i].equals(wanted) ? i : -1;
    }
    if (at < 0) {
      return false;
    }
    if (array.length == 1) {
      bySubscriber.remove(subscriber);
    } else {
      Object[] rest = new Object[array.length - 1];
      System.arraycopy(array, 0, rest, 0, at);
      System.arraycopy(array, at + 1, rest, at, rest.length - at);
      bySubscriber.put(subscriber, rest);
    }
    return true;
  }

  /** Removes the subscriber from the filter's entry and prunes the entry (and trie path) if now empty. */
  private void removeFromFilter(Subscription subscription, S subscriber) {
    TopicFilter filter = subscription.filter();
    FilterEntry<S> entry =
        filter.hasWildcard() ? wildcards.find(filter) : exact.get(filter.value());
    boolean removed = entry != null
        && (subscription.group() == null
            ? entry.remove(subscriber)
            : entry.removeShared(subscription.group(), subscriber));
    assert removed : "per-subscriber index out of step for " + subscription;
    if (!removed) {
      return;
    }
    count(subscription, -1);
    if (entry.isUnused()) {
      if (filter.hasWildcard()) {
        wildcards.pruneIfUnused(filter);
      } else {
        exact.remove(filter.value());
      }
    }
  }

  private FilterEntry<S> exactEntry(String filter) {
    FilterEntry<S> entry = exact.get(filter);
    if (entry == null) {
      entry = new FilterEntry<>();
      exact.put(filter, entry);
    }
    return entry;
  }

  private void count(Subscription subscription, int delta) {
    if (subscription.group() != null) {
      sharedCount += delta;
    } else if (subscription.filter().hasWildcard()) {
      wildcardCount += delta;
    } else {
      exactCount += delta;
    }
  }

  private void checkNotMatching() {
    if (matchDepth > 0) {
      throw new IllegalStateException(
          "subscriptions must not change while match() is delivering; defer the change");
    }
  }

  private void deliverPlain(MatchedEntries<S> matched, Consumer<? super S> sink) {
    SubscriberList<S> only = null;
    int lists = 0;
    for (int i = 0; i < matched.size(); i++) {
      SubscriberList<S> list = matched.get(i);
      if (!list.isEmpty()) {
        only = list;
        lists++;
      }
    }
    if (lists == 1) {
      only.forEach(sink); // the common case: one filter, no dedupe, no allocation
    } else if (lists > 1 && lists <= PAIRWISE_DEDUPE_MAX_LISTS) {
      deliverDedupedPairwise(matched, sink);
    } else if (lists > PAIRWISE_DEDUPE_MAX_LISTS) {
      deliverDedupedWithSet(matched, sink);
    }
  }

  /** Delivers a member of list j only if no earlier list has it: no allocation, O(members × lists). */
  private static <S> void deliverDedupedPairwise(
      MatchedEntries<S> matched, Consumer<? super S> sink) {
    for (int j = 0; j < matched.size(); j++) {
      SubscriberList<S> list = matched.get(j);
      for (int m = 0; m < list.size(); m++) {
        S subscriber = list.get(m);
        if (!inEarlierList(matched, j, subscriber)) {
          sink.accept(subscriber);
        }
      }
    }
  }

  private static <S> boolean inEarlierList(MatchedEntries<S> matched, int before, S subscriber) {
    for (int k = 0; k < before; k++) {
      if (matched.get(k).contains(subscriber)) {
        return true;
      }
    }
    return false;
  }

  private static <S> void deliverDedupedWithSet(
      MatchedEntries<S> matched, Consumer<? super S> sink) {
    HashSet<S> seen = new HashSet<>();
    for (int j = 0; j < matched.size(); j++) {
      SubscriberList<S> list = matched.get(j);
      for (int m = 0; m < list.size(); m++) {
        S subscriber = list.get(m);
        if (seen.add(subscriber)) {
          sink.accept(subscriber);
        }
      }
    }
  }

  private static <S> void deliverShared(MatchedEntries<S> matched, Consumer<? super S> sink) {
    for (int i = 0; i < matched.size(); i++) {
      FilterEntry<S> entry = matched.get(i);
      if (entry.hasGroups()) {
        entry.deliverShared(sink);
      }
    }
  }
}
