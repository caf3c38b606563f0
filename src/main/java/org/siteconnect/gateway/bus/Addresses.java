package org.siteconnect.gateway.bus;

import java.util.regex.Pattern;

/** Every event-bus address the gateway uses, built in one place. */
public final class Addresses {
  private static final String PREFIX = "sc.";

  /** Router API for server components (request/reply, server-internal only; never permitted on the bridge). */
  public static final String ROUTER_SUBSCRIBE = PREFIX + "router.subscribe";

  public static final String ROUTER_UNSUBSCRIBE = PREFIX + "router.unsubscribe";
  public static final String ROUTER_PUBLISH = PREFIX + "router.publish";
  /**
   * Router API, fire-and-forget: publish a {@link TopicMessage} (never retained). Local, and the message is not
   * copied on the way, unlike a JSON body on {@link #ROUTER_PUBLISH}: for relaying large payloads.
   */
  public static final String ROUTER_RELAY = PREFIX + "router.relay";
  /** Router → itself: a page connection closed on this node (node-local). */
  public static final String ROUTER_CONNECTION_CLOSED = PREFIX + "router.closed";

  /** Frame session API (server-internal). */
  public static final String SESSION_HELLO = PREFIX + "session.hello";

  public static final String SESSION_END = PREFIX + "session.end";
  public static final String SESSION_DETACHED = PREFIX + "session.detached";
  /** Published: {@code {sid, connected}} when a page session's first connection came or its last one went. */
  public static final String SESSION_PRESENCE = PREFIX + "session.presence";

  /** Agent accounts and tokens (request/reply; failure code = HTTP status, message = "code: text"). */
  public static final String AGENT_LOGIN = PREFIX + "agent.login";

  public static final String AGENT_AUTH = PREFIX + "agent.auth";
  /** An agent chooses a new password: {@code {token, current, password}} (also while one is required). */
  public static final String AGENT_PASSWORD = PREFIX + "agent.password";

  public static final String AGENT_LOGOUT = PREFIX + "agent.logout";
  public static final String AGENT_LIST = PREFIX + "agent.list";
  public static final String AGENT_CREATE = PREFIX + "agent.create";
  public static final String AGENT_UPDATE = PREFIX + "agent.update";
  public static final String AGENT_DELETE = PREFIX + "agent.delete";
  /** An agent signed in at the OpenID provider: {@code {identity, address}} → a token (docs/SSO.md). */
  public static final String AGENT_SSO_LOGIN = PREFIX + "agent.sso-login";
  /** Published when tokens die (logout, deletion): routers close the sockets that used them. */
  public static final String AGENT_REVOKED = PREFIX + "agent.revoked";

  /** Chat-button availability. */
  public static final String BUTTONS_SET_AVAILABLE = PREFIX + "buttons.set-available";

  public static final String BUTTONS_PRESENCE = PREFIX + "buttons.presence";
  public static final String BUTTONS_QUERY = PREFIX + "buttons.query";
  public static final String BUTTONS_LOGGED_OUT = PREFIX + "buttons.logged-out";

  /** Chats: the router delivers page chat topics here; agents act through the REST adapter. */
  public static final String CHAT_PAGE_EVENTS = PREFIX + "chat.page-events";

  public static final String CHAT_BUTTON_STATES = PREFIX + "chat.button-states";
  public static final String CHAT_LIST = PREFIX + "chat.list";
  public static final String CHAT_ACCEPT = PREFIX + "chat.accept";
  public static final String CHAT_AGENT_SEND = PREFIX + "chat.agent-send";
  public static final String CHAT_AGENT_TYPING = PREFIX + "chat.agent-typing";
  public static final String CHAT_AGENT_END = PREFIX + "chat.agent-end";
  public static final String CHAT_MESSAGES = PREFIX + "chat.messages";
  public static final String CHAT_LEFT_MESSAGES = PREFIX + "chat.left-messages";
  /** {@code {sid, login}} → {@code {chat_id}} when that page session has an active chat with that agent, else {}. */
  public static final String CHAT_OF_SESSION = PREFIX + "chat.of-session";

  public static final String BUTTONS_CHATS = PREFIX + "buttons.chats";
  public static final String SESSION_INFO = PREFIX + "session.info";

  /** Co-browse: code redemption and control (agents via REST), page events via the router. */
  public static final String COBROWSE_REDEEM = PREFIX + "cobrowse.redeem";

  public static final String COBROWSE_STOP = PREFIX + "cobrowse.stop";
  public static final String COBROWSE_RESYNC = PREFIX + "cobrowse.resync";
  public static final String COBROWSE_INFO = PREFIX + "cobrowse.info";
  public static final String COBROWSE_PAGE_EVENTS = PREFIX + "cobrowse.page-events";
  public static final String COBROWSE_AGENT_EVENTS = PREFIX + "cobrowse.agent-events";
  /** Co-browse, same-node relay (LocalRelay): the leader's announcements, a node's first load, full batches told. */
  public static final String COBROWSE_RELAY_STATE = PREFIX + "cobrowse.relay-state";

  public static final String COBROWSE_RELAY_SNAPSHOT = PREFIX + "cobrowse.relay-snapshot";
  public static final String COBROWSE_RELAYED = PREFIX + "cobrowse.relayed";
  /** Frame sessions: take a code for redemption (it dies), and issue a fresh one. */
  public static final String SESSION_TAKE_CODE = PREFIX + "session.take-code";

  public static final String SESSION_NEW_CODE = PREFIX + "session.new-code";

  /** Audit log: record (fire-and-forget) and query (admins, via REST). */
  public static final String AUDIT_RECORD = PREFIX + "audit.record";

  public static final String AUDIT_QUERY = PREFIX + "audit.query";

  /** Data rights (admins, via REST): export or erase one visitor's records; chats forget live ones first. */
  public static final String PRIVACY_EXPORT = PREFIX + "privacy.export";

  public static final String PRIVACY_ERASE = PREFIX + "privacy.erase";
  /** Transcripts (docs/TRANSCRIPTS.md): bulk export; pages asking for an e-mail; left messages to notify. */
  public static final String TRANSCRIPT_BULK = PREFIX + "transcript.bulk";

  public static final String TRANSCRIPT_PAGE = PREFIX + "transcript.page";
  public static final String TRANSCRIPT_LEFT = PREFIX + "transcript.left";
  public static final String CHAT_FORGET = PREFIX + "chat.forget";
  /** Attachments (docs/ATTACHMENTS.md): the line announcing one, and the attachment service. */
  public static final String CHAT_ATTACHED = PREFIX + "chat.attached";

  public static final String ATTACHMENT_PUT = PREFIX + "attachment.put";
  public static final String ATTACHMENT_GET = PREFIX + "attachment.get";
  public static final String ATTACHMENT_LIST = PREFIX + "attachment.list";

  /** Webhooks: the business events the router delivers (a shared subscription), and the admin API's requests. */
  public static final String WEBHOOK_EVENTS = PREFIX + "webhook.events";

  public static final String WEBHOOK_API = PREFIX + "webhook.api";

  /** Page sessions as agents see them. */
  public static final String SESSION_LIST = PREFIX + "session.list";

  public static final String SESSION_PROACTIVE = PREFIX + "session.proactive";

  /** The visitor context (docs/CONTEXT.md): what pages publish, and agents' requests for it. */
  public static final String SESSION_CONTEXT_PAGE = PREFIX + "session.context-page";

  public static final String SESSION_CONTEXT = PREFIX + "session.context";

  /** A chat's page session and its earlier chats, for the chat's visitor context. */
  public static final String CHAT_CONTEXT = PREFIX + "chat.context";

  /**
   * Published by the node that has just (re)started the stateful services: every router re-asserts the page
   * sessions and agent consoles connected to it, so a new leader learns what the old one knew.
   */
  public static final String SERVICES_UP = PREFIX + "services.up";
  /** Router → services: these sessions are held by connections on my node (after {@link #SERVICES_UP}). */
  public static final String SESSION_REATTACH = PREFIX + "session.reattach";
  /** Between routers: a publish made on another node, for the pages connected here. */
  public static final String ROUTER_FORWARD = PREFIX + "router.forward";
  /** Between routers: a server component's subscription was added or removed (every router holds all). */
  public static final String ROUTER_ADDRESS_SUBS = PREFIX + "router.address-subs";
  /** Between routers: a joining router asks one peer for the retained messages. */
  public static final String ROUTER_RETAINED_SNAPSHOT = PREFIX + "router.retained-snapshot";

  /** Address of the first frame a socket receives (written by the bridge guard, never a consumer). */
  public static final String WELCOME = PREFIX + "welcome";

  private static final String INBOUND = PREFIX + "in.";
  private static final String PAGE_INBOX = PREFIX + "page.";

  /** The only inbound addresses a bridge socket may send to: one per node. */
  public static final Pattern INBOUND_PATTERN =
      Pattern.compile(Pattern.quote(INBOUND) + "[A-Za-z0-9_-]{1,64}");
  /** Page inboxes: one per socket, the only address a socket may register. */
  public static final Pattern PAGE_INBOX_PATTERN =
      Pattern.compile(Pattern.quote(PAGE_INBOX) + "[A-Za-z0-9_-]{1,64}");

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
