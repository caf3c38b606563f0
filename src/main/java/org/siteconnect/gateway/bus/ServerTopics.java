package org.siteconnect.gateway.bus;

/** Server-form topics the gateway itself publishes, built in one place. */
public final class ServerTopics {
  private ServerTopics() {}

  /** Retained chat-button state, payload {@code {"state":"enabled"|"disabled"}} (docs/PROTOCOL.md). */
  public static String chatButton(String siteKey, String buttonId) {
    return "$sites/" + siteKey + "/chat_button/" + buttonId;
  }

  /** The filter prefix of everything a site's pages may read under {@code $sites}. */
  public static String siteScope(String siteKey) {
    return "$sites/" + siteKey + "/";
  }

  /** Agent-only topics of a site (pages never read {@code $agents}); the shapes agents read: {@link org.siteconnect.gateway.topic.AgentTopics}. */
  public static String agents(String siteKey, String rest) {
    return "$agents/" + siteKey + "/" + rest;
  }

  /** A page session's topic in server form. */
  public static String session(String sessionId, String rest) {
    return "pagesession/" + sessionId + "/" + rest;
  }
}
