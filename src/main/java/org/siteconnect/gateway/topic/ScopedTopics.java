package org.siteconnect.gateway.topic;

/**
 * Translates between the topics a page uses and the topics the server uses (DESIGN §3.2).
 *
 * <table>
 *   <caption>Scopes by first level</caption>
 *   <tr><th>page</th><th>server</th></tr>
 *   <tr><td>{@code ~pagesession/…}</td><td>{@code pagesession/<sid>/…}</td></tr>
 *   <tr><td>{@code ~/…}</td><td>never sent: rule {@code local-topic}</td></tr>
 *   <tr><td>{@code ~other/…}</td><td>rejected: rule {@code unknown-scope}</td></tr>
 *   <tr><td>{@code pagesession/…}, {@code $share/…}</td><td>rejected: rule {@code reserved-scope}</td></tr>
 *   <tr><td>anything else ({@code $sys/…}, global)</td><td>unchanged; the ACL decides</td></tr>
 * </table>
 *
 * Works for names and filters alike ({@code ~pagesession/#}, {@code ~pagesession/+/a}). Session ids are opaque
 * strings of {@code [A-Za-z0-9_-]}; syntax checks of the topic itself are left to {@link TopicName} and
 * {@link TopicFilter}. Stateless.
 */
public final class ScopedTopics {

  /** The page-side first level of the page-session scope. */
  public static final String PAGE_SESSION_SCOPE = "~pagesession";
  /** The server-side first level of the page-session scope, followed by the session id. */
  public static final String SERVER_SESSION_SCOPE = "pagesession";

  private static final String LOCAL_SCOPE = "~";

  private ScopedTopics() {}

  /**
   * The server form of a topic or filter sent by the page of session {@code sessionId}.
   *
   * @throws InvalidTopicException rule {@code empty}, {@code local-topic}, {@code unknown-scope} or
   *     {@code reserved-scope}
   * @throws IllegalArgumentException if {@code sessionId} is not a session id (a bug in the caller)
   */
  public static String toServer(String pageTopic, String sessionId) {
    checkSessionId(sessionId);
    if (pageTopic == null || pageTopic.isEmpty()) {
      throw new InvalidTopicException(
          "empty", "a topic must be at least one character long (MQTT-4.7.3-1)", pageTopic);
    }
    if (SharedFilter.isShared(pageTopic)) {
      throw new InvalidTopicException(
          "reserved-scope",
          "pages may not use shared subscriptions ('$share/…' is for server components, DESIGN §3.3)",
          pageTopic);
    }
    String scope = firstLevel(pageTopic);
    if (scope.equals(PAGE_SESSION_SCOPE)) {
      return SERVER_SESSION_SCOPE + '/' + sessionId + pageTopic.substring(scope.length());
    }
    if (scope.equals(LOCAL_SCOPE)) {
      throw new InvalidTopicException(
          "local-topic",
          "'~/' topics stay in the page and are never accepted by the server (DESIGN §3.2)",
          pageTopic);
    }
    if (scope.startsWith(LOCAL_SCOPE)) {
      throw new InvalidTopicException(
          "unknown-scope",
          "unknown scope '" + abbreviate(scope)
              + "': only '~/' and '~pagesession/' exist (DESIGN §3.2)",
          pageTopic);
    }
    if (scope.equals(SERVER_SESSION_SCOPE)) {
      throw new InvalidTopicException(
          "reserved-scope",
          "'pagesession/…' is reserved for the server; pages use '~pagesession/…' (DESIGN §3.2)",
          pageTopic);
    }
    return pageTopic;
  }

  /**
   * The page form of a server topic delivered to session {@code sessionId}: {@code pagesession/<sid>/…} becomes
   * {@code ~pagesession/…}; every other topic is returned unchanged.
   */
  public static String toPage(String serverTopic, String sessionId) {
    checkSessionId(sessionId);
    int prefixLength = SERVER_SESSION_SCOPE.length() + 1 + sessionId.length();
    if (serverTopic.startsWith(SERVER_SESSION_SCOPE)
        && serverTopic.length() > SERVER_SESSION_SCOPE.length()
        && serverTopic.charAt(SERVER_SESSION_SCOPE.length()) == '/'
        && serverTopic.startsWith(sessionId, SERVER_SESSION_SCOPE.length() + 1)
        && (serverTopic.length() == prefixLength || serverTopic.charAt(prefixLength) == '/')) {
      return PAGE_SESSION_SCOPE + serverTopic.substring(prefixLength);
    }
    return serverTopic;
  }

  /** True if the first level is the page-session scope, in page form ({@code ~pagesession}) or server form. */
  public static boolean isSessionTopic(String topic) {
    if (topic == null) {
      return false;
    }
    String scope = firstLevel(topic);
    return scope.equals(PAGE_SESSION_SCOPE) || scope.equals(SERVER_SESSION_SCOPE);
  }

  private static String firstLevel(String topic) {
    int end = topic.indexOf('/');
    return end < 0 ? topic : topic.substring(0, end);
  }

  private static String abbreviate(String scope) {
    return scope.length() <= 32 ? scope : scope.substring(0, 32) + "…";
  }

  private static void checkSessionId(String sessionId) {
    if (sessionId == null || sessionId.isEmpty()) {
      throw new IllegalArgumentException("a session id must not be empty");
    }
    for (int i = 0; i < sessionId.length(); i++) {
      char c = sessionId.charAt(i);
      boolean allowed = (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '_'
          || c == '-';
      if (!allowed) {
        throw new IllegalArgumentException("a session id is made of [A-Za-z0-9_-] only");
      }
    }
  }
}
