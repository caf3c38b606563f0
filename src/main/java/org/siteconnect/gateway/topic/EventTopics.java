package org.siteconnect.gateway.topic;

import java.util.Set;

/**
 * The business events the gateway publishes for integrators (docs/WEBHOOKS.md), all under
 * {@code $sites/<site>/…}: chats, left messages, co-browses (and the chat-button states of {@link ServerTopics}).
 * Webhooks subscribe to them by filter; pages and agent consoles never may ({@link #clientsMayRead}): a chat's lines
 * and a visitor's left message are for the agents who serve that button, through their own {@code $agents} topics.
 */
public final class EventTopics {
  /** The third level of the event trees under {@code $sites/<site>/}. */
  public static final Set<String> TREES = Set.of("chats", "messages", "cobrowse");

  private EventTopics() {}

  /** {@code $sites/<site>/chats/<chatId>/<event>}: requested, accepted, message, transferred, ended. */
  public static String chat(String site, String chatId, String event) {
    return "$sites/" + site + "/chats/" + chatId + "/" + event;
  }

  /** {@code $sites/<site>/messages/<id>}: a message left while nobody was available. */
  public static String leftMessage(String site, String id) {
    return "$sites/" + site + "/messages/" + id;
  }

  /** {@code $sites/<site>/cobrowse/<id>/<event>}: started, ended. */
  public static String cobrowse(String site, String cobrowseId, String event) {
    return "$sites/" + site + "/cobrowse/" + cobrowseId + "/" + event;
  }

  /**
   * Whether a page or an agent console may subscribe to this {@code $sites/<site>/…} filter (depth ≥ 3): only when
   * its third level names a tree that is not an event tree. A wildcard there ({@code $sites/x/#},
   * {@code $sites/x/+/…}) would match the events too.
   */
  public static boolean clientsMayRead(TopicFilter filter) {
    String tree = filter.level(2);
    return !TopicSyntax.SINGLE_LEVEL.equals(tree)
        && !TopicSyntax.MULTI_LEVEL.equals(tree)
        && !TREES.contains(tree);
  }
}
