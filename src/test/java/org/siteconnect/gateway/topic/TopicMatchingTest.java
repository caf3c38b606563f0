package org.siteconnect.gateway.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Filter-against-topic vectors, mosquitto style, run against both {@link TopicFilter#matches} and
 * {@link SubscriptionIndex} (and, for names, {@link RetainedStore#match}).
 */
class TopicMatchingTest {

  @DisplayName("MQTT 3.1.1 §4.7 matching, with the '$'/'~' first-level rule")
  @ParameterizedTest(name = "\"{0}\" matches \"{1}\": {2}")
  @CsvSource(delimiter = '|', textBlock = """
      foo/#          | foo              | true
      foo/#          | foo/bar          | true
      foo/#          | foo/bar/baz      | true
      foo/#          | foo/             | true
      foo/#          | fo               | false
      foo/#          | foobar           | false
      foo/#          | bar/foo          | false
      foo/bar/#      | foo              | false
      '#'              | foo              | true
      '#'              | foo/bar          | true
      '#'              | /                | true
      '#'              | $SYS/x           | false
      '#'              | $                | false
      '#'              | ~/x              | false
      '#'              | ~pagesession/x   | false
      +              | $SYS             | false
      +/x            | ~/x              | false
      +/x            | $SYS/x           | false
      +/#            | $SYS             | false
      +/#            | foo              | true
      $SYS/#         | $SYS/x           | true
      $SYS/#         | $SYS             | true
      $SYS/+         | $SYS/x           | true
      ~pagesession/# | ~pagesession/x   | true
      ~/+            | ~/x              | true
      a/+            | a/$SYS           | true
      a/#            | a/~              | true
      foo/+/+/baz    | foo///baz        | true
      foo/+/baz      | foo/bar/baz      | true
      foo/+/baz      | foo/bar/bar      | false
      foo/+/baz      | foo/baz          | false
      foo/+          | foo              | false
      foo/+          | foo/             | true
      foo/+          | foo/bar/baz      | false
      +              | foo              | true
      +              | /                | false
      +/+            | /                | true
      /+             | /                | true
      +/+            | a/b              | true
      +/+/+          | a/b              | false
      /#             | /                | true
      /#             | foo              | false
      a/+/#          | a/b              | true
      a/+/#          | a                | false
      a/b/#          | a/b              | true
      a/b            | a/b              | true
      a/b            | A/b              | false
      a/b            | a/b/             | false
      a/b            | /a/b             | false
      a//b           | a//b             | true
      a//b           | a/b              | false
      /              | /                | true
      //             | //               | true
      //             | /                | false
      """)
  void matching(String filter, String topic, boolean expected) {
    TopicFilter parsedFilter = TopicFilter.parse(filter);
    TopicName parsedTopic = TopicName.parse(topic);
    assertEquals(expected, parsedFilter.matches(parsedTopic), "TopicFilter.matches");

    SubscriptionIndex<String> index = new SubscriptionIndex<>();
    index.subscribe(filter, "s");
    assertEquals(expected, index.match(parsedTopic).contains("s"), "SubscriptionIndex.match");

    RetainedStore<String> retained = new RetainedStore<>(10, 100);
    retained.put(parsedTopic, "payload", 7);
    int[] found = {0};
    retained.match(parsedFilter, (name, payload) -> found[0]++);
    assertEquals(expected ? 1 : 0, found[0], "RetainedStore.match");
  }
}
