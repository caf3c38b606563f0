package org.siteconnect.gateway.cobrowse;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * Co-browse (DESIGN §4, §6): code redemption by logged-in agents (throttled, one answer for every bad code,
 * one winner per code), the visitor's consent, relaying the recorder's events to the agent (never stored),
 * the agent's pointer to the page, stop from either side, then a fresh code for the page.
 */
public final class CobrowseVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CobrowseVerticle.class);
  private static final ServiceError INVALID =
      ServiceError.notFound("invalid-code", "this code is not valid");

  private final GatewayConfig config;
  private final RedeemLimiter limiter;
  private final GatewayMetrics metrics;
  private final DrawGuard drawing;
  /** Tabs joining are audited within this: a page can open, join and close tabs in a loop. */
  private final AuditAllowance joins;

  private RouterRequests router;
  private final Map<String, Cobrowse> byId = new HashMap<>();
  private final Map<String, String> bySession = new HashMap<>();
  /** The last tab report per co-browse id (for GET /cobrowse/{id}); relayed as it comes, never stored. */
  private final Map<String, JsonObject> tabs = new HashMap<>();
  /** The visitor's tabs per active co-browse id, and co-browse ids by join ticket (in memory only, see join()). */
  private final Map<String, CobrowseTabs> tabsOf = new HashMap<>();

  private final Map<String, String> byTicket = new HashMap<>();
  /** Co-browses by id, written through so that a new leader carries them on (relayed events are never stored). */
  static final String COBROWSE_MAP = "sc.cobrowse";

  private AsyncMap<String, JsonObject> stored;
  /** Remote control (docs/CONTROL.md): its own consent and grant, checked here for every action. */
  private CobrowseControl control;
  /** Batches relayed from here; those relayed on the visitor's and agent's own node: {@link LocalRelay}. */
  private io.micrometer.core.instrument.Counter relayedHere;

  public CobrowseVerticle(GatewayConfig config, GatewayMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    GatewayConfig.Cobrowse limits = config.cobrowse();
    this.limiter = new RedeemLimiter(new RedeemLimiter.Limits(
        limits.maxStraightFailures(),
        limits.lockoutBaseSeconds() * 1000L,
        limits.lockoutMaxSeconds() * 1000L,
        limits.maxFailuresPerAgentHour(),
        limits.maxFailuresPerSiteHour()));
    this.drawing = new DrawGuard(
        new DrawGuard.Limits(
            limits.drawMaxPoints(), limits.drawStrokesPerSecond(), limits.drawMaxBytes()),
        metrics);
    this.joins = new AuditAllowance(limits.maxPageAuditsPerMinute());
  }

  @Override
  public Future<?> start() {
    router = new RouterRequests(vertx.eventBus());
    control = new CobrowseControl(new ControlOut(), metrics, config);
    relayedHere = LocalRelay.relayedCounter(metrics, "leader");
    metrics.gauge(
        "sc_cobrowse_sessions", "co-browse sessions waiting for consent or active", byId::size);
    vertx.setPeriodic(60_000, id -> limiter.forget(System.currentTimeMillis()));
    return vertx
        .sharedData()
        .<String, JsonObject>getAsyncMap(COBROWSE_MAP)
        .compose(map -> {
          stored = map;
          return map.values();
        })
        .compose(earlier -> new ServiceConsumers(vertx.eventBus())
            .request(Addresses.COBROWSE_REDEEM, this::redeem)
            .request(Addresses.COBROWSE_STOP, this::agentStop)
            .request(Addresses.COBROWSE_RESYNC, this::resync)
            .request(Addresses.COBROWSE_INFO, this::info)
            .topic(Addresses.COBROWSE_PAGE_EVENTS, this::pageEvent)
            .topic(Addresses.COBROWSE_AGENT_EVENTS, this::agentEvent)
            .request(Addresses.SESSION_END, this::sessionEnded)
            .request(Addresses.COBROWSE_RELAY_SNAPSHOT, this::relaySnapshot)
            .request(Addresses.COBROWSE_RELAYED, this::relayedOnNode)
            .registered()
            .compose(v -> Future.all(
                List.of("consent", "events", "end", "tab", "join", "control", "release", "outcome")
                    .stream()
                    .map(verb -> router.subscribe(
                        "pagesession/+/cobrowsing/" + verb, Addresses.COBROWSE_PAGE_EVENTS))
                    .toList()))
            .compose(v ->
                router.subscribe("agent/+/cobrowse/+/pointer", Addresses.COBROWSE_AGENT_EVENTS))
            .compose(
                v -> router.subscribe("agent/+/cobrowse/+/draw", Addresses.COBROWSE_AGENT_EVENTS))
            .compose(v ->
                router.subscribe("agent/+/cobrowse/+/control", Addresses.COBROWSE_AGENT_EVENTS))
            .onSuccess(v -> takeOver(earlier)));
  }

  /**
   * Co-browses an earlier leader ran: they go on. The recorder's events in flight when it died are gone, so the
   * page is asked for a fresh full snapshot and the agent's replayer starts from it.
   */
  private void takeOver(List<JsonObject> earlier) {
    for (JsonObject json : earlier) {
      Cobrowse c = Cobrowse.fromStored(json);
      byId.put(c.id(), c);
      bySession.put(c.sessionId(), c.id());
      if (Cobrowse.ACTIVE.equals(c.state())) {
        publishStart(
            c); // a new join ticket: the old leader's died with it (joined tabs join again on their
        // next page)
        toPage(c, "cobrowsing/resync", new JsonObject(), false);
        toAgent(c, "state", c.toJson());
      }
    }
    if (!earlier.isEmpty()) {
      LOG.info("took over [{}] co-browse sessions", earlier.size());
    }
  }

  // ---- redeem
  // -----------------------------------------------------------------------------------------------------

  /** {@code {login, name, sites, code}} from the REST adapter (the agent is authenticated). */
  private void redeem(Message<JsonObject> m) {
    String login = m.body().getString("login");
    List<String> sites = m.body().getJsonArray("sites", new JsonArray()).stream()
        .map(String::valueOf)
        .toList();
    String code = m.body().getString("code", "");
    // Reserved before the asynchronous code check: a burst cannot get more attempts evaluated than
    // the limits.
    RedeemLimiter.Attempt attempt = limiter.tryReserve(login, sites, System.currentTimeMillis());
    String address = m.body().getString("address");
    if (!attempt.reserved()) {
      metrics.code("locked_out");
      AuditLog.record(vertx.eventBus(), login, AuditLog.CODE_REFUSED, null, "locked out", address);
      long seconds = (attempt.retryAfterMillis() + 999) / 1000;
      m.reply(ServiceError.rateLimited(
          "too many wrong codes; try again in " + seconds + " s", seconds));
      return;
    }
    vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.SESSION_TAKE_CODE,
            new JsonObject().put("code", code).put("sites", new JsonArray(sites)))
        .onFailure(err -> {
          limiter.failed(attempt, System.currentTimeMillis());
          LOG.info("code redemption refused for agent [{}]", login);
          metrics.code("refused");
          AuditLog.record(
              vertx.eventBus(),
              login,
              AuditLog.CODE_REFUSED,
              null,
              "unknown, expired or used code",
              address);
          m.reply(INVALID);
        })
        .onSuccess(reply -> {
          limiter.succeeded(attempt);
          String sid = reply.body().getString("sid");
          String site = reply.body().getString("site");
          boolean consent =
              config.site(site).map(GatewayConfig.Site::cobrowseConsent).orElse(true);
          Cobrowse c = new Cobrowse(
              randomId(),
              sid,
              site,
              login,
              m.body().getString("name"),
              consent ? Cobrowse.CONSENT : Cobrowse.ACTIVE,
              System.currentTimeMillis());
          put(c);
          LOG.info("code redeemed by agent [{}], co-browse [{}]", login, c.id());
          metrics.code("redeemed");
          AuditLog.record(
              vertx.eventBus(), login, AuditLog.CODE_REDEEMED, "cobrowse " + c.id(), site, address);
          if (consent) {
            toPage(
                c,
                "cobrowsing/consent_request",
                new JsonObject().put("cobrowse_id", c.id()).put("agent_name", c.agentName()),
                true);
          } else {
            begin(c);
          }
          withChat(c).onComplete(info -> m.reply(info.succeeded() ? info.result() : c.toJson()));
        });
  }

  /**
   * The co-browse as the agent sees it, plus {@code chat_id} when the co-browsed page session has an active chat
   * with this agent (the console shows it beside the mirror) and the last {@code tab} report.
   */
  private Future<JsonObject> withChat(Cobrowse c) {
    JsonObject json = c.toJson();
    JsonObject tab = tabs.get(c.id());
    if (tab != null) {
      json.put("tab", tab.copy());
    }
    return vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.CHAT_OF_SESSION,
            new JsonObject().put("sid", c.sessionId()).put("login", c.agentLogin()))
        .map(r -> json.put("chat_id", r.body().getString("chat_id")))
        .recover(err -> Future.succeededFuture(json.put("chat_id", (String) null)));
  }

  private void info(Message<JsonObject> m) {
    own(m).ifPresent(c -> ServiceHandlers.reply(m, withChat(c)));
  }

  // ---- page side
  // ------------------------------------------------------------------------------------------------

  private void pageEvent(Message<TopicMessage> m) {
    ServerTopics.PageEvent event = ServerTopics.PageEvent.of(m.body().topic());
    if (event == null) {
      return;
    }
    String sid = event.sessionId();
    Optional<Cobrowse> c = ofSession(sid);
    JsonObject payload = m.body().jsonPayload();
    if ("join".equals(event.verb())) {
      join(sid, payload, c.isPresent());
      return;
    }
    if (c.isEmpty()) {
      if ("control".equals(event.verb())) {
        control.refused("no-request"); // a control answer from a session in no co-browse
      }
      return;
    }
    CobrowseTabs tabsNow = tabsOf.get(c.get().id());
    switch (event.verb()) {
      case "consent" -> consent(c.get(), payload);
      case "events" -> {
        String recording = tabsNow == null ? null : tabsNow.recording();
        if (Cobrowse.ACTIVE.equals(c.get().state())
            && tabsNow != null
            && tabsNow.relay(sid, Boolean.TRUE.equals(payload.getValue("full")))) {
          if (!sid.equals(recording)) { // another tab records now: every node's relay hears it
            LocalRelay.announce(vertx.eventBus(), c.get(), tabsNow, true);
          }
          // Relayed, never stored (DESIGN §6), and not copied: the payload the page published is
          // handed on as is
          // (the router counts the bytes where it encodes them for the agent).
          relayToAgent(c.get(), payload);
          control.pageEvents(c.get(), sid, payload);
        }
      }
      case "control" -> control.answer(c.get(), sid, payload);
      case "release" -> control.release(c.get(), payload);
      case "outcome" -> control.outcome(c.get(), sid, payload);
      case "end" ->
        stop(
            c.get(),
            payload.getValue("reason") instanceof String r && r.length() <= 64 ? r : "visitor");
      case "tab" -> {
        JsonObject tab = TabReport.clean(m.body().payload(), System.currentTimeMillis());
        if (tab != null && Cobrowse.ACTIVE.equals(c.get().state()) && tabsNow != null) {
          tab.put("index", tabsNow.index(sid))
              .put("of", tabsNow.size())
              .put("current", sid.equals(tabsNow.current()));
          if (sid.equals(tabsNow.current())) {
            tabs.put(c.get().id(), tab);
          }
          toAgent(c.get(), "tab", tab);
        }
      }
      default -> {}
    }
  }

  private void consent(Cobrowse c, JsonObject payload) {
    if (!Cobrowse.CONSENT.equals(c.state()) || !c.id().equals(payload.getString("cobrowse_id"))) {
      return;
    }
    toPage(c, "cobrowsing/consent_request", "", true);
    if (Boolean.TRUE.equals(payload.getValue("allow"))) {
      begin(c);
    } else {
      Cobrowse declined = c.withState(Cobrowse.DECLINED);
      forget(declined);
      toAgent(declined, "state", declined.toJson().put("reason", "declined"));
      LOG.info("co-browse [{}] declined by the visitor", c.id());
      AuditLog.record(
          vertx.eventBus(),
          "visitor",
          AuditLog.COBROWSE_DECLINED,
          "cobrowse " + c.id(),
          c.agentLogin(),
          null);
      newCode(c.sessionId());
    }
  }

  private void begin(Cobrowse c) {
    Cobrowse active = c.withState(Cobrowse.ACTIVE);
    put(active);
    if (Cobrowse.CONSENT.equals(c.state())) {
      AuditLog.record(
          vertx.eventBus(),
          "visitor",
          AuditLog.COBROWSE_CONSENT,
          "cobrowse " + c.id(),
          c.agentLogin(),
          null);
    }
    AuditLog.record(
        vertx.eventBus(),
        c.agentLogin(),
        AuditLog.COBROWSE_STARTED,
        "cobrowse " + c.id(),
        c.site(),
        null);
    publishStart(active);
    toAgent(active, "state", active.toJson());
    router.publishQuietly(
        EventTopics.cobrowse(c.site(), c.id(), "started"), active.toJson(), false);
  }

  /**
   * Retained while it lasts, so the next page of the site (session resume) starts recording again. It carries the
   * join ticket: the page keeps it in its own origin's localStorage, where a new tab of the same site in the same
   * browser finds it and joins (~pagesession/cobrowsing/join) without being asked again.
   */
  private void publishStart(Cobrowse active) {
    CobrowseTabs old = tabsOf.get(active.id());
    CobrowseTabs t =
        old != null ? old : new CobrowseTabs(active.sessionId(), randomId() + randomId());
    if (old == null) {
      tabsOf.put(active.id(), t);
      byTicket.put(t.ticket(), active.id());
    }
    JsonObject start = new JsonObject()
        .put("cobrowse_id", active.id())
        .put("agent_name", active.agentName())
        .put("join", t.ticket());
    // Every node's relay knows it before the page hears "start" (the router hands that on a turn
    // later).
    LocalRelay.announce(vertx.eventBus(), active, t, true);
    t.sessions()
        .forEach(sid ->
            router.publishQuietly(ServerTopics.session(sid, "cobrowsing/start"), start, true));
  }

  /** A node that joins the cluster loads the co-browses that are on into its {@link LocalRelay}. */
  private void relaySnapshot(Message<JsonObject> m) {
    JsonArray on = new JsonArray();
    byId.values().stream()
        .filter(c -> Cobrowse.ACTIVE.equals(c.state()) && tabsOf.containsKey(c.id()))
        .forEach(c -> on.add(LocalRelay.state(c, tabsOf.get(c.id()), true)));
    m.reply(new JsonObject().put("cobrowses", on));
  }

  /** A node relayed a full snapshot itself ({@link LocalRelay}): its tab records now, remote control hears of it. */
  private void relayedOnNode(Message<JsonObject> m) {
    String sid = m.body().getString("sid", "");
    Cobrowse c = ofSession(sid).orElse(null);
    CobrowseTabs t = c == null ? null : tabsOf.get(c.id());
    if (c != null && Cobrowse.ACTIVE.equals(c.state()) && t != null) {
      String recording = t.recording();
      if (t.relay(sid, true)) {
        control.pageEvents(c, sid, m.body());
        if (!sid.equals(recording)) {
          LocalRelay.announce(vertx.eventBus(), c, t, true);
        }
      }
    }
  }

  /**
   * {@code ~pagesession/cobrowsing/join {ticket}} from a new tab: the ticket went only to the co-browsed tab's page
   * session and from there only into its own origin's storage, so a session that shows it is a tab of the same
   * browser on the same site (the site's own scripts could read it; another site's cannot). It must be a session
   * of the co-browse's site and in no co-browse yet. Then it is one of the co-browse's tabs: no second consent.
   */
  private void join(String sid, JsonObject payload, boolean inOne) {
    String id =
        payload.getValue("ticket") instanceof String t && t.length() <= 64 ? byTicket.get(t) : null;
    Cobrowse c = id == null ? null : byId.get(id);
    CobrowseTabs t = id == null ? null : tabsOf.get(id);
    if (c == null
        || t == null
        || inOne
        || !Cobrowse.ACTIVE.equals(c.state())
        || t.size() >= config.cobrowse().maxTabs()) {
      LOG.debug("join refused for session [{}]", sid);
      return;
    }
    vertx
        .eventBus()
        .<JsonObject>request(Addresses.SESSION_INFO, new JsonObject().put("sid", sid))
        .onSuccess(r -> {
          Cobrowse now = byId.get(id);
          if (now == null
              || !Cobrowse.ACTIVE.equals(now.state())
              || bySession.containsKey(sid)
              || !now.site().equals(r.body().getString("site"))
              || t.size() >= config.cobrowse().maxTabs() // checked again: joins answered meanwhile
              || !t.join(sid)) {
            LOG.debug("join refused for session [{}]", sid);
            return;
          }
          bySession.put(sid, id);
          LocalRelay.announce(vertx.eventBus(), now, t, false);
          LOG.info("a tab joined co-browse [{}] ({} tabs)", id, t.size());
          int leftOut = joins.take(id, System.currentTimeMillis());
          if (leftOut > 0) {
            auditJoins(id, leftOut + " more tabs joined, not audited one by one");
          }
          if (leftOut >= 0) {
            auditJoins(id, "tab " + t.size() + " joined");
          }
          router.publishQuietly(
              ServerTopics.session(sid, "cobrowsing/start"),
              new JsonObject()
                  .put("cobrowse_id", id)
                  .put("agent_name", now.agentName())
                  .put("join", t.ticket()),
              true);
        })
        .onFailure(err -> LOG.debug("join from an ended session [{}]", sid));
  }

  private void auditJoins(String id, String detail) {
    AuditLog.record(
        vertx.eventBus(), "visitor", AuditLog.COBROWSE_STARTED, "cobrowse " + id, detail, null);
  }

  private void sessionEnded(Message<JsonObject> m) {
    String sid = m.body().getString("sid", "");
    ofSession(sid).ifPresent(c -> {
      CobrowseTabs t = tabsOf.get(c.id());
      if (t != null
          && t.has(sid)
          && !t.leave(sid)) { // another of the visitor's tabs is still there: go on
        bySession.remove(sid, c.id());
        control.tabLeft(sid);
        LocalRelay.announce(vertx.eventBus(), c, t, false);
        LOG.info("a tab left co-browse [{}] ({} tabs)", c.id(), t.size());
        return;
      }
      Cobrowse ended = c.withState(Cobrowse.ENDED);
      forget(ended);
      toAgent(ended, "state", ended.toJson().put("reason", "visitor-left"));
    });
  }

  // ---- agent side
  // -----------------------------------------------------------------------------------------------

  private void agentStop(Message<JsonObject> m) {
    Optional<Cobrowse> c = own(m);
    if (c.isPresent()) {
      stop(c.get(), "agent");
      m.reply(new JsonObject().put("ok", true));
    }
  }

  private void resync(Message<JsonObject> m) {
    Optional<Cobrowse> c = own(m);
    if (c.isEmpty()) {
      return;
    }
    if (!Cobrowse.ACTIVE.equals(c.get().state())) {
      m.reply(ServiceError.conflict("the co-browse is not active"));
      return;
    }
    toPage(c.get(), "cobrowsing/resync", new JsonObject(), false);
    metrics.cobrowseResync(m.body().getString("reason", "agent"));
    m.reply(new JsonObject().put("ok", true));
  }

  /** {@code agent/<login>/cobrowse/<id>/pointer|draw} — the router lets only that agent publish there. */
  private void agentEvent(Message<TopicMessage> m) {
    String[] levels = m.body().topic().split("/");
    if (levels.length != 5) {
      return;
    }
    Cobrowse c = byId.get(levels[3]);
    if ("draw"
        .equals(levels[
            4])) { // the agent's marks (docs/DRAWING.md): the pointer's checks, then DrawGuard's
      if (c == null || !Cobrowse.ACTIVE.equals(c.state()) || !c.agentLogin().equals(levels[1])) {
        drawing.notAllowed();
      } else {
        DrawGuard.Verdict v = drawing.admit(c.id(), m.body().payload(), System.currentTimeMillis());
        if (v.relay() != null) {
          toPage(c, "cobrowsing/draw", v.relay(), false);
        } else { // the console says the mark did not reach the visitor
          toAgent(c, "draw_refused", new JsonObject().put("reason", v.refused()));
        }
      }
      return;
    }
    if ("control".equals(levels[4])) {
      CobrowseTabs t = c == null ? null : tabsOf.get(c.id());
      control.fromAgent(
          c,
          levels[1],
          m.body().payload(),
          t != null ? t.current() : c == null ? null : c.sessionId());
      return;
    }
    if (c != null
        && Cobrowse.ACTIVE.equals(c.state())
        && c.agentLogin().equals(levels[1])
        && m.body().payload() instanceof JsonObject p) {
      toPage(c, "cobrowsing/pointer", p, false);
    }
  }

  private Optional<Cobrowse> own(Message<JsonObject> m) {
    Optional<Cobrowse> c = Optional.ofNullable(byId.get(m.body().getString("cobrowse_id", "")))
        .filter(x -> x.agentLogin().equals(m.body().getString("login")));
    if (c.isEmpty()) {
      m.reply(ServiceError.notFound("you have no co-browse with this id"));
    }
    return c;
  }

  // ---- shared
  // -------------------------------------------------------------------------------------------------

  private void stop(Cobrowse c, String reason) {
    Cobrowse ended = c.withState(Cobrowse.ENDED);
    CobrowseTabs t = tabsOf.get(c.id());
    List<String> sessions = t != null ? t.sessions() : List.of(c.sessionId());
    forget(ended);
    toPage(ended, "cobrowsing/consent_request", "", true);
    for (String sid : sessions) {
      router.publishQuietly(ServerTopics.session(sid, "cobrowsing/start"), "", true);
      router.publishQuietly(
          ServerTopics.session(sid, "cobrowsing/stop"),
          new JsonObject().put("reason", reason),
          false);
    }
    if (!sessions.contains(c.sessionId())) {
      toPage(ended, "cobrowsing/start", "", true);
    }
    toAgent(ended, "state", ended.toJson().put("reason", reason));
    if (Cobrowse.ACTIVE.equals(c.state())) { // webhooks saw it start
      router.publishQuietly(
          EventTopics.cobrowse(c.site(), c.id(), "ended"),
          ended.toJson().put("reason", reason).put("endedAt", System.currentTimeMillis()),
          false);
    }
    LOG.info("co-browse [{}] stopped by [{}]", c.id(), reason);
    AuditLog.record(
        vertx.eventBus(),
        "agent".equals(reason) ? c.agentLogin() : reason,
        AuditLog.COBROWSE_STOPPED,
        "cobrowse " + c.id(),
        "stopped by " + reason,
        null);
    newCode(c.sessionId());
  }

  private void newCode(String sid) {
    vertx
        .eventBus()
        .request(Addresses.SESSION_NEW_CODE, new JsonObject().put("sid", sid))
        .onFailure(err -> LOG.warn("no new code after a co-browse [{}]", err.getMessage()));
  }

  private void put(Cobrowse c) {
    byId.put(c.id(), c);
    bySession.put(c.sessionId(), c.id());
    stored
        .put(c.id(), c.toStored())
        .onFailure(err -> LOG.warn("co-browse not written through [{}]", err.getMessage()));
  }

  private void forget(Cobrowse c) {
    LocalRelay.announce(vertx.eventBus(), c.withState(Cobrowse.ENDED), null, false);
    byId.remove(c.id());
    drawing.forget(c.id());
    int leftOut = joins.forget(c.id());
    if (leftOut > 0) {
      auditJoins(c.id(), leftOut + " more tabs joined, not audited one by one");
    }
    tabs.remove(c.id());
    CobrowseTabs t = tabsOf.remove(c.id());
    control.forget(c, t != null ? t.sessions() : List.of(c.sessionId()));
    if (t != null) {
      byTicket.remove(t.ticket());
      t.sessions().forEach(sid -> bySession.remove(sid, c.id()));
    }
    bySession.remove(c.sessionId(), c.id());
    stored.remove(c.id());
  }

  private Optional<Cobrowse> ofSession(String sid) {
    String id = bySession.get(sid);
    return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
  }

  /**
   * To the visitor's page: a retained message (consent request, start) to the co-browsed session; a passing one
   * (resync, pointer) to the tab the agent sees now.
   */
  private void toPage(Cobrowse c, String rest, Object payload, boolean retain) {
    CobrowseTabs t = retain ? null : tabsOf.get(c.id());
    String sid = t != null && t.current() != null ? t.current() : c.sessionId();
    router.publishQuietly(ServerTopics.session(sid, rest), payload, retain);
  }

  private void toAgent(Cobrowse c, String rest, JsonObject payload) {
    router.publishQuietly(
        AgentTopics.cobrowse(c.site(), c.agentLogin(), c.id(), rest), payload, false);
  }

  /** The recorder's events, on the router's no-copy path (a batch can be a megabyte of snapshot). */
  private void relayToAgent(Cobrowse c, JsonObject payload) {
    relayedHere.increment();
    vertx
        .eventBus()
        .send(
            Addresses.ROUTER_RELAY,
            new TopicMessage(
                AgentTopics.cobrowse(c.site(), c.agentLogin(), c.id(), "events"), payload, false));
  }

  /** What remote control may reach: the pages of a session, the agent, the audit log. */
  private final class ControlOut implements CobrowseControl.Out {
    @Override
    public void toSession(String sid, String rest, Object payload, boolean retain) {
      router.publishQuietly(ServerTopics.session(sid, rest), payload, retain);
    }

    @Override
    public void toAgent(Cobrowse c, String rest, JsonObject payload) {
      CobrowseVerticle.this.toAgent(c, rest, payload);
    }

    @Override
    public void audit(String actor, String action, Cobrowse c, String detail) {
      AuditLog.record(vertx.eventBus(), actor, action, "cobrowse " + c.id(), detail, null);
    }
  }

  private static String randomId() {
    return RandomIds.urlSafe(12);
  }
}
