package org.siteconnect.gateway.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 22: a page's subscriptions as two small arrays instead of a hash map. */
class PageSubscriptionsTest {

  @Test
  @DisplayName(
      "ids map to filters; several ids may share one filter, which stays in use until the last goes")
  void idsAndFilters() {
    PageSubscriptions subs = new PageSubscriptions();
    for (int i = 0; i < 12; i++) { // past the first capacity (5) twice
      subs.put("s" + i, i < 2 ? "a" : "f" + i);
    }
    assertEquals(12, subs.size());
    assertTrue(subs.containsId("s7"));
    assertFalse(subs.containsId("s12"));
    assertEquals("a", subs.remove("s0"));
    assertTrue(subs.containsFilter("a"), "s1 still uses it");
    assertNull(subs.remove("s0"));
    assertEquals("a", subs.remove("s1"));
    assertFalse(subs.containsFilter("a"));
    assertEquals("f11", subs.remove("s11"));
    assertEquals(9, subs.size());
    for (int i = 2; i < 11; i++) {
      assertTrue(subs.containsId("s" + i), "s" + i);
      assertTrue(subs.containsFilter("f" + i), "f" + i);
    }
    assertEquals(9, subs.filters().size());
  }

  @Test
  @DisplayName(
      "filters() lists each filter once; short ids are shared between pages, long ones kept as given")
  void distinctFiltersAndSharedIds() {
    PageSubscriptions one = new PageSubscriptions();
    PageSubscriptions two = new PageSubscriptions();
    one.put(new String("1"), "x");
    one.put("2", "x");
    one.put("3", "y");
    assertEquals(Set.of("x", "y"), one.filters());
    two.put(new String("1"), "x");
    assertSame(idOf(one, "1"), idOf(two, "1"));
    String longId = "i".repeat(PageSubscriptions.SHARED_ID_MAX + 1);
    one.put(new String(longId), "z");
    two.put(new String(longId), "z");
    assertNotSame(idOf(one, longId), idOf(two, longId));
    assertEquals(List.of(true, true), List.of(one.containsId(longId), two.containsId(longId)));
  }

  /** The id object a page keeps (its array is private: read by reflection). */
  private static String idOf(PageSubscriptions subs, String id) {
    try {
      var f = PageSubscriptions.class.getDeclaredField("ids");
      f.setAccessible(true);
      for (String s : (String[]) f.get(subs)) {
        if (id.equals(s)) {
          return s;
        }
      }
      return null;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
