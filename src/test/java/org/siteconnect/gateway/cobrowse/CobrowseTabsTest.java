package org.siteconnect.gateway.cobrowse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The visitor's tabs in a co-browse, and the tab reports the agent gets. */
class CobrowseTabsTest {
  @Test
  @DisplayName(
      "only the current tab's batches are relayed; a full snapshot from another tab makes it the current one")
  void relayFollowsTheFullSnapshot() {
    CobrowseTabs t = new CobrowseTabs("a", "ticket");
    assertTrue(t.relay("a", false));
    assertFalse(t.relay("x", true), "a session that did not join is never relayed");
    assertTrue(t.join("b"));
    assertFalse(t.join("b"), "joins once");
    assertFalse(t.relay("b", false), "a late batch of a tab that is not current");
    assertTrue(t.relay("b", true));
    assertEquals("b", t.current());
    assertFalse(t.relay("a", false));
    assertEquals(2, t.index("b"));
    assertEquals(2, t.size());
  }

  @Test
  @DisplayName(
      "a tab leaving: the others go on, the next full snapshot is the current tab; the last one ends it")
  void leaving() {
    CobrowseTabs t = new CobrowseTabs("a", "ticket");
    t.join("b");
    t.relay("b", true);
    assertFalse(t.leave("b"));
    assertEquals("a", t.current(), "pointer and resync go to a tab that is still there");
    assertFalse(t.relay("a", false), "until it records again (a full snapshot)");
    assertTrue(t.relay("a", true));
    assertTrue(t.leave("a"));
    assertNull(t.current());
  }

  @Test
  @DisplayName("tab reports: a bad tab id is dropped, the title is cut, flags are booleans")
  void tabReport() {
    assertNull(TabReport.clean(new JsonObject().put("tab", "bad id!"), 1));
    assertNull(TabReport.clean(new JsonObject().put("tab", 42), 1));
    assertNull(TabReport.clean("text", 1));
    JsonObject r = TabReport.clean(
        new JsonObject()
            .put("tab", "t1")
            .put("title", "x".repeat(500))
            .put("visible", "yes")
            .put("focused", true)
            .put("extra", "dropped"),
        7);
    assertEquals(TabReport.MAX_TITLE, r.getString("title").length());
    assertFalse(r.getBoolean("visible"));
    assertTrue(r.getBoolean("focused"));
    assertEquals(7L, r.getLong("at"));
    assertFalse(r.containsKey("extra"));
  }
}
