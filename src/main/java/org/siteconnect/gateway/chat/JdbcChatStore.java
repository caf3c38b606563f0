package org.siteconnect.gateway.chat;

import io.vertx.core.Future;
import org.siteconnect.gateway.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** {@link ChatStore} on the embedded database. */
public final class JdbcChatStore implements ChatStore {
  private static final String CHAT_COLUMNS = "id, site, button, session_id, agent_login, agent_name, state, "
      + "created_at, accepted_at, ended_at, ended_by, rating, visitor_token";
  private final Database db;

  public JdbcChatStore(Database db) {
    this.db = db;
  }

  @Override
  public Future<Void> create(ChatRecord c) {
    return db.call(conn -> {
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO chat (" + CHAT_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        bindChat(ps, c);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Future<Void> update(ChatRecord c) {
    return db.call(conn -> {
      try (PreparedStatement ps = conn.prepareStatement("UPDATE chat SET agent_login = ?, agent_name = ?, state = ?, "
          + "accepted_at = ?, ended_at = ?, ended_by = ?, rating = ?, session_id = ? WHERE id = ?")) {
        ps.setString(1, c.agentLogin());
        ps.setString(2, c.agentName());
        ps.setString(3, c.state());
        setLong(ps, 4, c.acceptedAt());
        setLong(ps, 5, c.endedAt());
        ps.setString(6, c.endedBy());
        if (c.rating() == null) {
          ps.setNull(7, Types.INTEGER);
        } else {
          ps.setInt(7, c.rating());
        }
        ps.setString(8, c.sessionId());
        ps.setString(9, c.id());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Future<Optional<ChatRecord>> chat(String id) {
    return db.call(conn -> {
      try (PreparedStatement ps = conn.prepareStatement("SELECT " + CHAT_COLUMNS + " FROM chat WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(readChat(rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public Future<List<ChatRecord>> live() {
    return db.call(conn -> {
      List<ChatRecord> out = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement("SELECT " + CHAT_COLUMNS
          + " FROM chat WHERE state IN ('waiting', 'active') ORDER BY created_at");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(readChat(rs));
        }
      }
      return out;
    });
  }

  @Override
  public Future<List<ChatRecord>> chats(Collection<String> sites, int limit) {
    return db.call(conn -> {
      List<ChatRecord> out = new ArrayList<>();
      if (sites.isEmpty()) {
        return out;
      }
      String in = String.join(",", sites.stream().map(s -> "?").toList());
      try (PreparedStatement ps = conn.prepareStatement("SELECT " + CHAT_COLUMNS + " FROM chat WHERE site IN (" + in
          + ") ORDER BY created_at DESC LIMIT ?")) {
        int i = 1;
        for (String s : sites) {
          ps.setString(i++, s);
        }
        ps.setInt(i, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(readChat(rs));
          }
        }
      }
      return out;
    });
  }

  @Override
  public Future<Appended> append(String chatId, String cid, String sender, String name, String text, long at) {
    return db.call(conn -> {
      ChatMessage existing = findByCid(conn, chatId, sender, cid);
      if (existing != null) {
        return new Appended(existing, false);
      }
      long seq;
      try (PreparedStatement ps = conn.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM chat_message WHERE chat_id = ?")) {
        ps.setString(1, chatId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          seq = rs.getLong(1) + 1;
        }
      }
      try (PreparedStatement ps = conn.prepareStatement(
          "INSERT INTO chat_message (chat_id, seq, cid, sender, name, text, at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, chatId);
        ps.setLong(2, seq);
        ps.setString(3, cid);
        ps.setString(4, sender);
        ps.setString(5, name);
        ps.setString(6, text);
        ps.setLong(7, at);
        ps.executeUpdate();
      }
      return new Appended(new ChatMessage(chatId, seq, cid, sender, name, text, at), true);
    });
  }

  @Override
  public Future<List<ChatMessage>> messages(String chatId, long afterSeq) {
    return db.call(conn -> {
      List<ChatMessage> out = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement("SELECT chat_id, seq, cid, sender, name, text, at FROM "
          + "chat_message WHERE chat_id = ? AND seq > ? ORDER BY seq")) {
        ps.setString(1, chatId);
        ps.setLong(2, afterSeq);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(readMessage(rs));
          }
        }
      }
      return out;
    });
  }

  @Override
  public Future<Void> leave(LeftMessage m) {
    return db.call(conn -> {
      try (PreparedStatement ps = conn.prepareStatement(
          "INSERT INTO left_message (id, site, button, name, contact, text, at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, m.id());
        ps.setString(2, m.site());
        ps.setString(3, m.button());
        ps.setString(4, m.name());
        ps.setString(5, m.contact());
        ps.setString(6, m.text());
        ps.setLong(7, m.at());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Future<List<LeftMessage>> leftMessages(Collection<String> sites, int limit) {
    return db.call(conn -> {
      List<LeftMessage> out = new ArrayList<>();
      if (sites.isEmpty()) {
        return out;
      }
      String in = String.join(",", sites.stream().map(s -> "?").toList());
      try (PreparedStatement ps = conn.prepareStatement("SELECT id, site, button, name, contact, text, at FROM "
          + "left_message WHERE site IN (" + in + ") ORDER BY at DESC LIMIT ?")) {
        int i = 1;
        for (String s : sites) {
          ps.setString(i++, s);
        }
        ps.setInt(i, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new LeftMessage(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getLong(7)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public Future<Integer> purgeBefore(long cutoffMillis) {
    return db.call(conn -> {
      int n = 0;
      try (PreparedStatement ps = conn.prepareStatement("DELETE FROM chat_message WHERE chat_id IN "
          + "(SELECT id FROM chat WHERE created_at < ? AND state <> 'active' AND state <> 'waiting')")) {
        ps.setLong(1, cutoffMillis);
        n += ps.executeUpdate();
      }
      try (PreparedStatement ps = conn.prepareStatement(
          "DELETE FROM chat WHERE created_at < ? AND state <> 'active' AND state <> 'waiting'")) {
        ps.setLong(1, cutoffMillis);
        n += ps.executeUpdate();
      }
      try (PreparedStatement ps = conn.prepareStatement("DELETE FROM left_message WHERE at < ?")) {
        ps.setLong(1, cutoffMillis);
        n += ps.executeUpdate();
      }
      return n;
    });
  }

  private static ChatMessage findByCid(Connection conn, String chatId, String sender, String cid) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT chat_id, seq, cid, sender, name, text, at FROM "
        + "chat_message WHERE chat_id = ? AND sender = ? AND cid = ?")) {
      ps.setString(1, chatId);
      ps.setString(2, sender);
      ps.setString(3, cid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? readMessage(rs) : null;
      }
    }
  }

  private static ChatMessage readMessage(ResultSet rs) throws SQLException {
    return new ChatMessage(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getLong(7));
  }

  private static void bindChat(PreparedStatement ps, ChatRecord c) throws SQLException {
    ps.setString(1, c.id());
    ps.setString(2, c.site());
    ps.setString(3, c.button());
    ps.setString(4, c.sessionId());
    ps.setString(5, c.agentLogin());
    ps.setString(6, c.agentName());
    ps.setString(7, c.state());
    ps.setLong(8, c.createdAt());
    setLong(ps, 9, c.acceptedAt());
    setLong(ps, 10, c.endedAt());
    ps.setString(11, c.endedBy());
    if (c.rating() == null) {
      ps.setNull(12, Types.INTEGER);
    } else {
      ps.setInt(12, c.rating());
    }
    ps.setString(13, c.visitorToken());
  }

  private static ChatRecord readChat(ResultSet rs) throws SQLException {
    return new ChatRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), rs.getLong(8), nullableLong(rs, 9), nullableLong(rs, 10),
        rs.getString(11), (Integer) rs.getObject(12), rs.getString(13));
  }

  private static Long nullableLong(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : v;
  }

  private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }
}
