package org.siteconnect.gateway.webhook;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.siteconnect.gateway.bus.RandomIds;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.ops.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered webhooks, held in memory by the one node that runs the service and written through to the
 * store: the admin operations (bounds checked with reservations, so a burst of registrations cannot overshoot),
 * and a hook's health (failing since when; disabled after {@code webhooks.disableAfterSeconds} of failures, with an
 * audit entry). Owned by the webhook verticle's event loop.
 */
final class Hooks {
  private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);
  static final String AUDIT_CREATED = "webhook-created";
  static final String AUDIT_UPDATED = "webhook-updated";
  static final String AUDIT_DELETED = "webhook-deleted";
  static final String AUDIT_REPLAYED = "webhook-replayed";
  static final String AUDIT_DISABLED = "webhook-disabled";

  private final GatewayConfig.Webhooks config;
  private final HookRules rules;
  private final WebhookStore store;
  private final Sender sender;
  private final EventBus eventBus;
  private final Map<String, Hook> byId = new LinkedHashMap<>();
  /** The last change of a stored hook (see {@link #serially}). */
  private Future<?> writes = Future.succeededFuture();
  /** Registrations under way per site (checked and counted before their asynchronous steps). */
  private final Map<String, Integer> reserved = new HashMap<>();

  Hooks(
      GatewayConfig.Webhooks config,
      HookRules rules,
      WebhookStore store,
      Sender sender,
      EventBus eventBus) {
    this.config = config;
    this.rules = rules;
    this.store = store;
    this.sender = sender;
    this.eventBus = eventBus;
  }

  Future<Void> load() {
    return store.hooks().map(all -> {
      all.forEach(h -> byId.put(h.id(), h));
      return null;
    });
  }

  Hook get(String id) {
    return byId.get(id);
  }

  Collection<Hook> all() {
    return byId.values();
  }

  // ---- admin operations (the caller is an admin of {@code sites})
  // ------------------------------------------------

  Future<JsonObject> create(JsonObject body, List<String> sites, String login, String address) {
    URI url = rules.url(body.getString("url"));
    HookRules.Parsed filters = rules.filters(body.getJsonArray("filters"), sites);
    String secret = rules.secret(body.getString("secret"));
    String site = filters.site();
    int ofSite = reserved.merge(site, 1, Integer::sum)
        + (int) byId.values().stream().filter(h -> h.site().equals(site)).count();
    int total = reserved.values().stream().mapToInt(Integer::intValue).sum() + byId.size();
    if (ofSite > config.maxHooksPerSite() || total > config.maxHooks()) {
      release(site);
      return Future.failedFuture(ServiceError.of(
          409,
          "too-many-webhooks",
          ofSite > config.maxHooksPerSite()
              ? "site '" + site + "' has " + config.maxHooksPerSite()
                  + " webhooks, the most allowed"
              : "there are " + config.maxHooks() + " webhooks, the most allowed"));
    }
    long now = System.currentTimeMillis();
    Hook hook = new Hook(
        RandomIds.hex(12),
        site,
        url.toString(),
        filters.filters(),
        secret,
        body.getBoolean("enabled", true),
        login,
        now,
        now,
        null,
        null,
        null);
    return checkTarget(url)
        .compose(v -> store.insert(hook))
        .onComplete(ar -> release(site))
        .map(v -> {
          byId.put(hook.id(), hook);
          audit(login, AUDIT_CREATED, hook, hook.url(), address);
          LOG.info("webhook created [{}] site [{}] by [{}]", hook.id(), site, login);
          return hook.toJson();
        });
  }

  private void release(String site) {
    reserved.computeIfPresent(site, (k, n) -> n <= 1 ? null : n - 1);
  }

  JsonArray list(List<String> sites) {
    return new JsonArray(byId.values().stream()
        .filter(h -> sites.contains(h.site()))
        .map(Hook::toJson)
        .map(o -> (Object) o)
        .toList());
  }

  Hook visible(String id, List<String> sites) {
    Hook h = byId.get(id);
    if (h == null || !sites.contains(h.site())) {
      throw ServiceError.notFound("no webhook with this id on your sites");
    }
    return h;
  }

  Future<JsonObject> update(
      String id, JsonObject body, List<String> sites, String login, String address) {
    Hook old = visible(id, sites);
    URI url = body.containsKey("url") ? rules.url(body.getString("url")) : null;
    HookRules.Parsed filters =
        body.containsKey("filters") ? rules.filters(body.getJsonArray("filters"), sites) : null;
    if (filters != null && !filters.site().equals(old.site())) {
      throw ServiceError.badRequest("a webhook stays on its site '" + old.site()
          + "'; register another for '" + filters.site() + "'");
    }
    String secret = body.containsKey("secret") ? rules.secret(body.getString("secret")) : null;
    Boolean enabled = body.getBoolean("enabled");
    Future<Void> target = url != null ? checkTarget(url) : Future.succeededFuture();
    // The change applies to the hook as it is once the target is checked: a delete or a health
    // change that landed meanwhile is neither undone nor brought back.
    return target.compose(v -> serially(() -> {
      Hook current = byId.get(id);
      if (current == null) {
        return Future.failedFuture(ServiceError.notFound("no webhook with this id on your sites"));
      }
      boolean resumed = Boolean.TRUE.equals(enabled) && !current.enabled();
      long now = System.currentTimeMillis();
      Hook updated = new Hook(
          id,
          current.site(),
          url != null ? url.toString() : current.url(),
          filters != null ? filters.filters() : current.filters(),
          secret != null ? secret : current.secret(),
          enabled != null ? enabled : current.enabled(),
          current.createdBy(),
          current.createdAt(),
          now,
          resumed ? null : current.failingSince(),
          resumed ? null : current.disabledAt(),
          resumed ? null : current.disabledReason());
      return store
          .update(updated)
          .compose(u -> resumed ? store.resume(id, now) : Future.<Void>succeededFuture())
          .map(u -> {
            byId.put(id, updated);
            audit(login, AUDIT_UPDATED, updated, String.join(", ", body.fieldNames()), address);
            return updated.toJson();
          });
    }));
  }

  Future<Void> delete(String id, List<String> sites, String login, String address) {
    visible(id, sites);
    return serially(() -> {
      Hook h = byId.get(id);
      if (h == null) {
        return Future.failedFuture(ServiceError.notFound("no webhook with this id on your sites"));
      }
      return store.delete(id).onSuccess(v -> {
        byId.remove(id);
        audit(login, AUDIT_DELETED, h, h.url(), address);
      });
    });
  }

  /**
   * Runs changes of stored hooks one after another, each on the hook as the one before left it: otherwise an
   * update whose target check was still under way put back a hook deleted meanwhile (and it went on receiving
   * deliveries), and a health change could write an older URL over an admin's.
   */
  private <T> Future<T> serially(java.util.function.Supplier<Future<T>> change) {
    Future<T> done = writes.transform(ignored -> change.get());
    writes = done;
    return done;
  }

  void replayed(Hook h, long from, int count, String login, String address) {
    audit(
        login, AUDIT_REPLAYED, h, "from sequence " + from + ": " + count + " deliveries", address);
  }

  /** Refuses a URL whose host resolves to an internal address (unless the configuration allows it). */
  private Future<Void> checkTarget(URI url) {
    return sender
        .refusal(url)
        .compose(why -> why == null
            ? Future.succeededFuture()
            : Future.failedFuture(ServiceError.of(400, "target-refused", "field 'url': " + why)));
  }

  // ---- health
  // ---------------------------------------------------------------------------------------------------

  Future<Void> succeeded(String id) {
    return serially(() -> {
      Hook h = byId.get(id);
      if (h == null || h.failingSince() == null) {
        return Future.succeededFuture();
      }
      Hook healthy = h.failing(null);
      byId.put(id, healthy);
      return store.update(healthy);
    });
  }

  /** A failed attempt: the hook is failing since now, or disabled once it has failed long enough. */
  Future<Void> failed(String id, long now, String error) {
    return serially(() -> {
      Hook h = byId.get(id);
      if (h == null || !h.enabled()) {
        return Future.succeededFuture();
      }
      if (h.failingSince() == null) {
        Hook failing = h.failing(now);
        byId.put(id, failing);
        return store.update(failing);
      }
      if (now - h.failingSince() < config.disableAfterSeconds() * 1000) {
        return Future.succeededFuture();
      }
      String reason = "deliveries failed for " + (now - h.failingSince()) / 1000
          + " s without a success; last error: " + error;
      Hook disabled = h.disabled(now, reason.length() > 1000 ? reason.substring(0, 1000) : reason);
      byId.put(id, disabled);
      LOG.warn("webhook [{}] of site [{}] disabled: {}", id, h.site(), reason);
      audit("webhooks", AUDIT_DISABLED, disabled, disabled.disabledReason(), null);
      return store.update(disabled);
    });
  }

  private void audit(String actor, String action, Hook h, String detail, String address) {
    String text = h.site() + ": " + detail;
    AuditLog.record(
        eventBus,
        actor,
        action,
        "webhook " + h.id(),
        text.length() > 1000 ? text.substring(0, 1000) : text,
        address);
  }
}
