package org.siteconnect.gateway.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Filter-against-topic vectors, mosquitto style (one line each in src/test/resources/topic-matching.json), run
 * against both {@link TopicFilter#matches} and {@link SubscriptionIndex} (and, for names, {@link RetainedStore#match}).
 */
class TopicMatchingTest {

  /** The vectors, shared with the browser's matcher (src/test/js/topics.test.mjs): one table for both sides. */
  static Stream<Arguments> vectors() throws IOException {
    try (InputStream in = TopicMatchingTest.class.getResourceAsStream("/topic-matching.json")) {
      JsonArray table = new JsonArray(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return table.stream()
          .map(JsonObject.class::cast)
          .map(v ->
              Arguments.of(v.getString("filter"), v.getString("topic"), v.getBoolean("match")));
    }
  }

  @DisplayName(
      "MQTT 3.1.1 §4.7 matching, with the '$'/'~' first-level rule (src/test/resources/topic-matching.json)")
  @ParameterizedTest(name = "\"{0}\" matches \"{1}\": {2}")
  @MethodSource("vectors")
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
