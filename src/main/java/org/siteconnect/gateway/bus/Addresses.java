package org.siteconnect.gateway.bus;

import java.util.regex.Pattern;

/** Every event-bus address the gateway uses, built in one place. */
public final class Addresses {
  private static final String PREFIX = "sc.";

  /** Router API for server components (request/reply, server-internal only; never permitted on the bridge). */
  public static final String ROUTER_SUBSCRIBE = PREFIX + "router.subscribe";
  public static final String ROUTER_UNSUBSCRIBE = PREFIX + "router.unsubscribe";
  public static final String ROUTER_PUBLISH = PREFIX + "router.publish";
  /** Router → itself: a page connection closed on this node (node-local). */
  public static final String ROUTER_CONNECTION_CLOSED = PREFIX + "router.closed";

  /** Frame session API (server-internal). */
  public static final String SESSION_HELLO = PREFIX + "session.hello";
  public static final String SESSION_END = PREFIX + "session.end";
  public static final String SESSION_DETACHED = PREFIX + "session.detached";

  /** Address of the first frame a socket receives (written by the bridge guard, never a consumer). */
  public static final String WELCOME = PREFIX + "welcome";

  private static final String INBOUND = PREFIX + "in.";
  private static final String PAGE_INBOX = PREFIX + "page.";

  /** The only inbound addresses a bridge socket may send to: one per node. */
  public static final Pattern INBOUND_PATTERN = Pattern.compile(Pattern.quote(INBOUND) + "[A-Za-z0-9_-]{1,64}");
  /** Page inboxes: one per socket, the only address a socket may register. */
  public static final Pattern PAGE_INBOX_PATTERN = Pattern.compile(Pattern.quote(PAGE_INBOX) + "[A-Za-z0-9_-]{1,64}");

  private Addresses() {}

  /** Where the sockets connected to {@code nodeId} send their commands. */
  public static String inbound(String nodeId) {
    return INBOUND + nodeId;
  }

  /** The inbox of one bridge connection. */
  public static String pageInbox(String connectionId) {
    return PAGE_INBOX + connectionId;
  }
}
