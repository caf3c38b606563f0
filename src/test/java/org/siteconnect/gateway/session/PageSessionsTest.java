package org.siteconnect.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PageSessionsTest {
  private static PageSession session(String id) {
    return session(id, "10.0.0.1");
  }

  private static PageSession session(String id, String address) {
    return new PageSession(id, "acme", "resume-" + id, "handle-" + id, "123456", 0, address);
  }

  private static void add(PageSessions sessions, PageSession session, String connectionId) {
    assertNull(sessions.admit(session.address));
    sessions.add(session, connectionId, 0);
  }

  @Test
  @DisplayName(
      "a detached session ends after the idle TTL, a session left with bye after the short grace")
  void expiry() {
    PageSessions sessions = new PageSessions(10, 100, 8, 60_000, 5_000);
    add(sessions, session("a"), "c-a");
    add(sessions, session("b"), "c-b");
    sessions.detached("a", "c-a", false, 0);
    sessions.detached("b", "c-b", true, 0);
    assertEquals(1, sessions.expire(5_000).size());
    assertEquals("a", sessions.expire(60_000).get(0).id);
  }

  @Test
  @DisplayName("a reconnect seen before the old connection's close keeps the session alive")
  void reconnectBeforeClose() {
    PageSessions sessions = new PageSessions(10, 100, 8, 60_000, 5_000);
    add(sessions, session("a"), "c-a");
    assertTrue(sessions.resume("resume-a", "acme", "c-a2", 0).isPresent());
    sessions.detached("a", "c-a", false, 0); // the old connection's close arrives late
    assertTrue(sessions.expire(Long.MAX_VALUE - 1).isEmpty());
  }

  @Test
  @DisplayName(
      "a session taken over by a new leader lives while a router re-asserts it, else ends after the TTL")
  void takeOver() {
    PageSessions sessions = new PageSessions(10, 100, 8, 60_000, 5_000);
    sessions.takeOver(session("a"), 0);
    sessions.takeOver(session("b"), 0);
    assertTrue(sessions.reattach("a", "c-a", 0));
    assertTrue(sessions.reattach("a", "c-a", 0)); // re-asserted twice: still one connection
    var ended = sessions.expire(60_000);
    assertEquals(1, ended.size());
    assertEquals("b", ended.get(0).id);
    sessions.detached("a", "c-a", false, 60_000);
    assertEquals("a", sessions.expire(120_000).get(0).id);
    assertEquals(0, sessions.ofAddress("10.0.0.1"));
  }

  @Test
  @DisplayName("resume needs the same site; the cap counts live sessions and those being set up")
  void resumeAndCap() {
    PageSessions sessions = new PageSessions(2, 100, 8, 60_000, 5_000);
    add(sessions, session("a"), "c-a");
    assertNull(sessions.admit("10.0.0.2")); // admitted, its code is still being claimed
    assertTrue(sessions.atCapacity());
    assertEquals(PageSessions.SESSION_CAP, sessions.admit("10.0.0.3"));
    sessions.cancel("10.0.0.2");
    assertFalse(sessions.atCapacity());
    assertTrue(sessions.resume("resume-a", "other", "c", 0).isEmpty());
    assertTrue(sessions.resume("nope", "acme", "c", 0).isEmpty());
  }

  @Test
  @DisplayName(
      "a connection holds one session: a second one for it detaches the first, which then expires")
  void oneSessionPerConnection() {
    PageSessions sessions = new PageSessions(10, 100, 8, 60_000, 5_000);
    add(sessions, session("a"), "c");
    add(sessions, session("b"), "c"); // a second hello on the same socket
    add(sessions, session("x"), "other");
    assertTrue(sessions.resume("resume-x", "acme", "c", 0).isPresent()); // and a resume of a third
    sessions.detached("x", "c", false, 0);
    sessions.detached("x", "other", false, 0);
    assertEquals(
        3,
        sessions.expire(60_000).size(),
        "every session is detached once the connections are gone");
    assertEquals(0, sessions.size());
  }

  @Test
  @DisplayName(
      "the close of a connection detaches what it holds even when the router named another session")
  void closeNamesOtherSession() {
    PageSessions sessions = new PageSessions(10, 100, 8, 60_000, 5_000);
    add(sessions, session("a"), "c");
    add(sessions, session("b"), "c");
    sessions.detached(
        "a", "c", false, 0); // the router attached the first answer, the services kept the second
    assertEquals(2, sessions.expire(60_000).size());
  }

  @Test
  @DisplayName(
      "sessions per address: admitted up to the limit, counted until they end, not moved by a resume")
  void perAddress() {
    PageSessions sessions = new PageSessions(100, 2, 8, 60_000, 5_000);
    add(sessions, session("a", "1.1.1.1"), "c-a");
    assertNull(sessions.admit("1.1.1.1"));
    assertEquals(PageSessions.ADDRESS_LIMIT, sessions.admit("1.1.1.1"));
    assertNull(sessions.admit("2.2.2.2"));
    sessions.cancel("2.2.2.2");
    sessions.add(session("b", "1.1.1.1"), "c-b", 0);
    assertTrue(sessions.resume("resume-a", "acme", "c-a2", 0).isPresent());
    assertEquals(2, sessions.ofAddress("1.1.1.1"));
    sessions.detached("a", "c-a", false, 0);
    sessions.detached("a", "c-a2", false, 0);
    assertEquals(2, sessions.ofAddress("1.1.1.1"), "a detached session still counts until it ends");
    sessions.expire(60_000);
    assertEquals(1, sessions.ofAddress("1.1.1.1"));
    assertNull(sessions.admit("1.1.1.1"));
    assertEquals(0, sessions.ofAddress("2.2.2.2"));
  }

  @Test
  @DisplayName(
      "a session held by three connections stays connected until the last lets go, in any order (one field, then"
          + " a set only for the extra ones)")
  void severalConnections() {
    PageSessions sessions = new PageSessions(10, 100, 8, 60_000, 5_000);
    add(sessions, session("a"), "c1");
    assertTrue(sessions.resume("resume-a", "acme", "c2", 0).isPresent());
    assertTrue(sessions.reattach("a", "c3", 0));
    assertTrue(sessions.reattach("a", "c2", 0)); // again: still three
    sessions.detached("a", "c2", false, 0);
    assertTrue(sessions.isConnected("a"));
    sessions.detached("a", "c1", false, 0);
    assertTrue(sessions.isConnected("a"));
    sessions.detached("a", "c1", false, 0); // a late duplicate close changes nothing
    assertTrue(sessions.isConnected("a"));
    assertTrue(sessions.expire(Long.MAX_VALUE - 1).isEmpty());
    sessions.detached("a", "c3", false, 0);
    assertFalse(sessions.isConnected("a"));
    assertEquals("a", sessions.expire(60_000).get(0).id);
  }

  @Test
  @DisplayName("PageSession's connections: one held, a second and third added, removed one by one")
  void connectionField() {
    PageSession s = session("a");
    assertFalse(s.hasConnections());
    s.addConnection("c1");
    s.addConnection("c1");
    assertEquals(java.util.List.of("c1"), s.connections());
    s.addConnection("c2");
    s.addConnection("c3");
    assertEquals(java.util.Set.of("c1", "c2", "c3"), new java.util.HashSet<>(s.connections()));
    assertEquals(3, s.connections().size());
    assertFalse(s.removeConnection("c4"));
    assertTrue(s.removeConnection("c1"));
    assertTrue(s.hasConnections());
    assertEquals(java.util.Set.of("c2", "c3"), new java.util.HashSet<>(s.connections()));
    assertTrue(s.removeConnection("c3"));
    assertEquals(java.util.List.of("c2"), s.connections());
    assertTrue(s.removeConnection("c2"));
    assertFalse(s.hasConnections());
    assertFalse(s.removeConnection("c2"));
  }

  @Test
  @DisplayName(
      "generated sequences of holds, detaches, resumes and sweeps: a sweep ends exactly the sessions"
          + " detached for their whole TTL or grace, never one a connection holds")
  void generatedSweeps() {
    java.util.Random random = new java.util.Random(22);
    for (int run = 0; run < 200; run++) {
      PageSessions sessions = new PageSessions(1_000, 1_000, 8, 60_000, 5_000);
      java.util.Map<String, Long> detachedUntil = new java.util.HashMap<>(); // the model: id → end
      java.util.Set<String> held = new java.util.HashSet<>();
      long now = 0;
      for (int step = 0; step < 60; step++) {
        String id = "s" + random.nextInt(12);
        now += random.nextInt(20_000);
        boolean live = held.contains(id) || detachedUntil.containsKey(id);
        switch (random.nextInt(4)) {
          case 0 -> {
            if (!live) {
              add(sessions, session(id), "c-" + id);
              held.add(id);
            }
          }
          case 1 -> {
            if (held.remove(id)) {
              boolean bye = random.nextBoolean();
              sessions.detached(id, "c-" + id, bye, now);
              detachedUntil.put(id, now + (bye ? 5_000 : 60_000));
            }
          }
          case 2 -> {
            if (detachedUntil.remove(id) != null) {
              assertTrue(sessions.resume("resume-" + id, "acme", "c-" + id, now).isPresent());
              held.add(id);
            }
          }
          default -> {
            long at = now;
            java.util.Set<String> due = new java.util.TreeSet<>();
            detachedUntil.forEach((k, end) -> {
              if (end <= at) {
                due.add(k);
              }
            });
            java.util.Set<String> ended = new java.util.TreeSet<>();
            sessions.expire(now).forEach(ps -> ended.add(ps.id));
            assertEquals(due, ended, "run " + run + ", step " + step);
            due.forEach(detachedUntil::remove);
          }
        }
        for (String h : held) {
          assertTrue(sessions.isConnected(h), "held " + h);
        }
        assertEquals(held.size() + detachedUntil.size(), sessions.size(), "live sessions");
      }
    }
  }
}
