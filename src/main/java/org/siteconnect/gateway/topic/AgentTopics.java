package org.siteconnect.gateway.topic;

/**
 * The agent-only {@code $agents/<site>/…} topics (least privilege inside a site, DESIGN §11): an agent reads the
 * chat queue and the chats of the buttons it serves, and the co-browses it redeemed (its login is in their
 * topics), nothing else of its site; {@link TopicPolicy} says so.
 * <pre>
 * $agents/&lt;site&gt;/chat_queue/&lt;button&gt;                   retained {waiting:[…]} of that button
 * $agents/&lt;site&gt;/chats/&lt;button&gt;/&lt;chat id&gt;/&lt;what&gt;         message | state | typing
 * $agents/&lt;site&gt;/cobrowse/&lt;login&gt;/&lt;cobrowse id&gt;/&lt;what&gt;   state | events
 * $agents/&lt;site&gt;/visitor/&lt;login&gt;/&lt;chat id&gt;              retained {chat_id, presence} for the chat's agent
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

  /** The visitor's presence in a chat (reading, away, left, back), for the agent who holds the chat only. */
  public static String visitor(String site, String login, String chatId) {
    return "$agents/" + site + "/visitor/" + login + "/" + chatId;
  }

  public static String cobrowse(String site, String login, String cobrowseId, String what) {
    return "$agents/" + site + "/cobrowse/" + login + "/" + cobrowseId + "/" + what;
  }
}
