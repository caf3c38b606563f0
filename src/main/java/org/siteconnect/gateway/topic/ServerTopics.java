package org.siteconnect.gateway.topic;

/** Server-form topics the gateway itself publishes to pages, built in one place; the agents': {@link AgentTopics}. */
public final class ServerTopics {
  private ServerTopics() {}

  /** Retained chat-button state, payload {@code {"state":"enabled"|"disabled"}} (docs/PROTOCOL.md). */
  public static String chatButton(String siteKey, String buttonId) {
    return "$sites/" + siteKey + "/chat_button/" + buttonId;
  }

  /** A page session's topic in server form. */
  public static String session(String sessionId, String rest) {
    return ScopedTopics.SERVER_SESSION_SCOPE + "/" + sessionId + "/" + rest;
  }

  /** What a page published on {@code pagesession/<sid>/<feature>/<verb>}. */
  public record PageEvent(String sessionId, String verb) {
    /** Taken apart from a server-form topic; null for any other shape. */
    public static PageEvent of(String topic) {
      String[] levels = topic.split("/");
      return levels.length == 4 ? new PageEvent(levels[1], levels[3]) : null;
    }
  }
}
