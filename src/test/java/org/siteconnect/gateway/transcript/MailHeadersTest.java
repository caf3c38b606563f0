package org.siteconnect.gateway.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MailHeadersTest {
  @Test
  @DisplayName(
      "addresses with CR, LF, a second address or a display name are refused; plain ones are kept")
  void addresses() {
    assertEquals("ann@example.org", MailHeaders.address("  ann@example.org "));
    for (String bad : List.of(
        "ann@example.org\r\nBcc: eve@evil.test",
        "ann@example.org\nX: y",
        "ann@example.org, eve@evil.test",
        "Ann <ann@example.org>",
        "ann@localhost",
        "ann@@example.org",
        "a".repeat(65) + "@example.org",
        "")) {
      assertNull(MailHeaders.address(bad), bad);
    }
    assertNull(MailHeaders.address(42));
  }

  @Test
  @DisplayName(
      "header text: CR, LF, TAB and Unicode line separators become one space; cut at 150 characters")
  void text() {
    assertEquals("Eve Bcc: eve@evil.test", MailHeaders.text("Eve\r\nBcc: eve@evil.test"));
    assertEquals("a b c", MailHeaders.text("a\u2028b\tc\u0085"));
    assertEquals(150, MailHeaders.text("x".repeat(500)).length());
    assertEquals("", MailHeaders.text(null));
  }

  @Test
  @DisplayName(
      "limits: per chat in all, per visitor and per address per hour; a burst from many threads passes the lock as many times as allowed")
  void limits() throws Exception {
    SendLimiter limiter = new SendLimiter(2, 3, 3);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Callable<String>> burst = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      burst.add(() -> {
        synchronized (limiter) { // the verticle's event loop serialises calls the same way
          return limiter.take("chat-1", "sid-1", "Ann@Example.org", 1_000);
        }
      });
    }
    int allowed = 0;
    for (Future<String> f : pool.invokeAll(burst)) {
      if (f.get() == null) {
        allowed++;
      }
    }
    pool.shutdown();
    assertEquals(2, allowed);
    assertNull(limiter.take("chat-2", "sid-1", "b@example.org", 2_000)); // sid-1's 3rd of the hour
    assertEquals("visitor", limiter.take("chat-3", "sid-1", "c@example.org", 2_500));
    assertNull(limiter.take("chat-4", "sid-2", "ANN@example.org", 3_000)); // ann's 3rd of the hour
    assertEquals("address", limiter.take("chat-5", "sid-3", "ann@example.org", 3_500));
    assertNull(limiter.take("chat-5", "sid-3", "ann@example.org", 3_600_000L + 3_001));
  }
}
