package org.siteconnect.gateway.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which strings are topic names and topic filters (MQTT 3.1.1 §4.7, §1.5.3; DESIGN §3.1). */
class TopicSyntaxTest {

  private static final String EURO = "\u20ac"; // 3 UTF-8 bytes
  private static final String E_ACUTE = "\u00e9"; // 2 UTF-8 bytes
  private static final String GRINNING_FACE = "\uD83D\uDE00"; // a surrogate pair, 4 UTF-8 bytes

  @DisplayName("valid filters are accepted with their levels and wildcard flag")
  @ParameterizedTest(name = "\"{0}\" has {1} levels, wildcard={2}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      "#"              | 1 | true
      +              | 1 | true
      foo/#          | 2 | true
      +/+            | 2 | true
      foo/+/+/baz    | 4 | true
      $SYS/#         | 2 | true
      +/#            | 2 | true
      /+/            | 3 | true
      /              | 2 | false
      //             | 3 | false
      a//b           | 3 | false
      ~/x            | 2 | false
      "foo bar/ b "  | 2 | false
      """)
  void validFilters(String raw, int depth, boolean wildcard) {
    TopicFilter filter = TopicFilter.parse(raw);
    assertEquals(raw, filter.value());
    assertEquals(depth, filter.depth());
    assertEquals(wildcard, filter.hasWildcard());
  }

  @DisplayName("a wildcard must fill a whole level and '#' must be last")
  @ParameterizedTest(name = "\"{0}\" is rejected by rule {1}")
  @CsvSource(delimiter = '|', textBlock = """
      foo+      | wildcard-not-whole-level
      fo#o      | wildcard-not-whole-level
      foo/#bar  | wildcard-not-whole-level
      '#a'        | wildcard-not-whole-level
      a+        | wildcard-not-whole-level
      +a/b      | wildcard-not-whole-level
      a/b+      | wildcard-not-whole-level
      ++        | wildcard-not-whole-level
      '##'        | wildcard-not-whole-level
      a/+b/c    | wildcard-not-whole-level
      a/#/b     | hash-not-last
      '#/'        | hash-not-last
      '#/#'       | hash-not-last
      +/#/+     | hash-not-last
      """)
  void invalidFilters(String raw, String rule) {
    assertRule(rule, () -> TopicFilter.parse(raw));
  }

  @DisplayName("a topic name never contains '+' or '#'")
  @ParameterizedTest(name = "\"{0}\" is not a topic name")
  @ValueSource(strings = {"+", "#", "a/+", "a/#", "+/a", "foo+bar", "a#", "$SYS/#"})
  void wildcardsInNames(String raw) {
    assertRule("wildcard-in-name", () -> TopicName.parse(raw));
  }

  @DisplayName("valid names are accepted with their levels; empty levels are legal")
  @ParameterizedTest(name = "\"{0}\" has {1} levels")
  @CsvSource(delimiter = '|', textBlock = """
      a          | 1
      a/b/c      | 3
      /          | 2
      //         | 3
      a//b       | 3
      /a         | 2
      a/         | 2
      $SYS/x     | 2
      ~/x        | 2
      """)
  void validNames(String raw, int depth) {
    TopicName name = TopicName.parse(raw);
    assertEquals(raw, name.value());
    assertEquals(depth, name.depth());
  }

  static Stream<Arguments> badCharacters() {
    return Stream.of(
        Arguments.of("U+0000 alone", "\u0000", "null-char"),
        Arguments.of("U+0000 inside a level", "a/b\u0000c", "null-char"),
        Arguments.of("a lone high surrogate", "a/\uD800", "invalid-utf16"),
        Arguments.of("a lone low surrogate", "\uDC00/a", "invalid-utf16"),
        Arguments.of("a high surrogate before a non-surrogate", "\uD83Dx", "invalid-utf16"),
        Arguments.of("surrogates in the wrong order", "\uDE00\uD83D", "invalid-utf16"),
        Arguments.of("the empty string", "", "empty"),
        Arguments.of("null", null, "empty"));
  }

  @DisplayName("U+0000, lone surrogates, the empty string and null are neither names nor filters")
  @ParameterizedTest(name = "{0} is rejected by rule {2}")
  @MethodSource("badCharacters")
  void badCharactersAreRejected(String description, String raw, String rule) {
    assertRule(rule, () -> TopicName.parse(raw));
    assertRule(rule, () -> TopicFilter.parse(raw));
  }

  static Stream<Arguments> lengths() {
    return Stream.of(
        Arguments.of("65,535 ASCII bytes", "a".repeat(65_535), true),
        Arguments.of("65,536 ASCII bytes", "a".repeat(65_536), false),
        Arguments.of("65,535 bytes of 2-byte chars plus one", E_ACUTE.repeat(32_767) + "a", true),
        Arguments.of("65,536 bytes of 2-byte chars", E_ACUTE.repeat(32_768), false),
        Arguments.of("65,535 bytes of 3-byte chars", EURO.repeat(21_845), true),
        Arguments.of("65,536 bytes of 3-byte chars plus one", EURO.repeat(21_845) + "a", false),
        Arguments.of(
            "65,535 bytes of surrogate pairs plus three",
            GRINNING_FACE.repeat(16_383) + "abc",
            true),
        Arguments.of(
            "65,536 bytes of surrogate pairs plus four",
            GRINNING_FACE.repeat(16_383) + "abcd",
            false),
        Arguments.of("32 levels", "a/".repeat(31) + "a", true),
        Arguments.of("32 empty levels", "/".repeat(31), true),
        Arguments.of("33 levels", "a/".repeat(32) + "a", false),
        Arguments.of("33 empty levels", "/".repeat(32), false));
  }

  @DisplayName("the default limits are 65,535 UTF-8 bytes and 32 levels, for names and filters")
  @ParameterizedTest(name = "{0}: accepted={2}")
  @MethodSource("lengths")
  void defaultLimits(String description, String raw, boolean accepted) {
    if (accepted) {
      assertEquals(raw, TopicName.parse(raw).value());
      assertEquals(raw, TopicFilter.parse(raw).value());
    } else {
      String rule = raw.indexOf('/') >= 0 ? "too-deep" : "too-long";
      assertRule(rule, () -> TopicName.parse(raw));
      assertRule(rule, () -> TopicFilter.parse(raw));
    }
  }

  @DisplayName("custom limits are applied in UTF-8 bytes and levels")
  @ParameterizedTest(name = "\"{0}\" under 4 bytes / 2 levels → {1}")
  @CsvSource(delimiter = '|', textBlock = """
      abcd       | ok
      abcde      | too-long
      a\u00e9c   | ok
      ab\u00e9c  | too-long
      a/b        | ok
      a/b/       | too-deep
      """)
  void customLimits(String raw, String outcome) {
    TopicLimits limits = new TopicLimits(4, 2);
    if (outcome.equals("ok")) {
      assertEquals(raw, TopicName.parse(raw, limits).value());
    } else {
      assertRule(outcome, () -> TopicName.parse(raw, limits));
    }
  }

  @Test
  @DisplayName("the rejection message names the rule and the spec clause")
  void messageNamesTheRule() {
    InvalidTopicException e =
        assertThrows(InvalidTopicException.class, () -> TopicFilter.parse("a/#/b"));
    assertEquals("hash-not-last", e.rule());
    assertTrue(
        e.getMessage().startsWith("'#' must be the last level (MQTT-4.7.1-2)"), e.getMessage());
    assertTrue(e.getMessage().contains("'a/#/b'"), e.getMessage());
  }

  @Test
  @DisplayName("the rejection message masks control characters and shortens long input")
  void messageIsSafeToLog() {
    InvalidTopicException e = assertThrows(
        InvalidTopicException.class, () -> TopicName.parse("evil\n\u0000" + "x".repeat(100)));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().length() < 200, e.getMessage());
  }

  @Test
  @DisplayName("levels are split on '/' and kept verbatim, empty ones included")
  void levels() {
    TopicName name = TopicName.parse("a//b/");
    assertEquals(4, name.depth());
    assertEquals("a", name.level(0));
    assertEquals("", name.level(1));
    assertEquals("b", name.level(2));
    assertEquals("", name.level(3));
    TopicFilter filter = TopicFilter.parse("+/x/#");
    assertEquals("+", filter.level(0));
    assertEquals("#", filter.level(2));
  }

  @DisplayName("a topic is reserved if its first level starts with '$' or '~'")
  @ParameterizedTest(name = "\"{0}\" reserved={1}")
  @CsvSource(delimiter = '|', textBlock = """
      $SYS/x          | true
      $               | true
      ~/x             | true
      ~pagesession/x  | true
      a/$x            | false
      a/~             | false
      /$SYS           | false
      x$              | false
      """)
  void reserved(String raw, boolean reserved) {
    assertEquals(reserved, TopicName.parse(raw).isReserved());
  }

  @Test
  @DisplayName("names are compared verbatim: no normalisation, case-sensitive (MQTT-4.7.3-4)")
  void noNormalisation() {
    TopicName composed = TopicName.parse("caf\u00e9");
    TopicName decomposed = TopicName.parse("cafe\u0301");
    assertNotEquals(composed, decomposed);
    assertFalse(TopicFilter.parse("caf\u00e9").matches(decomposed));
    assertNotEquals(TopicName.parse("A"), TopicName.parse("a"));
    assertEquals(TopicName.parse("a/b"), TopicName.parse("a/b"));
    assertEquals(TopicName.parse("a/b").hashCode(), TopicName.parse("a/b").hashCode());
    assertEquals("a/+", TopicFilter.parse("a/+").toString());
    assertEquals(TopicFilter.parse("a/+"), TopicFilter.parse("a/+"));
  }

  @Test
  @DisplayName("limits must be positive")
  void limitsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new TopicLimits(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new TopicLimits(1, 0));
  }

  static InvalidTopicException assertRule(
      String rule, org.junit.jupiter.api.function.Executable parse) {
    InvalidTopicException e = assertThrows(InvalidTopicException.class, parse);
    assertEquals(rule, e.rule(), e.getMessage());
    return e;
  }

  @Test
  @DisplayName(
      "a filter's levels are shared with every other filter's equal levels (interned); a topic name's are not")
  void filterLevelsShared() {
    TopicFilter a = TopicFilter.parse("$sites/" + new String("acme") + "/chat_button/+");
    TopicFilter b = TopicFilter.parse(new StringBuilder("$sites/acme/other/#").toString());
    org.junit.jupiter.api.Assertions.assertSame(a.level(1), b.level(1));
    org.junit.jupiter.api.Assertions.assertSame(a.level(0), b.level(0));
    org.junit.jupiter.api.Assertions.assertSame("+", a.level(3));
    assertEquals(4, a.depth());
    TopicName n1 = TopicName.parse(new String("x/acme"));
    TopicName n2 = TopicName.parse(new String("y/acme"));
    org.junit.jupiter.api.Assertions.assertNotSame(n1.level(1), n2.level(1));
    assertTrue(a.matches(TopicName.parse("$sites/acme/chat_button/x")));
  }
}
