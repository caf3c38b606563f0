package org.siteconnect.gateway.router;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.siteconnect.gateway.topic.RetainedStore;
import org.siteconnect.gateway.topic.TopicFilter;
import org.siteconnect.gateway.topic.TopicName;

/**
 * The router's retained messages in two budgets (DESIGN §11 "quotas everywhere a client can store"): what the
 * server's components publish (chat queue, button states, consent requests, chat state), which pages can never
 * fill, and what pages publish, under a total cap and a quota per page session (count and bytes). A page's
 * retained messages belong to its session and are deleted when the session ends, wherever they were published;
 * so are the server's retained messages on that session's {@code pagesession/<sid>/…} topics.
 *
 * <p>Where both budgets hold a message for one topic, the server's is the one subscribers get, and a server
 * publish on a topic (or its clear) removes a page's copy. Not thread-safe: owned by the router's event loop.
 */
final class RetainedBudgets {

  /** What a page's retained publish did. */
  enum PageResult {
    STORED,
    CLEARED,
    QUOTA,
    FULL
  }

  private record Owned(String owner, int sizeBytes) {}

  /** One owner's share of the page budget. */
  private static final class Usage {
    final Set<TopicName> topics = new LinkedHashSet<>();
    long bytes;
  }

  private final RetainedStore<Object> server;
  private final RetainedStore<Object> pages;
  private final int perOwnerMessages;
  private final long perOwnerBytes;
  private final Map<TopicName, Owned> owners = new HashMap<>();
  private final Map<String, Usage> usage = new HashMap<>();
  /** The server's retained topics per page session, deleted with the session. */
  private final Map<String, Set<TopicName>> serverSessionTopics = new HashMap<>();

  RetainedBudgets(int maxMessages, long maxBytes, int perOwnerMessages, long perOwnerBytes) {
    this.server = new RetainedStore<>(maxMessages, maxBytes);
    this.pages = new RetainedStore<>(maxMessages, maxBytes);
    this.perOwnerMessages = perOwnerMessages;
    this.perOwnerBytes = perOwnerBytes;
  }

  /** A server component's retained publish (0 bytes clears); the page copy of the topic, if any, goes. */
  RetainedStore.Result putServer(TopicName topic, Object payload, int sizeBytes) {
    RetainedStore.Result result = server.put(topic, payload, sizeBytes);
    if (result == RetainedStore.Result.STORED || result == RetainedStore.Result.CLEARED) {
      clearPage(topic);
      String session = sessionOf(topic);
      if (session != null) {
        if (result == RetainedStore.Result.STORED) {
          serverSessionTopics
              .computeIfAbsent(session, s -> new LinkedHashSet<>())
              .add(topic);
        } else {
          Set<TopicName> held = serverSessionTopics.get(session);
          if (held != null && held.remove(topic) && held.isEmpty()) {
            serverSessionTopics.remove(session);
          }
        }
      }
    }
    return result;
  }

  /** A page's retained publish, charged to {@code owner} (its session id); 0 bytes clears. */
  PageResult putPage(TopicName topic, Object payload, int sizeBytes, String owner) {
    if (sizeBytes == 0) {
      clearPage(topic);
      return PageResult.CLEARED;
    }
    Owned before = owners.get(topic);
    boolean replacesOwn = before != null && before.owner().equals(owner);
    Usage mine = usage.get(owner);
    int count = (mine == null ? 0 : mine.topics.size()) + (replacesOwn ? 0 : 1);
    long bytes =
        (mine == null ? 0 : mine.bytes) + sizeBytes - (replacesOwn ? before.sizeBytes() : 0);
    if (count > perOwnerMessages || bytes > perOwnerBytes) {
      return PageResult.QUOTA;
    }
    RetainedStore.Result result = pages.put(topic, payload, sizeBytes);
    if (result != RetainedStore.Result.STORED) {
      return PageResult.FULL;
    }
    if (before != null) {
      uncharge(topic, before);
    }
    Usage u = usage.computeIfAbsent(owner, o -> new Usage());
    u.topics.add(topic);
    u.bytes += sizeBytes;
    owners.put(topic, new Owned(owner, sizeBytes));
    return PageResult.STORED;
  }

  /** The session ended: its retained messages go, in both budgets. Returns how many. */
  int endSession(String sessionId) {
    int removed = 0;
    Usage u = usage.remove(sessionId);
    if (u != null) {
      for (TopicName topic : u.topics) {
        owners.remove(topic);
        pages.put(topic, null, 0);
        removed++;
      }
    }
    Set<TopicName> held = serverSessionTopics.remove(sessionId);
    if (held != null) {
      for (TopicName topic : held) {
        server.put(topic, null, 0);
        removed++;
      }
    }
    return removed;
  }

  /** Server messages first; a page message only where the server holds none on that topic. */
  void match(TopicFilter filter, BiConsumer<TopicName, Object> sink) {
    server.match(filter, sink);
    pages.match(filter, (topic, payload) -> {
      if (server.get(topic).isEmpty()) {
        sink.accept(topic, payload);
      }
    });
  }

  boolean has(TopicName topic) {
    return server.get(topic).isPresent() || pages.get(topic).isPresent();
  }

  /** Every retained message with its owner (null: the server), for a joining cluster node. */
  void forEach(OwnedSink sink) {
    server.forEach((topic, payload) -> sink.accept(topic, payload, null));
    pages.forEach((topic, payload) -> {
      Owned o = owners.get(topic);
      sink.accept(topic, payload, o == null ? null : o.owner());
    });
  }

  interface OwnedSink {
    void accept(TopicName topic, Object payload, String owner);
  }

  int count() {
    return server.count() + pages.count();
  }

  int pageCount() {
    return pages.count();
  }

  private void clearPage(TopicName topic) {
    Owned before = owners.remove(topic);
    if (before != null) {
      uncharge(topic, before);
    }
    pages.put(topic, null, 0);
  }

  private void uncharge(TopicName topic, Owned owned) {
    Usage u = usage.get(owned.owner());
    if (u != null && u.topics.remove(topic)) {
      u.bytes -= owned.sizeBytes();
      if (u.topics.isEmpty()) {
        usage.remove(owned.owner());
      }
    }
  }

  /** {@code pagesession/<sid>/…} → sid, else null. */
  private static String sessionOf(TopicName topic) {
    return topic.depth() >= 3 && "pagesession".equals(topic.level(0)) ? topic.level(1) : null;
  }
}
