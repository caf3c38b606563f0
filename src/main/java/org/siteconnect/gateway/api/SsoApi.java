package org.siteconnect.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.siteconnect.gateway.agent.LoginLimiter;
import org.siteconnect.gateway.bus.Addresses;
import org.siteconnect.gateway.bus.RandomIds;
import org.siteconnect.gateway.bus.ServiceBus;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.net.ClientAddresses;
import org.siteconnect.gateway.ops.AuditLog;
import org.siteconnect.gateway.ops.LogThrottle;
import org.siteconnect.gateway.sso.ClaimMapping;
import org.siteconnect.gateway.sso.IdTokenCheck;
import org.siteconnect.gateway.sso.PendingLogins;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/sso*}: agents sign in at an OpenID provider with the code flow and PKCE S256 (docs/SSO.md).
 *
 * <p>A sign-in's state, nonce and code verifier wait in a cluster-wide map (any node may get the callback) for
 * {@code sso.loginTtlSeconds}, are taken out once (a replayed callback finds a "used" mark instead) and are bound
 * to the browser that started them by an HttpOnly cookie. The callback sends the browser back to the console with
 * a one-time code in the fragment (never sent to a server, never in a log or a Referer); the console trades it,
 * with the same cookie, for an agent token ({@code POST /api/v1/sso/exchange}). Failures land on the console as
 * {@code /agent/#sso-error=<code>}, which the console words; the reason is logged and audited.
 */
final class SsoApi {
  private static final Logger LOG = LoggerFactory.getLogger(SsoApi.class);
  static final String COOKIE = "sc_sso";
  static final String COOKIE_PATH = "/api/v1/sso";
  static final String PENDING_MAP = "sc.sso-pending";
  static final String CODES_MAP = "sc.sso-codes";
  static final long CODE_TTL_MS = 60_000;
  private static final Pattern STATE = Pattern.compile("[A-Za-z0-9_-]{32}\\.[0-9]{1,12}");
  /** RFC 6749 §4.1.2.1: an error code is printable ASCII without '"' and '\\' (what the log may quote of it). */
  private static final Pattern ERROR_CODE =
      Pattern.compile("[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}");

  private static final Pattern BINDING = Pattern.compile("[A-Za-z0-9_-]{32}");

  private final Vertx vertx;
  private final GatewayConfig.Sso sso;
  private final boolean localPasswords;
  private final ServiceBus eb;
  private final ClaimMapping mapping;
  private final PendingLogins pending;
  /** Refused sign-ins are logged once a minute at most: any client can cause them. */
  private final LogThrottle refusals = new LogThrottle(60_000);
  /**
   * Failed callbacks per client address (agents.loginMaxFailuresPerAddress, then a lockout): each is logged and
   * audited, and a callback needs no sign-in started, so without it anyone could fill the audit log. Reserved as a
   * callback arrives, so a burst gets no more than the limit. Used on the HTTP verticle's loop only.
   */
  private final LoginLimiter failedCallbacks;
  /** When {@link #failedCallbacks} last dropped its idle windows (done by the callbacks themselves, once a minute). */
  private long forgotten;

  private final String redirectUri;
  private final String consoleUrl;
  private final boolean secureCookie;
  private final Function<RoutingContext, String> address;
  /** The provider's client, discovered at the first sign-in; forgotten when discovery fails, to try again. */
  private Future<OAuth2Auth> client;

  private SsoApi(Vertx vertx, GatewayConfig config, Function<RoutingContext, String> address) {
    this.vertx = vertx;
    this.sso = config.sso();
    this.localPasswords = config.agents().localPasswords();
    this.eb = new ServiceBus(vertx.eventBus());
    this.mapping = sso == null ? null : new ClaimMapping(sso);
    this.pending = sso == null
        ? null
        : new PendingLogins(
            sso.maxPendingLogins(),
            sso.maxPendingLoginsPerAddress(),
            sso.loginTtlSeconds() * 1000L);
    this.failedCallbacks = LoginLimiter.perAddress(
        config.agents().loginMaxFailuresPerAddress(),
        config.agents().loginLockoutSeconds() * 1000L);
    this.redirectUri = config.http().publicOrigin() + COOKIE_PATH + "/callback";
    this.consoleUrl = config.http().publicOrigin() + "/agent/";
    this.secureCookie = config.http().publicOrigin().startsWith("https:");
    this.address = address;
  }

  /** Binds the contract's {@code /sso*} operations (RestApi's body handler, no-store and failure handler apply). */
  static void bind(
      RouterBuilder b,
      Vertx vertx,
      GatewayConfig config,
      Function<RoutingContext, String> address) {
    SsoApi api = new SsoApi(vertx, config, address);
    RestApi.bind(b, "describeSso", api::describe);
    RestApi.bind(b, "startSso", api::login);
    RestApi.bind(b, "finishSso", api::callback);
    RestApi.bind(b, "exchangeSsoCode", api::exchange);
  }

  /** What the login page shows: the SSO button (and its provider's name), the password form or both. */
  private void describe(RoutingContext ctx) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject()
            .put("enabled", sso != null)
            .put("providerName", sso == null ? null : sso.providerName())
            .put("localPasswords", localPasswords)
            .encode());
  }

  // ---- 1. start: to the provider with state, nonce and the PKCE challenge
  // -----------------------------------------

  private void login(RoutingContext ctx) {
    if (sso == null) {
      RestApi.error(ctx, ServiceError.notFound("single sign-on is not configured"));
      return;
    }
    long now = System.currentTimeMillis();
    long expiresAt = now + sso.loginTtlSeconds() * 1000L;
    String state = RandomIds.urlSafe(24) + "." + expiresAt / 1000;
    // Counted as it arrives, before the asynchronous store (DESIGN §11).
    PendingLogins.Reservation reservation =
        pending.reserve(state, ClientAddresses.limitKey(address.apply(ctx)), now);
    if (reservation != PendingLogins.Reservation.RESERVED) {
      long suppressed = refusals.occurred(now);
      if (suppressed >= 0) {
        LOG.warn(
            "sso sign-in refused: {} ({} more refusals since the last line)",
            reservation == PendingLogins.Reservation.NODE_FULL
                ? "[" + sso.maxPendingLogins() + "] sign-ins open on this node"
                : "a client address has [" + sso.maxPendingLoginsPerAddress() + "] open",
            suppressed);
      }
      backToConsole(ctx, "busy");
      return;
    }
    String binding = binding(ctx);
    String verifier = RandomIds.urlSafe(32); // RFC 7636 §4.1: 43 characters of the unreserved set
    String nonce = RandomIds.urlSafe(24);
    JsonObject entry = new JsonObject()
        .put("verifier", verifier)
        .put("nonce", nonce)
        .put("binding", binding)
        .put("expiresAt", expiresAt);
    client()
        .compose(oauth -> this.<JsonObject>map(PENDING_MAP)
            .compose(map -> map.put(state, entry, sso.loginTtlSeconds() * 1000L))
            .map(v -> oauth.authorizeURL(new OAuth2AuthorizationURL()
                .setRedirectUri(redirectUri)
                .setScopes(sso.scopes())
                .setState(state)
                .setCodeChallenge(challenge(verifier))
                .setCodeChallengeMethod("S256")
                .putAdditionalParameter("nonce", nonce))))
        .onSuccess(url -> {
          // Until the sign-in can no longer come back and its one-time code be traded.
          ctx.response().addCookie(cookie(binding, sso.loginTtlSeconds() + CODE_TTL_MS / 1000));
          ctx.redirect(url);
        })
        .onFailure(err -> {
          pending.release(state);
          LOG.warn("sso sign-in could not start [{}]", String.valueOf(err.getMessage()));
          backToConsole(ctx, "provider");
        });
  }

  /** The provider's client, from its discovery document (OpenID Connect Discovery 1.0). */
  private Future<OAuth2Auth> client() {
    if (client == null) {
      OAuth2Options options = new OAuth2Options()
          .setSite(sso.issuer())
          .setClientId(sso.clientId())
          .setClientSecret(sso.clientSecret())
          .setJWTOptions(
              new JWTOptions().setIssuer(sso.issuer()).setAudience(List.of(sso.clientId())));
      client = OpenIDConnectAuth.discover(vertx, options)
          // The provider rotated its keys: fetch them again (this sign-in fails, the next one
          // works).
          .onSuccess(oauth -> oauth.missingKeyHandler(kid -> oauth.jWKSet()))
          .onFailure(err -> client = null);
    }
    return client;
  }

  // ---- 2. back from the provider: check everything, map the claims, hand the console a one-time
  // code
  // ----------

  private void callback(RoutingContext ctx) {
    if (sso == null) {
      RestApi.error(ctx, ServiceError.notFound("single sign-on is not configured"));
      return;
    }
    long now = System.currentTimeMillis();
    if (now - forgotten > 60_000) {
      failedCallbacks.forget(now);
      forgotten = now;
    }
    LoginLimiter.Attempt attempt =
        failedCallbacks.tryReserve(null, ClientAddresses.limitKey(address.apply(ctx)), now);
    if (!attempt.reserved()) {
      backToConsole(ctx, "locked"); // neither logged nor audited: the failures before it were
      return;
    }
    String state = ctx.request().getParam("state");
    if (state == null || !STATE.matcher(state).matches()) {
      failedCallbacks.failed(attempt, now);
      refuse(ctx, null, "bad-state", "the callback has no state this gateway issued");
      return;
    }
    pending.release(state);
    this.<JsonObject>map(PENDING_MAP)
        .compose(map -> map.remove(state)
            .compose(entry -> entry == null
                ? map.get("used:" + state)
                    .compose(used -> Future.<JsonObject>failedFuture(unknown(state, used, now)))
                : map.put("used:" + state, new JsonObject(), sso.loginTtlSeconds() * 1000L)
                    .map(entry)))
        .compose(entry -> finish(ctx, entry, now))
        .onSuccess(code -> {
          failedCallbacks.succeeded(attempt, System.currentTimeMillis());
          backToConsole(ctx, null, code);
        })
        .onFailure(err -> {
          failedCallbacks.failed(attempt, System.currentTimeMillis());
          if (err instanceof ClaimMapping.Refused r) {
            refuse(ctx, null, r.code(), r.getMessage());
          } else if (err instanceof Refusal r) {
            refuse(ctx, r.login, r.code, r.getMessage());
          } else {
            refuse(ctx, null, "provider", "the provider failed: " + err.getMessage());
          }
        });
  }

  /** A state not (or no longer) in the map: used before, timed out, or never issued here. */
  private static Refusal unknown(String state, JsonObject usedMark, long now) {
    if (usedMark != null) {
      return refusal("replayed", "this sign-in came back before: a replayed callback");
    }
    return expiresAt(state) <= now
        ? refusal("expired", "the sign-in took longer than sso.loginTtlSeconds")
        : refusal("bad-state", "the callback's state is unknown here");
  }

  /** A sign-in taken out of the map: the provider's answer, the code exchange, the checks, the mapping. */
  private Future<String> finish(RoutingContext ctx, JsonObject entry, long now) {
    if (entry.getLong("expiresAt") <= now) {
      return Future.failedFuture(
          refusal("expired", "the sign-in took longer than sso.loginTtlSeconds"));
    }
    if (!entry.getString("binding").equals(cookieValue(ctx))) {
      return Future.failedFuture(refusal(
          "bad-state", "the callback reached another browser than the one that started it"));
    }
    String error = ctx.request().getParam("error");
    if (error != null) {
      // RFC 6749 §4.1.2.1: the user said no, or the provider would not let them in
      return Future.failedFuture(
          "access_denied".equals(error)
              ? refusal("denied", "the provider answered access_denied")
              : refusal(
                  "provider",
                  ERROR_CODE.matcher(error).matches()
                      ? "the provider answered " + error
                      : "the callback carried an error that is not an error code"));
    }
    String code = ctx.request().getParam("code");
    if (code == null || code.isEmpty()) {
      return Future.failedFuture(refusal("bad-state", "the callback has neither code nor error"));
    }
    return client()
        .compose(oauth -> oauth
            .authenticate(new Oauth2Credentials()
                .setFlow(OAuth2FlowType.AUTH_CODE)
                .setCode(code)
                .setRedirectUri(redirectUri)
                .setCodeVerifier(entry.getString("verifier")))
            .compose(user -> claims(oauth, user, entry.getString("nonce"))))
        .compose(claims -> {
          ClaimMapping.Identity identity;
          try {
            identity = mapping.map(claims);
          } catch (ClaimMapping.Refused r) {
            Refusal refusal = refusal(r.code(), r.getMessage());
            Object who = claims.getValue(sso.loginClaim());
            refusal.login = who instanceof String w ? ClaimMapping.login(w) : null;
            return Future.failedFuture(refusal);
          }
          String oneTime = RandomIds.urlSafe(32);
          return this.<JsonObject>map(CODES_MAP)
              .compose(map -> map.put(
                  oneTime,
                  new JsonObject()
                      .put("identity", identity.toJson())
                      .put("binding", entry.getString("binding")),
                  CODE_TTL_MS))
              .map(oneTime);
        });
  }

  /**
   * The id_token's claims once checked (issuer, audience, expiry, nonce); when it lacks the mapped claim or the
   * login claim, the userinfo answer fills them in, if it is about the same subject (OpenID Connect Core §5.3.2).
   */
  private Future<JsonObject> claims(OAuth2Auth oauth, User user, String nonce) {
    JsonObject idToken = user.attributes().getJsonObject("idToken");
    try {
      IdTokenCheck.verify(
          idToken, sso.issuer(), sso.clientId(), nonce, System.currentTimeMillis() / 1000);
    } catch (ClaimMapping.Refused r) {
      return Future.failedFuture(r);
    }
    JsonObject claims = idToken.copy();
    if (claims.containsKey(sso.claim()) && claims.containsKey(sso.loginClaim())) {
      return Future.succeededFuture(claims);
    }
    return oauth.userInfo(user).map(info -> {
      if (!claims.getString("sub", "").equals(info.getString("sub"))) {
        throw refusal("invalid-token", "userinfo is about another subject than the id_token");
      }
      info.forEach(e -> claims.getMap().putIfAbsent(e.getKey(), e.getValue()));
      return claims;
    });
  }

  // ---- 3. the console trades the one-time code for an agent token
  // ---------------------------------------------------------

  private void exchange(RoutingContext ctx) {
    String code = RestApi.body(ctx).getString("code"); // checked by the contract
    String binding = cookieValue(ctx);
    ServiceError invalid = ServiceError.of(
        401, "sso-code-invalid", "this sign-in is unknown, used or expired: sign in again");
    this.<JsonObject>map(CODES_MAP)
        .compose(map -> map.remove(code))
        .compose(entry -> {
          if (entry == null || binding == null || !binding.equals(entry.getString("binding"))) {
            return Future.failedFuture(invalid);
          }
          return eb.<JsonObject>request(
              Addresses.AGENT_SSO_LOGIN,
              new JsonObject()
                  .put("identity", entry.getJsonObject("identity"))
                  .put("address", address.apply(ctx)));
        })
        .onSuccess(m -> {
          ctx.response().addCookie(cookie("", 0));
          ctx.response()
              .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .end(m.body().encode());
        })
        .onFailure(err -> RestApi.error(ctx, ServiceError.from(err)));
  }

  // ---- helpers
  // ----------------------------------------------------------------------------------------------

  /** A failed sign-in: logged, audited, and the console told which of its messages to show. */
  private void refuse(RoutingContext ctx, String login, String code, String why) {
    LOG.info("sso sign-in refused [{}] [{}]", code, why);
    AuditLog.record(
        vertx.eventBus(),
        login == null ? "sso" : login,
        AuditLog.LOGIN_FAILED,
        null,
        "sso: " + code,
        address.apply(ctx));
    backToConsole(ctx, code);
  }

  private void backToConsole(RoutingContext ctx, String error) {
    backToConsole(ctx, error, null);
  }

  /** 303 to the console, with {@code #sso=<one-time code>} or {@code #sso-error=<code>}. */
  private void backToConsole(RoutingContext ctx, String error, String code) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(303)
        .putHeader(
            HttpHeaders.LOCATION,
            consoleUrl + (code != null ? "#sso=" + code : "#sso-error=" + error))
        .end();
  }

  /** The browser's binding: kept across sign-ins started in one browser (two tabs), new otherwise. */
  private String binding(RoutingContext ctx) {
    String kept = cookieValue(ctx);
    return kept != null ? kept : RandomIds.urlSafe(24);
  }

  private static String cookieValue(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(COOKIE);
    return c != null && BINDING.matcher(c.getValue()).matches() ? c.getValue() : null;
  }

  /** HttpOnly, SameSite=Lax (sent on the provider's top-level redirect back), only under /api/v1/sso. */
  private Cookie cookie(String value, long maxAgeSeconds) {
    return Cookie.cookie(COOKIE, value)
        .setPath(COOKIE_PATH)
        .setHttpOnly(true)
        .setSecure(secureCookie)
        .setSameSite(CookieSameSite.LAX)
        .setMaxAge(maxAgeSeconds);
  }

  private <V> Future<AsyncMap<String, V>> map(String name) {
    return vertx.sharedData().getAsyncMap(name);
  }

  /** The expiry written into a state when it was made (seconds), to tell "expired" from "unknown". */
  private static long expiresAt(String state) {
    return Long.parseLong(state.substring(state.indexOf('.') + 1)) * 1000;
  }

  /** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
  static String challenge(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Refusal refusal(String code, String why) {
    return new Refusal(code, why);
  }

  /** A sign-in that ends on the console with {@code #sso-error=code}. */
  private static final class Refusal extends RuntimeException {
    final String code;
    String login;

    Refusal(String code, String why) {
      super(why, null, false, false);
      this.code = code;
    }
  }
}
