package org.siteconnect.gateway.agent;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.RandomIds;
import org.siteconnect.gateway.bus.ServiceBus;
import org.siteconnect.gateway.bus.ServiceConsumers;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.bus.ServiceHandlers;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.net.ClientAddresses;
import org.siteconnect.gateway.ops.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agent accounts, logins and tokens on the event bus (request/reply; a failure's code is the HTTP status and its
 * message {@code "code: sentence"}). On first start with no admin it creates {@code admin} with the password from
 * {@code SC_ADMIN_PASSWORD}, or prints a generated one once.
 */
public final class AgentVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AgentVerticle.class);
  public static final String ADMIN_PASSWORD_ENV = "SC_ADMIN_PASSWORD";

  private final GatewayConfig config;
  private final AgentStore store;
  private final String adminPasswordFromEnv;
  private PasswordHasher hasher;
  /** Logins that must choose a new password first (loaded at start, written through to the store). */
  private final java.util.Set<String> mustChange = new java.util.HashSet<>();

  private AgentTokens tokens;
  private LoginLimiter limiter;
  private HashQueue hashQueue;
  /** The 250 ms expiry of checks waiting in {@link #hashQueue}; -1 while none waits (an idle node has no timer). */
  private long hashExpiry = -1;
  /** Password hashing threads, apart from Vert.x's shared worker pool (a login flood must not starve it). */
  private WorkerExecutor hashPool;

  private AgentRules rules;
  /** Verified against when the login is unknown, so both failures cost the same time. */
  private String decoyHash;
  /** Grants by token hash, written through so that a new leader keeps everyone logged in (TTL = the grant's). */
  static final String TOKENS_MAP = "sc.agent-tokens";

  private AsyncMap<String, JsonObject> storedTokens;
  /** The same grants in the database: a restarted (or crashed) single node keeps everyone logged in too. */
  private final SqlTokenStore savedTokens;

  public AgentVerticle(
      GatewayConfig config,
      AgentStore store,
      String adminPasswordFromEnv,
      org.siteconnect.gateway.store.Database db) {
    this.config = config;
    this.store = store;
    this.adminPasswordFromEnv = adminPasswordFromEnv;
    this.savedTokens = new SqlTokenStore(db);
  }

  @Override
  public Future<?> start() {
    GatewayConfig.Agents a = config.agents();
    hasher = new PasswordHasher(a.passwordIterations());
    tokens = new AgentTokens(a.tokenTtlSeconds() * 1000);
    limiter = new LoginLimiter(
        a.loginMaxFailures(), a.loginMaxFailuresPerAddress(), a.loginLockoutSeconds() * 1000L);
    hashPool = vertx.createSharedWorkerExecutor("sc-password-hashing", a.loginHashThreads());
    // A check still waiting a second before the REST deadline is answered "busy" rather than timing
    // out.
    hashQueue = new HashQueue(
        a.loginHashThreads(), a.loginHashesPerAddress(), ServiceBus.REPLY_TIMEOUT_MS - 1_000);
    rules = new AgentRules(config);
    vertx.setPeriodic(60_000, id -> {
      long now = System.currentTimeMillis();
      tokens.expire(now);
      savedTokens
          .purge(now)
          .onFailure(err -> LOG.warn("expired logins not purged [{}]", err.getMessage()));
      limiter.forget(now);
    });
    return hashing(() -> hasher.hash(randomPassword()))
        .compose(decoy -> {
          decoyHash = decoy;
          return vertx.sharedData().<String, JsonObject>getAsyncMap(TOKENS_MAP);
        })
        .compose(map -> {
          storedTokens = map;
          return map.entries();
        })
        .compose(earlier -> {
          // Logins survive a change of leader: the grants were written through to the (cluster)
          // map.
          earlier.forEach((hash, g) -> tokens.restore(
              new AgentTokens.Grant(hash, g.getString("login"), g.getLong("expiresAt"))));
          // ... and a restart or a crash: the database has them (hashes only).
          return savedTokens.live(System.currentTimeMillis());
        })
        .compose(saved -> {
          saved.forEach(tokens::restore);
          if (!saved.isEmpty()) {
            LOG.info("restored [{}] agent logins", saved.size());
          }
          return bootstrapAdmin();
        })
        .compose(v -> store.mustChangePassword())
        .compose(logins -> {
          mustChange.addAll(logins);
          return Future.succeededFuture();
        })
        .compose(v -> new ServiceConsumers(vertx.eventBus())
            .request(Addresses.AGENT_LOGIN, this::login)
            .request(Addresses.AGENT_SSO_LOGIN, this::ssoLogin)
            .request(Addresses.AGENT_AUTH, this::auth)
            .request(Addresses.AGENT_PASSWORD, this::changePassword)
            .request(Addresses.AGENT_LOGOUT, this::logout)
            .request(Addresses.AGENT_LIST, m -> asAdmin(m, admin -> list(m, admin)))
            .request(Addresses.AGENT_CREATE, m -> asAdmin(m, admin -> create(m, admin)))
            .request(Addresses.AGENT_UPDATE, m -> asAdmin(m, admin -> update(m, admin)))
            .request(Addresses.AGENT_DELETE, m -> asAdmin(m, admin -> delete(m, admin)))
            .registered());
  }

  @Override
  public Future<?> stop() {
    return hashPool == null ? Future.succeededFuture() : hashPool.close();
  }

  /** Runs a password hash or check on the hashing threads, not in order with anything else. */
  private <T> Future<T> hashing(java.util.concurrent.Callable<T> work) {
    return hashPool.executeBlocking(work, false);
  }

  private Future<Void> bootstrapAdmin() {
    return store.anyAdmin().compose(any -> {
      if (any) {
        return Future.succeededFuture();
      }
      if (!config.agents().localPasswords()) {
        // Nobody could log in with its password: admins come from the sso mappings (docs/SSO.md).
        LOG.info(
            "no admin yet and local passwords are off: an sso mapping with role admin makes one");
        return Future.succeededFuture();
      }
      boolean generated = adminPasswordFromEnv == null || adminPasswordFromEnv.isEmpty();
      String password = generated ? randomPassword() : adminPasswordFromEnv;
      List<String> allButtons = rules.allButtons();
      return hashing(() -> hasher.hash(password))
          .compose(hash -> store
              .insert(new Agent(
                  "admin",
                  "Administrator",
                  hash,
                  new LinkedHashSet<>(List.of(Agent.ROLE_ADMIN, Agent.ROLE_AGENT)),
                  allButtons,
                  config.agents().maxChatsDefault()))
              // A printed one-time password is in a log somewhere: it must be replaced before
              // anything else.
              .compose(v -> generated
                  ? store.setMustChangePassword("admin", true)
                  : Future.<Void>succeededFuture()))
          .map(v -> true)
          // Two nodes starting on one empty PostgreSQL database: the other one created it first;
          // fine.
          .recover(err -> err instanceof IllegalStateException
              ? Future.succeededFuture(false)
              : Future.failedFuture(err))
          .onSuccess(created -> {
            if (!created) {
              LOG.info("agent 'admin' was created by another node meanwhile");
            } else if (generated) {
              // Printed once, to the console only; it is not stored anywhere in clear.
              System.out.println(
                  "\n*** SiteConnect: created agent 'admin' with the one-time password: " + password
                      + "\n*** Log in at /agent/ and change it. (Set " + ADMIN_PASSWORD_ENV
                      + " to choose it.)\n");
            } else {
              LOG.info("created agent 'admin' with the password from {}", ADMIN_PASSWORD_ENV);
            }
          })
          .mapEmpty();
    });
  }

  // ---- login / auth / logout
  // --------------------------------------------------------------------------------

  private void login(Message<JsonObject> m) {
    String login = m.body().getString("login", "");
    String password = m.body().getString("password", "");
    String address = m.body().getString("address", "?");
    if (!config.agents().localPasswords()) {
      m.reply(localLoginDisabled());
      return;
    }
    // Reserved before the check: a burst of logins gets no more password checks than the limits
    // allow.
    // Counted by the address's limit key: an IPv6 client has a whole /64 to pick addresses from.
    String limitKey = ClientAddresses.limitKey(address);
    LoginLimiter.Attempt attempt = limiter.tryReserve(login, limitKey, System.currentTimeMillis());
    if (!attempt.reserved()) {
      long seconds = (attempt.retryAfterMillis() + 999) / 1000;
      m.reply(ServiceError.rateLimited(
          "too many failed logins; try again in " + seconds + " s", seconds));
      return;
    }
    Future<Optional<Agent>> checked =
        hashQueue.submit(limitKey, System.currentTimeMillis(), () -> check(login, password));
    expireWhileWaiting();
    checked
        .onSuccess(agent -> {
          long now = System.currentTimeMillis();
          if (agent.isEmpty()) {
            limiter.failed(attempt, now);
            LOG.info("failed login from [{}]", address);
            AuditLog.record(
                vertx.eventBus(),
                login.length() > 64 ? login.substring(0, 64) : login,
                AuditLog.LOGIN_FAILED,
                null,
                null,
                address);
            m.reply(ServiceError.of(401, "bad-credentials", "the login or the password is wrong"));
            return;
          }
          limiter.succeeded(attempt, now);
          LOG.info("agent logged in [{}]", login);
          AuditLog.record(vertx.eventBus(), login, AuditLog.LOGIN, null, null, address);
          grant(agent.get(), now).onSuccess(m::reply);
        })
        .onFailure(err -> {
          limiter.cancelled(attempt, System.currentTimeMillis());
          if (err instanceof HashQueue.Full) {
            m.reply(ServiceError.rateLimited(
                "too many logins in progress from your address; try again in 1 s", 1));
          } else if (err instanceof HashQueue.Expired) {
            m.reply(
                ServiceError.unavailable("busy", "too many logins in progress; try again shortly"));
          } else {
            fail(m, err);
          }
        });
  }

  /** A new token for {@code agent}, written through to the (cluster) map: the answer to a login. */
  private Future<JsonObject> grant(Agent agent, long now) {
    AgentTokens.Issued issued = tokens.issue(agent.login(), now);
    AgentTokens.Grant grant = issued.grant();
    storedTokens.put(
        grant.hash(),
        new JsonObject().put("login", agent.login()).put("expiresAt", grant.expiresAt()),
        Math.max(1, grant.expiresAt() - now));
    JsonObject answer = new JsonObject()
        .put("token", issued.token())
        .put("mustChangePassword", mustChange.contains(agent.login()))
        .put("expiresAt", Instant.ofEpochMilli(grant.expiresAt()).toString())
        .put("agent", agent.toJson());
    // Answered once saved, so a restart right after the login keeps it; a failed save still logs
    // in.
    return savedTokens.save(grant).transform(ar -> {
      if (ar.failed()) {
        LOG.warn("a login not saved: it ends with a restart [{}]", ar.cause().getMessage());
      }
      return Future.succeededFuture(answer);
    });
  }

  private static ServiceError localLoginDisabled() {
    return ServiceError.of(
        403,
        "local-login-disabled",
        "logins with a password are switched off here: sign in with single sign-on");
  }

  /**
   * {@code {identity, address}}: an agent the provider vouched for (docs/SSO.md). Its account is created, or its
   * name, roles and buttons brought in line with the claims (a change of roles or buttons ends its other logins,
   * as an admin's change does), then it gets a token as a password login would.
   */
  private void ssoLogin(Message<JsonObject> m) {
    JsonObject id = m.body().getJsonObject("identity");
    String address = m.body().getString("address", "?");
    SsoAccounts.upsert(
            store,
            id,
            config.agents().maxChatsDefault(),
            () -> hashing(() -> hasher.hash(randomPassword())))
        .onSuccess(change -> {
          if (change.rightsChanged()) {
            revoked(
                change.agent().login(),
                tokens.revokeAll(change.agent().login()).stream()
                    .map(AgentTokens.Grant::hash)
                    .toList());
          }
          LOG.info("agent signed in with sso [{}]", change.agent().login());
          AuditLog.record(
              vertx.eventBus(),
              change.agent().login(),
              AuditLog.LOGIN,
              null,
              "sso, roles " + change.agent().roles() + ", buttons "
                  + change.agent().buttons(),
              address);
          grant(change.agent(), System.currentTimeMillis()).onSuccess(m::reply);
        })
        .onFailure(err -> fail(m, err));
  }

  /**
   * Exactly one password check whether or not the login exists (the decoy hash has the configured iterations),
   * so an unknown login and a wrong password cost the same and the login list cannot be timed out of us.
   */
  private Future<Optional<Agent>> check(String login, String password) {
    return store.find(login).compose(agent -> {
      String hash = agent.map(Agent::passwordHash).orElse(decoyHash);
      return hashing(() -> hasher.verify(hash, password) ? agent : Optional.<Agent>empty());
    });
  }

  private void auth(Message<JsonObject> m) {
    authenticate(m.body().getString("token")).onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(new JsonObject()
            .put("agent", ar.result().agent().toJson())
            .put("expiresAt", ar.result().grant().expiresAt()));
      } else {
        fail(m, ar.cause());
      }
    });
  }

  /** {@code {token, current, password}}: the agent's own password change; clears a required change. */
  private void changePassword(Message<JsonObject> m) {
    String current = m.body().getString("current", "");
    if (!config.agents().localPasswords()) {
      m.reply(localLoginDisabled());
      return;
    }
    String wanted;
    try {
      wanted = AgentRules.newPassword(m.body().getString("password"));
    } catch (AgentRules.RuleException e) {
      m.reply(ServiceError.badRequest(e.getMessage()));
      return;
    }
    authenticate(m.body().getString("token"), true)
        .compose(who -> vertx.executeBlocking(() -> {
          if (!hasher.verify(who.agent().passwordHash(), current)) {
            throw ServiceError.of(403, "wrong-password", "the current password is wrong");
          }
          if (hasher.verify(who.agent().passwordHash(), wanted)) {
            throw ServiceError.badRequest("the new password must differ from the current one");
          }
          return who.agent().withPasswordHash(hasher.hash(wanted));
        }))
        .compose(agent -> store
            .update(agent)
            .compose(v -> store.setMustChangePassword(agent.login(), false))
            .map(agent))
        .onSuccess(agent -> {
          mustChange.remove(agent.login());
          LOG.info("agent changed its password [{}]", agent.login());
          AuditLog.record(
              vertx.eventBus(),
              agent.login(),
              AuditLog.AGENT_UPDATED,
              agent.login(),
              "password",
              m.body().getString("address"));
          m.reply(new JsonObject().put("ok", true));
        })
        .onFailure(err -> fail(m, err));
  }

  private void logout(Message<JsonObject> m) {
    Optional<AgentTokens.Grant> grant = tokens.revoke(m.body().getString("token"));
    if (grant.isEmpty()) {
      m.reply(ServiceError.unauthorized("not logged in"));
      return;
    }
    String login = grant.get().login();
    revoked(login, List.of(grant.get().hash()))
        .onSuccess(v -> {
          LOG.info("agent logged out [{}]", login);
          AuditLog.record(
              vertx.eventBus(), login, AuditLog.LOGOUT, null, null, m.body().getString("address"));
          m.reply(new JsonObject().put("ok", true));
        })
        .onFailure(err -> fail(m, err));
  }

  /**
   * The grants with these token hashes are gone: everywhere they were kept, and the consoles holding them. Completes
   * once the saved logins are deleted too, so that a restart right after the answer does not bring them back.
   */
  private Future<Void> revoked(String login, List<String> revokedHashes) {
    revokedHashes.forEach(storedTokens::remove);
    Future<Void> deleted = savedTokens
        .delete(revokedHashes)
        .<Void>mapEmpty()
        .onFailure(err -> LOG.warn("revoked logins not deleted [{}]", err.getMessage()));
    vertx
        .eventBus()
        .publish(
            Addresses.AGENT_REVOKED,
            new JsonObject().put("login", login).put("hashes", new JsonArray(revokedHashes)));
    vertx.eventBus().send(Addresses.BUTTONS_LOGGED_OUT, new JsonObject().put("login", login));
    return deleted;
  }

  record Authenticated(Agent agent, AgentTokens.Grant grant) {}

  private Future<Authenticated> authenticate(String token) {
    return authenticate(token, false);
  }

  /** As above; an account that must change its password passes only when {@code passwordChange} is true. */
  private Future<Authenticated> authenticate(String token, boolean passwordChange) {
    Optional<AgentTokens.Grant> grant = tokens.check(token, System.currentTimeMillis());
    if (grant.isEmpty()) {
      return Future.failedFuture(
          ServiceError.unauthorized("log in first (the token is missing, expired or revoked)"));
    }
    if (!passwordChange && mustChange.contains(grant.get().login())) {
      return Future.failedFuture(ServiceError.of(
          403,
          "password-change-required",
          "choose a new password first (POST /api/v1/me/password)"));
    }
    return store
        .find(grant.get().login())
        .compose(agent -> agent.isPresent()
            ? Future.succeededFuture(new Authenticated(agent.get(), grant.get()))
            : Future.failedFuture(ServiceError.unauthorized("this account no longer exists")));
  }

  // ---- admin
  // ------------------------------------------------------------------------------------------------

  private interface AdminAction {
    void run(Agent admin);
  }

  private void asAdmin(Message<JsonObject> m, AdminAction action) {
    authenticate(m.body().getString("token")).onComplete(ar -> {
      if (ar.failed()) {
        fail(m, ar.cause());
      } else if (!ar.result().agent().isAdmin()) {
        m.reply(ServiceError.forbidden("admins only"));
      } else {
        action.run(ar.result().agent());
      }
    });
  }

  private void list(Message<JsonObject> m, Agent admin) {
    AdminScope scope = AdminScope.of(admin);
    store
        .list()
        .onSuccess(all -> m.reply(new JsonObject()
            .put(
                "agents",
                new JsonArray(
                    all.stream().filter(scope::sees).map(Agent::toJson).toList()))))
        .onFailure(err -> fail(m, err));
  }

  private void create(Message<JsonObject> m, Agent admin) {
    JsonObject in = m.body().getJsonObject("agent");
    AgentRules.Draft draft;
    try {
      draft = rules.draftForCreate(in);
    } catch (AgentRules.RuleException e) {
      m.reply(ServiceError.badRequest(e.getMessage()));
      return;
    }
    if (!AdminScope.of(admin).covers(draft.agent().buttons())) {
      m.reply(notYourSites());
      return;
    }
    hashing(() -> hasher.hash(draft.password()))
        .compose(hash -> {
          Agent agent = draft.agent().withPasswordHash(hash);
          return store.insert(agent).map(agent);
        })
        .onSuccess(agent -> {
          LOG.info("agent created [{}]", agent.login());
          AuditLog.record(
              vertx.eventBus(),
              admin.login(),
              AuditLog.AGENT_CREATED,
              agent.login(),
              "roles " + agent.roles() + ", buttons " + agent.buttons(),
              m.body().getString("address"));
          m.reply(agent.toJson());
        })
        .onFailure(err -> {
          if (err instanceof IllegalStateException) {
            m.reply(ServiceError.conflict(
                "an agent with login '" + draft.agent().login() + "' exists"));
          } else {
            fail(m, err);
          }
        });
  }

  private void update(Message<JsonObject> m, Agent admin) {
    String login = m.body().getString("login");
    JsonObject changes = m.body().getJsonObject("agent");
    store
        .find(login)
        .onSuccess(existing -> {
          if (existing.isEmpty()) {
            m.reply(ServiceError.notFound("no agent '" + login + "'"));
            return;
          }
          AdminScope scope = AdminScope.of(admin);
          if (!scope.manages(existing.get())) {
            m.reply(notYourSites());
            return;
          }
          AgentRules.Draft draft;
          try {
            draft = rules.draftForUpdate(existing.get(), changes);
          } catch (AgentRules.RuleException e) {
            m.reply(ServiceError.badRequest(e.getMessage()));
            return;
          }
          if (!scope.covers(draft.agent().buttons())) {
            m.reply(notYourSites());
            return;
          }
          Future<String> hash = draft.password() == null
              ? Future.succeededFuture(existing.get().passwordHash())
              : hashing(() -> hasher.hash(draft.password()));
          hash.compose(h -> {
                Agent updated = draft.agent().withPasswordHash(h);
                // Deleted while the new password was hashed: nothing was changed, nothing to audit.
                return store
                    .update(updated)
                    .compose(found -> found
                        ? Future.succeededFuture(updated)
                        : Future.failedFuture(ServiceError.notFound("no agent '" + login + "'")));
              })
              .compose(updated -> {
                boolean rightsChanged = draft.password() != null
                    || !updated.buttons().equals(existing.get().buttons())
                    || !updated.roles().equals(existing.get().roles());
                return rightsChanged
                    ? revoked(
                            login,
                            tokens.revokeAll(login).stream()
                                .map(AgentTokens.Grant::hash)
                                .toList())
                        .map(updated)
                    : Future.succeededFuture(updated);
              })
              .onSuccess(updated -> {
                LOG.info("agent updated [{}]", login);
                AuditLog.record(
                    vertx.eventBus(),
                    admin.login(),
                    AuditLog.AGENT_UPDATED,
                    login,
                    "changed " + String.join(",", changes.fieldNames()),
                    m.body().getString("address"));
                m.reply(updated.toJson());
              })
              .onFailure(err -> fail(m, err));
        })
        .onFailure(err -> fail(m, err));
  }

  private void delete(Message<JsonObject> m, Agent admin) {
    String login = m.body().getString("login");
    store
        .find(login)
        .compose(existing -> {
          if (existing.isPresent() && !AdminScope.of(admin).manages(existing.get())) {
            return Future.failedFuture(notYourSites());
          }
          return store.delete(login);
        })
        .onSuccess(deleted -> {
          if (!deleted) {
            m.reply(ServiceError.notFound("no agent '" + login + "'"));
            return;
          }
          revoked(
                  login,
                  tokens.revokeAll(login).stream().map(AgentTokens.Grant::hash).toList())
              .onSuccess(v -> {
                LOG.info("agent deleted [{}]", login);
                AuditLog.record(
                    vertx.eventBus(),
                    admin.login(),
                    AuditLog.AGENT_DELETED,
                    login,
                    null,
                    m.body().getString("address"));
                m.reply(new JsonObject().put("ok", true));
              })
              .onFailure(err -> fail(m, err));
        })
        .onFailure(err -> fail(m, err));
  }

  // ---- helpers
  // ----------------------------------------------------------------------------------------------

  private static ServiceError notYourSites() {
    return ServiceError.of(
        403,
        "not-allowed",
        "an admin manages only agents whose buttons are all on sites it serves");
  }

  private static void fail(Message<?> m, Throwable err) {
    ServiceHandlers.fail(m, err);
  }

  static String randomPassword() {
    return RandomIds.drawn("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);
  }

  /** Arms the queue's expiry while checks wait in it; it disarms itself once the queue is empty. */
  private void expireWhileWaiting() {
    if (hashExpiry >= 0 || !hashQueue.hasWaiting()) {
      return;
    }
    hashExpiry = vertx.setPeriodic(250, id -> {
      hashQueue.expire(System.currentTimeMillis());
      if (!hashQueue.hasWaiting()) {
        vertx.cancelTimer(id);
        hashExpiry = -1;
      }
    });
  }
}
