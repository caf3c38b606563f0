package org.siteconnect.gateway.privacy;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.siteconnect.gateway.store.Database;

/**
 * Finds a visitor's records from a selector (docs/PRIVACY.md "How a visitor is found"). First the records the
 * selector names — the chat with that id; the chats with that visitor token; the left messages whose contact field
 * holds that e-mail address and the chats in which the visitor typed it — then, once, everything else from the same
 * page sessions (browser tabs): the other chats and left messages of that visitor. Bounded: at most
 * {@link #MAX_CHATS} chats and {@link #MAX_LEFT} left messages per call; beyond that the visitor is truncated and an
 * erasure is repeated. Only chats and left messages of the admin's sites ({@link SiteScope}) are found, in every
 * step: the other records hang off these (lines, attachments, transfer notes and audit entries by chat id), so
 * nothing of another site is exported or erased, and the counts say nothing about it.
 */
final class VisitorLookup {
  static final int MAX_CHATS = 200;
  static final int MAX_LEFT = 200;
  /** Candidate rows an e-mail search reads (a LIKE pre-filter) before the exact match in Java. */
  static final int MAX_SCANNED = 2_000;

  private VisitorLookup() {}

  static Future<Visitor> resolve(SqlConnection conn, VisitorSelector selector, SiteScope scope) {
    Found found = new Found();
    return seeds(conn, selector, scope, found)
        .map(v -> new Visitor(
            selector,
            Set.of(),
            Set.of(),
            Set.of(),
            Set.copyOf(found.chats),
            Set.copyOf(found.left),
            false))
        .compose(seeds -> expand(conn, scope, found)
            .map(v -> new Visitor(
                selector,
                Set.copyOf(found.chats),
                Set.copyOf(found.sessions),
                Set.copyOf(found.left),
                seeds.seedChatIds(),
                seeds.seedLeftMessageIds(),
                found.truncated)));
  }

  private static final class Found {
    final Set<String> chats = new LinkedHashSet<>();
    final Set<String> sessions = new LinkedHashSet<>();
    final Set<String> left = new LinkedHashSet<>();
    boolean truncated;

    /** {@code id, session_id} rows of chat. */
    void chats(RowSet<Row> rows) {
      for (Row r : rows) {
        if (chats.size() >= MAX_CHATS) {
          truncated = true;
          return;
        }
        chats.add(r.getString(0));
        if (r.getString(1) != null) {
          sessions.add(r.getString(1));
        }
      }
    }

    void left(String id, String sessionId) {
      if (left.size() >= MAX_LEFT) {
        truncated = true;
        return;
      }
      left.add(id);
      if (sessionId != null) {
        sessions.add(sessionId);
      }
    }
  }

  private static Future<Void> seeds(
      SqlConnection conn, VisitorSelector s, SiteScope scope, Found found) {
    return switch (s.kind()) {
      case CHAT_ID ->
        run(
                conn,
                "SELECT id, session_id FROM chat WHERE id = $1" + scope.and("site", 2),
                args(scope, s.value()))
            .map(rows -> {
              found.chats(rows);
              if (scope.everySite()) {
                // Its lines or audit entries may outlive the chat row; without the row nobody can
                // tell
                // their site, so only an admin of every site reaches them.
                found.chats.add(s.value());
              }
              return null;
            });
      case VISITOR_TOKEN ->
        run(
                conn,
                // and the chats of the same visitor id on the site (sites[].rememberVisitorDays,
                // docs/CONTEXT.md)
                "SELECT c.id, c.session_id FROM chat c WHERE (c.visitor_token = $1 OR EXISTS (SELECT 1 FROM "
                    + "chat t WHERE t.visitor_token = $2 AND t.site = c.site AND t.visitor_id = c.visitor_id))"
                    + scope.and("c.site", 3) + " ORDER BY c.created_at LIMIT " + (MAX_CHATS + 1),
                args(scope, s.value(), s.value()))
            .map(rows -> {
              found.chats(rows);
              return null;
            });
      case EMAIL -> byEmail(conn, s.value(), scope, found);
    };
  }

  private static Future<Void> byEmail(
      SqlConnection conn, String email, SiteScope scope, Found found) {
    String like = "%" + Emails.escapeLike(email) + "%";
    return run(
            conn,
            "SELECT id, session_id, contact FROM left_message WHERE LOWER(contact) LIKE $1 ESCAPE '\\'"
                + scope.and("site", 2) + " ORDER BY at LIMIT " + MAX_SCANNED,
            args(scope, like))
        .compose(rows -> {
          for (Row r : rows) {
            if (Emails.mentions(r.getString(2), email)) {
              found.left(r.getString(0), r.getString(1));
            }
          }
          found.truncated |= rows.size() >= MAX_SCANNED;
          // Lines have no site: those of other sites' chats are left out before the scan's limit,
          // so
          // that they neither use it up nor show in the truncation.
          String ofScope = scope.everySite()
              ? ""
              : " AND chat_id IN (SELECT id FROM chat WHERE " + scope.condition("site", 2) + ")";
          return run(
              conn,
              "SELECT chat_id, text FROM chat_message WHERE sender = 'visitor' "
                  + "AND LOWER(text) LIKE $1 ESCAPE '\\'" + ofScope + " ORDER BY at LIMIT "
                  + MAX_SCANNED,
              args(scope, like));
        })
        .compose(rows -> {
          found.truncated |= rows.size() >= MAX_SCANNED;
          Set<String> chatIds = new LinkedHashSet<>();
          for (Row r : rows) {
            if (chatIds.size() < MAX_CHATS && Emails.mentions(r.getString(1), email)) {
              chatIds.add(r.getString(0));
            }
          }
          return in(
              conn, "SELECT id, session_id FROM chat WHERE id IN", chatIds, scope, "site", "");
        })
        .map(rows -> {
          if (rows != null) {
            found.chats(rows);
          }
          return null;
        });
  }

  /** The other chats and left messages of the same page sessions. */
  private static Future<Void> expand(SqlConnection conn, SiteScope scope, Found found) {
    Set<String> sessions = Set.copyOf(found.sessions);
    return in(
            conn,
            "SELECT id, session_id FROM chat WHERE session_id IN",
            sessions,
            scope,
            "site",
            " ORDER BY created_at LIMIT " + (MAX_CHATS + 1))
        .compose(rows -> {
          if (rows != null) {
            found.chats(rows);
          }
          return in(
              conn,
              "SELECT id, session_id FROM left_message WHERE session_id IN",
              sessions,
              scope,
              "site",
              " ORDER BY at LIMIT " + (MAX_LEFT + 1));
        })
        .map(rows -> {
          if (rows != null) {
            rows.forEach(r -> found.left(r.getString(0), r.getString(1)));
          }
          return null;
        });
  }

  /**
   * {@code selectWhereIn (ids…)}, on the scope's sites by {@code siteColumn}, then {@code tail}; or null without a
   * query when there are no ids.
   */
  private static Future<RowSet<Row>> in(
      SqlConnection conn,
      String selectWhereIn,
      Set<String> ids,
      SiteScope scope,
      String siteColumn,
      String tail) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(null);
    }
    List<Object> args = new ArrayList<>(ids);
    args.addAll(scope.args());
    return StoredRecords.run(
        conn,
        selectWhereIn + " (" + Database.placeholders(1, ids.size()) + ")"
            + scope.and(siteColumn, ids.size() + 1) + tail,
        args);
  }

  /** {@code values}, then the scope's sites (the placeholders after them). */
  private static List<Object> args(SiteScope scope, Object... values) {
    List<Object> args = new ArrayList<>(List.of(values));
    args.addAll(scope.args());
    return args;
  }

  private static Future<RowSet<Row>> run(SqlConnection conn, String sql, List<Object> args) {
    return StoredRecords.run(conn, sql, args);
  }
}
