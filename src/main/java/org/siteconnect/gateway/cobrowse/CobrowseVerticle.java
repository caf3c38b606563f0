package org.siteconnect.gateway.cobrowse;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.ServerTopics;
import org.siteconnect.gateway.bus.TopicMessage;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.ops.AuditLog;
import org.siteconnect.gateway.ops.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Co-browse (DESIGN §4, §6): code redemption by logged-in agents (throttled, one answer for every bad code,
 * one winner per code), the visitor's consent, relaying the recorder's events to the agent (never stored),
 * the agent's pointer to the page, stop from either side, then a fresh code for the page.
 */
public final class CobrowseVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CobrowseVerticle.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String INVALID = "invalid-code: this code is not valid";

  private final GatewayConfig config;
  private final RedeemLimiter limiter;
  private final GatewayMetrics metrics;
  private final Map<String, Cobrowse> byId = new HashMap<>();
  private final Map<String, String> bySession = new HashMap<>();
  /** Co-browses by id, written through so that a new leader carries them on (relayed events are never stored). */
  static final String COBROWSE_MAP = "sc.cobrowse";
  private AsyncMap<String, JsonObject> stored;

  public CobrowseVerticle(GatewayConfig config, GatewayMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    GatewayConfig.Cobrowse limits = config.cobrowse();
    this.limiter = new RedeemLimiter(limits.maxStraightFailures(), limits.lockoutBaseSeconds() * 1000L,
        limits.maxFailuresPerSiteHour());
  }

  @Override
  public Future<?> start() {
    EventBus eb = vertx.eventBus();
    metrics.gauge("sc_cobrowse_sessions", "co-browse sessions waiting for consent or active", byId::size);
    return vertx.sharedData().<String, JsonObject>getAsyncMap(COBROWSE_MAP)
        .compose(map -> {
          stored = map;
          return map.values();
        })
        .compose(earlier -> Future.all(List.of(
            eb.<JsonObject>consumer(Addresses.COBROWSE_REDEEM, this::redeem).completion(),
            eb.<JsonObject>consumer(Addresses.COBROWSE_STOP, this::agentStop).completion(),
            eb.<JsonObject>consumer(Addresses.COBROWSE_RESYNC, this::resync).completion(),
            eb.<TopicMessage>consumer(Addresses.COBROWSE_PAGE_EVENTS, this::pageEvent).completion(),
            eb.<TopicMessage>consumer(Addresses.COBROWSE_AGENT_EVENTS, this::agentEvent).completion(),
            eb.<JsonObject>consumer(Addresses.SESSION_END, this::sessionEnded).completion()))
        .compose(v -> Future.all(List.of("consent", "events", "end").stream()
            .map(verb -> subscribe("pagesession/+/cobrowsing/" + verb, Addresses.COBROWSE_PAGE_EVENTS)).toList()))
        .compose(v -> subscribe("agent/+/cobrowse/+/pointer", Addresses.COBROWSE_AGENT_EVENTS))
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
        toPage(c, "cobrowsing/resync", new JsonObject(), false);
        toAgent(c, "state", c.toJson());
      }
    }
    if (!earlier.isEmpty()) {
      LOG.info("took over [{}] co-browse sessions", earlier.size());
    }
  }

  private Future<Void> subscribe(String filter, String address) {
    return vertx.eventBus().request(Addresses.ROUTER_SUBSCRIBE,
        new JsonObject().put("filter", filter).put("address", address)).mapEmpty();
  }

  // ---- redeem -----------------------------------------------------------------------------------------------------

  /** {@code {login, name, sites, code}} from the REST adapter (the agent is authenticated). */
  private void redeem(Message<JsonObject> m) {
    String login = m.body().getString("login");
    List<String> sites = m.body().getJsonArray("sites", new JsonArray()).stream().map(String::valueOf).toList();
    String code = m.body().getString("code", "");
    long now = System.currentTimeMillis();
    long wait = limiter.retryAfter(login, sites, now);
    String address = m.body().getString("address");
    if (wait > 0) {
      metrics.code("locked_out");
      AuditLog.record(vertx.eventBus(), login, AuditLog.CODE_REFUSED, null, "locked out", address);
      m.fail(429, "rate-limited: too many wrong codes; try again in " + ((wait + 999) / 1000) + " s");
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.SESSION_TAKE_CODE,
            new JsonObject().put("code", code).put("sites", new JsonArray(sites)))
        .onFailure(err -> {
          limiter.failed(login, sites, System.currentTimeMillis());
          LOG.info("code redemption refused for agent [{}]", login);
          metrics.code("refused");
          AuditLog.record(vertx.eventBus(), login, AuditLog.CODE_REFUSED, null, "unknown, expired or used code",
              address);
          m.fail(404, INVALID);
        })
        .onSuccess(reply -> {
          limiter.succeeded(login);
          String sid = reply.body().getString("sid");
          String site = reply.body().getString("site");
          boolean consent = config.site(site).map(GatewayConfig.Site::cobrowseConsent).orElse(true);
          Cobrowse c = new Cobrowse(randomId(), sid, site, login, m.body().getString("name"),
              consent ? Cobrowse.CONSENT : Cobrowse.ACTIVE, System.currentTimeMillis());
          put(c);
          LOG.info("code redeemed by agent [{}], co-browse [{}]", login, c.id());
          metrics.code("redeemed");
          AuditLog.record(vertx.eventBus(), login, AuditLog.CODE_REDEEMED, "cobrowse " + c.id(), site, address);
          if (consent) {
            toPage(c, "cobrowsing/consent_request", new JsonObject().put("cobrowse_id", c.id())
                .put("agent_name", c.agentName()), true);
          } else {
            begin(c);
          }
          m.reply(c.toJson());
        });
  }

  // ---- page side ------------------------------------------------------------------------------------------------

  private void pageEvent(Message<TopicMessage> m) {
    String[] levels = m.body().topic().split("/");
    if (levels.length != 4) {
      return;
    }
    Optional<Cobrowse> c = ofSession(levels[1]);
    JsonObject payload = m.body().payload() instanceof JsonObject p ? p : new JsonObject();
    if (c.isEmpty()) {
      return;
    }
    switch (levels[3]) {
      case "consent" -> consent(c.get(), payload);
      case "events" -> {
        if (Cobrowse.ACTIVE.equals(c.get().state())) {
          // Relayed, never stored (DESIGN §6), and not copied: the payload the page published is handed on as is
          // (the router counts the bytes where it encodes them for the agent).
          relayToAgent(c.get(), payload);
        }
      }
      case "end" -> stop(c.get(), payload.getValue("reason") instanceof String r && r.length() <= 64 ? r : "visitor");
      default -> { }
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
      AuditLog.record(vertx.eventBus(), "visitor", AuditLog.COBROWSE_DECLINED, "cobrowse " + c.id(), c.agentLogin(), null);
      newCode(c.sessionId());
    }
  }

  private void begin(Cobrowse c) {
    Cobrowse active = c.withState(Cobrowse.ACTIVE);
    put(active);
    if (Cobrowse.CONSENT.equals(c.state())) {
      AuditLog.record(vertx.eventBus(), "visitor", AuditLog.COBROWSE_CONSENT, "cobrowse " + c.id(), c.agentLogin(), null);
    }
    AuditLog.record(vertx.eventBus(), c.agentLogin(), AuditLog.COBROWSE_STARTED, "cobrowse " + c.id(), c.site(), null);
    // Retained while it lasts, so the next page of the site (session resume) starts recording again.
    toPage(active, "cobrowsing/start", new JsonObject().put("cobrowse_id", active.id())
        .put("agent_name", active.agentName()), true);
    toAgent(active, "state", active.toJson());
  }

  private void sessionEnded(Message<JsonObject> m) {
    ofSession(m.body().getString("sid", "")).ifPresent(c -> {
      Cobrowse ended = c.withState(Cobrowse.ENDED);
      forget(ended);
      toAgent(ended, "state", ended.toJson().put("reason", "visitor-left"));
    });
  }

  // ---- agent side -----------------------------------------------------------------------------------------------

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
      m.fail(409, "conflict: the co-browse is not active");
      return;
    }
    toPage(c.get(), "cobrowsing/resync", new JsonObject(), false);
    metrics.cobrowseResync(m.body().getString("reason", "agent"));
    m.reply(new JsonObject().put("ok", true));
  }

  /** {@code agent/<login>/cobrowse/<id>/pointer} — the router lets only that agent publish there. */
  private void agentEvent(Message<TopicMessage> m) {
    String[] levels = m.body().topic().split("/");
    if (levels.length != 5) {
      return;
    }
    Cobrowse c = byId.get(levels[3]);
    if (c != null && Cobrowse.ACTIVE.equals(c.state()) && c.agentLogin().equals(levels[1])
        && m.body().payload() instanceof JsonObject p) {
      toPage(c, "cobrowsing/pointer", p, false);
    }
  }

  private Optional<Cobrowse> own(Message<JsonObject> m) {
    Optional<Cobrowse> c = Optional.ofNullable(byId.get(m.body().getString("cobrowse_id", "")))
        .filter(x -> x.agentLogin().equals(m.body().getString("login")));
    if (c.isEmpty()) {
      m.fail(404, "not-found: you have no co-browse with this id");
    }
    return c;
  }

  // ---- shared -------------------------------------------------------------------------------------------------

  private void stop(Cobrowse c, String reason) {
    Cobrowse ended = c.withState(Cobrowse.ENDED);
    forget(ended);
    toPage(ended, "cobrowsing/start", "", true);
    toPage(ended, "cobrowsing/consent_request", "", true);
    toPage(ended, "cobrowsing/stop", new JsonObject().put("reason", reason), false);
    toAgent(ended, "state", ended.toJson().put("reason", reason));
    LOG.info("co-browse [{}] stopped by [{}]", c.id(), reason);
    AuditLog.record(vertx.eventBus(), "agent".equals(reason) ? c.agentLogin() : reason, AuditLog.COBROWSE_STOPPED,
        "cobrowse " + c.id(), "stopped by " + reason, null);
    newCode(c.sessionId());
  }

  private void newCode(String sid) {
    vertx.eventBus().request(Addresses.SESSION_NEW_CODE, new JsonObject().put("sid", sid))
        .onFailure(err -> LOG.warn("no new code after a co-browse [{}]", err.getMessage()));
  }

  private void put(Cobrowse c) {
    byId.put(c.id(), c);
    bySession.put(c.sessionId(), c.id());
    stored.put(c.id(), c.toStored()).onFailure(err -> LOG.warn("co-browse not written through [{}]", err.getMessage()));
  }

  private void forget(Cobrowse c) {
    byId.remove(c.id());
    bySession.remove(c.sessionId(), c.id());
    stored.remove(c.id());
  }

  private Optional<Cobrowse> ofSession(String sid) {
    String id = bySession.get(sid);
    return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
  }

  private void toPage(Cobrowse c, String rest, Object payload, boolean retain) {
    publish(ServerTopics.session(c.sessionId(), rest), payload, retain);
  }

  private void toAgent(Cobrowse c, String rest, JsonObject payload) {
    publish(ServerTopics.agents(c.site(), "cobrowse/" + c.id() + "/" + rest), payload, false);
  }

  /** The recorder's events, on the router's no-copy path (a batch can be a megabyte of snapshot). */
  private void relayToAgent(Cobrowse c, JsonObject payload) {
    vertx.eventBus().send(Addresses.ROUTER_RELAY,
        new TopicMessage(ServerTopics.agents(c.site(), "cobrowse/" + c.id() + "/events"), payload, false));
  }

  private void publish(String topic, Object payload, boolean retain) {
    vertx.eventBus().request(Addresses.ROUTER_PUBLISH, new JsonObject().put("topic", topic).put("payload", payload)
        .put("retain", retain)).onFailure(err -> LOG.warn("publish failed [{}]: {}", topic, err.getMessage()));
  }

  private static String randomId() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
