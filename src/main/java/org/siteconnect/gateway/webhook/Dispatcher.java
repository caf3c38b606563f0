package org.siteconnect.gateway.webhook;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.siteconnect.gateway.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox (docs/WEBHOOKS.md "Delivery"). A scan reads, for each enabled hook that may have pending rows,
 * its oldest {@link #PER_HOOK} in sequence order (so a hook with a long backlog holds up no other); only the first
 * pending row of each (hook, topic) may go, so a later event on a topic waits for the earlier one (delivered
 * or given up). At most {@code webhooks.concurrency} attempts run at once. A row is marked only after its attempt
 * ended, so a node that dies mid-delivery leaves it pending: the next leader sends it again with the same id (at
 * least once). Runs on the verticle's event loop; scans follow each new batch, each settled attempt, and the
 * earliest retry time.
 */
final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  static final int PER_HOOK = 500;
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
  /** Hooks that may have pending rows, each with a count that grows whenever it gains some. */
  private final Map<String, Long> marked = new HashMap<>();

  private int turn;
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

  /** {@code hookId} may have (new) pending rows: its next scan reads them. */
  void mark(String hookId) {
    marked.merge(hookId, 1L, Long::sum);
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
    marked.keySet().removeIf(id -> hooks.get(id) == null); // deleted
    Map<String, Long> asked = new LinkedHashMap<>();
    marked.forEach((id, mark) -> {
      Hook h = hooks.get(id);
      if (h != null && h.enabled()) {
        asked.put(id, mark);
      }
    });
    List<Future<List<Delivery>>> reads =
        asked.keySet().stream().map(id -> store.pending(id, PER_HOOK)).toList();
    Future.all(reads).onComplete(ar -> {
      scanning = false;
      long now = System.currentTimeMillis();
      long next = now + MAX_IDLE_MS;
      if (ar.succeeded()) {
        List<Delivery> rows = new ArrayList<>();
        reads.forEach(read -> rows.addAll(read.result()));
        // A hook with nothing pending is forgotten, unless it gained rows while we read.
        List<String> ids = List.copyOf(asked.keySet());
        for (int i = 0; i < ids.size(); i++) {
          String id = ids.get(i);
          if (reads.get(i).result().isEmpty() && asked.get(id).equals(marked.get(id))) {
            marked.remove(id);
          }
        }
        Set<String> seen = new HashSet<>();
        Map<String, ArrayDeque<Delivery>> due = new LinkedHashMap<>();
        for (Delivery d : rows) {
          String group = d.hookId() + '\u0000' + d.topic();
          if (!seen.add(group) || inFlight.contains(group) || settled.contains(key(d))) {
            continue; // not the head of its group, or its head is busy or just changed
          }
          if (d.nextAttemptAt() > now) {
            next = Math.min(next, d.nextAttemptAt());
          } else {
            due.computeIfAbsent(d.hookId(), id -> new ArrayDeque<>()).add(d);
          }
        }
        startDue(new ArrayList<>(due.values()));
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

  /**
   * Free slots go to the hooks in turn, one due delivery each round, starting one hook further each scan: a hook
   * with many due retries does not hold every slot.
   */
  private void startDue(List<ArrayDeque<Delivery>> queues) {
    if (queues.isEmpty()) {
      return;
    }
    int first = Math.floorMod(turn++, queues.size());
    boolean any = true;
    while (any && inFlight.size() < config.concurrency()) {
      any = false;
      for (int i = 0; i < queues.size() && inFlight.size() < config.concurrency(); i++) {
        Delivery d = queues.get((first + i) % queues.size()).poll();
        Hook hook = d == null ? null : hooks.get(d.hookId());
        if (hook != null && hook.enabled()) { // not deleted or disabled meanwhile
          any = true;
          attempt(hook, d, d.hookId() + '\u0000' + d.topic());
        }
      }
    }
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
