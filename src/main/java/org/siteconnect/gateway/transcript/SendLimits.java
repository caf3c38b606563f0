package org.siteconnect.gateway.transcript;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.siteconnect.gateway.store.Database;

/**
 * Bounds transcript e-mails (docs/TRANSCRIPTS.md): per chat in all (30 days), per visitor (page session) and per
 * address per hour. Kept in the database (table {@code transcript_mail}, migration V8), so the limits hold on every
 * node and survive a restart or a leader change. A request is counted against all three at once or against none:
 * the check and the insert run in one transaction that locks {@code transcript_mail_lock} first, so concurrent
 * requests (from any node) pass one at a time.
 */
final class SendLimits {
  private static final long HOUR_MS = 3_600_000L;
  private static final long CHAT_WINDOW_MS = 30L * 24 * HOUR_MS;
  private final Database db;
  private final int perChat;
  private final int perVisitor;
  private final int perAddress;

  SendLimits(Database db, int perChat, int perVisitorPerHour, int perAddressPerHour) {
    this.db = db;
    this.perChat = perChat;
    this.perVisitor = perVisitorPerHour;
    this.perAddress = perAddressPerHour;
  }

  /** Null when allowed (and counted), else which limit refused it: chat, visitor or address. */
  Future<String> take(String chatId, String visitor, String address, long now) {
    String hash = hash(address);
    return db.inTransaction(
        c -> db.run(c, "SELECT id FROM transcript_mail_lock WHERE id = 1 FOR UPDATE")
            .compose(locked ->
                db.run(c, "DELETE FROM transcript_mail WHERE at < $1", now - CHAT_WINDOW_MS))
            .compose(purged -> db.run(
                c,
                "SELECT (SELECT COUNT(*) FROM transcript_mail WHERE chat_id = $1),"
                    + " (SELECT COUNT(*) FROM transcript_mail WHERE session_id = $2 AND at > $3),"
                    + " (SELECT COUNT(*) FROM transcript_mail WHERE address_hash = $4 AND at > $5)",
                chatId,
                visitor,
                now - HOUR_MS,
                hash,
                now - HOUR_MS))
            .compose(rows -> {
              Row r = rows.iterator().next();
              String refused = r.getLong(0) >= perChat
                  ? "chat"
                  : r.getLong(1) >= perVisitor
                      ? "visitor"
                      : r.getLong(2) >= perAddress ? "address" : null;
              if (refused != null) {
                return Future.succeededFuture(refused);
              }
              return db.run(
                      c,
                      "INSERT INTO transcript_mail (chat_id, session_id, address_hash, at)"
                          + " VALUES ($1, $2, $3, $4)",
                      chatId,
                      visitor,
                      hash,
                      now)
                  .map(inserted -> (String) null);
            }));
  }

  /** SHA-256 (hex) of the address in lower case: the limit needs to tell addresses apart, not to read them. */
  static String hash(String address) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256")
              .digest(address.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
