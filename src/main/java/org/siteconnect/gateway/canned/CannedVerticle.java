package org.siteconnect.gateway.canned;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.siteconnect.gateway.bus.RandomIds;
import org.siteconnect.gateway.bus.ServiceConsumers;
import org.siteconnect.gateway.bus.ServiceError;
import org.siteconnect.gateway.bus.ServiceHandlers;
import org.siteconnect.gateway.config.GatewayConfig;
import org.siteconnect.gateway.ops.AuditLog;
import org.siteconnect.gateway.store.Database;

/**
 * Canned responses per site (docs/CONSOLE.md), in the table {@code canned_response} (V6__tools.sql): agents read
 * those of their sites, admins create, change and delete them within the bounds of {@code chat.canned*}. Changes
 * of one site are made one after the other, so a burst of creates cannot pass the per-site count.
 */
public final class CannedVerticle extends VerticleBase {
  /** {@code {op: list|create|update|delete, login, admin, sites, id?, site?, body?, address}}. */
  public static final String ADDRESS = "sc.canned.api";

  private static final Pattern SHORTCUT = Pattern.compile("[A-Za-z0-9_-]+");
  private static final String COLUMNS =
      "id, site, shortcut, text, created_by, created_at, updated_at";

  private final GatewayConfig.Chat limits;
  private final Database db;
  /** The last change of each site: the next one waits for it. */
  private final Map<String, Future<?>> siteQueue = new HashMap<>();

  public CannedVerticle(GatewayConfig config, Database db) {
    this.limits = config.chat();
    this.db = db;
  }

  @Override
  public Future<?> start() {
    return new ServiceConsumers(vertx.eventBus()).request(ADDRESS, this::call).registered();
  }

  private void call(Message<JsonObject> m) {
    JsonObject b = m.body();
    List<String> sites =
        b.getJsonArray("sites", new JsonArray()).stream().map(String::valueOf).toList();
    String op = b.getString("op", "");
    if ("list".equals(op)) {
      ServiceHandlers.reply(m, list(sites).map(l -> new JsonObject().put("canned", l)));
      return;
    }
    if (!b.getBoolean("admin", false)) {
      m.reply(ServiceError.forbidden("admins only"));
      return;
    }
    Future<JsonObject> result =
        switch (op) {
          case "create" -> {
            String site = b.getJsonObject("body").getString("site");
            if (!sites.contains(site)) {
              yield Future.failedFuture(
                  ServiceError.forbidden("you do not serve the site '" + site + "'"));
            }
            yield serial(site, () -> create(site, b.getJsonObject("body"), b.getString("login")));
          }
          case "update", "delete" ->
            find(b.getString("id"), sites)
                .compose(row -> serial(
                    row.getString("site"),
                    () -> "update".equals(op)
                        ? update(row, b.getJsonObject("body"))
                        : db.run("DELETE FROM canned_response WHERE id = $1", row.getString("id"))
                            .map(done -> row)));
          default -> Future.failedFuture(ServiceError.badRequest("unknown operation"));
        };
    ServiceHandlers.reply(
        m,
        result.onSuccess(row -> AuditLog.record(
            vertx.eventBus(),
            b.getString("login"),
            "canned-" + op + "d",
            "canned " + row.getString("id"),
            row.getString("site") + " /" + row.getString("shortcut"),
            b.getString("address"))));
  }

  private <T> Future<T> serial(String site, java.util.function.Supplier<Future<T>> work) {
    Future<?> before = siteQueue.getOrDefault(site, Future.succeededFuture());
    Future<T> mine = before.transform(ar -> work.get());
    siteQueue.put(site, mine);
    return mine;
  }

  private Future<JsonArray> list(List<String> sites) {
    if (sites.isEmpty()) {
      return Future.succeededFuture(new JsonArray());
    }
    return db.run(
            "SELECT " + COLUMNS + " FROM canned_response WHERE site IN ("
                + Database.placeholders(1, sites.size()) + ") ORDER BY site, shortcut",
            sites.toArray())
        .map(rows -> new JsonArray(Database.rows(rows, CannedVerticle::json)));
  }

  private Future<JsonObject> find(String id, List<String> sites) {
    return db.run("SELECT " + COLUMNS + " FROM canned_response WHERE id = $1", id)
        .compose(rows -> {
          List<JsonObject> found = Database.rows(rows, CannedVerticle::json);
          if (found.isEmpty() || !sites.contains(found.get(0).getString("site"))) {
            return Future.failedFuture(
                ServiceError.notFound("no canned response with this id on your sites"));
          }
          return Future.succeededFuture(found.get(0));
        });
  }

  private Future<JsonObject> create(String site, JsonObject body, String login) {
    String problem = check(body.getString("shortcut"), body.getString("text"));
    if (problem != null) {
      return Future.failedFuture(ServiceError.badRequest(problem));
    }
    return db.run("SELECT COUNT(*) FROM canned_response WHERE site = $1", site)
        .compose(rows -> {
          long count = rows.iterator().next().getLong(0);
          if (count >= limits.cannedPerSite()) {
            return Future.failedFuture(ServiceError.of(
                409,
                "too-many",
                "the site '" + site + "' has " + limits.cannedPerSite()
                    + " canned responses, the most allowed (chat.cannedPerSite)"));
          }
          return unique(site, body.getString("shortcut"), null);
        })
        .compose(ok -> {
          long now = System.currentTimeMillis();
          JsonObject row = new JsonObject()
              .put("id", RandomIds.urlSafe(12))
              .put("site", site)
              .put("shortcut", body.getString("shortcut"))
              .put("text", body.getString("text"))
              .put("createdBy", login)
              .put("createdAt", now)
              .put("updatedAt", now);
          return db.run(
                  "INSERT INTO canned_response (" + COLUMNS
                      + ") VALUES ($1, $2, $3, $4, $5, $6, $7)",
                  row.getString("id"),
                  site,
                  row.getString("shortcut"),
                  row.getString("text"),
                  login,
                  now,
                  now)
              .map(done -> row);
        });
  }

  private Future<JsonObject> update(JsonObject row, JsonObject body) {
    String shortcut = body.getString("shortcut", row.getString("shortcut"));
    String text = body.getString("text", row.getString("text"));
    String problem = check(shortcut, text);
    if (problem != null) {
      return Future.failedFuture(ServiceError.badRequest(problem));
    }
    long now = System.currentTimeMillis();
    return unique(row.getString("site"), shortcut, row.getString("id"))
        .compose(ok -> db.run(
            "UPDATE canned_response SET shortcut = $2, text = $3, updated_at = $4 WHERE id = $1",
            row.getString("id"),
            shortcut,
            text,
            now))
        .map(done -> row.copy().put("shortcut", shortcut).put("text", text).put("updatedAt", now));
  }

  private Future<Void> unique(String site, String shortcut, String except) {
    return db.run(
            "SELECT id FROM canned_response WHERE site = $1 AND shortcut = $2", site, shortcut)
        .compose(rows -> {
          for (Row r : rows) {
            if (!r.getString(0).equals(except)) {
              return Future.failedFuture(ServiceError.conflict(
                  "the site '" + site + "' already has the shortcut /" + shortcut));
            }
          }
          return Future.succeededFuture();
        });
  }

  /** The bounds; null when both are fine. */
  private String check(String shortcut, String text) {
    if (shortcut == null
        || shortcut.length() > limits.cannedShortcutMaxLength()
        || !SHORTCUT.matcher(shortcut).matches()) {
      return "'shortcut' must be 1 to " + limits.cannedShortcutMaxLength()
          + " letters, digits, '-' or '_'";
    }
    if (text == null || text.isBlank()) {
      return "'text' must not be empty";
    }
    int max = Math.min(limits.cannedMaxBytes(), limits.maxMessageBytes());
    if (text.getBytes(StandardCharsets.UTF_8).length > max) {
      return "'text' may be at most " + max + " bytes";
    }
    return null;
  }

  private static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getString(0))
        .put("site", r.getString(1))
        .put("shortcut", r.getString(2))
        .put("text", r.getString(3))
        .put("createdBy", r.getString(4))
        .put("createdAt", r.getLong(5))
        .put("updatedAt", r.getLong(6));
  }
}
