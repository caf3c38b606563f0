package org.siteconnect.gateway.bus;

import org.siteconnect.gateway.topic.TopicFilter;

import java.util.Collection;

/**
 * The agent-only {@code $agents/<site>/…} topics, built and read-checked in one place (least privilege inside a
 * site, DESIGN §11): an agent reads the chat queue and the chats of the buttons it serves, and the co-browses it
 * redeemed (its login is in their topics), nothing else of its site.
 * <pre>
 * $agents/&lt;site&gt;/chat_queue/&lt;button&gt;                   retained {waiting:[…]} of that button
 * $agents/&lt;site&gt;/chats/&lt;button&gt;/&lt;chat id&gt;/&lt;what&gt;         message | state | typing
 * $agents/&lt;site&gt;/cobrowse/&lt;login&gt;/&lt;cobrowse id&gt;/&lt;what&gt;   state | events
 * </pre>
 */
public final class AgentTopics {
  private AgentTopics() {}

  public static String chatQueue(String site, String button) {
    return "$agents/" + site + "/chat_queue/" + button;
  }

  public static String chat(String site, String button, String chatId, String what) {
    return "$agents/" + site + "/chats/" + button + "/" + chatId + "/" + what;
  }

  public static String cobrowse(String site, String login, String cobrowseId, String what) {
    return "$agents/" + site + "/cobrowse/" + login + "/" + cobrowseId + "/" + what;
  }

  /**
   * Whether an agent with this login, serving these buttons ({@code "site/button"}), may subscribe to a
   * {@code $agents} filter. The site, the button or the login must be literal levels: a wildcard there would
   * reach other buttons' chats or other agents' co-browses.
   */
  public static boolean mayRead(String login, Collection<String> buttons, TopicFilter filter) {
    if (filter.depth() < 4 || !"$agents".equals(filter.level(0)) || wildcard(filter.level(1))
        || wildcard(filter.level(3))) {
      return false;
    }
    String site = filter.level(1);
    String owner = filter.level(3);
    return switch (filter.level(2)) {
      case "chat_queue" -> filter.depth() == 4 && buttons.contains(site + "/" + owner);
      case "chats" -> buttons.contains(site + "/" + owner);
      case "cobrowse" -> owner.equals(login) && buttons.stream().anyMatch(b -> b.startsWith(site + "/"));
      default -> false;
    };
  }

  private static boolean wildcard(String level) {
    return "+".equals(level) || "#".equals(level);
  }
}
