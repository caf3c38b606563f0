package org.siteconnect.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.Stores;
import org.siteconnect.gateway.agent.Agent;
import org.siteconnect.gateway.chat.ChatMessage;
import org.siteconnect.gateway.chat.ChatRecord;
import org.siteconnect.gateway.chat.ChatStore;
import org.siteconnect.gateway.chat.LeftMessage;
import org.siteconnect.gateway.ops.AuditEntry;

/**
 * What every {@link Stores} implementation does, run against each (the embedded database and PostgreSQL), so the
 * gateway behaves the same on one node and in a cluster.
 */
abstract class StoreContract {
  protected Vertx vertx;
  private Stores stores;
  private Stores otherNode;

  /** Empty stores, as a fresh node would open them. */
  protected abstract Stores openEmpty();

  /**
   * The same data as seen from a second node. The embedded database belongs to one node, so there it is the same
   * stores; with PostgreSQL it is a second pool, which is how two nodes race.
   */
  protected abstract Stores openOtherNode(Stores first);

  @BeforeEach
  void openStores() {
    vertx = Vertx.vertx();
    stores = openEmpty();
    otherNode = openOtherNode(stores);
  }

  @AfterEach
  void closeStores() {
    if (otherNode != null && otherNode != stores) {
      await(otherNode.close());
    }
    if (stores != null) {
      await(stores.close());
    }
    await(vertx.close());
  }

  protected static <T> T await(Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer from the store within 30 s", e);
    }
  }

  private static Throwable failureOf(Future<?> f) {
    ExecutionException e = assertThrows(
        ExecutionException.class,
        () -> f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    return e.getCause();
  }

  private static ChatRecord chat(String id, String site, String state, long createdAt) {
    return new ChatRecord(
        id,
        site,
        "sales",
        "session-" + id,
        null,
        null,
        state,
        createdAt,
        null,
        null,
        null,
        null,
        "token-" + id);
  }

  private static Agent agent(String login, Set<String> roles) {
    return new Agent(
        login,
        "Name of " + login,
        "hash-" + login,
        roles,
        List.of("acme/sales", "acme/support"),
        3);
  }

  // --- chats ---

  @Test
  @DisplayName("a created chat reads back field for field; an unknown id reads as empty")
  void createAndRead() {
    ChatRecord c = chat("c1", "acme", ChatRecord.WAITING, 1_000);
    await(stores.chats().create(c));
    assertEquals(Optional.of(c), await(stores.chats().chat("c1")));
    assertEquals(Optional.empty(), await(stores.chats().chat("nope")));
  }

  @Test
  @DisplayName("update stores agent, state, times, rating and session, and keeps the visitor token")
  void update() {
    await(stores.chats().create(chat("c1", "acme", ChatRecord.WAITING, 1_000)));
    ChatRecord changed = new ChatRecord(
        "c1",
        "acme",
        "sales",
        "session-2",
        "bob",
        "Bob",
        ChatRecord.ENDED,
        1_000,
        2_000L,
        3_000L,
        "agent",
        4,
        "token-c1");
    await(stores.chats().update(changed));
    assertEquals(Optional.of(changed), await(otherNode.chats().chat("c1")));
  }

  @Test
  @DisplayName("live chats are the waiting and active ones, oldest first")
  void live() {
    await(stores.chats().create(chat("late", "acme", ChatRecord.ACTIVE, 3_000)));
    await(stores.chats().create(chat("ended", "acme", ChatRecord.ENDED, 1_000)));
    await(stores.chats().create(chat("early", "other", ChatRecord.WAITING, 2_000)));
    assertEquals(
        List.of("early", "late"),
        await(stores.chats().live()).stream().map(ChatRecord::id).toList());
  }

  @Test
  @DisplayName(
      "ofSession lists a page session's chats created before a time, newest first, at most the limit")
  void chatsOfSession() {
    for (int i = 1; i <= 4; i++) {
      ChatRecord c = chat("s" + i, "acme", ChatRecord.ENDED, i * 1_000L);
      await(stores
          .chats()
          .create(new ChatRecord(
              c.id(),
              c.site(),
              c.button(),
              "tab-1",
              null,
              null,
              c.state(),
              c.createdAt(),
              null,
              null,
              null,
              null,
              c.visitorToken())));
    }
    await(stores.chats().create(chat("other", "acme", ChatRecord.ENDED, 2_500)));
    assertEquals(
        List.of("s3", "s2"),
        await(stores.chats().ofSession("tab-1", 4_000, 2)).stream()
            .map(ChatRecord::id)
            .toList());
    assertEquals(List.of(), await(stores.chats().ofSession("tab-1", 1_000, 20)));
  }

  @Test
  @DisplayName("chats lists the given sites' chats newest first, at most the limit")
  void chatsBySite() {
    await(stores.chats().create(chat("a1", "acme", ChatRecord.ENDED, 1_000)));
    await(stores.chats().create(chat("a2", "acme", ChatRecord.ACTIVE, 2_000)));
    await(stores.chats().create(chat("o1", "other", ChatRecord.ENDED, 2_500)));
    await(stores.chats().create(chat("a3", "acme", ChatRecord.WAITING, 3_000)));
    await(stores.chats().create(chat("x1", "unlisted", ChatRecord.ENDED, 4_000)));
    ChatStore chats = stores.chats();
    assertEquals(
        List.of("a3", "o1", "a2", "a1"), ids(await(chats.chats(List.of("acme", "other"), 10))));
    assertEquals(List.of("a3", "a2"), ids(await(chats.chats(List.of("acme"), 2))));
    assertEquals(List.of(), await(chats.chats(List.of(), 10)));
  }

  private static List<String> ids(List<ChatRecord> chats) {
    return chats.stream().map(ChatRecord::id).toList();
  }

  @Test
  @DisplayName(
      "append numbers messages 1, 2, 3 per chat and drops a resent cid from the same sender")
  void appendAndDuplicates() {
    ChatStore chats = stores.chats();
    ChatStore.Appended first =
        await(chats.append("c1", "m1", ChatMessage.VISITOR, "Ann", "hello", 10));
    assertTrue(first.fresh());
    assertEquals(
        new ChatMessage("c1", 1, "m1", ChatMessage.VISITOR, "Ann", "hello", 10), first.message());
    assertEquals(
        2,
        await(chats.append("c1", "m2", ChatMessage.VISITOR, "Ann", "there", 11))
            .message()
            .seq());
    assertEquals(
        1,
        await(chats.append("other", "m1", ChatMessage.VISITOR, "Ann", "hi", 12))
            .message()
            .seq());

    ChatStore.Appended resent =
        await(chats.append("c1", "m1", ChatMessage.VISITOR, "Ann", "hello again", 13));
    assertFalse(resent.fresh());
    assertEquals(first.message(), resent.message(), "the stored message, not the resent text");

    ChatStore.Appended sameCidOtherSender =
        await(chats.append("c1", "m1", ChatMessage.AGENT, "Bob", "hi", 14));
    assertTrue(sameCidOtherSender.fresh(), "a cid is the sender's own");
    assertEquals(3, sameCidOtherSender.message().seq());
    assertEquals(List.of(1L, 2L, 3L), seqs(await(chats.messages("c1", 0))));
  }

  @Test
  @DisplayName("messages returns those after the given seq, in seq order")
  void messagesAfter() {
    for (int i = 1; i <= 5; i++) {
      await(stores.chats().append("c1", "m" + i, ChatMessage.VISITOR, "Ann", "text " + i, i));
    }
    List<ChatMessage> after = await(otherNode.chats().messages("c1", 3));
    assertEquals(List.of(4L, 5L), seqs(after));
    assertEquals("text 4", after.get(0).text());
    assertEquals(List.of(), await(stores.chats().messages("c1", 5)));
  }

  private static List<Long> seqs(List<ChatMessage> messages) {
    return messages.stream().map(ChatMessage::seq).toList();
  }

  @Test
  @DisplayName(
      "concurrent appends from two nodes: one row per cid, distinct consecutive seqs, one fresh resend")
  void concurrentAppends() {
    List<Future<ChatStore.Appended>> distinct = new ArrayList<>();
    List<Future<ChatStore.Appended>> resends = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      ChatStore node = i % 2 == 0 ? stores.chats() : otherNode.chats();
      distinct.add(node.append("c1", "distinct-" + i, ChatMessage.AGENT, "Bob", "line " + i, i));
      resends.add(node.append("c1", "resent", ChatMessage.VISITOR, "Ann", "same line", 100));
    }
    await(Future.all(distinct));
    await(Future.all(resends));

    List<ChatMessage> stored = await(stores.chats().messages("c1", 0));
    assertEquals(
        LongStream.rangeClosed(1, 13).boxed().toList(), seqs(stored), "13 rows numbered 1..13");
    assertEquals(
        12,
        stored.stream()
            .filter(m -> m.cid().startsWith("distinct-"))
            .map(ChatMessage::cid)
            .distinct()
            .count());
    assertEquals(
        1, resends.stream().filter(f -> f.result().fresh()).count(), "the resent cid stored once");
    assertEquals(
        1,
        resends.stream().map(f -> f.result().message().seq()).distinct().count(),
        "every resend answers with the one stored seq");
  }

  @Test
  @DisplayName("left messages list by site, newest first, at most the limit")
  void leftMessages() {
    LeftMessage old =
        new LeftMessage("l1", "acme", "sales", "Ann", "ann@example.org", "call me", 1_000);
    LeftMessage recent =
        new LeftMessage("l2", "acme", "support", "Cy", "cy@example.org", "help", 2_000);
    await(stores.chats().leave(old));
    await(stores.chats().leave(recent));
    await(stores
        .chats()
        .leave(new LeftMessage("l3", "other", "sales", "Di", "di@example.org", "x", 3_000)));
    assertEquals(List.of(recent, old), await(otherNode.chats().leftMessages(List.of("acme"), 10)));
    assertEquals(List.of(recent), await(stores.chats().leftMessages(List.of("acme"), 1)));
    assertEquals(List.of(), await(stores.chats().leftMessages(List.of(), 10)));
  }

  @Test
  @DisplayName(
      "purgeBefore deletes old ended chats with their messages and old left messages, never live chats")
  void purge() {
    ChatStore chats = stores.chats();
    await(chats.create(chat("old-ended", "acme", ChatRecord.ENDED, 1_000)));
    await(chats.create(chat("old-live", "acme", ChatRecord.ACTIVE, 1_000)));
    await(chats.create(chat("new-ended", "acme", ChatRecord.ENDED, 9_000)));
    await(chats.append("old-ended", "m1", ChatMessage.VISITOR, "Ann", "a", 1_001));
    await(chats.append("old-ended", "m2", ChatMessage.VISITOR, "Ann", "b", 1_002));
    await(chats.append("old-live", "m1", ChatMessage.VISITOR, "Ann", "c", 1_003));
    await(chats.leave(new LeftMessage("l-old", "acme", "sales", "Ann", "a@b", "x", 1_000)));
    await(chats.leave(new LeftMessage("l-new", "acme", "sales", "Ann", "a@b", "y", 9_000)));

    assertEquals(4, await(chats.purgeBefore(5_000)), "2 messages, 1 chat, 1 left message");
    assertEquals(Optional.empty(), await(chats.chat("old-ended")));
    assertEquals(List.of(), await(chats.messages("old-ended", 0)));
    assertTrue(await(chats.chat("old-live")).isPresent());
    assertEquals(1, await(chats.messages("old-live", 0)).size());
    assertTrue(await(chats.chat("new-ended")).isPresent());
    assertEquals(
        List.of("l-new"),
        await(chats.leftMessages(List.of("acme"), 10)).stream()
            .map(LeftMessage::id)
            .toList());
  }

  // --- agents ---

  @Test
  @DisplayName(
      "an inserted agent reads back with its roles and buttons; an unknown login reads as empty")
  void insertAndFind() {
    Agent bob = agent("bob", Set.of(Agent.ROLE_AGENT, Agent.ROLE_ADMIN));
    await(stores.agents().insert(bob));
    Agent read = await(otherNode.agents().find("bob")).orElseThrow();
    assertEquals(bob.toJson(), read.toJson());
    assertEquals(bob.passwordHash(), read.passwordHash());
    assertEquals(Optional.empty(), await(stores.agents().find("nobody")));
  }

  @Test
  @DisplayName(
      "a new agent need not change its password; the flag is set, read by another node and cleared")
  void mustChangePassword() {
    await(stores.agents().insert(agent("bob", Set.of(Agent.ROLE_AGENT))));
    await(stores.agents().insert(agent("cy", Set.of(Agent.ROLE_AGENT))));
    assertEquals(Set.of(), await(otherNode.agents().mustChangePassword()));
    await(stores.agents().setMustChangePassword("bob", true));
    assertEquals(Set.of("bob"), await(otherNode.agents().mustChangePassword()));
    await(otherNode.agents().setMustChangePassword("bob", false));
    assertEquals(Set.of(), await(stores.agents().mustChangePassword()));
  }

  @Test
  @DisplayName(
      "inserting an existing login fails with IllegalStateException, also when two nodes race")
  void duplicateLogin() {
    await(stores.agents().insert(agent("bob", Set.of(Agent.ROLE_AGENT))));
    assertInstanceOf(
        IllegalStateException.class,
        failureOf(otherNode.agents().insert(agent("bob", Set.of(Agent.ROLE_ADMIN)))));

    Future<Void> one = stores.agents().insert(agent("cy", Set.of(Agent.ROLE_AGENT)));
    Future<Void> two = otherNode.agents().insert(agent("cy", Set.of(Agent.ROLE_AGENT)));
    await(Future.join(one, two).otherwiseEmpty());
    assertEquals(
        1, (one.succeeded() ? 1 : 0) + (two.succeeded() ? 1 : 0), "exactly one insert wins");
    assertInstanceOf(IllegalStateException.class, (one.failed() ? one : two).cause());
    assertEquals(
        List.of("bob", "cy"),
        await(stores.agents().list()).stream().map(Agent::login).toList());
  }

  @Test
  @DisplayName("list is ordered by login")
  void listOrdered() {
    for (String login : List.of("dora", "al", "cy", "bob")) {
      await(stores.agents().insert(agent(login, Set.of(Agent.ROLE_AGENT))));
    }
    assertEquals(
        List.of("al", "bob", "cy", "dora"),
        await(stores.agents().list()).stream().map(Agent::login).toList());
  }

  @Test
  @DisplayName("update and delete report whether the login existed")
  void updateAndDelete() {
    await(stores.agents().insert(agent("bob", Set.of(Agent.ROLE_AGENT))));
    Agent changed =
        new Agent("bob", "Robert", "new-hash", Set.of(Agent.ROLE_ADMIN), List.of("acme/sales"), 7);
    assertTrue(await(stores.agents().update(changed)));
    Agent read = await(stores.agents().find("bob")).orElseThrow();
    assertEquals(changed.toJson(), read.toJson());
    assertEquals("new-hash", read.passwordHash());
    assertFalse(await(stores.agents().update(agent("nobody", Set.of()))));
    assertTrue(await(stores.agents().delete("bob")));
    assertFalse(await(stores.agents().delete("bob")));
    assertEquals(Optional.empty(), await(stores.agents().find("bob")));
  }

  @Test
  @DisplayName("anyAdmin is true only once an agent has the admin role")
  void anyAdmin() {
    assertFalse(await(stores.agents().anyAdmin()));
    await(stores.agents().insert(agent("bob", Set.of(Agent.ROLE_AGENT))));
    await(
        stores.agents().insert(new Agent("cy", "Cy", "h", Set.of("administrator"), List.of(), 1)));
    assertFalse(
        await(stores.agents().anyAdmin()), "a role that merely contains 'admin' is not admin");
    await(stores.agents().insert(agent("root", Set.of(Agent.ROLE_AGENT, Agent.ROLE_ADMIN))));
    assertTrue(await(otherNode.agents().anyAdmin()));
  }

  // --- audit ---

  @Test
  @DisplayName(
      "audit entries read back newest first, filtered by action, actor and time, at most the limit")
  void auditQuery() {
    await(stores.audit().record(1_000, "bob", "login", null, null, "127.0.0.1"));
    await(stores.audit().record(2_000, "cy", "login", "acme", "detail", null));
    await(stores.audit().record(3_000, "bob", "logout", null, null, null));
    await(stores.audit().record(4_000, "bob", "login", null, null, null));

    List<AuditEntry> all = await(otherNode.audit().query(null, null, 0, 100));
    assertEquals(
        List.of(4_000L, 3_000L, 2_000L, 1_000L),
        all.stream().map(AuditEntry::at).toList());
    AuditEntry cy = all.get(2);
    assertEquals(
        List.of("cy", "login", "acme", "detail"),
        List.of(cy.actor(), cy.action(), cy.target(), cy.detail()));
    assertEquals("127.0.0.1", all.get(3).address());
    assertEquals(List.of(4_000L, 1_000L), ats(await(stores.audit().query("login", "bob", 0, 100))));
    assertEquals(
        List.of(4_000L, 2_000L), ats(await(stores.audit().query("login", null, 2_000, 100))));
    assertEquals(List.of(4_000L, 3_000L), ats(await(stores.audit().query(null, "bob", 0, 2))));
  }

  private static List<Long> ats(List<AuditEntry> entries) {
    return entries.stream().map(AuditEntry::at).toList();
  }

  @Test
  @DisplayName("audit purgeBefore deletes the entries older than the cut-off")
  void auditPurge() {
    await(stores.audit().record(1_000, "bob", "login", null, null, null));
    await(stores.audit().record(2_000, "bob", "login", null, null, null));
    await(stores.audit().record(3_000, "bob", "login", null, null, null));
    assertEquals(2, await(stores.audit().purgeBefore(3_000)));
    assertEquals(List.of(3_000L), ats(await(stores.audit().query(null, null, 0, 100))));
  }
}
