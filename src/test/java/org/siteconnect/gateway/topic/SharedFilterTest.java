package org.siteconnect.gateway.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.siteconnect.gateway.topic.TopicSyntaxTest.assertRule;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code $share/<group>/<filter>} (MQTT 5 §4.8.2; DESIGN §3.3). */
class SharedFilterTest {

  @DisplayName("a shared subscription is '$share/', a group and a filter")
  @ParameterizedTest(name = "\"{0}\" → group \"{1}\", filter \"{2}\"")
  @CsvSource(delimiter = '|', textBlock = """
      $share/g/a/b        | g        | a/b
      $share/workers/#    | workers  | #
      $share/g/+/x        | g        | +/x
      $share/g//          | g        | /
      $share/g/$share/x   | g        | $share/x
      """)
  void valid(String raw, String group, String filter) {
    SharedFilter shared = SharedFilter.parse(raw, TopicLimits.DEFAULT);
    assertEquals(group, shared.group());
    assertEquals(filter, shared.filter().value());
    assertEquals(raw, shared.toString());
  }

  @DisplayName("a missing prefix, group or filter, or a group with '/', '+', '#' is rule bad-share")
  @ParameterizedTest(name = "\"{0}\" is bad-share")
  @ValueSource(
      strings = {
        "$share/",
        "$share//a",
        "$share/g",
        "$share/g/",
        "share/g/a",
        "$SHARE/g/a",
        "$share/g+/a",
        "$share/#/a",
        "$share/+/a",
        "$share/a\u0000b/x",
        "$share/\uD800/x"
      })
  void invalid(String raw) {
    assertRule("bad-share", () -> SharedFilter.parse(raw, TopicLimits.DEFAULT));
  }

  @Test
  @DisplayName("an invalid filter inside a shared subscription reports the filter's rule")
  void invalidInnerFilter() {
    assertRule("wildcard-not-whole-level", () -> SharedFilter.parse("$share/g/a+"));
    assertRule("hash-not-last", () -> SharedFilter.parse("$share/g/#/a"));
    assertRule("bad-share", () -> SharedFilter.parse(null));
  }

  @Test
  @DisplayName("isShared looks only at the '$share/' prefix and accepts null")
  void isShared() {
    assertTrue(SharedFilter.isShared("$share/g/a"));
    assertTrue(SharedFilter.isShared("$share/"));
    assertFalse(SharedFilter.isShared("$sharex/g/a"));
    assertFalse(SharedFilter.isShared("$share"));
    assertFalse(SharedFilter.isShared("a/$share/g"));
    assertFalse(SharedFilter.isShared(null));
  }

  @Test
  @DisplayName("the record constructor checks the group too")
  void constructorChecksGroup() {
    TopicFilter filter = TopicFilter.parse("a");
    assertRule("bad-share", () -> new SharedFilter("a/b", filter));
    assertRule("bad-share", () -> new SharedFilter("", filter));
    assertEquals("$share/\uD83D\uDE00/a", new SharedFilter("\uD83D\uDE00", filter).toString());
  }
}
