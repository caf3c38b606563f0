package org.siteconnect.gateway.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.siteconnect.gateway.topic.TopicSyntaxTest.assertRule;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Page topics ⇄ server topics (DESIGN §3.2). */
class ScopedTopicsTest {

  private static final String SID = "S1_x-Y";

  @DisplayName("'~pagesession' becomes 'pagesession/<sid>'; other accepted topics pass unchanged")
  @ParameterizedTest(name = "\"{0}\" → \"{1}\"")
  @CsvSource(delimiter = '|', textBlock = """
      ~pagesession             | pagesession/S1_x-Y
      ~pagesession/x/y         | pagesession/S1_x-Y/x/y
      ~pagesession/            | pagesession/S1_x-Y/
      ~pagesession/#           | pagesession/S1_x-Y/#
      ~pagesession/+/a         | pagesession/S1_x-Y/+/a
      ~pagesession/chat/trigger| pagesession/S1_x-Y/chat/trigger
      $sys/x                   | $sys/x
      global/topic             | global/topic
      '#'                      | '#'
      +/x                      | +/x
      pagesessionx/a           | pagesessionx/a
      a/~pagesession           | a/~pagesession
      """)
  void toServer(String page, String server) {
    assertEquals(server, ScopedTopics.toServer(page, SID));
  }

  @DisplayName("local, unknown and reserved scopes are rejected with their rule")
  @ParameterizedTest(name = "\"{0}\" is rejected by rule {1}")
  @CsvSource(delimiter = '|', textBlock = """
      ~                     | local-topic
      ~/x                   | local-topic
      ~/site_connect/ready  | local-topic
      ~/#                   | local-topic
      ~other/x              | unknown-scope
      ~pagesessionx         | unknown-scope
      ~PageSession/x        | unknown-scope
      pagesession/S1_x-Y/x  | reserved-scope
      pagesession/other/x   | reserved-scope
      pagesession           | reserved-scope
      $share/g/x            | reserved-scope
      ''                    | empty
      """)
  void rejected(String page, String rule) {
    assertRule(rule, () -> ScopedTopics.toServer(page, SID));
  }

  @Test
  @DisplayName("the messages say why: local topics stay in the page, unknown scopes are named")
  void messages() {
    assertTrue(assertRule("local-topic", () -> ScopedTopics.toServer("~/x", SID))
        .getMessage()
        .startsWith("'~/' topics stay in the page and are never accepted by the server"));
    assertTrue(assertRule("unknown-scope", () -> ScopedTopics.toServer("~other/x", SID))
        .getMessage()
        .contains("'~other'"));
    assertRule("empty", () -> ScopedTopics.toServer(null, SID));
  }

  @DisplayName(
      "the page sees its own session topics as '~pagesession/…'; everything else is unchanged")
  @ParameterizedTest(name = "\"{0}\" → \"{1}\"")
  @CsvSource(delimiter = '|', textBlock = """
      pagesession/S1_x-Y        | ~pagesession
      pagesession/S1_x-Y/       | ~pagesession/
      pagesession/S1_x-Y/x/y    | ~pagesession/x/y
      pagesession/S1_x-Y2/x     | pagesession/S1_x-Y2/x
      pagesession/S1_x-/x       | pagesession/S1_x-/x
      pagesession/other/x       | pagesession/other/x
      pagesession               | pagesession
      pagesessionS1_x-Y/x       | pagesessionS1_x-Y/x
      $sys/x                    | $sys/x
      global                    | global
      """)
  void toPage(String server, String page) {
    assertEquals(page, ScopedTopics.toPage(server, SID));
  }

  @DisplayName("session topics round-trip page → server → page")
  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {"~pagesession", "~pagesession/", "~pagesession/cobrowsing/stop", "~pagesession/#"})
  void roundTrip(String page) {
    assertEquals(page, ScopedTopics.toPage(ScopedTopics.toServer(page, SID), SID));
  }

  @DisplayName("isSessionTopic recognises the page-session scope in page and server form")
  @ParameterizedTest(name = "\"{0}\" → {1}")
  @CsvSource(delimiter = '|', textBlock = """
      ~pagesession          | true
      ~pagesession/x        | true
      pagesession/S1/x      | true
      pagesession           | true
      ~/x                   | false
      pagesessionx/a        | false
      a/pagesession         | false
      """)
  void isSessionTopic(String topic, boolean expected) {
    assertEquals(expected, ScopedTopics.isSessionTopic(topic));
  }

  @DisplayName("a malformed session id is a caller bug")
  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", "a/b", "a+b", "a b", "#"})
  void badSessionId(String sessionId) {
    assertThrows(
        IllegalArgumentException.class, () -> ScopedTopics.toServer("~pagesession/x", sessionId));
    assertThrows(
        IllegalArgumentException.class, () -> ScopedTopics.toPage("pagesession/x", sessionId));
  }
}
