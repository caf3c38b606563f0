package org.siteconnect.gateway.router;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.siteconnect.gateway.bridge.JsonSize;
import org.siteconnect.gateway.bridge.PageConnection;
import org.siteconnect.gateway.bridge.PageFrames;
import org.siteconnect.gateway.bus.TopicMessage;
import org.siteconnect.gateway.ops.GatewayMetrics;
import org.siteconnect.gateway.topic.Acl;
import org.siteconnect.gateway.topic.InvalidTopicException;
import org.siteconnect.gateway.topic.Principal;
import org.siteconnect.gateway.topic.RetainedStore;
import org.siteconnect.gateway.topic.ScopedTopics;
import org.siteconnect.gateway.topic.SharedFilter;
import org.siteconnect.gateway.topic.SubscriptionIndex;
import org.siteconnect.gateway.topic.TopicFilter;
import org.siteconnect.gateway.topic.TopicLimits;
import org.siteconnect.gateway.topic.TopicName;
import org.siteconnect.gateway.topic.TopicPolicy;

/**
 * The topic-translation layer on one node: page commands (sub/unsub/pub in page form) and server components'
 * subscriptions (event-bus addresses) share one {@link SubscriptionIndex} and one {@link RetainedStore}.
 * A publish is matched once and encoded once; page recipients get the same buffer.
 * Not thread-safe: owned by the router verticle's event loop.
 */
public final class TopicRouter {

  /** A subscriber in the index: a page connection or an event-bus address. */
  sealed interface Subscriber permits PageState, AddressSubscriber {}

  record AddressSubscriber(String address) implements Subscriber {}

  /**
   * What the router knows about one bridge connection: a page (session id and site) or an agent console (login,
   * token, sites). Identity equality on purpose.
   */
  static final class PageState implements Subscriber {
    final PageConnection connection;
    final String sessionId;
    final String siteKey;
    final AgentGrant agent;
    /**
     * subscription id → server-form filter (the index's own string for it, {@link SubscriptionIndex#canonical}).
     * Several ids may use one filter: the index holds it until the last goes.
     */
    final PageSubscriptions subscriptions = new PageSubscriptions();

    PageState(PageConnection connection, String sessionId, String siteKey, AgentGrant agent) {
      this.connection = connection;
      this.sessionId = sessionId;
      this.siteKey = siteKey;
      this.agent = agent;
    }
  }

  /**
   * An agent console's identity on a connection; the token is re-checked on every command. {@code profile} is
   * the account as the agents service described it (buttons, chat limit), re-announced after a leader change.
   */
  public record AgentGrant(
      String login,
      String token,
      long expiresAt,
      java.util.Set<String> sites,
      JsonObject profile) {}

  /** Hands a publish made here to the routers of the other nodes (cluster mode; nothing on a single node). */
  public interface Forwarder {
    /** {@code owner}: whose retained quota a retained publish is charged to; null for the server's own. */
    void forward(TopicName topic, Object payload, boolean retain, String owner);
  }

  /**
   * Told which filters the pages here use (cluster mode: the other nodes forward to this one only what matches
   * them). {@code whenKnown} runs {@code then} once the other nodes know {@code filter}: a suback is sent only
   * then, so a publish made anywhere after it reaches the page.
   */
  public interface PageFilters {
    void changed(String serverFilter, boolean add);

    void whenKnown(String serverFilter, Runnable then);
  }

  /** Page command refused: an error code from docs/PROTOCOL.md and a sentence for the developer. */
  public static final class CommandException extends Exception {
    private final String code;

    CommandException(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  private final SubscriptionIndex<Subscriber> index;
  private final RetainedBudgets retained;
  private final RetainedLimits retainedLimits;
  private final TopicLimits limits;
  private final TopicPolicy policy;
  private final int maxSubscriptionsPerSession;
  private final RouterOutput output;
  private final GatewayMetrics metrics;
  private final Map<String, PageState> pages = new HashMap<>();
  /**
   * Subscriptions per page session, over all its connections on this node: the limit is the session's, and a
   * session may hold several sockets (a duplicated tab, a reconnect before the old socket's close is seen).
   */
  private final Map<String, Integer> subscriptionsBySession = new HashMap<>();

  private Forwarder forwarder = (topic, payload, retain, owner) -> {};
  private PageFilters pageFilters = new PageFilters() {
    @Override
    public void changed(String serverFilter, boolean add) {}

    @Override
    public void whenKnown(String serverFilter, Runnable then) {
      then.run();
    }
  };

  /** The retained caps: each budget's total (server, pages) and one page session's share. */
  public record RetainedLimits(
      int maxMessages, long maxBytes, int perSessionMessages, long perSessionBytes) {}

  public TopicRouter(
      TopicLimits limits,
      RetainedLimits retainedLimits,
      Acl acl,
      int maxSubscriptionsPerSession,
      RouterOutput output,
      GatewayMetrics metrics) {
    this.index = new SubscriptionIndex<>(limits);
    this.retainedLimits = retainedLimits;
    this.retained = new RetainedBudgets(
        retainedLimits.maxMessages(),
        retainedLimits.maxBytes(),
        retainedLimits.perSessionMessages(),
        retainedLimits.perSessionBytes());
    this.limits = limits;
    this.policy = new TopicPolicy(acl);
    this.maxSubscriptionsPerSession = maxSubscriptionsPerSession;
    this.output = output;
    this.metrics = metrics;
  }

  public void forwardTo(Forwarder forwarder) {
    this.forwarder = forwarder;
  }

  public void tellPageFilters(PageFilters pageFilters) {
    this.pageFilters = pageFilters;
  }

  // ---- pages
  // ----------------------------------------------------------------------------------------------

  /** A page connection got its session; from now on it may subscribe and publish. */
  public void attachPage(PageConnection connection, String sessionId, String siteKey) {
    attach(new PageState(connection, sessionId, siteKey, null));
  }

  /** An agent console proved its token. */
  public void attachAgent(PageConnection connection, AgentGrant grant) {
    attach(new PageState(connection, null, null, grant));
  }

  private void attach(PageState state) {
    PageState old = pages.put(state.connection.id(), state);
    if (old != null) {
      forget(old);
    }
  }

  /** The agent on a connection, or null for pages and unknown connections. */
  public AgentGrant agentOf(String connectionId) {
    PageState page = pages.get(connectionId);
    return page == null ? null : page.agent;
  }

  /** Connections whose agent token has one of these SHA-256 hashes (revoked). */
  public List<String> connectionsWithTokens(java.util.Collection<String> hashes) {
    List<String> out = new ArrayList<>();
    pages.forEach((id, state) -> {
      if (state.agent != null
          && hashes.contains(
              org.siteconnect.gateway.bus.SecretHashes.sha256Hex(state.agent.token()))) {
        out.add(id);
      }
    });
    return out;
  }

  public boolean hasPage(String connectionId) {
    return pages.containsKey(connectionId);
  }

  public String sessionOf(String connectionId) {
    PageState page = pages.get(connectionId);
    return page == null ? null : page.sessionId;
  }

  /** The connection closed or the session ended: every subscription of it goes. */
  public void detachPage(String connectionId) {
    PageState page = pages.remove(connectionId);
    if (page != null) {
      forget(page);
    }
  }

  private void forget(PageState page) {
    counted(page, -page.subscriptions.size());
    index.unsubscribeAll(page);
    page.subscriptions.filters().forEach(filter -> pageFilters.changed(filter, false));
  }

  /** Page session id per connection held here (re-asserted to a new services leader). */
  public Map<String, String> heldSessions() {
    return byConnection(page -> page.sessionId);
  }

  /** The agent consoles connected here, by connection id. */
  public Map<String, AgentGrant> agents() {
    return byConnection(page -> page.agent);
  }

  private <T> Map<String, T> byConnection(Function<PageState, T> value) {
    Map<String, T> out = new HashMap<>();
    pages.forEach((connectionId, page) -> {
      T v = value.apply(page);
      if (v != null) {
        out.put(connectionId, v);
      }
    });
    return out;
  }

  public int pageCount() {
    return (int) pages.values().stream().filter(p -> p.agent == null).count();
  }

  public int agentCount() {
    return (int) pages.values().stream().filter(p -> p.agent != null).count();
  }

  /** {@code sub {id, filter}}: answers suback (granted or not), then the retained messages that match. */
  public void pageSubscribe(String connectionId, String id, String pageFilter)
      throws CommandException {
    PageState page = requirePage(connectionId);
    requireId(id);
    if (page.subscriptions.containsId(id)) {
      throw new CommandException("duplicate-id", "subscription id '" + id + "' is already in use");
    }
    TopicFilter parsed = parse(toServer(pageFilter, page), TopicFilter::parse);
    if (!policy.maySubscribe(principalOf(page), parsed)) {
      output.toPage(
          page.connection,
          PageFrames.rec(new JsonObject()
              .put("op", "suback")
              .put("id", id)
              .put("granted", false)
              .put("reason", "not-allowed")));
      return;
    }
    if (subscriptionsOf(page) >= maxSubscriptionsPerSession) {
      throw new CommandException(
          "too-many-subscriptions",
          "at most " + maxSubscriptionsPerSession + " subscriptions per page session");
    }
    TopicFilter filter = index.canonical(parsed); // one copy of a filter many pages use
    String serverFilter = filter.value();
    page.subscriptions.put(id, serverFilter);
    counted(page, 1);
    if (index.subscribe(filter, page)) { // false if another id of this page has the filter
      pageFilters.changed(serverFilter, true);
    }
    pageFilters.whenKnown(serverFilter, () -> {
      if (pages.get(page.connection.id()) != page) {
        return; // gone while the other nodes learnt the filter
      }
      output.toPage(
          page.connection,
          PageFrames.rec(new JsonObject().put("op", "suback").put("id", id).put("granted", true)));
      retained.match(
          filter,
          (topic, payload) -> output.toPage(
              page.connection, PageFrames.message(pageForm(topic.value(), page), payload, true)));
    });
  }

  public void pageUnsubscribe(String connectionId, String id) throws CommandException {
    PageState page = requirePage(connectionId);
    requireId(id);
    String serverFilter = page.subscriptions.remove(id);
    if (serverFilter == null) {
      throw new CommandException("unknown-id", "no subscription with id '" + id + "'");
    }
    counted(page, -1);
    if (!page.subscriptions.containsFilter(serverFilter)) {
      index.unsubscribe(serverFilter, page);
      pageFilters.changed(serverFilter, false);
    }
    output.toPage(
        page.connection, PageFrames.rec(new JsonObject().put("op", "unsuback").put("id", id)));
  }

  /** A page's subscriptions over all connections of its session here; an agent console's on its connection. */
  private int subscriptionsOf(PageState page) {
    return page.sessionId == null
        ? page.subscriptions.size()
        : subscriptionsBySession.getOrDefault(page.sessionId, 0);
  }

  private void counted(PageState page, int delta) {
    if (page.sessionId != null && delta != 0) {
      subscriptionsBySession.merge(page.sessionId, delta, (a, b) -> a + b == 0 ? null : a + b);
    }
  }

  /** {@code pub {topic, payload, retain}} from a page: its own session scope, or a granted global topic. */
  public void pagePublish(String connectionId, String pageTopic, Object payload, boolean retain)
      throws CommandException {
    PageState page = requirePage(connectionId);
    String serverTopic = toServer(pageTopic, page);
    TopicName topic = parse(serverTopic, TopicName::parse);
    if (!policy.mayPublish(principalOf(page), topic)) {
      throw new CommandException("not-allowed", "this page may not publish on '" + pageTopic + "'");
    }
    publish(topic, payload, retain, page);
  }

  // ---- server components
  // -------------------------------------------------------------------------------------

  /** Subscribes an event-bus address (plain or {@code $share/group/filter}); retained matches follow. */
  public void subscribeAddress(String filter, String address) throws CommandException {
    subscribeAddress(filter, address, true);
  }

  /**
   * As above; {@code replayRetained} is false when another node's router took the subscription (that router
   * replays the retained messages, once).
   */
  public void subscribeAddress(String filter, String address, boolean replayRetained)
      throws CommandException {
    AddressSubscriber subscriber = new AddressSubscriber(address);
    TopicFilter matchFilter;
    try {
      if (SharedFilter.isShared(filter)) {
        SharedFilter shared = SharedFilter.parse(filter, limits);
        index.subscribeShared(shared, subscriber);
        matchFilter = shared.filter();
      } else {
        matchFilter = TopicFilter.parse(filter, limits);
        index.subscribe(matchFilter, subscriber);
      }
    } catch (InvalidTopicException e) {
      throw new CommandException("invalid-topic", e.getMessage());
    }
    if (replayRetained) {
      retained.match(
          matchFilter,
          (topic, payload) ->
              output.toAddress(address, new TopicMessage(topic.value(), payload, true)));
    }
  }

  public boolean unsubscribeAddress(String filter, String address) throws CommandException {
    try {
      return index.unsubscribe(filter, new AddressSubscriber(address));
    } catch (InvalidTopicException e) {
      throw new CommandException("invalid-topic", e.getMessage());
    }
  }

  /** A publish from a server component (or REST): any server-form topic. */
  public void publish(String serverTopic, Object payload, boolean retain) throws CommandException {
    publish(parse(serverTopic, TopicName::parse), payload, retain, null);
  }

  /**
   * A publish made on another node: its retained message is kept here too, and the pages connected here get
   * it. Server components are not delivered to: every router holds their subscriptions, so the node where the
   * publish was made has delivered to them (and picked one member of each shared group), once.
   */
  public void deliverForwarded(String serverTopic, Object payload, boolean retain, String owner)
      throws CommandException {
    TopicName topic = parse(serverTopic, TopicName::parse);
    if (retain) {
      keepForwarded(
          topic, payload, owner); // the origin node enforced the quota; the same caps hold here
    }
    List<PageConnection> pageTargets = new ArrayList<>();
    String[] pageTopic = new String[1];
    index.match(topic, subscriber -> {
      if (subscriber instanceof PageState page) {
        if (pageTopic[0] == null) {
          pageTopic[0] = pageForm(topic.value(), page);
        }
        pageTargets.add(page.connection);
      }
    });
    if (!pageTargets.isEmpty()) {
      metrics.messagesOut(GatewayMetrics.scopeOf(topic.value()), pageTargets.size());
      deliver(topic, pageTargets, PageFrames.message(pageTopic[0], payload, false));
    }
  }

  /** Every retained message as {@code [{topic, payload}]}, for a node that joins the cluster. */
  public JsonArray retainedSnapshot() {
    JsonArray out = new JsonArray();
    retained.forEach((topic, payload, owner) -> out.add(
        new JsonObject().put("topic", topic.value()).put("payload", payload).put("owner", owner)));
    return out;
  }

  /** A retained message from a peer's snapshot; a newer one seen here since joining wins. */
  public void restoreRetained(String serverTopic, Object payload, String owner)
      throws CommandException {
    TopicName topic = parse(serverTopic, TopicName::parse);
    if (!retained.has(topic)) {
      keepForwarded(topic, payload, owner);
    }
  }

  private void keepForwarded(TopicName topic, Object payload, String owner) {
    if (owner == null) {
      retained.putServer(topic, payload, payloadSize(payload));
    } else {
      retained.putPage(topic, payload, payloadSize(payload), owner);
    }
  }

  /** A page session ended (on any node): its retained messages go, here as on every node. */
  public int endSession(String sessionId) {
    return retained.endSession(sessionId);
  }

  public int retainedCount() {
    return retained.count();
  }

  public int pageRetainedCount() {
    return retained.pageCount();
  }

  /** Whether a connection on this node subscribes to {@code serverTopic} (the co-browse's same-node relay). */
  public boolean watchedHere(String serverTopic) {
    boolean[] found = {false};
    try {
      index.match(parse(serverTopic, TopicName::parse), s -> found[0] |= s instanceof PageState);
    } catch (CommandException e) {
      return false;
    }
    return found[0];
  }

  public SubscriptionIndex<?> index() {
    return index;
  }

  // ---- the hot path
  // ---------------------------------------------------------------------------------------------

  private void publish(TopicName topic, Object payload, boolean retain, PageState publisher)
      throws CommandException {
    String owner = publisher == null ? null : retainedOwner(publisher);
    if (retain) {
      keepRetained(topic, payload, publisher, owner);
    }
    String scope = GatewayMetrics.scopeOf(topic.value());
    metrics.messageIn(scope);
    List<PageConnection> pageTargets = new ArrayList<>();
    int[] toAddresses = {0};
    String[] pageTopic = new String[1];
    TopicMessage[] shared = new TopicMessage[1];
    index.match(topic, subscriber -> {
      if (subscriber instanceof PageState page) {
        if (page != publisher) { // MQTT 5 "no local": a page never gets its own publish back
          if (pageTopic[0] == null) {
            pageTopic[0] = pageForm(topic.value(), page);
          }
          pageTargets.add(page.connection);
        }
      } else if (subscriber instanceof AddressSubscriber a) {
        if (shared[0] == null) {
          shared[0] = new TopicMessage(topic.value(), payload, false);
        }
        output.toAddress(a.address(), shared[0]);
        toAddresses[0]++;
      }
    });
    metrics.messagesOut(scope, pageTargets.size() + toAddresses[0]);
    forwarder.forward(topic, payload, retain, owner);
    if (!pageTargets.isEmpty()) {
      // Encoded once for every page recipient. A session topic has subscribers of that one session
      // only, so
      // its page form is the same for all of them.
      deliver(topic, pageTargets, PageFrames.message(pageTopic[0], payload, false));
    }
  }

  /** The quota a connection's retained publishes are charged to: its page session, or the agent's login. */
  private static String retainedOwner(PageState page) {
    return page.sessionId != null ? page.sessionId : "agent:" + page.agent.login();
  }

  private void keepRetained(TopicName topic, Object payload, PageState publisher, String owner)
      throws CommandException {
    int size = payloadSize(payload);
    if (publisher == null) {
      RetainedStore.Result result = retained.putServer(topic, payload, size);
      if (result == RetainedStore.Result.REJECTED_COUNT
          || result == RetainedStore.Result.REJECTED_BYTES) {
        throw new CommandException(
            "retained-full", "the retained-message store is full (" + result + ")");
      }
      return;
    }
    if (isServerState(topic)) {
      throw new CommandException(
          "not-allowed",
          "the gateway keeps the retained state of ~pagesession/chat and "
              + "~pagesession/cobrowsing: a page may not retain messages there");
    }
    switch (retained.putPage(topic, payload, size, owner)) {
      case QUOTA ->
        throw new CommandException(
            "retained-quota",
            "a page session may keep at most "
                + retainedLimits.perSessionMessages() + " retained messages of "
                + retainedLimits.perSessionBytes()
                + " bytes in all");
      case FULL ->
        throw new CommandException("retained-full", "the retained-message store for pages is full");
      default -> {}
    }
  }

  /** {@code pagesession/<sid>/chat/…} and {@code …/cobrowsing/…}: retained state only the server writes. */
  private static boolean isServerState(TopicName topic) {
    return topic.depth() >= 3
        && "pagesession".equals(topic.level(0))
        && ("chat".equals(topic.level(2)) || "cobrowsing".equals(topic.level(2)));
  }

  private void deliver(TopicName topic, List<PageConnection> targets, Buffer frame) {
    if (isCobrowseEvents(topic)) {
      metrics.cobrowseBytes(
          (long) frame.length() * targets.size()); // the encoded size comes for free here
    }
    output.toPages(targets, frame);
  }

  /** {@code $agents/<site>/cobrowse/<login>/<id>/events}: the recorder's stream on its way to the agent. */
  private static boolean isCobrowseEvents(TopicName topic) {
    return topic.depth() == 6
        && "$agents".equals(topic.level(0))
        && "cobrowse".equals(topic.level(2))
        && "events".equals(topic.level(5));
  }

  private static String pageForm(String serverTopic, PageState page) {
    return page.sessionId == null ? serverTopic : ScopedTopics.toPage(serverTopic, page.sessionId);
  }

  /** MQTT: an empty payload clears the retained message (MQTT-3.3.1-10). */
  static int payloadSize(Object payload) {
    if (payload == null) {
      return 0;
    }
    if (payload instanceof String s) {
      return s.isEmpty() ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
    if (payload instanceof JsonObject || payload instanceof JsonArray) {
      return (int) Math.min(Integer.MAX_VALUE, JsonSize.of(payload));
    }
    return String.valueOf(payload).length();
  }

  private PageState requirePage(String connectionId) throws CommandException {
    PageState page = pages.get(connectionId);
    if (page == null) {
      throw new CommandException(
          "no-session", "say hello first: this connection has no page session");
    }
    return page;
  }

  private static void requireId(String id) throws CommandException {
    if (id == null || id.isEmpty() || id.length() > 64) {
      throw new CommandException("bad-request", "'id' must be a string of 1 to 64 characters");
    }
  }

  /** Built per check: an agent's buttons are read from its profile as it is now. */
  private static Principal principalOf(PageState page) {
    return page.agent == null
        ? new Principal.Page(page.sessionId, page.siteKey)
        : new Principal.AgentConsole(page.agent.login(), page.agent.sites(), buttonsOf(page.agent));
  }

  private static List<String> buttonsOf(AgentGrant agent) {
    JsonArray buttons = agent.profile() == null ? null : agent.profile().getJsonArray("buttons");
    return buttons == null ? List.of() : buttons.stream().map(String::valueOf).toList();
  }

  private static String toServer(String pageTopic, PageState page) throws CommandException {
    if (pageTopic == null) {
      throw new CommandException("bad-request", "the topic must be a string");
    }
    if (page.sessionId == null && pageTopic.startsWith("~pagesession")) {
      throw new CommandException(
          "invalid-topic", "an agent console has no page session: '~pagesession' is for pages");
    }
    try {
      return ScopedTopics.toServer(pageTopic, page.sessionId == null ? "-" : page.sessionId);
    } catch (InvalidTopicException e) {
      throw new CommandException("invalid-topic", e.getMessage());
    }
  }

  /** {@code TopicName::parse} or {@code TopicFilter::parse} with this router's limits; invalid is a refused command. */
  private <T> T parse(String serverTopic, BiFunction<String, TopicLimits, T> parser)
      throws CommandException {
    try {
      return parser.apply(serverTopic, limits);
    } catch (InvalidTopicException e) {
      throw new CommandException("invalid-topic", e.getMessage());
    }
  }
}
