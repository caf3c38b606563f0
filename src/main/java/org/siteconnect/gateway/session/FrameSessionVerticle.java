package org.siteconnect.gateway.session;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Instant;
import java.util.List;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.RandomIds;
import org.siteconnect.gateway.bus.RouterRequests;
import org.siteconnect.gateway.bus.ServiceConsumers;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.bus.ServiceHandlers;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.ops.GatewayMetrics;
import org.siteconnect.gateway.topic.ServerTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Page sessions and contact codes (DESIGN §4): hello → session id (128 random bits, never shown) + code;
 * resume tokens for reconnects; the session cap; idle expiry.
 */
public final class FrameSessionVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(FrameSessionVerticle.class);
  private static final ServiceError NO_CODE =
      ServiceError.unavailable("no-code", "no contact code is free; try again shortly");
  static final String CODES_MAP = "sc.contact-codes";
  /** Sessions by id, written through so that a new leader can take them over (cluster-wide when clustered). */
  static final String SESSIONS_MAP = "sc.page-sessions";

  private final GatewayConfig config;
  private final GatewayMetrics metrics;
  private PageSessions sessions;
  private SessionContexts contexts;
  private ContactCodes codes;
  private RouterRequests router;
  private AsyncMap<String, JsonObject> stored;
  /** The sessions in the database too: a restarted (or crashed) node gives a returning page its code back. */
  private final SqlSessionStore saved;

  public FrameSessionVerticle(
      GatewayConfig config, GatewayMetrics metrics, org.siteconnect.gateway.store.Database db) {
    this.config = config;
    this.metrics = metrics;
    this.saved = new SqlSessionStore(db);
  }

  @Override
  public Future<?> start() {
    router = new RouterRequests(vertx.eventBus());
    GatewayConfig.Sessions s = config.sessions();
    long ttl = s.codeTtlSeconds() * 1000L;
    sessions = new PageSessions(
        s.maxSessions(),
        config.limits().sessionsPerAddress(),
        config.bridge().maxSocketsPerSession(),
        ttl,
        Math.min(ttl, 30_000));
    contexts = new SessionContexts(config, sessions);
    metrics.gauge(
        "sc_page_sessions",
        "page sessions on this node (connected or waiting to resume)",
        sessions::size);
    return vertx
        .sharedData()
        .<String, String>getAsyncMap(CODES_MAP)
        .compose(map -> {
          codes = new ContactCodes(map, s.codeLength());
          // A single node has nobody to hand its sessions to: only a cluster writes them through.
          return vertx.isClustered()
              ? vertx.sharedData().<String, JsonObject>getAsyncMap(SESSIONS_MAP)
              : Future.<AsyncMap<String, JsonObject>>succeededFuture(null);
        })
        .compose(map -> {
          stored = map;
          return map == null
              ? Future.succeededFuture(java.util.Map.<String, JsonObject>of())
              : map.entries();
        })
        .compose(earlier -> {
          long now = System.currentTimeMillis();
          earlier.values().forEach(json -> sessions.takeOver(PageSession.fromJson(json), now));
          if (!earlier.isEmpty()) {
            LOG.info("took over [{}] page sessions", earlier.size());
          }
          return restoreSaved(s.maxSessions());
        })
        .compose(v -> {
          vertx.setPeriodic(Math.min(ttl / 4, 5_000), id -> expire());
          return new ServiceConsumers(vertx.eventBus())
              .request(Addresses.SESSION_REATTACH, this::reattach)
              .request(Addresses.SESSION_HELLO, this::hello)
              .request(Addresses.SESSION_DETACHED, this::detached)
              .request(Addresses.SESSION_LIST, this::list)
              .request(Addresses.SESSION_INFO, this::info)
              .request(Addresses.SESSION_TAKE_CODE, this::takeCode)
              .request(Addresses.SESSION_NEW_CODE, this::newCode)
              .request(Addresses.SESSION_PROACTIVE, this::proactive)
              .topic(Addresses.SESSION_CONTEXT_PAGE, m -> contexts.page(m.body()))
              .request(Addresses.SESSION_CONTEXT, contexts::request)
              .registered()
              .compose(ok -> router.subscribe(
                  "$share/session/pagesession/+/context/page", Addresses.SESSION_CONTEXT_PAGE));
        });
  }

  /**
   * The sessions of this node before a restart or a crash (those the cluster map did not already give): unheld,
   * they end after the idle TTL unless their pages resume them, with the code they had if it is still free.
   */
  private Future<Void> restoreSaved(int limit) {
    return saved.load(limit).compose(rows -> {
      long now = System.currentTimeMillis();
      List<PageSession> fresh = rows.stream().filter(p -> !sessions.has(p.id)).toList();
      return Future.all(fresh.stream()
              .map(
                  p -> (p.code == null ? Future.succeededFuture(true) : codes.reclaim(p.code, p.id))
                      .map(kept -> {
                        if (!kept) {
                          p.code = null;
                        }
                        sessions.takeOver(p, now);
                        return null;
                      }))
              .toList())
          .onSuccess(v -> {
            if (!fresh.isEmpty()) {
              LOG.info("restored [{}] page sessions", fresh.size());
            }
          })
          .<Void>mapEmpty()
          .recover(err -> {
            LOG.warn("page sessions not restored [{}]", err.getMessage());
            return Future.succeededFuture();
          });
    });
  }

  private void hello(Message<JsonObject> message) {
    JsonObject body = message.body();
    String siteKey = body.getString("site");
    if (siteKey == null || config.site(siteKey).isEmpty()) {
      message.reply(ServiceError.notFound(
          "unknown-site", "no site with this key is configured on the gateway"));
      return;
    }
    String resume = body.getString("resume");
    String connectionId = body.getString("conn", "");
    String address = body.getString("addr");
    if (resume != null) {
      var resumed = sessions.resume(resume, siteKey, connectionId, System.currentTimeMillis());
      if (resumed.isPresent()) {
        resumed.get().visitorId = VisitorIds.accepted(config, siteKey, body.getValue("visitor"));
        presence(resumed.get().id, true);
        message.reply(answer(resumed.get(), true).put("context", contexts.collects(siteKey)));
        return;
      }
    }
    String refused = sessions.admit(address);
    if (refused != null) {
      if (PageSessions.ADDRESS_LIMIT.equals(refused)) {
        metrics.bridgeRejected("address-limit-sessions");
      }
      message.reply(ServiceError.unavailable(
          refused, "the gateway has too many page sessions; try again later"));
      return;
    }
    String sessionId = randomToken();
    codes
        .claim(sessionId)
        .onSuccess(code -> {
          long now = System.currentTimeMillis();
          PageSession session =
              new PageSession(sessionId, siteKey, randomToken(), randomToken(), code, now, address);
          session.visitorId = VisitorIds.accepted(config, siteKey, body.getValue("visitor"));
          sessions.add(session, connectionId, now);
          store(session);
          metrics.code("issued");
          LOG.debug("page session started [{}] site [{}]", sessionId, siteKey);
          message.reply(answer(session, false).put("context", contexts.collects(siteKey)));
        })
        .onFailure(err -> {
          sessions.cancel(address);
          LOG.warn("no contact code for a new session [{}]", err.getMessage());
          message.reply(NO_CODE);
        });
  }

  private static JsonObject answer(PageSession session, boolean resumed) {
    return new JsonObject()
        .put("sid", session.id)
        .put("site", session.siteKey)
        .put("code", session.code)
        .put("resume", session.resumeToken)
        .put("resumed", resumed);
  }

  /** {@code {sites:[…]}} → the live sessions of those sites as agents may see them (no id, no code). */
  private void list(Message<JsonObject> message) {
    List<String> sites = message.body().getJsonArray("sites", new JsonArray()).stream()
        .map(String::valueOf)
        .toList();
    JsonArray out = new JsonArray();
    for (PageSession s : sessions.ofSites(sites)) {
      out.add(new JsonObject()
          .put("handle", s.handle)
          .put("site", s.siteKey)
          .put("connected", s.connected)
          .put("startedAt", Instant.ofEpochMilli(s.startedAt).toString())
          .mergeIn(SessionContexts.labelOf(s)));
    }
    message.reply(new JsonObject().put("sessions", out));
  }

  /** {@code {sid}} → {@code {site, connected, visitor}} of a live session (server-internal). */
  private void info(Message<JsonObject> message) {
    var session = sessions.get(message.body().getString("sid", ""));
    if (session.isEmpty()) {
      message.reply(ServiceError.notFound("no live session"));
    } else {
      message.reply(new JsonObject()
          .put("site", session.get().siteKey)
          .put("connected", session.get().connected)
          .put("visitor", session.get().visitorId)
          .put("address", session.get().address)); // a limit key: per-address chat limits
    }
  }

  /**
   * {@code {code, sites}} → {@code {sid, site}}, and the code is dead. Unknown, expired, used and other-site codes
   * all get the same failure. Atomic on the shared map: of two agents redeeming one code, one wins.
   */
  private void takeCode(Message<JsonObject> message) {
    String code = message.body().getString("code", "");
    List<String> sites = message.body().getJsonArray("sites", new JsonArray()).stream()
        .map(String::valueOf)
        .toList();
    codes
        .owner(code)
        .compose(sid -> {
          var session = sid == null
              ? java.util.Optional.<PageSession>empty()
              : sessions.get(sid).filter(s -> code.equals(s.code) && sites.contains(s.siteKey));
          if (session.isEmpty()) {
            return Future.succeededFuture((PageSession) null);
          }
          return codes.release(code, sid).map(won -> won ? session.get() : null);
        })
        .onComplete(ar -> {
          PageSession session = ar.succeeded() ? ar.result() : null;
          if (session == null || !code.equals(session.code)) {
            message.reply(ServiceError.notFound("invalid-code", "this code is not valid"));
            return;
          }
          session.code = null;
          store(session);
          message.reply(new JsonObject().put("sid", session.id).put("site", session.siteKey));
        });
  }

  /** {@code {sid}} → a fresh code for the session, told to the page as {@code ~pagesession/new_code}. */
  private void newCode(Message<JsonObject> message) {
    String sid = message.body().getString("sid", "");
    var session = sessions.get(sid);
    if (session.isEmpty()) {
      message.reply(ServiceError.notFound("no live session"));
      return;
    }
    String old = session.get().code;
    Future<?> released = old == null ? Future.succeededFuture() : codes.release(old, sid);
    released
        .compose(v -> codes.claim(sid))
        .onSuccess(code -> {
          session.get().code = code;
          store(session.get());
          metrics.code("issued");
          router.publishQuietly(
              ServerTopics.session(sid, "new_code"), new JsonObject().put("code", code), false);
          message.reply(new JsonObject().put("code", code));
        })
        .onFailure(err -> {
          LOG.warn("no new contact code [{}]", err.getMessage());
          message.reply(NO_CODE);
        });
  }

  /** An agent invites a page: {@code ~pagesession/proactive/trigger {button_id, text}} on that page. */
  private void proactive(Message<JsonObject> message) {
    JsonObject body = message.body();
    List<String> sites = body.getJsonArray("sites", new JsonArray()).stream()
        .map(String::valueOf)
        .toList();
    var session =
        sessions.byHandle(body.getString("handle", "")).filter(s -> sites.contains(s.siteKey));
    if (session.isEmpty()) {
      message.reply(
          ServiceError.notFound("no live page session with this handle among your sites"));
      return;
    }
    String button = body.getString("button_id");
    if (config.site(session.get().siteKey).flatMap(site -> site.button(button)).isEmpty()) {
      message.reply(ServiceError.badRequest("the site has no chat button '" + button + "'"));
      return;
    }
    JsonObject trigger =
        new JsonObject().put("button_id", button).put("text", body.getString("text", ""));
    router
        .publish(ServerTopics.session(session.get().id, "proactive/trigger"), trigger, false)
        .onSuccess(ok -> message.reply(new JsonObject().put("ok", true)))
        .onFailure(err -> ServiceHandlers.fail(message, err));
  }

  private void detached(Message<JsonObject> message) {
    String sid = message.body().getString("sid");
    if (sid != null) {
      boolean was = sessions.isConnected(sid);
      sessions.detached(
          sid,
          message.body().getString("conn", ""),
          message.body().getBoolean("bye", false),
          System.currentTimeMillis());
      if (was && !sessions.isConnected(sid)) {
        presence(sid, false);
      }
    }
  }

  /** Tells the chat service (and whoever listens) that a page session gained its first or lost its last connection. */
  private void presence(String sid, boolean connected) {
    vertx
        .eventBus()
        .publish(
            Addresses.SESSION_PRESENCE,
            new JsonObject().put("sid", sid).put("connected", connected));
  }

  /** {@code {held:[{sid, conn}]}} from a router after the services (re)started: those sessions are in use. */
  private void reattach(Message<JsonObject> message) {
    JsonArray held = message.body().getJsonArray("held", new JsonArray());
    for (Object o : held) {
      if (o instanceof JsonObject h) {
        String sid = h.getString("sid", "");
        boolean was = sessions.isConnected(sid);
        if (sessions.reattach(sid, h.getString("conn", ""), System.currentTimeMillis()) && !was) {
          presence(sid, true);
        }
      }
    }
  }

  private void store(PageSession session) {
    saved
        .save(session, System.currentTimeMillis())
        .onFailure(err -> LOG.warn("session not saved [{}]", err.getMessage()));
    if (stored == null) {
      return;
    }
    stored
        .put(session.id, session.toJson())
        .onFailure(err -> LOG.warn("session not written through [{}]", err.getMessage()));
  }

  private void expire() {
    for (PageSession ended : sessions.expire(System.currentTimeMillis())) {
      if (ended.code != null) {
        codes.release(ended.code, ended.id);
      }
      if (stored != null) {
        stored.remove(ended.id);
      }
      saved
          .delete(ended.id)
          .onFailure(err -> LOG.warn("ended session not deleted [{}]", err.getMessage()));
      vertx.eventBus().publish(Addresses.SESSION_END, new JsonObject().put("sid", ended.id));
      LOG.debug("page session ended [{}]", ended.id);
    }
  }

  /** 128 random bits, URL-safe. */
  static String randomToken() {
    return RandomIds.urlSafe(16);
  }
}
