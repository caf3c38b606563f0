package org.siteconnect.gateway.topic;

import java.util.Collection;
import java.util.function.IntFunction;

/**
 * Who may subscribe to and publish on which topic (DESIGN §3.2, §11), for pages and agent consoles; topics are
 * in server form (a page's {@code ~pagesession} already replaced by its {@code pagesession/<id>}). Beyond the ACL's
 * global grants: a page reads and writes its own session scope and reads {@code $sites/<its site>/…}; an agent
 * console reads {@code $sites/<site>/…} of its sites, {@code agent/<login>/…} (where it also writes) and the
 * {@code $agents} topics of its buttons and its co-browses ({@link AgentTopics}). An agent console publishes
 * nowhere else. Immutable, stateless beyond the ACL.
 */
public final class TopicPolicy {
  private final Acl acl;

  public TopicPolicy(Acl acl) {
    this.acl = acl;
  }

  public boolean maySubscribe(Principal who, TopicFilter filter) {
    if (who instanceof Principal.Page page && ownSession(page, filter.depth(), filter::level)) {
      return true;
    }
    if (filter.depth() >= 3 && "$sites".equals(filter.level(0))) {
      String site = filter.level(1);
      if (!EventTopics.clientsMayRead(filter)) {
        return false; // the business events are for webhooks only
      }
      return who instanceof Principal.AgentConsole agent
          ? agent.sites().contains(site)
          : site.equals(((Principal.Page) who).siteKey());
    }
    if ("$agents".equals(filter.level(0))) {
      return who instanceof Principal.AgentConsole agent
          && mayReadAgentTopic(agent.login(), agent.buttons(), filter);
    }
    if (who instanceof Principal.AgentConsole agent
        && filter.depth() >= 2
        && "agent".equals(filter.level(0))) {
      return filter.level(1).equals(agent.login());
    }
    // A first-level wildcard would also match other sessions' pagesession/<sid>/… topics, whatever
    // the ACL says.
    String first = filter.level(0);
    if ("+".equals(first) || "#".equals(first)) {
      return false;
    }
    return acl.maySubscribe(filter);
  }

  /**
   * A publish through the bridge. The frame-only topics ({@link FrameOnlyTopics}) are refused before this, on the
   * page form, since the frame's own consent command publishes there.
   */
  public boolean mayPublish(Principal who, TopicName topic) {
    if (who instanceof Principal.AgentConsole agent) {
      return topic.depth() >= 3
          && "agent".equals(topic.level(0))
          && agent.login().equals(topic.level(1));
    }
    Principal.Page page = (Principal.Page) who;
    return ownSession(page, topic.depth(), topic::level) && !agentsMarks(topic)
        || !topic.isReserved() && acl.mayPublish(topic);
  }

  /**
   * {@code pagesession/<sid>/cobrowsing/draw…}: only the co-browse service speaks there (the agent's marks,
   * docs/DRAWING.md); the page's own script cannot draw "as the agent".
   */
  private static boolean agentsMarks(TopicName topic) {
    return topic.depth() >= 4
        && "cobrowsing".equals(topic.level(2))
        && topic.level(3).startsWith("draw");
  }

  /**
   * Whether an agent with this login, serving these buttons ({@code "site/button"}), may subscribe to a
   * {@code $agents} filter. The site, the button or the login must be literal levels: a wildcard there would
   * reach other buttons' chats or other agents' co-browses.
   */
  static boolean mayReadAgentTopic(String login, Collection<String> buttons, TopicFilter filter) {
    if (filter.depth() < 4
        || !"$agents".equals(filter.level(0))
        || wildcard(filter.level(1))
        || wildcard(filter.level(3))) {
      return false;
    }
    String site = filter.level(1);
    String owner = filter.level(3);
    return switch (filter.level(2)) {
      case "chat_queue" -> filter.depth() == 4 && buttons.contains(site + "/" + owner);
      case "chats" -> buttons.contains(site + "/" + owner);
      case "cobrowse", "visitor" ->
        owner.equals(login) && buttons.stream().anyMatch(b -> b.startsWith(site + "/"));
      default -> false;
    };
  }

  /** {@code pagesession/<this page's session id>/…}; the ids of other sessions are never the page's. */
  private static boolean ownSession(Principal.Page page, int depth, IntFunction<String> level) {
    return depth >= 2
        && ScopedTopics.SERVER_SESSION_SCOPE.equals(level.apply(0))
        && level.apply(1).equals(page.sessionId());
  }

  private static boolean wildcard(String level) {
    return "+".equals(level) || "#".equals(level);
  }
}
