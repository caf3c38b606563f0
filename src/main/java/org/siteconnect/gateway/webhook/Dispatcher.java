package org.siteconnect.gateway.webhook;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Set;
import org.siteconnect.gateway.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox (docs/WEBHOOKS.md "Delivery"). A scan reads the pending rows in (hook, sequence) order; only the
 * first pending row of each (hook, topic) may go, so a later event on a topic waits for the earlier one (delivered
 * or given up). At most {@code webhooks.concurrency} attempts run at once. A row is marked only after its attempt
 * ended, so a node that dies mid-delivery leaves it pending: the next leader sends it again with the same id (at
 * least once). Runs on the verticle's event loop; scans follow each new batch, each settled attempt, and the
 * earliest retry time.
 */
final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final int SCAN_LIMIT = 2_000;
  /** A scan at least this often, whatever else happens. */
  private static final long MAX_IDLE_MS = 5_000;

  private final Vertx vertx;
  private final GatewayConfig.Webhooks config;
  private final WebhookStore store;
  private final Hooks hooks;
  private final Sender sender;
  private final Backoff backoff;
  /** (hook, topic) groups with an attempt running. */
  private final Set<String> inFlight = new HashSet<>();
  /** Rows whose attempt was recorded since the running scan began: what the scan read of them may be stale. */
  private final Set<String> settled = new HashSet<>();

  private boolean scanning;
  private boolean again;
  private boolean stopped;
  private long timer = -1;

  Dispatcher(
      Vertx vertx, GatewayConfig.Webhooks config, WebhookStore store, Hooks hooks, Sender sender) {
    this.vertx = vertx;
    this.config = config;
    this.store = store;
    this.hooks = hooks;
    this.sender = sender;
    this.backoff = new Backoff(config.backoffBaseMs(), config.backoffMaxMs());
  }

  /** Something may be due: scan now, or right after the running scan. */
  void wake() {
    if (stopped) {
      return;
    }
    if (scanning) {
      again = true;
      return;
    }
    scan();
  }

  void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  int inFlight() {
    return inFlight.size();
  }

  private void scan() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    scanning = true;
    settled.clear();
    store.pending(SCAN_LIMIT).onComplete(ar -> {
      scanning = false;
      long now = System.currentTimeMillis();
      long next = now + MAX_IDLE_MS;
      if (ar.succeeded()) {
        Set<String> seen = new HashSet<>();
        for (Delivery d : ar.result()) {
          String group = d.hookId() + '\u0000' + d.topic();
          if (!seen.add(group) || inFlight.contains(group) || settled.contains(key(d))) {
            continue; // not the head of its group, or its head is busy or just changed
          }
          Hook hook = hooks.get(d.hookId());
          if (hook == null || !hook.enabled()) {
            continue;
          }
          if (d.nextAttemptAt() > now) {
            next = Math.min(next, d.nextAttemptAt());
          } else if (inFlight.size() < config.concurrency()) {
            attempt(hook, d, group);
          }
        }
      } else {
        LOG.warn("could not read the webhook outbox [{}]", ar.cause().getMessage());
      }
      if (again) {
        again = false;
        scan();
        return;
      }
      if (!stopped) {
        timer = vertx.setTimer(Math.max(1, next - now), id -> {
          timer = -1;
          wake();
        });
      }
    });
  }

  private void attempt(Hook hook, Delivery d, String group) {
    inFlight.add(group);
    sender.send(hook, d).compose(outcome -> record(hook, d, outcome)).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn(
            "webhook [{}] delivery [{}] not recorded [{}]",
            hook.id(),
            d.sequence(),
            ar.cause().getMessage());
      }
      inFlight.remove(group);
      settled.add(key(d));
      wake();
    });
  }

  private Future<Void> record(Hook hook, Delivery d, Sender.Outcome outcome) {
    long now = System.currentTimeMillis();
    if (outcome.delivered()) {
      return store.delivered(d, outcome.status(), now).compose(v -> hooks.succeeded(hook.id()));
    }
    boolean giveUp = now - d.queuedAt() >= config.retryForSeconds() * 1000;
    long nextAttempt = now + backoff.delayMs(d.attempts() + 1);
    LOG.debug(
        "webhook [{}] delivery [{}] failed (attempt {}) [{}]",
        hook.id(),
        d.sequence(),
        d.attempts() + 1,
        outcome.error());
    return store
        .attemptFailed(d, outcome.status(), outcome.error(), nextAttempt, giveUp)
        .compose(v -> hooks.failed(hook.id(), now, outcome.error()));
  }

  private static String key(Delivery d) {
    return d.hookId() + '\u0000' + d.sequence();
  }
}
