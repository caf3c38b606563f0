package org.siteconnect.gateway.chat;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.RandomIds;
import org.siteconnect.gateway.bus.RouterRequests;
import org.siteconnect.gateway.bus.ServiceConsumers;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.bus.ServiceHandlers;
import org.siteconnect.gateway.bus.TopicMessage;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.ops.AuditLog;
import org.siteconnect.gateway.ops.GatewayMetrics;
import org.siteconnect.gateway.topic.AgentTopics;
import org.siteconnect.gateway.topic.EventTopics;
import org.siteconnect.gateway.topic.ServerTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chats (docs/PROTOCOL.md "Chat"): triggers from pages (a shared subscription, so each is handled once),
 * the waiting queue per site, accept by exactly one agent, messages stored before they are acknowledged and
 * de-duplicated by client id, typing, end, rating, left messages, and transcript retention.
 */
public final class ChatVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ChatVerticle.class);

  private final GatewayConfig config;
  private final ChatStore store;
  private final GatewayMetrics metrics;
  private RouterRequests router;
  private Conversations chats;
  private VisitorPresence presence;
  private TypingRelay typing;
  private final Map<String, Boolean> buttonEnabled = new HashMap<>();
  /** Page sessions whose chat request is being checked or stored. */
  private final java.util.Set<String> requesting = new java.util.HashSet<>();

  private WindowCounts requestsPerSession;
  private WindowCounts requestsPerAddress;
  private WindowCounts leftPerSession;
  private WindowCounts leftPerAddress;
  private LeftMessageRoom leftRoom;
  /** What pages publish under {@code ~pagesession/chat/}; a shared subscription each, so one node handles it. */
  private static final List<String> PAGE_VERBS =
      List.of("trigger", "send", "typing", "end", "sync", "rate", "leave_message", "presence");

  public ChatVerticle(GatewayConfig config, ChatStore store, GatewayMetrics metrics) {
    this(config, store, metrics, null);
  }

  /** With {@code transfers} (null: transfer notes are not kept). */
  public ChatVerticle(
      GatewayConfig config, ChatStore store, GatewayMetrics metrics, Transfers transfers) {
    this.config = config;
    this.store = store;
    this.metrics = metrics;
    this.transfers = transfers;
  }

  private final Transfers transfers;
  /** Chats whose transfer is being checked: a second transfer of one of them meanwhile is refused. */
  private final java.util.Set<String> transferring = new java.util.HashSet<>();

  @Override
  public Future<?> start() {
    router = new RouterRequests(vertx.eventBus());
    chats =
        new Conversations(config.chat().maxMessageBytes(), config.chat().maxMessagesPerMinute());
    presence = new VisitorPresence(
        vertx, config.chat().visitorGraceSeconds() * 1000L, this::visitorGone, this::relayTab);
    typing = new TypingRelay(vertx, 1000L / config.chat().typingPerSecond(), (chatId, on) -> chats
        .get(chatId)
        .filter(c -> ChatRecord.ACTIVE.equals(c.state()))
        .ifPresent(c -> toAgents(c, "typing", new JsonObject().put("typing", on))));
    metrics.gauge(
        "sc_chat_requests_waiting", "chat requests waiting for an agent", chats::waitingCount);
    metrics.gauge("sc_chats_active", "chats in progress", chats::activeCount);
    requestsPerSession = new WindowCounts(config.chat().requestsPerSessionHour(), HOUR_MILLIS);
    requestsPerAddress = new WindowCounts(config.chat().requestsPerAddressHour(), HOUR_MILLIS);
    leftPerSession = new WindowCounts(config.chat().leftMessagesPerSessionHour(), HOUR_MILLIS);
    leftPerAddress = new WindowCounts(config.chat().leftMessagesPerAddressHour(), HOUR_MILLIS);
    leftRoom = new LeftMessageRoom(config.chat().maxLeftMessagesPerSite());
    vertx.setPeriodic(60_000, id -> sweepLimits());
    vertx.setPeriodic(3_600_000, id -> purge());
    return new ServiceConsumers(vertx.eventBus())
        .topic(Addresses.CHAT_PAGE_EVENTS, this::pageEvent)
        .topic(Addresses.CHAT_BUTTON_STATES, this::buttonState)
        .request(Addresses.SESSION_END, this::sessionEnded)
        .request(Addresses.SESSION_PRESENCE, this::sessionPresence)
        .request(Addresses.CHAT_LIST, this::list)
        .request(Addresses.CHAT_ACCEPT, this::accept)
        .request(Addresses.CHAT_AGENT_SEND, this::agentSend)
        .request(Addresses.CHAT_AGENT_TYPING, this::agentTyping)
        .request(Addresses.CHAT_AGENT_END, this::agentEnd)
        .request(Addresses.CHAT_MESSAGES, this::messages)
        .request(Addresses.CHAT_LEFT_MESSAGES, this::leftMessages)
        .request(Addresses.CHAT_OF_SESSION, this::chatOfSession)
        .request(Addresses.CHAT_FORGET, this::forget)
        .request(Transfers.TRANSFER, this::transfer)
        .request(Transfers.TARGETS, this::transferTargets)
        .request(Addresses.CHAT_ATTACHED, this::attached)
        .request(Addresses.CHAT_CONTEXT, m -> VisitorChats.context(store, m))
        .registered()
        .compose(v -> store.leftCounts())
        .onSuccess(leftRoom::recount)
        .compose(v -> Future.all(PAGE_VERBS.stream()
            .map(verb -> router.subscribe(
                "$share/chat/pagesession/+/chat/" + verb, Addresses.CHAT_PAGE_EVENTS))
            .toList()))
        .compose(v -> router.subscribe("$sites/+/chat_button/+", Addresses.CHAT_BUTTON_STATES))
        .compose(v -> store.live())
        .onSuccess(this::takeOver)
        .compose(v -> purge());
  }

  /**
   * Waiting and active chats from the store (a restart, or a new leader): agents' chat load counts again, and
   * each page is told to sync — a line it sent while no chat service was there is lost, and the sync resends it.
   */
  private void takeOver(List<ChatRecord> live) {
    live.forEach(chats::put);
    live.forEach(c -> toPage(c.sessionId(), "chat/resync", new JsonObject()));
    // No page is connected yet: each gets a few graces to come back (the frame backs off while the
    // node is down).
    live.forEach(c -> presence.disconnected(
        c.sessionId(), RESTART_GRACES * config.chat().visitorGraceSeconds() * 1000L));
    live.stream()
        .map(ChatRecord::agentLogin)
        .filter(java.util.Objects::nonNull)
        .distinct()
        .forEach(this::chatLoad);
  }

  private static final long HOUR_MILLIS = 3_600_000;

  private void sweepLimits() {
    long now = System.currentTimeMillis();
    requestsPerSession.sweep(now);
    requestsPerAddress.sweep(now);
    leftPerSession.sweep(now);
    leftPerAddress.sweep(now);
  }

  /** After a restart or a leader change, pages get this many visitor graces to reconnect. */
  private static final int RESTART_GRACES = 4;

  private void buttonState(Message<TopicMessage> m) {
    String[] levels = m.body().topic().split("/");
    if (levels.length == 4 && m.body().payload() instanceof JsonObject p) {
      buttonEnabled.put(levels[1] + "/" + levels[3], "enabled".equals(p.getString("state")));
    }
  }

  // ---- page side
  // ------------------------------------------------------------------------------------------------

  /** {@code pagesession/<sid>/chat/<verb>} from a page. */
  private void pageEvent(Message<TopicMessage> m) {
    ServerTopics.PageEvent event = ServerTopics.PageEvent.of(m.body().topic());
    if (event == null) {
      return;
    }
    String sid = event.sessionId();
    JsonObject payload = m.body().jsonPayload();
    switch (event.verb()) {
      case "trigger" -> trigger(sid, payload);
      case "send" -> visitorSend(sid, payload);
      case "typing" ->
        chats.ofSession(sid).filter(c -> ChatRecord.ACTIVE.equals(c.state())).ifPresent(c -> {
          boolean on = payload.getBoolean("typing", false) == Boolean.TRUE;
          presence.typing(sid, on, System.currentTimeMillis());
          typing.typing(c.id(), on, System.currentTimeMillis());
        });
      case "end" -> chats.ofSession(sid).ifPresent(c -> end(c, "visitor"));
      case "sync" -> sync(sid, payload);
      case "rate" -> rate(sid, payload);
      case "leave_message" -> leaveMessage(sid, payload);
      case "presence" ->
        chats
            .ofSession(sid)
            .filter(c -> ChatRecord.ACTIVE.equals(c.state()))
            .ifPresent(
                c -> presence.tabState(sid, payload.getValue("state"), System.currentTimeMillis()));
      default -> {}
    }
  }

  /**
   * A chat request. One live chat per page session: a trigger while the session has one shows it again, one while
   * its request is being checked is dropped (that request answers both). The session's rate is checked here, the
   * address's rate and the site's queue bound in the turn the session's address arrives — each together with its
   * claim, so a burst from many sockets or sessions cannot overshoot.
   */
  private void trigger(String sid, JsonObject payload) {
    String button = payload.getValue("button_id") instanceof String s ? s : null;
    if (chats.ofSession(sid).isPresent()) {
      toPage(sid, "show_frame", new JsonObject());
      publishState(chats.ofSession(sid).get());
      return;
    }
    if (requesting.contains(sid)) {
      return;
    }
    if (requestsPerSession.full(sid, System.currentTimeMillis())) {
      toPage(sid, "chat/error", error(null, "rate-limited", "too many chat requests; try later"));
      return;
    }
    requesting.add(sid);
    vertx
        .eventBus()
        .<JsonObject>request(Addresses.SESSION_INFO, new JsonObject().put("sid", sid))
        .onSuccess(info -> {
          if (!requesting.contains(sid)) {
            return; // the session ended meanwhile
          }
          ChatRecord chat = admitRequest(sid, button, info.body());
          if (chat == null) {
            requesting.remove(sid);
            return;
          }
          store
              .create(chat)
              .compose(v -> info.body().getString("visitor") == null
                  ? Future.<Void>succeededFuture()
                  : store.visitor(chat.id(), info.body().getString("visitor")))
              .onComplete(ar -> chats.releaseWaiting(chat.site()))
              .onSuccess(v -> requested(chat, requesting.remove(sid)))
              .onFailure(err -> {
                requesting.remove(sid);
                LOG.warn("could not store a chat request", err);
              });
        })
        .onFailure(err -> {
          requesting.remove(sid);
          LOG.debug("trigger from an ended session [{}]", sid);
        });
  }

  /** The checks that need the session's site and address; the chat to store, or null (the page was told why). */
  private ChatRecord admitRequest(String sid, String button, JsonObject info) {
    String site = info.getString("site");
    if (button == null || config.site(site).flatMap(s -> s.button(button)).isEmpty()) {
      toPage(
          sid,
          "chat/error",
          error(null, "unknown-button", "this site has no chat button '" + button + "'"));
      return null;
    }
    toPage(sid, "show_frame", new JsonObject());
    if (!buttonEnabled.getOrDefault(site + "/" + button, false)) {
      toPage(
          sid,
          "chat/state",
          new JsonObject().put("state", "unavailable").put("button_id", button),
          true);
      return null;
    }
    long now = System.currentTimeMillis();
    String address = info.getString("address");
    if (address != null && requestsPerAddress.full(address, now)) {
      toPage(sid, "chat/error", error(null, "rate-limited", "too many chat requests; try later"));
      return null;
    }
    if (!chats.holdWaiting(site, config.chat().maxWaitingPerSite())) {
      toPage(
          sid,
          "chat/error",
          error(null, "queue-full", "too many visitors are waiting; try later or leave a message"));
      return null;
    }
    requestsPerSession.tryTake(sid, now);
    if (address != null) {
      requestsPerAddress.tryTake(address, now);
    }
    return new ChatRecord(
        randomId(),
        site,
        button,
        sid,
        null,
        null,
        ChatRecord.WAITING,
        now,
        null,
        null,
        null,
        null,
        randomId() + randomId());
  }

  /** A stored request joins the queue; if its session ended while it was stored, it is withdrawn at once. */
  private void requested(ChatRecord chat, boolean sessionLives) {
    if (!sessionLives) { // nobody saw it: stored as withdrawn, and no state for the gone page
      store.update(chat.ended("visitor-left", System.currentTimeMillis()));
      return;
    }
    chats.put(chat);
    publishState(chat);
    publishQueue(chat);
    event(chat, "requested", new JsonObject().put("createdAt", chat.createdAt()));
    LOG.info("chat requested [{}] button [{}/{}]", chat.id(), chat.site(), chat.button());
  }

  private void visitorSend(String sid, JsonObject payload) {
    String cid =
        payload.getValue("cid") instanceof String s && !s.isEmpty() && s.length() <= 64 ? s : null;
    var chat = chats.ofSession(sid).filter(c -> ChatRecord.ACTIVE.equals(c.state()));
    if (cid == null) {
      toPage(
          sid,
          "chat/error",
          error(null, "bad-request", "'cid' must be a string of 1 to 64 characters"));
      return;
    }
    if (chat.isEmpty()) {
      toPage(sid, "chat/error", error(cid, "no-chat", "there is no ongoing chat to send to"));
      return;
    }
    Conversations.Refusal refusal = chats.check(payload.getValue("text"));
    if (refusal == null && !chats.allowSend(chat.get().id(), System.currentTimeMillis())) {
      refusal = new Conversations.Refusal("rate-limited", "too many messages; wait a moment");
    }
    if (refusal != null) {
      toPage(sid, "chat/error", error(cid, refusal.code(), refusal.message()));
      return;
    }
    append(chat.get(), cid, ChatMessage.VISITOR, "Visitor", payload.getString("text"))
        .onSuccess(
            msg -> toPage(sid, "chat/ack", new JsonObject().put("cid", cid).put("seq", msg.seq())));
  }

  /** Stores first; delivers only what was newly stored (a resend of a stored cid is just re-acknowledged). */
  private Future<ChatMessage> append(
      ChatRecord chat, String cid, String sender, String name, String text) {
    return store
        .append(chat.id(), cid, sender, name, text, System.currentTimeMillis())
        .onSuccess(appended -> {
          if (appended.fresh()) {
            toPage(chat.sessionId(), "chat/message", appended.message().toJson());
            toAgents(chat, "message", appended.message().toJson());
            event(chat, "message", appended.message().toJson());
          }
        })
        .map(ChatStore.Appended::message)
        .onFailure(err -> LOG.warn("could not store a chat message [{}]", chat.id(), err));
  }

  /**
   * The chat's state and lines after {@code after}. A page whose session is new (its old one could not be resumed,
   * e.g. the gateway lost it) but that still holds its chat's id and token takes the chat back — only from a
   * session with no live connection, so the chat is never pulled away from a page that is still open (nor moved
   * back and forth between two); the visitor's rate stays with the chat ({@link Conversations#allowSend}).
   */
  private void sync(String sid, JsonObject payload) {
    ChatRecord c = chats.ofSession(sid).isEmpty()
            && !requesting.contains(sid) // one live chat per session
            && payload.getValue("chat_id") instanceof String id
            && payload.getValue("token") instanceof String token
        ? claimable(id, token)
        : null;
    if (c != null) {
      String id = c.id();
      String token = c.visitorToken();
      String from = c.sessionId();
      vertx
          .eventBus()
          .<JsonObject>request(Addresses.SESSION_INFO, new JsonObject().put("sid", from))
          .map(r -> r.body().getBoolean("connected", false))
          .otherwise(false) // the old session is gone
          .onSuccess(connected -> {
            if (connected) {
              // debug: the page can repeat this at will
              LOG.debug("chat [{}] not moved: its page session is still connected", id);
            } else {
              takeBack(sid, id, token, from);
            }
            history(sid, payload);
          });
      return;
    }
    history(sid, payload);
  }

  /** The live chat with this id and visitor token, or null. */
  private ChatRecord claimable(String chatId, String token) {
    return chats.get(chatId).filter(c -> token.equals(c.visitorToken())).orElse(null);
  }

  /** Moves the chat to {@code sid} if nothing changed while its old session was looked up. */
  private void takeBack(String sid, String chatId, String token, String from) {
    ChatRecord c = claimable(chatId, token);
    if (c == null
        || !c.sessionId().equals(from)
        || chats.ofSession(sid).isPresent()
        || requesting.contains(sid)) {
      return;
    }
    ChatRecord rebound = c.rebound(sid);
    chats.put(rebound);
    store.update(rebound);
    presence.forget(from, null);
    if (presence.connected(sid, rebound.id())) {
      toHolder(rebound, "back");
    }
  }

  private void history(String sid, JsonObject payload) {
    long after = payload.getValue("after") instanceof Number n ? n.longValue() : 0;
    var chat = chats.ofSession(sid);
    if (chat.isEmpty()) {
      toPage(
          sid,
          "chat/history",
          new JsonObject().put("state", "none").put("messages", new JsonArray()));
      return;
    }
    store
        .messages(chat.get().id(), after)
        .onSuccess(list -> toPage(
            sid,
            "chat/history",
            stateJson(chat.get())
                .put(
                    "messages",
                    new JsonArray(list.stream().map(ChatMessage::toJson).toList()))));
  }

  private void rate(String sid, JsonObject payload) {
    Integer rating =
        payload.getValue("rating") instanceof Number n && n.intValue() >= 1 && n.intValue() <= 5
            ? n.intValue()
            : null;
    String chatId = payload.getValue("chat_id") instanceof String s ? s : null;
    if (chatId != null && rating != null) {
      store.chat(chatId).onSuccess(c -> c.filter(
              x -> x.sessionId().equals(sid) && x.rating() == null)
          .ifPresent(x -> store.update(x.rated(rating))));
    }
    toPage(sid, "chat/state", new JsonObject().put("state", "none"), true);
    toPage(sid, "hide_frame", new JsonObject());
  }

  private void leaveMessage(String sid, JsonObject payload) {
    Conversations.Refusal refusal = chats.check(payload.getValue("text"));
    String name = payload.getValue("name") instanceof String s ? s.strip() : "";
    String contact = payload.getValue("contact") instanceof String s ? s.strip() : "";
    if (refusal == null && (name.length() > 200 || contact.length() > 200)) {
      refusal =
          new Conversations.Refusal("too-long", "name and contact may be at most 200 characters");
    }
    if (refusal != null) {
      toPage(sid, "chat/error", error(null, refusal.code(), refusal.message()));
      return;
    }
    Object button = payload.getValue("button_id");
    if (button != null && !(button instanceof String b && b.length() <= 64)) {
      toPage(
          sid,
          "chat/error",
          error(null, "bad-request", "'button_id' must be a string of at most 64 characters"));
      return;
    }
    // Counted when it arrives: the session's sockets cannot send a burst past the limit.
    if (!leftPerSession.tryTake(sid, System.currentTimeMillis())) {
      toPage(sid, "chat/error", error(null, "rate-limited", "too many messages left; try later"));
      return;
    }
    vertx
        .eventBus()
        .<JsonObject>request(Addresses.SESSION_INFO, new JsonObject().put("sid", sid))
        .compose(info -> {
          String site = info.body().getString("site");
          String address = info.body().getString("address");
          if (address != null && !leftPerAddress.tryTake(address, System.currentTimeMillis())) {
            return Future.failedFuture(
                ServiceError.of(429, "rate-limited", "too many messages left; try later"));
          }
          if (!leftRoom.tryHold(site)) {
            LOG.warn("site [{}] holds chat.maxLeftMessagesPerSite left messages: refused", site);
            return Future.failedFuture(ServiceError.of(
                507, "storage-full", "no more messages can be left here now; try later"));
          }
          LeftMessage left = new LeftMessage(
              randomId(),
              site,
              buttonOf(site, (String) button),
              name,
              contact,
              payload.getString("text"),
              System.currentTimeMillis(),
              sid);
          return store
              .leave(left)
              .onComplete(ar -> leftRoom.settle(site, ar.succeeded()))
              .map(left);
        })
        .onSuccess(left -> {
          toPage(sid, "chat/left", new JsonObject().put("ok", true));
          router.publishQuietly(
              EventTopics.leftMessage(left.site(), left.id()), left.toJson(), false);
        })
        .onFailure(err -> {
          ServiceError e = ServiceError.from(err); // logged with its reference
          toPage(sid, "chat/error", error(null, e.code(), e.getMessage()));
        });
  }

  /**
   * The button a left message names, if the site has it; else none, and every agent of the site sees it
   * (docs/SECURITY.md) — a page that knew no button, or one removed since, still reaches somebody.
   */
  private String buttonOf(String site, String button) {
    return button != null && config.site(site).flatMap(s -> s.button(button)).isPresent()
        ? button
        : "";
  }

  /** {@code {sid, connected}}: a chat's page lost its last connection (the grace starts) or got one back. */
  private void sessionPresence(Message<JsonObject> m) {
    String sid = m.body().getString("sid", "");
    var chat = chats.ofSession(sid);
    if (chat.isEmpty()) {
      return;
    }
    if (!m.body().getBoolean("connected", false)) {
      presence.disconnected(sid, 0);
    } else if (presence.connected(sid, chat.get().id())
        && ChatRecord.ACTIVE.equals(chat.get().state())) {
      toHolder(chat.get(), "back");
    }
  }

  /**
   * The grace of a chat's page ran out: unless a connection holds it by now, a waiting request leaves the queue
   * ({@code visitor-left}) and the agent of an open chat is told the visitor left (the chat stays open: the page
   * may come back while the session lives, and the agent may still end it).
   */
  private void visitorGone(String sid) {
    vertx
        .eventBus()
        .<JsonObject>request(Addresses.SESSION_INFO, new JsonObject().put("sid", sid))
        .map(r -> r.body().getBoolean("connected", false))
        .otherwise(false)
        .onSuccess(connected -> {
          var chat = chats.ofSession(sid);
          if (connected || chat.isEmpty()) {
            return;
          }
          if (ChatRecord.WAITING.equals(chat.get().state())) {
            LOG.info("chat request withdrawn [{}]: its page is gone", chat.get().id());
            end(chat.get(), "visitor-left");
          } else if (presence.markLeft(chat.get().id())) {
            toHolder(chat.get(), "left");
          }
        });
  }

  private void relayTab(String sid, String state) {
    chats
        .ofSession(sid)
        .filter(c -> ChatRecord.ACTIVE.equals(c.state()))
        .ifPresent(c -> toHolder(c, state));
  }

  /** The visitor's presence ({@code reading, away, left, back}) to the agent who holds the chat, retained. */
  private void toHolder(ChatRecord c, String state) {
    if (c.agentLogin() != null) {
      router.publishQuietly(
          AgentTopics.visitor(c.site(), c.agentLogin(), c.id()),
          new JsonObject().put("chat_id", c.id()).put("presence", state),
          true);
    }
  }

  /**
   * A new holder (transfer or accept) sees the visitor's presence and typing at once, not only at their next
   * change.
   */
  private void presenceToHolder(ChatRecord c) {
    if (c.agentLogin() == null) {
      return;
    }
    String state = presence.stateOf(c.sessionId(), c.id());
    if (state != null) {
      toHolder(c, state);
    }
    if (presence.typingNow(c.sessionId(), System.currentTimeMillis())) {
      toAgents(c, "typing", new JsonObject().put("typing", true));
    }
  }

  /** The chat is over: its presence timer and state go, and so does the retained presence its agent reads. */
  private void forgetPresence(ChatRecord c) {
    presence.forget(c.sessionId(), c.id());
    typing.forget(c.id());
    if (c.agentLogin() != null) {
      router.publishQuietly(AgentTopics.visitor(c.site(), c.agentLogin(), c.id()), "", true);
    }
  }

  private void sessionEnded(Message<JsonObject> m) {
    String sid = m.body().getString("sid");
    presence.forget(sid, null);
    requesting.remove(sid); // a request being stored is withdrawn once stored
    chats.allOfSession(sid).forEach(c -> end(c, "visitor-left"));
    toPage(sid, "chat/state", new JsonObject(), true); // clear the retained state
  }

  // ---- agent side (REST adapter → here; the agent is already authenticated)
  // ------------------------------------

  /** The newest chats of the buttons the agent serves (read from a wider window of its sites' chats). */
  private void list(Message<JsonObject> m) {
    List<String> sites = strings(m.body().getJsonArray("sites"));
    List<String> buttons = strings(m.body().getJsonArray("buttons"));
    ServiceHandlers.reply(m, store.chats(sites, 1000).map(all -> new JsonObject()
        .put(
            "chats",
            new JsonArray(all.stream()
                .filter(c -> buttons.contains(c.site() + "/" + c.button()))
                .limit(100)
                .map(ChatRecord::toJson)
                .toList()))));
  }

  /** The co-browse view shows the chat beside the mirror: only an active chat of this very agent. */
  private void chatOfSession(Message<JsonObject> m) {
    String login = m.body().getString("login", "");
    m.reply(chats
        .ofSession(m.body().getString("sid", ""))
        .filter(c -> ChatRecord.ACTIVE.equals(c.state()) && login.equals(c.agentLogin()))
        .map(c -> new JsonObject().put("chat_id", c.id()))
        .orElseGet(JsonObject::new));
  }

  private void accept(Message<JsonObject> m) {
    JsonObject b = m.body();
    var chat = chats.get(b.getString("chat_id")).filter(c -> strings(b.getJsonArray("buttons"))
        .contains(c.site() + "/" + c.button()));
    if (chat.isEmpty()) {
      m.reply(ServiceError.notFound("no waiting chat with this id for your buttons"));
      return;
    }
    if (!ChatRecord.WAITING.equals(chat.get().state())) {
      m.reply(ServiceError.conflict("another agent has already accepted this chat"));
      return;
    }
    ChatRecord c = chat.get();
    String login = b.getString("login");
    // Checked in the same event-loop turn as the claim below: a burst of accepts cannot overshoot.
    int max = b.getInteger("maxChats", 1);
    if (chats.activeChatsOf(login) >= max) {
      m.reply(ServiceError.of(
          409, "at-limit", "you already have " + max + " chats, your limit; end one first"));
      return;
    }
    ChatRecord active = c.accepted(login, b.getString("name"), System.currentTimeMillis());
    chats.put(
        active); // claimed now, on this event loop: a second accept sees it is no longer waiting
    store
        .update(active)
        .onSuccess(v -> {
          publishState(active);
          publishQueue(active);
          chatLoad(login);
          presenceToHolder(
              active); // after a transfer to the button: what the visitor's tab said before
          event(
              active,
              "accepted",
              new JsonObject()
                  .put("agent", login)
                  .put("agentName", active.agentName())
                  .put("acceptedAt", active.acceptedAt()));
          append(
              active,
              "joined-" + login,
              ChatMessage.SYSTEM,
              active.agentName(),
              active.agentName() + " joined the chat");
          metrics.chatWait(java.time.Duration.ofMillis(active.acceptedAt() - active.createdAt()));
          AuditLog.record(
              vertx.eventBus(),
              login,
              AuditLog.CHAT_ACCEPTED,
              "chat " + c.id(),
              c.site() + "/" + c.button(),
              b.getString("address"));
          LOG.info("chat accepted [{}] by [{}]", c.id(), login);
          m.reply(active.toJson());
        })
        .onFailure(err -> ServiceHandlers.fail(m, err));
  }

  private void agentSend(Message<JsonObject> m) {
    JsonObject b = m.body();
    var chat = ownActive(m);
    if (chat == null) {
      return;
    }
    Conversations.Refusal refusal = chats.check(b.getValue("text"));
    if (refusal != null) {
      m.reply(ServiceError.of(400, refusal.code(), refusal.message()));
      return;
    }
    append(chat, b.getString("cid"), ChatMessage.AGENT, chat.agentName(), b.getString("text"))
        .onSuccess(msg -> m.reply(new JsonObject().put("seq", msg.seq()).put("cid", msg.cid())))
        .onFailure(err -> ServiceHandlers.fail(m, err));
  }

  private void agentTyping(Message<JsonObject> m) {
    ChatRecord chat = ownActive(m);
    if (chat != null) {
      toPage(
          chat.sessionId(),
          "chat/typing",
          new JsonObject()
              .put("typing", m.body().getBoolean("typing", false))
              .put("name", chat.agentName()));
      m.reply(new JsonObject().put("ok", true));
    }
  }

  private void agentEnd(Message<JsonObject> m) {
    ChatRecord chat = ownActive(m);
    if (chat != null) {
      end(chat, "agent");
      m.reply(new JsonObject().put("ok", true));
    }
  }

  // ---- transfer (docs/CONSOLE.md "Transfer")
  // ----------------------------------------------------------------------

  /**
   * The holder hands the chat to another agent who serves its button, is available and under its chat limit
   * (the chat stays active), or to another button of the site with someone available (the chat waits in that
   * queue). One transfer of a chat at a time: the checks are asynchronous, the claim is not.
   */
  private void transfer(Message<JsonObject> m) {
    JsonObject b = m.body();
    ChatRecord chat = ownActive(m);
    if (chat == null) {
      return;
    }
    String toAgent = b.getString("toAgent");
    String toButton = b.getString("toButton");
    if ((toAgent == null) == (toButton == null)) {
      m.reply(ServiceError.badRequest("send either 'toAgent' or 'toButton'"));
      return;
    }
    if (transferring.contains(chat.id())) {
      m.reply(ServiceError.of(409, "transfer-under-way", "this chat is being transferred already"));
      return;
    }
    if (toAgent != null && toAgent.equals(chat.agentLogin())) {
      m.reply(ServiceError.badRequest("you hold this chat already"));
      return;
    }
    if (toButton != null) {
      ServiceHandlers.reply(m, toButton(chat, b).map(ChatRecord::toJson));
      return;
    }
    transferring.add(chat.id());
    Future<ChatRecord> moved = vertx
        .eventBus()
        .<JsonObject>request(
            Transfers.CAN_TAKE,
            new JsonObject().put("login", toAgent).put("button", chat.site() + "/" + chat.button()))
        .compose(answer -> toAgent(chat, b, answer.body()))
        .onComplete(ar -> transferring.remove(chat.id()));
    ServiceHandlers.reply(m, moved.map(ChatRecord::toJson));
  }

  /** On the event loop, after the target's check: the claim, then what everyone sees. */
  private Future<ChatRecord> toAgent(ChatRecord before, JsonObject b, JsonObject target) {
    String toAgent = b.getString("toAgent");
    var now = chats
        .get(before.id())
        .filter(
            c -> ChatRecord.ACTIVE.equals(c.state()) && before.agentLogin().equals(c.agentLogin()));
    if (now.isEmpty()) {
      return Future.failedFuture(ServiceError.conflict("the chat ended or moved meanwhile"));
    }
    String reason = target.getString("reason");
    if ("not-serving".equals(reason)) {
      return Future.failedFuture(ServiceError.of(
          409,
          "not-serving",
          "'" + toAgent + "' does not serve the button '" + before.button() + "'"));
    }
    if (reason != null) {
      return Future.failedFuture(ServiceError.of(
          409,
          "not-available",
          "'" + toAgent + "' is not available for the button '" + before.button() + "'"));
    }
    int max = target.getInteger("maxChats", 1);
    if (chats.activeChatsOf(toAgent) >= max) {
      return Future.failedFuture(ServiceError.of(
          409, "at-limit", "'" + toAgent + "' already has " + max + " chats, their limit"));
    }
    long at = System.currentTimeMillis();
    String name = target.getString("name", toAgent);
    ChatRecord moved = new ChatRecord(
        before.id(),
        before.site(),
        before.button(),
        before.sessionId(),
        toAgent,
        name,
        ChatRecord.ACTIVE,
        before.createdAt(),
        at,
        null,
        null,
        null,
        before.visitorToken());
    chats.put(moved); // claimed now: a second transfer by the former holder finds no chat of theirs
    return handedOver(before, moved, b, at).map(moved);
  }

  private Future<ChatRecord> toButton(ChatRecord before, JsonObject b) {
    String toButton = b.getString("toButton");
    if (config.site(before.site()).flatMap(s -> s.button(toButton)).isEmpty()) {
      return Future.failedFuture(ServiceError.notFound(
          "no-button", "the site '" + before.site() + "' has no chat button '" + toButton + "'"));
    }
    if (toButton.equals(before.button())) {
      return Future.failedFuture(ServiceError.badRequest("the chat is on this button already"));
    }
    if (!buttonEnabled.getOrDefault(before.site() + "/" + toButton, false)) {
      return Future.failedFuture(ServiceError.of(
          409, "button-unavailable", "nobody is available on the button '" + toButton + "'"));
    }
    long at = System.currentTimeMillis();
    ChatRecord moved = new ChatRecord(
        before.id(),
        before.site(),
        toButton,
        before.sessionId(),
        null,
        null,
        ChatRecord.WAITING,
        before.createdAt(),
        null,
        null,
        null,
        null,
        before.visitorToken());
    chats.put(moved);
    return handedOver(before, moved, b, at).map(moved);
  }

  /** Stored, then: the visitor's line, both consoles, the queue, the note, the webhook event and the audit entry. */
  private Future<Void> handedOver(ChatRecord before, ChatRecord moved, JsonObject b, long at) {
    JsonObject t = new JsonObject()
        .put("chat_id", moved.id())
        .put("at", at)
        .put("from", before.agentLogin())
        .put("fromName", before.agentName())
        .put("to", moved.agentLogin())
        .put("toButton", moved.button())
        .put("note", b.getString("note", ""));
    // The former holder's retained visitor presence goes; the visitor's grace timer (if any) runs
    // on.
    router.publishQuietly(
        AgentTopics.visitor(before.site(), before.agentLogin(), before.id()), "", true);
    return store
        .update(moved)
        .compose(v -> transfers == null ? Future.succeededFuture() : transfers.record(t))
        .onSuccess(v -> {
          publishState(moved);
          if (!moved.button().equals(before.button())) {
            toAgents(before, "state", moved.toJson()); // the former holder's console lets it go
          }
          toAgents(moved, "transferred", t);
          publishQueue(moved);
          chatLoad(before.agentLogin());
          if (moved.agentLogin() != null) {
            chatLoad(moved.agentLogin());
            presenceToHolder(moved);
            append(
                moved,
                "transferred-" + at,
                ChatMessage.SYSTEM,
                moved.agentName(),
                "You are now talking to " + moved.agentName());
          } else {
            append(
                moved,
                "requeued-" + at,
                ChatMessage.SYSTEM,
                before.agentName(),
                "Your chat is being passed on; please wait a moment");
          }
          JsonObject withoutNote = t.copy();
          withoutNote.remove("note"); // notes are for agents; webhooks get who and where
          event(moved, "transferred", withoutNote);
          AuditLog.record(
              vertx.eventBus(),
              before.agentLogin(),
              "chat-transferred",
              "chat " + moved.id(),
              moved.agentLogin() != null
                  ? "to agent " + moved.agentLogin()
                  : "to button " + moved.site() + "/" + moved.button(),
              b.getString("address"));
          LOG.info(
              "chat transferred [{}] from [{}] to [{}]",
              moved.id(),
              before.agentLogin(),
              moved.agentLogin() != null ? moved.agentLogin() : moved.button());
        })
        .onFailure(err -> LOG.warn("could not store a transfer [{}]", moved.id(), err));
  }

  /** {@code {agents, buttons}} the holder of the chat may hand it to (the console's transfer dialog). */
  private void transferTargets(Message<JsonObject> m) {
    ChatRecord chat = ownActive(m);
    if (chat == null) {
      return;
    }
    JsonArray buttons = new JsonArray();
    config.site(chat.site()).ifPresent(site -> site.buttons().stream()
        .filter(x -> !x.id().equals(chat.button()))
        .forEach(x -> buttons.add(new JsonObject()
            .put("id", x.id())
            .put("name", x.name())
            .put("available", buttonEnabled.getOrDefault(chat.site() + "/" + x.id(), false)))));
    ServiceHandlers.reply(
        m,
        vertx
            .eventBus()
            .<JsonObject>request(
                Transfers.TAKERS, new JsonObject().put("button", chat.site() + "/" + chat.button()))
            .map(r -> new JsonObject()
                .put(
                    "agents",
                    new JsonArray(r.body().getJsonArray("agents").stream()
                        .map(o -> (JsonObject) o)
                        .filter(a -> !a.getString("login").equals(chat.agentLogin()))
                        .map(a -> (Object) a.put(
                            "available",
                            chats.activeChatsOf(a.getString("login")) < a.getInteger("maxChats")))
                        .toList()))
                .put("buttons", buttons)));
  }

  private ChatRecord ownActive(Message<JsonObject> m) {
    var chat = chats
        .get(m.body().getString("chat_id"))
        .filter(c -> ChatRecord.ACTIVE.equals(c.state())
            && m.body().getString("login").equals(c.agentLogin()));
    if (chat.isEmpty()) {
      m.reply(ServiceError.notFound("you have no ongoing chat with this id"));
      return null;
    }
    return chat.get();
  }

  /**
   * An attachment stored for an active chat (docs/ATTACHMENTS.md): a line {@code cid attachment:<id>} from its
   * sender, the agent holding the chat ({@code login}) or the chat's visitor ({@code token}).
   */
  private void attached(Message<JsonObject> m) {
    JsonObject b = m.body();
    boolean agent = ChatMessage.AGENT.equals(b.getString("from"));
    var chat = chats
        .get(b.getString("chat_id"))
        .filter(c -> ChatRecord.ACTIVE.equals(c.state())
            && (agent
                ? java.util.Objects.equals(b.getString("login"), c.agentLogin())
                : java.util.Objects.equals(b.getString("token"), c.visitorToken())));
    if (chat.isEmpty()) {
      m.reply(ServiceError.notFound("no ongoing chat with this id"));
      return;
    }
    String name = agent ? chat.get().agentName() : "Visitor";
    String sender = agent ? ChatMessage.AGENT : ChatMessage.VISITOR;
    ServiceHandlers.reply(
        m,
        append(chat.get(), b.getString("cid"), sender, name, b.getString("text"))
            .map(msg -> new JsonObject().put("seq", msg.seq())));
  }

  private void messages(Message<JsonObject> m) {
    List<String> buttons = strings(m.body().getJsonArray("buttons"));
    ServiceHandlers.reply(m, store.chat(m.body().getString("chat_id")).compose(chat -> {
      if (chat.isEmpty()
          || !buttons.contains(chat.get().site() + "/" + chat.get().button())) {
        return Future.failedFuture(
            ServiceError.notFound("no chat with this id among your buttons"));
      }
      return store
          .messages(chat.get().id(), m.body().getLong("after", 0L))
          .map(list -> new JsonObject()
              .put("chat", chat.get().toJson())
              .put(
                  "messages",
                  new JsonArray(list.stream().map(ChatMessage::toJson).toList())))
          .compose(answer -> transfers == null
              ? Future.succeededFuture(answer.put("transfers", new JsonArray()))
              : transfers.of(chat.get().id()).map(t -> answer.put("transfers", t)));
    }));
  }

  /**
   * Left messages of the buttons the agent serves; one that names no button of its site (the frame knew none) is
   * shown to every agent of the site, or nobody would read it.
   */
  private void leftMessages(Message<JsonObject> m) {
    List<String> buttons = strings(m.body().getJsonArray("buttons"));
    ServiceHandlers.reply(
        m,
        store
            .leftMessages(strings(m.body().getJsonArray("sites")), 1000)
            .map(list -> new JsonObject()
                .put(
                    "messages",
                    new JsonArray(list.stream()
                        .filter(left -> buttons.contains(left.site() + "/" + left.button())
                            || config
                                .site(left.site())
                                .flatMap(s -> s.button(left.button()))
                                .isEmpty())
                        .limit(200)
                        .map(LeftMessage::toJson)
                        .toList()))));
  }

  /**
   * Data rights: {@code {chat_ids}} are about to be erased. The live ones end now, quietly (no store update, no
   * audit entry naming them: their rows go next); the visitor's frame is reset to no chat, which also drops the chat
   * id and token it kept, and the agents see the chat end. → {@code {live: n}}.
   */
  private void forget(Message<JsonObject> m) {
    int live = 0;
    for (String id : strings(m.body().getJsonArray("chat_ids"))) {
      var chat = chats.get(id);
      if (chat.isPresent()) {
        ChatRecord ended = chat.get().ended("erasure", System.currentTimeMillis());
        chats.put(ended);
        forgetPresence(chat.get());
        toPage(ended.sessionId(), "chat/state", new JsonObject().put("state", "none"), true);
        toAgents(ended, "state", ended.toJson());
        publishQueue(ended);
        if (ended.agentLogin() != null) {
          chatLoad(ended.agentLogin());
        }
        live++;
      }
    }
    m.reply(new JsonObject().put("live", live));
  }

  // ---- shared
  // -----------------------------------------------------------------------------------------------------

  private Future<Void> end(ChatRecord c, String by) {
    ChatRecord ended = c.ended(by, System.currentTimeMillis());
    chats.put(ended);
    forgetPresence(c);
    return store.update(ended).onComplete(ar -> {
      publishState(ended);
      publishQueue(ended);
      event(ended, "ended", new JsonObject().put("endedBy", by).put("endedAt", ended.endedAt()));
      if (ended.agentLogin() != null) {
        chatLoad(ended.agentLogin());
      }
      LOG.info("chat ended [{}] by [{}]", c.id(), by);
      AuditLog.record(
          vertx.eventBus(),
          "agent".equals(by) ? ended.agentLogin() : by,
          AuditLog.CHAT_ENDED,
          "chat " + c.id(),
          "ended by " + by,
          null);
    });
  }

  private void chatLoad(String login) {
    vertx
        .eventBus()
        .send(
            Addresses.BUTTONS_CHATS,
            new JsonObject().put("login", login).put("active", chats.activeChatsOf(login)));
  }

  private JsonObject stateJson(ChatRecord c) {
    JsonObject s = new JsonObject()
        .put("state", c.state())
        .put("chat_id", c.id())
        .put("button_id", c.button())
        .put("token", c.visitorToken());
    if (c.agentName() != null) {
      s.put("agent_name", c.agentName());
    }
    if (c.endedBy() != null) {
      s.put("ended_by", c.endedBy()); // a code the widget says in the visitor's language
    }
    return s;
  }

  private void publishState(ChatRecord c) {
    toPage(c.sessionId(), "chat/state", stateJson(c), true);
    toAgents(c, "state", c.toJson());
  }

  /** The waiting list of the chat's button, read only by the agents who serve that button. */
  private void publishQueue(ChatRecord chat) {
    JsonArray waiting = new JsonArray(chats.waiting(chat.site()).stream()
        .filter(c -> c.button().equals(chat.button()))
        .map(c -> new JsonObject()
            .put("id", c.id())
            .put("button", c.button())
            .put("createdAt", c.createdAt()))
        .map(o -> (Object) o)
        .toList());
    router.publishQuietly(
        AgentTopics.chatQueue(chat.site(), chat.button()),
        new JsonObject().put("waiting", waiting),
        true);
  }

  private void toPage(String sid, String rest, JsonObject payload) {
    toPage(sid, rest, payload, false);
  }

  private void toPage(String sid, String rest, JsonObject payload, boolean retain) {
    router.publishQuietly(
        ServerTopics.session(sid, rest), payload.isEmpty() && retain ? "" : payload, retain);
  }

  /** A business event for webhooks (docs/WEBHOOKS.md); pages and agent consoles cannot subscribe to it. */
  private void event(ChatRecord c, String name, JsonObject payload) {
    router.publishQuietly(
        EventTopics.chat(c.site(), c.id(), name),
        payload.copy().put("chat_id", c.id()).put("site", c.site()).put("button", c.button()),
        false);
  }

  private void toAgents(ChatRecord c, String rest, JsonObject payload) {
    router.publishQuietly(AgentTopics.chat(c.site(), c.button(), c.id(), rest), payload, false);
  }

  /**
   * Deletes what is older than {@code chat.retentionDays}. A chat still waiting or active by then is stale (its page
   * never came back after a restart, so no session end will come to end it): it ends first, then goes with the rest.
   */
  private Future<Void> purge() {
    long cutoff = System.currentTimeMillis() - config.chat().retentionDays() * 86_400_000L;
    return Future.all(
            chats.startedBefore(cutoff).stream().map(c -> end(c, "retention")).toList())
        .recover(err -> Future.succeededFuture())
        .compose(v -> store.purgeBefore(cutoff))
        .compose(n -> store.leftCounts().onSuccess(leftRoom::recount).map(n))
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("transcript retention removed [{}] rows", n);
          }
        })
        .mapEmpty();
  }

  private static JsonObject error(String cid, String code, String message) {
    JsonObject e = new JsonObject().put("code", code).put("message", message);
    if (cid != null) {
      e.put("cid", cid);
    }
    return e;
  }

  private static List<String> strings(JsonArray a) {
    return a == null ? List.of() : a.stream().map(String::valueOf).toList();
  }

  private static String randomId() {
    return RandomIds.urlSafe(12);
  }
}
