package org.siteconnect.gateway.chat;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Durable chats, their messages and left messages: the embedded database by default, PostgreSQL when clustered
 * (see {@code Stores}).
 */
public interface ChatStore {
  Future<Void> create(ChatRecord chat);

  Future<Void> update(ChatRecord chat);

  Future<Optional<ChatRecord>> chat(String id);

  /** Chats still waiting or active (reloaded when a node starts). */
  Future<List<ChatRecord>> live();

  /** Newest first, at most {@code limit}. */
  Future<List<ChatRecord>> chats(Collection<String> sites, int limit);

  /** The chats of one page session created before {@code before}, newest first, at most {@code limit}. */
  Future<List<ChatRecord>> ofSession(String sessionId, long before, int limit);

  /** Keeps a chat's visitor id (docs/CONTEXT.md, sites[].rememberVisitorDays). */
  Future<Void> visitor(String chatId, String visitorId);

  /** A chat's visitor id, or null (none kept, or no such chat). */
  Future<String> visitorOf(String chatId);

  /** The chats of one visitor id on a site created before {@code before}, newest first, at most {@code limit}. */
  Future<List<ChatRecord>> ofVisitor(String site, String visitorId, long before, int limit);

  /**
   * Stores a message with the next sequence number, unless the same sender already stored this {@code cid}:
   * then the stored one is returned and nothing changes (duplicates from resends are dropped).
   */
  Future<Appended> append(
      String chatId, String cid, String sender, String name, String text, long at);

  /** The stored message, and whether this call stored it (false: a duplicate of an earlier one). */
  record Appended(ChatMessage message, boolean fresh) {}

  Future<List<ChatMessage>> messages(String chatId, long afterSeq);

  Future<Void> leave(LeftMessage message);

  Future<List<LeftMessage>> leftMessages(Collection<String> sites, int limit);

  /** How many left messages each site holds (sites with none are left out). */
  Future<java.util.Map<String, Integer>> leftCounts();

  /** Deletes chats (with their messages) and left messages older than the cut-off; returns how many rows went. */
  Future<Integer> purgeBefore(long cutoffMillis);
}
