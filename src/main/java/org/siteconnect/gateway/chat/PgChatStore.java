package org.siteconnect.gateway.chat;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.siteconnect.gateway.store.PgDatabase;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** {@link ChatStore} on the PostgreSQL database clustered nodes share. */
public final class PgChatStore implements ChatStore {
  private static final String CHAT_COLUMNS = "id, site, button, session_id, agent_login, agent_name, state, "
      + "created_at, accepted_at, ended_at, ended_by, rating, visitor_token";
  private static final String MESSAGE_COLUMNS = "chat_id, seq, cid, sender, name, text, at";
  private static final String LEFT_COLUMNS = "id, site, button, name, contact, text, at";
  private static final String NOT_LIVE = "state <> 'active' AND state <> 'waiting'";

  private final Pool pool;

  public PgChatStore(PgDatabase db) {
    this.pool = db.pool();
  }

  @Override
  public Future<Void> create(ChatRecord c) {
    return pool.preparedQuery("INSERT INTO chat (" + CHAT_COLUMNS
            + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
        .execute(Tuple.from(new Object[] {c.id(), c.site(), c.button(), c.sessionId(), c.agentLogin(), c.agentName(),
            c.state(), c.createdAt(), c.acceptedAt(), c.endedAt(), c.endedBy(), c.rating(), c.visitorToken()}))
        .mapEmpty();
  }

  @Override
  public Future<Void> update(ChatRecord c) {
    return pool.preparedQuery("UPDATE chat SET agent_login = $1, agent_name = $2, state = $3, accepted_at = $4, "
            + "ended_at = $5, ended_by = $6, rating = $7, session_id = $8 WHERE id = $9")
        .execute(Tuple.from(new Object[] {c.agentLogin(), c.agentName(), c.state(), c.acceptedAt(), c.endedAt(),
            c.endedBy(), c.rating(), c.sessionId(), c.id()}))
        .mapEmpty();
  }

  @Override
  public Future<Optional<ChatRecord>> chat(String id) {
    return pool.preparedQuery("SELECT " + CHAT_COLUMNS + " FROM chat WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(readChat(rows.iterator().next())));
  }

  @Override
  public Future<List<ChatRecord>> live() {
    return pool.query("SELECT " + CHAT_COLUMNS + " FROM chat WHERE state IN ('waiting', 'active') "
        + "ORDER BY created_at").execute().map(rows -> all(rows, PgChatStore::readChat));
  }

  @Override
  public Future<List<ChatRecord>> chats(Collection<String> sites, int limit) {
    return pool.preparedQuery("SELECT " + CHAT_COLUMNS + " FROM chat WHERE site = ANY ($1) "
            + "ORDER BY created_at DESC LIMIT $2")
        .execute(Tuple.of(sites.toArray(String[]::new), limit)).map(rows -> all(rows, PgChatStore::readChat));
  }

  /**
   * Two nodes may append to one chat at the same moment (a resend reaching another node, or the agent and the
   * visitor on different nodes): a transaction-scoped advisory lock per chat orders them, so the next seq is read
   * and taken by one append at a time and a cid already stored is seen. The lock, unlike a row lock on the chat,
   * needs no chat row, as with the embedded store.
   */
  @Override
  public Future<Appended> append(String chatId, String cid, String sender, String name, String text, long at) {
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock($1, hashtext($2))")
        .execute(Tuple.of(PgDatabase.CHAT_APPEND_LOCKS, chatId))
        .compose(locked -> findByCid(conn, chatId, sender, cid))
        .compose(existing -> existing.isPresent()
            ? Future.succeededFuture(new Appended(existing.get(), false))
            : insertNext(conn, chatId, cid, sender, name, text, at)));
  }

  private static Future<Appended> insertNext(SqlConnection conn, String chatId, String cid, String sender,
                                             String name, String text, long at) {
    return conn.preparedQuery("INSERT INTO chat_message (" + MESSAGE_COLUMNS + ") "
            + "SELECT $1::text, COALESCE(MAX(seq), 0) + 1, $2::text, $3::text, $4::text, $5::text, $6::bigint "
            + "FROM chat_message WHERE chat_id = $1::text "
            + "ON CONFLICT (chat_id, sender, cid) DO NOTHING RETURNING seq")
        .execute(Tuple.of(chatId, cid, sender, name, text, at))
        .compose(rows -> rows.size() == 1
            ? Future.succeededFuture(new Appended(
                new ChatMessage(chatId, rows.iterator().next().getLong(0), cid, sender, name, text, at), true))
            // only reachable if a writer skipped the lock: the cid is stored, so this is a duplicate
            : findByCid(conn, chatId, sender, cid).map(stored -> new Appended(stored.orElseThrow(), false)));
  }

  @Override
  public Future<List<ChatMessage>> messages(String chatId, long afterSeq) {
    return pool.preparedQuery("SELECT " + MESSAGE_COLUMNS + " FROM chat_message WHERE chat_id = $1 AND seq > $2 "
        + "ORDER BY seq").execute(Tuple.of(chatId, afterSeq)).map(rows -> all(rows, PgChatStore::readMessage));
  }

  @Override
  public Future<Void> leave(LeftMessage m) {
    return pool.preparedQuery("INSERT INTO left_message (" + LEFT_COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.of(m.id(), m.site(), m.button(), m.name(), m.contact(), m.text(), m.at()))
        .mapEmpty();
  }

  @Override
  public Future<List<LeftMessage>> leftMessages(Collection<String> sites, int limit) {
    return pool.preparedQuery("SELECT " + LEFT_COLUMNS + " FROM left_message WHERE site = ANY ($1) "
            + "ORDER BY at DESC LIMIT $2")
        .execute(Tuple.of(sites.toArray(String[]::new), limit))
        .map(rows -> all(rows, r -> new LeftMessage(r.getString(0), r.getString(1), r.getString(2),
            r.getString(3), r.getString(4), r.getString(5), r.getLong(6))));
  }

  @Override
  public Future<Integer> purgeBefore(long cutoffMillis) {
    Tuple cutoff = Tuple.of(cutoffMillis);
    return pool.withTransaction(conn -> conn.preparedQuery("DELETE FROM chat_message WHERE chat_id IN "
            + "(SELECT id FROM chat WHERE created_at < $1 AND " + NOT_LIVE + ")").execute(cutoff)
        .compose(messages -> conn.preparedQuery("DELETE FROM chat WHERE created_at < $1 AND " + NOT_LIVE)
            .execute(cutoff)
            .compose(chats -> conn.preparedQuery("DELETE FROM left_message WHERE at < $1").execute(cutoff)
                .map(left -> messages.rowCount() + chats.rowCount() + left.rowCount()))));
  }

  private static Future<Optional<ChatMessage>> findByCid(SqlConnection conn, String chatId, String sender,
                                                         String cid) {
    return conn.preparedQuery("SELECT " + MESSAGE_COLUMNS + " FROM chat_message "
            + "WHERE chat_id = $1 AND sender = $2 AND cid = $3")
        .execute(Tuple.of(chatId, sender, cid))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(readMessage(rows.iterator().next())));
  }

  private static <T> List<T> all(RowSet<Row> rows, Function<Row, T> read) {
    List<T> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(read.apply(r)));
    return out;
  }

  private static ChatMessage readMessage(Row r) {
    return new ChatMessage(r.getString(0), r.getLong(1), r.getString(2), r.getString(3), r.getString(4),
        r.getString(5), r.getLong(6));
  }

  private static ChatRecord readChat(Row r) {
    return new ChatRecord(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
        r.getString(5), r.getString(6), r.getLong(7), r.getLong(8), r.getLong(9), r.getString(10),
        r.getInteger(11), r.getString(12));
  }
}
