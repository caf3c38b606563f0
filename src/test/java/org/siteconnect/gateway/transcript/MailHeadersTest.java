package org.siteconnect.gateway.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
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
}
