package org.siteconnect.gateway.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.siteconnect.gateway.topic.TopicSyntaxTest.assertRule;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ACL containment and grants (DESIGN §3.2). */
class AclTest {

  @DisplayName(
      "containment on levels: '#' covers the rest, '+' one non-'#' level, literals only themselves")
  @ParameterizedTest(name = "\"{0}\" contains \"{1}\": {2}")
  @CsvSource(delimiter = '|', textBlock = """
      '#'      | a          | true
      '#'      | a/b/c      | true
      '#'      | '#'        | true
      '#'      | +          | true
      '#'      | +/#        | true
      '#'      | /          | true
      '#'      | $sys/x     | false
      '#'      | ~/x        | false
      '#'      | ~pagesession/x | false
      +        | $sys       | false
      +/#      | $sys/x     | false
      +/#      | a          | true
      +/#      | '#'        | false
      $sys/#   | $sys/x     | true
      $sys/#   | $sys       | true
      $sys/#   | $sys/+     | true
      $sys/#   | +/x        | false
      a/#      | a          | true
      a/#      | a/#        | true
      a/#      | a/+/c      | true
      a/#      | b          | false
      a/#      | '#'        | false
      a/+      | a/b        | true
      a/+      | a/+        | true
      a/+      | a/         | true
      a/+      | a/#        | false
      a/+      | a          | false
      a/+      | a/b/c      | false
      a/+/#    | a/#        | false
      a/b      | a/+        | false
      a/b      | a/b        | true
      a/b      | a/B        | false
      a/b      | a/b/c      | false
      a/b/c    | a/b        | false
      +/+      | a/b        | true
      +/+      | +/b        | true
      +/+      | /          | true
      +        | '#'        | false
      +        | +          | true
      """)
  void contains(String pattern, String filter, boolean expected) {
    assertEquals(expected, Acl.contains(TopicFilter.parse(pattern), TopicFilter.parse(filter)));
  }

  @Test
  @DisplayName(
      "a page may subscribe inside a subscribe grant and publish where a publish grant matches")
  void grants() {
    Acl acl = new Acl(List.of("chat/#", "news/+"), List.of("chat/+/in", "feedback"));
    assertTrue(acl.maySubscribe(TopicFilter.parse("chat/room1/out")));
    assertTrue(acl.maySubscribe(TopicFilter.parse("chat/+/out")));
    assertTrue(acl.maySubscribe(TopicFilter.parse("news/today")));
    assertFalse(acl.maySubscribe(TopicFilter.parse("news/#")));
    assertFalse(acl.maySubscribe(TopicFilter.parse("#")));
    assertFalse(acl.maySubscribe(TopicFilter.parse("other")));
    assertTrue(acl.mayPublish(TopicName.parse("chat/room1/in")));
    assertTrue(acl.mayPublish(TopicName.parse("feedback")));
    assertFalse(acl.mayPublish(TopicName.parse("chat/room1/out")));
    assertFalse(acl.mayPublish(TopicName.parse("feedback/x")));
  }

  @Test
  @DisplayName("denyAll grants nothing, not even with a '#' filter")
  void denyAll() {
    Acl acl = Acl.denyAll();
    assertFalse(acl.maySubscribe(TopicFilter.parse("#")));
    assertFalse(acl.maySubscribe(TopicFilter.parse("a")));
    assertFalse(acl.mayPublish(TopicName.parse("a")));
  }

  @Test
  @DisplayName("a '#' grant does not open '$' or '~' topics to wildcard-starting grants")
  void hashGrantKeepsReservedClosed() {
    Acl acl = new Acl(List.of("#"), List.of("#"));
    assertFalse(acl.maySubscribe(TopicFilter.parse("$sys/load")));
    assertFalse(acl.mayPublish(TopicName.parse("$sys/load")));
    assertTrue(acl.mayPublish(TopicName.parse("a/b")));
  }

  @Test
  @DisplayName(
      "an invalid grant pattern is rejected at construction, naming the pattern and the rule")
  void invalidPattern() {
    InvalidTopicException e =
        assertRule("hash-not-last", () -> new Acl(List.of("ok/#", "chat/#/x"), List.of()));
    assertTrue(e.getMessage().contains("ACL pattern"), e.getMessage());
    assertTrue(e.getMessage().contains("'chat/#/x'"), e.getMessage());
    assertRule("wildcard-not-whole-level", () -> new Acl(List.of(), List.of("a+")));
  }
}
