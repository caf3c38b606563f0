package org.siteconnect.gateway.session;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PageSessionsTest {
  private static PageSession session(String id) {
    return new PageSession(id, "acme", "resume-" + id, "handle-" + id, "123456", 0);
  }

  @Test
  @DisplayName("a detached session ends after the idle TTL, a session left with bye after the short grace")
  void expiry() {
    PageSessions sessions = new PageSessions(10, 60_000, 5_000);
    sessions.add(session("a"), "c-a");
    sessions.add(session("b"), "c-b");
    sessions.detached("a", "c-a", false, 0);
    sessions.detached("b", "c-b", true, 0);
    assertEquals(1, sessions.expire(5_000).size());
    assertEquals("a", sessions.expire(60_000).get(0).id);
  }

  @Test
  @DisplayName("a reconnect seen before the old connection's close keeps the session alive")
  void reconnectBeforeClose() {
    PageSessions sessions = new PageSessions(10, 60_000, 5_000);
    sessions.add(session("a"), "c-a");
    assertTrue(sessions.resume("resume-a", "acme", "c-a2").isPresent());
    sessions.detached("a", "c-a", false, 0); // the old connection's close arrives late
    assertTrue(sessions.expire(Long.MAX_VALUE - 1).isEmpty());
  }

  @Test
  @DisplayName("a session taken over by a new leader lives while a router re-asserts it, else ends after the TTL")
  void takeOver() {
    PageSessions sessions = new PageSessions(10, 60_000, 5_000);
    sessions.takeOver(session("a"), 0);
    sessions.takeOver(session("b"), 0);
    assertTrue(sessions.reattach("a", "c-a"));
    assertTrue(sessions.reattach("a", "c-a")); // re-asserted twice: still one connection
    var ended = sessions.expire(60_000);
    assertEquals(1, ended.size());
    assertEquals("b", ended.get(0).id);
    sessions.detached("a", "c-a", false, 60_000);
    assertEquals("a", sessions.expire(120_000).get(0).id);
  }

  @Test
  @DisplayName("resume needs the same site; the cap counts live sessions")
  void resumeAndCap() {
    PageSessions sessions = new PageSessions(1, 60_000, 5_000);
    sessions.add(session("a"), "c-a");
    assertTrue(sessions.atCapacity());
    assertTrue(sessions.resume("resume-a", "other", "c").isEmpty());
    assertTrue(sessions.resume("nope", "acme", "c").isEmpty());
  }
}
