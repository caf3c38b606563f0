package org.siteconnect.gateway.chat;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.siteconnect.gateway.store.Database;
import org.siteconnect.gateway.store.Dialect;

/** {@link ChatStore} on the node's database (embedded or PostgreSQL). */
public final class SqlChatStore implements ChatStore {
  private static final String CHAT_COLUMNS =
      "id, site, button, session_id, agent_login, agent_name, state, "
          + "created_at, accepted_at, ended_at, ended_by, rating, visitor_token";
  private static final String MESSAGE_COLUMNS = "chat_id, seq, cid, sender, name, text, at";
  private static final String LEFT_COLUMNS =
      "id, site, button, name, contact, text, at, session_id";
  private static final String NOT_LIVE = "state <> 'active' AND state <> 'waiting'";

  private final Database db;

  public SqlChatStore(Database db) {
    this.db = db;
  }

  @Override
  public Future<Void> create(ChatRecord c) {
    return db.run(
            "INSERT INTO chat (" + CHAT_COLUMNS + ") VALUES (" + Database.placeholders(1, 13) + ")",
            c.id(),
            c.site(),
            c.button(),
            c.sessionId(),
            c.agentLogin(),
            c.agentName(),
            c.state(),
            c.createdAt(),
            c.acceptedAt(),
            c.endedAt(),
            c.endedBy(),
            c.rating(),
            c.visitorToken())
        .mapEmpty();
  }

  @Override
  public Future<Void> update(ChatRecord c) {
    return db.run(
            "UPDATE chat SET agent_login = $1, agent_name = $2, state = $3, accepted_at = $4, ended_at = $5, "
                + "ended_by = $6, rating = $7, session_id = $8, button = $10 WHERE id = $9",
            c.agentLogin(),
            c.agentName(),
            c.state(),
            c.acceptedAt(),
            c.endedAt(),
            c.endedBy(),
            c.rating(),
            c.sessionId(),
            c.id(),
            c.button()) // a transfer to another button moves it
        .mapEmpty();
  }

  @Override
  public Future<Optional<ChatRecord>> chat(String id) {
    return db.run("SELECT " + CHAT_COLUMNS + " FROM chat WHERE id = $1", id)
        .map(rows -> Database.rows(rows, SqlChatStore::readChat).stream().findFirst());
  }

  @Override
  public Future<List<ChatRecord>> live() {
    return db.run("SELECT " + CHAT_COLUMNS
            + " FROM chat WHERE state IN ('waiting', 'active') ORDER BY created_at")
        .map(rows -> Database.rows(rows, SqlChatStore::readChat));
  }

  @Override
  public Future<List<ChatRecord>> chats(Collection<String> sites, int limit) {
    return bySite(
        "SELECT " + CHAT_COLUMNS + " FROM chat",
        "created_at",
        sites,
        limit,
        SqlChatStore::readChat);
  }

  @Override
  public Future<List<ChatRecord>> ofSession(String sessionId, long before, int limit) {
    return db.run(
            "SELECT " + CHAT_COLUMNS + " FROM chat WHERE session_id = $1 AND created_at < $2 "
                + "ORDER BY created_at DESC LIMIT $3",
            sessionId,
            before,
            limit)
        .map(rows -> Database.rows(rows, SqlChatStore::readChat));
  }

  @Override
  public Future<Void> visitor(String chatId, String visitorId) {
    return db.run("UPDATE chat SET visitor_id = $1 WHERE id = $2", visitorId, chatId)
        .mapEmpty();
  }

  @Override
  public Future<String> visitorOf(String chatId) {
    return db.run("SELECT visitor_id FROM chat WHERE id = $1", chatId)
        .map(rows -> Database.rows(rows, r -> r.getString(0)).stream()
            .filter(java.util.Objects::nonNull)
            .findFirst()
            .orElse(null));
  }

  @Override
  public Future<List<ChatRecord>> ofVisitor(String site, String visitorId, long before, int limit) {
    return db.run(
            "SELECT " + CHAT_COLUMNS
                + " FROM chat WHERE site = $1 AND visitor_id = $2 AND created_at < $3 "
                + "ORDER BY created_at DESC LIMIT $4",
            site,
            visitorId,
            before,
            limit)
        .map(rows -> Database.rows(rows, SqlChatStore::readChat));
  }

  /**
   * Two nodes may append to one chat at the same moment (a resend reaching another node, or the agent and the
   * visitor on different nodes): a per-chat lock held to the end of the transaction orders them, so the next seq is
   * read and taken by one append at a time and a cid already stored is seen. The lock needs no chat row.
   */
  @Override
  public Future<Appended> append(
      String chatId, String cid, String sender, String name, String text, long at) {
    return db.inTransaction(conn -> db.dialect()
        .lockUntilCommit(conn, Dialect.CHAT_APPEND_LOCKS, chatId)
        .compose(locked -> db.run(
            conn,
            "SELECT " + MESSAGE_COLUMNS + " FROM chat_message "
                + "WHERE chat_id = $1 AND sender = $2 AND cid = $3",
            chatId,
            sender,
            cid))
        .compose(stored -> stored.size() > 0
            ? Future.succeededFuture(new Appended(readMessage(stored.iterator().next()), false))
            : insertNext(conn, new ChatMessage(chatId, 0, cid, sender, name, text, at))));
  }

  private Future<Appended> insertNext(SqlConnection conn, ChatMessage m) {
    return db.run(
            conn,
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM chat_message WHERE chat_id = $1",
            m.chatId())
        .map(rows -> new ChatMessage(
            m.chatId(),
            rows.iterator().next().getLong(0),
            m.cid(),
            m.sender(),
            m.name(),
            m.text(),
            m.at()))
        .compose(next -> db.run(
                conn,
                "INSERT INTO chat_message (" + MESSAGE_COLUMNS + ") VALUES ("
                    + Database.placeholders(1, 7) + ")",
                next.chatId(),
                next.seq(),
                next.cid(),
                next.sender(),
                next.name(),
                next.text(),
                next.at())
            .map(inserted -> new Appended(next, true)));
  }

  @Override
  public Future<List<ChatMessage>> messages(String chatId, long afterSeq) {
    return db.run(
            "SELECT " + MESSAGE_COLUMNS
                + " FROM chat_message WHERE chat_id = $1 AND seq > $2 ORDER BY seq",
            chatId,
            afterSeq)
        .map(rows -> Database.rows(rows, SqlChatStore::readMessage));
  }

  @Override
  public Future<Void> leave(LeftMessage m) {
    return db.run(
            "INSERT INTO left_message (" + LEFT_COLUMNS + ") VALUES (" + Database.placeholders(1, 8)
                + ")",
            m.id(),
            m.site(),
            m.button(),
            m.name(),
            m.contact(),
            m.text(),
            m.at(),
            m.sessionId())
        .mapEmpty();
  }

  @Override
  public Future<java.util.Map<String, Integer>> leftCounts() {
    return db.run("SELECT site, COUNT(*) FROM left_message GROUP BY site").map(rows -> {
      java.util.Map<String, Integer> counts = new java.util.HashMap<>();
      rows.forEach(r -> counts.put(r.getString(0), r.getLong(1).intValue()));
      return counts;
    });
  }

  @Override
  public Future<List<LeftMessage>> leftMessages(Collection<String> sites, int limit) {
    return bySite(
        "SELECT " + LEFT_COLUMNS + " FROM left_message",
        "at",
        sites,
        limit,
        r -> new LeftMessage(
            r.getString(0),
            r.getString(1),
            r.getString(2),
            r.getString(3),
            r.getString(4),
            r.getString(5),
            r.getLong(6),
            r.getString(7)));
  }

  /** {@code select} of the given sites' rows, newest by {@code newest} first, at most {@code limit}. */
  private <T> Future<List<T>> bySite(
      String select,
      String newest,
      Collection<String> sites,
      int limit,
      java.util.function.Function<Row, T> read) {
    if (sites.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Object[] args = Stream.concat(sites.stream(), Stream.of(limit)).toArray();
    return db.run(
            select + " WHERE site IN (" + Database.placeholders(1, sites.size()) + ") ORDER BY "
                + newest + " DESC LIMIT $" + args.length,
            args)
        .map(rows -> Database.rows(rows, read));
  }

  /** One transaction: a purge that fails half-way leaves no chat without its messages or the reverse. */
  @Override
  public Future<Integer> purgeBefore(long cutoffMillis) {
    return db.inTransaction(conn -> db.run(
            conn,
            "DELETE FROM attachment WHERE chat_id IN "
                + "(SELECT id FROM chat WHERE created_at < $1 AND " + NOT_LIVE + ")",
            cutoffMillis)
        .compose(attachments -> db.run(
                conn,
                "DELETE FROM chat_message WHERE chat_id IN "
                    + "(SELECT id FROM chat WHERE created_at < $1 AND " + NOT_LIVE + ")",
                cutoffMillis)
            .compose(messages -> db.run(
                    conn, "DELETE FROM chat WHERE created_at < $1 AND " + NOT_LIVE, cutoffMillis)
                .compose(
                    chats -> db.run(conn, "DELETE FROM left_message WHERE at < $1", cutoffMillis)
                        .compose(left -> db.run( // transfer notes (V6) go with their chats
                                conn,
                                "DELETE FROM chat_transfer WHERE chat_id NOT IN (SELECT id FROM chat)")
                            .map(notes ->
                                messages.rowCount() + chats.rowCount() + left.rowCount()))))));
  }

  private static ChatMessage readMessage(Row r) {
    return new ChatMessage(
        r.getString(0),
        r.getLong(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        r.getLong(6));
  }

  private static ChatRecord readChat(Row r) {
    return new ChatRecord(
        r.getString(0),
        r.getString(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        r.getString(6),
        r.getLong(7),
        r.getLong(8),
        r.getLong(9),
        r.getString(10),
        r.getInteger(11),
        r.getString(12));
  }
}
