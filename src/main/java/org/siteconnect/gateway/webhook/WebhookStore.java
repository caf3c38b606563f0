package org.siteconnect.gateway.webhook;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.siteconnect.gateway.store.Database;
import org.siteconnect.gateway.topic.TopicFilter;

/** Webhooks and their outbox (V2__webhooks.sql) on the node's database, embedded or PostgreSQL. */
public final class WebhookStore {
  private static final String HOOK_COLUMNS = "id, site, url, filters, secret, enabled, created_by, "
      + "created_at, updated_at, failing_since, disabled_at, disabled_reason";
  private static final String DELIVERY_COLUMNS =
      "hook_id, sequence, delivery_id, topic, payload, published_at, queued_at, state, attempts, "
          + "next_attempt_at, last_status, last_error, delivered_at";
  /** Rows per INSERT when the outbox takes a batch. */
  private static final int ROWS_PER_INSERT = 100;

  private final Database db;

  public WebhookStore(Database db) {
    this.db = db;
  }

  public Future<List<Hook>> hooks() {
    return db.run("SELECT " + HOOK_COLUMNS + " FROM webhook ORDER BY created_at, id")
        .map(rows -> Database.rows(rows, WebhookStore::hook));
  }

  public Future<Void> insert(Hook h) {
    return db.run(
            "INSERT INTO webhook (" + HOOK_COLUMNS
                + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, " + "$10, $11, $12)",
            h.id(),
            h.site(),
            h.url(),
            h.filterStrings().encode(),
            h.secret(),
            h.enabled(),
            h.createdBy(),
            h.createdAt(),
            h.updatedAt(),
            h.failingSince(),
            h.disabledAt(),
            h.disabledReason())
        .mapEmpty();
  }

  public Future<Void> update(Hook h) {
    return db.run(
            "UPDATE webhook SET url = $2, filters = $3, secret = $4, enabled = $5, updated_at = $6, "
                + "failing_since = $7, disabled_at = $8, disabled_reason = $9 WHERE id = $1",
            h.id(),
            h.url(),
            h.filterStrings().encode(),
            h.secret(),
            h.enabled(),
            h.updatedAt(),
            h.failingSince(),
            h.disabledAt(),
            h.disabledReason())
        .mapEmpty();
  }

  /** The hook and its whole delivery log. */
  public Future<Void> delete(String id) {
    return db.inTransaction(
        conn -> db.run(conn, "DELETE FROM webhook_outbox WHERE hook_id = $1", id)
            .compose(v -> db.run(conn, "DELETE FROM webhook WHERE id = $1", id))
            .mapEmpty());
  }

  /** The highest sequence each hook has used (the purge always keeps a hook's newest row). */
  public Future<Map<String, Long>> lastSequences() {
    return db.run("SELECT hook_id, MAX(sequence) FROM webhook_outbox GROUP BY hook_id")
        .map(rows -> {
          Map<String, Long> out = new HashMap<>();
          rows.forEach(r -> out.put(r.getString(0), r.getLong(1)));
          return out;
        });
  }

  /** New deliveries, all or none per statement. */
  public Future<Void> enqueue(List<Delivery> batch) {
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < batch.size(); from += ROWS_PER_INSERT) {
      List<Delivery> part = batch.subList(from, Math.min(batch.size(), from + ROWS_PER_INSERT));
      chain = chain.compose(v -> insertRows(part));
    }
    return chain;
  }

  private Future<Void> insertRows(List<Delivery> rows) {
    StringBuilder sql =
        new StringBuilder("INSERT INTO webhook_outbox (" + DELIVERY_COLUMNS + ") VALUES ");
    List<Object> args = new ArrayList<>();
    for (Delivery d : rows) {
      sql.append(args.isEmpty() ? "(" : ", (")
          .append(Database.placeholders(args.size() + 1, 13))
          .append(')');
      args.addAll(java.util.Arrays.asList(
          d.hookId(),
          d.sequence(),
          d.id(),
          d.topic(),
          d.payload(),
          d.publishedAt(),
          d.queuedAt(),
          d.state(),
          d.attempts(),
          d.nextAttemptAt(),
          d.lastStatus(),
          d.lastError(),
          d.deliveredAt()));
    }
    return db.run(sql.toString(), args.toArray()).mapEmpty();
  }

  /** A hook's oldest pending deliveries in sequence order: the first of each topic is the one to send. */
  public Future<List<Delivery>> pending(String hookId, int limit) {
    return db.run(
            "SELECT " + DELIVERY_COLUMNS + " FROM webhook_outbox WHERE state = $1 AND hook_id = $2 "
                + "ORDER BY sequence LIMIT $3",
            Delivery.PENDING,
            hookId,
            limit)
        .map(rows -> Database.rows(rows, WebhookStore::delivery));
  }

  /** The hooks with pending deliveries. */
  public Future<List<String>> hooksWithPending() {
    return db.run("SELECT DISTINCT hook_id FROM webhook_outbox WHERE state = $1", Delivery.PENDING)
        .map(rows -> Database.rows(rows, r -> r.getString(0)));
  }

  public Future<Void> delivered(Delivery d, int status, long at) {
    return db.run(
            "UPDATE webhook_outbox SET state = $3, attempts = attempts + 1, last_status = $4, "
                + "last_error = NULL, delivered_at = $5 WHERE hook_id = $1 AND sequence = $2",
            d.hookId(),
            d.sequence(),
            Delivery.DELIVERED,
            status,
            at)
        .mapEmpty();
  }

  /** A failed attempt: retried at {@code nextAttemptAt}, or given up ({@code giveUp}). */
  public Future<Void> attemptFailed(
      Delivery d, Integer status, String error, long nextAttemptAt, boolean giveUp) {
    return db.run(
            "UPDATE webhook_outbox SET state = $3, attempts = attempts + 1, last_status = $4, "
                + "last_error = $5, next_attempt_at = $6 WHERE hook_id = $1 AND sequence = $2",
            d.hookId(),
            d.sequence(),
            giveUp ? Delivery.FAILED : Delivery.PENDING,
            status,
            error,
            nextAttemptAt)
        .mapEmpty();
  }

  /** The delivery log, newest first; {@code before}: only sequences below it. */
  public Future<List<Delivery>> log(String hookId, long before, int limit) {
    return db.run(
            "SELECT " + DELIVERY_COLUMNS
                + " FROM webhook_outbox WHERE hook_id = $1 AND sequence < $2 "
                + "ORDER BY sequence DESC LIMIT $3",
            hookId,
            before,
            limit)
        .map(rows -> Database.rows(rows, WebhookStore::delivery));
  }

  /** Queues again every delivery from {@code fromSequence} on (same ids); how many. */
  public Future<Integer> replay(String hookId, long fromSequence, long now) {
    return db.run(
            "UPDATE webhook_outbox SET state = $3, attempts = 0, last_error = NULL, last_status = NULL, "
                + "delivered_at = NULL, queued_at = $4, next_attempt_at = $4 "
                + "WHERE hook_id = $1 AND sequence >= $2",
            hookId,
            fromSequence,
            Delivery.PENDING,
            now)
        .map(rows -> rows.rowCount());
  }

  /** A re-enabled hook: its waiting deliveries go now, with a fresh retry window. */
  public Future<Void> resume(String hookId, long now) {
    return db.run(
            "UPDATE webhook_outbox SET next_attempt_at = $3, queued_at = $3 WHERE hook_id = $1 AND state = $2",
            hookId,
            Delivery.PENDING,
            now)
        .mapEmpty();
  }

  /** Drops delivered and given-up rows queued before {@code cutoff}, keeping each hook's newest row. */
  public Future<Integer> purge(long cutoff) {
    return db.run(
            "DELETE FROM webhook_outbox WHERE state <> $1 AND queued_at < $2 AND sequence < "
                + "(SELECT MAX(o.sequence) FROM webhook_outbox o WHERE o.hook_id = webhook_outbox.hook_id)",
            Delivery.PENDING,
            cutoff)
        .map(rows -> rows.rowCount());
  }

  private static Hook hook(Row r) {
    List<TopicFilter> filters = new ArrayList<>();
    new JsonArray(r.getString(3)).forEach(f -> filters.add(TopicFilter.parse((String) f)));
    return new Hook(
        r.getString(0),
        r.getString(1),
        r.getString(2),
        List.copyOf(filters),
        r.getString(4),
        r.getBoolean(5),
        r.getString(6),
        r.getLong(7),
        r.getLong(8),
        r.getLong(9),
        r.getLong(10),
        r.getString(11));
  }

  private static Delivery delivery(Row r) {
    return new Delivery(
        r.getString(0),
        r.getLong(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        r.getLong(5),
        r.getLong(6),
        r.getString(7),
        r.getInteger(8),
        r.getLong(9),
        r.getInteger(10),
        r.getString(11),
        r.getLong(12));
  }
}
