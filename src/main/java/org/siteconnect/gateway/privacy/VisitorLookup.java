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
 * erasure is repeated.
 */
final class VisitorLookup {
  static final int MAX_CHATS = 200;
  static final int MAX_LEFT = 200;
  /** Candidate rows an e-mail search reads (a LIKE pre-filter) before the exact match in Java. */
  static final int MAX_SCANNED = 2_000;

  private VisitorLookup() {}

  static Future<Visitor> resolve(SqlConnection conn, VisitorSelector selector) {
    Found found = new Found();
    return seeds(conn, selector, found)
        .map(v -> new Visitor(
            selector,
            Set.of(),
            Set.of(),
            Set.of(),
            Set.copyOf(found.chats),
            Set.copyOf(found.left),
            false))
        .compose(seeds -> expand(conn, found)
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

  private static Future<Void> seeds(SqlConnection conn, VisitorSelector s, Found found) {
    return switch (s.kind()) {
      case CHAT_ID ->
        run(conn, "SELECT id, session_id FROM chat WHERE id = $1", s.value()).map(rows -> {
          found.chats(rows);
          found.chats.add(s.value()); // its lines or audit entries may outlive the chat row
          return null;
        });
      case VISITOR_TOKEN ->
        run(
                conn,
                // and the chats of the same visitor id on the site (sites[].rememberVisitorDays,
                // docs/CONTEXT.md)
                "SELECT c.id, c.session_id FROM chat c WHERE c.visitor_token = $1 OR EXISTS (SELECT 1 FROM chat t "
                    + "WHERE t.visitor_token = $2 AND t.site = c.site AND t.visitor_id = c.visitor_id) "
                    + "ORDER BY c.created_at LIMIT $3",
                s.value(),
                s.value(),
                MAX_CHATS + 1)
            .map(rows -> {
              found.chats(rows);
              return null;
            });
      case EMAIL -> byEmail(conn, s.value(), found);
    };
  }

  private static Future<Void> byEmail(SqlConnection conn, String email, Found found) {
    String like = "%" + Emails.escapeLike(email) + "%";
    return run(
            conn,
            "SELECT id, session_id, contact FROM left_message WHERE LOWER(contact) LIKE $1 ESCAPE '\\' "
                + "ORDER BY at LIMIT $2",
            like,
            MAX_SCANNED)
        .compose(rows -> {
          for (Row r : rows) {
            if (Emails.mentions(r.getString(2), email)) {
              found.left(r.getString(0), r.getString(1));
            }
          }
          found.truncated |= rows.size() >= MAX_SCANNED;
          return run(
              conn,
              "SELECT chat_id, text FROM chat_message WHERE sender = 'visitor' "
                  + "AND LOWER(text) LIKE $1 ESCAPE '\\' ORDER BY at LIMIT $2",
              like,
              MAX_SCANNED);
        })
        .compose(rows -> {
          found.truncated |= rows.size() >= MAX_SCANNED;
          Set<String> chatIds = new LinkedHashSet<>();
          for (Row r : rows) {
            if (chatIds.size() < MAX_CHATS && Emails.mentions(r.getString(1), email)) {
              chatIds.add(r.getString(0));
            }
          }
          return in(conn, "SELECT id, session_id FROM chat WHERE id IN", chatIds, "");
        })
        .map(rows -> {
          if (rows != null) {
            found.chats(rows);
          }
          return null;
        });
  }

  /** The other chats and left messages of the same page sessions. */
  private static Future<Void> expand(SqlConnection conn, Found found) {
    Set<String> sessions = Set.copyOf(found.sessions);
    return in(
            conn,
            "SELECT id, session_id FROM chat WHERE session_id IN",
            sessions,
            " ORDER BY created_at LIMIT " + (MAX_CHATS + 1))
        .compose(rows -> {
          if (rows != null) {
            found.chats(rows);
          }
          return in(
              conn,
              "SELECT id, session_id FROM left_message WHERE session_id IN",
              sessions,
              " ORDER BY at LIMIT " + (MAX_LEFT + 1));
        })
        .map(rows -> {
          if (rows != null) {
            rows.forEach(r -> found.left(r.getString(0), r.getString(1)));
          }
          return null;
        });
  }

  /** {@code selectWhereIn (ids…) tail}, or null without a query when there are no ids. */
  private static Future<RowSet<Row>> in(
      SqlConnection conn, String selectWhereIn, Set<String> ids, String tail) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(null);
    }
    return StoredRecords.run(
        conn,
        selectWhereIn + " (" + Database.placeholders(1, ids.size()) + ")" + tail,
        new ArrayList<Object>(ids));
  }

  private static Future<RowSet<Row>> run(SqlConnection conn, String sql, Object... args) {
    return StoredRecords.run(conn, sql, List.of(args));
  }
}
