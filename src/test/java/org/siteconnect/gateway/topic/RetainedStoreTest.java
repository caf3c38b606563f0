package org.siteconnect.gateway.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Retained messages: caps, clearing, replacing and matching (MQTT 3.1.1 §3.3.1.3; DESIGN §3.2). */
class RetainedStoreTest {

  private static final List<String> RETAINED_TOPICS =
      List.of("a", "a/b", "a/b/c", "a//c", "/", "b", "$SYS/x", "~/x", "~pagesession/y");

  @Test
  @DisplayName("a stored message can be read back and is counted")
  void storeAndGet() {
    RetainedStore<String> store = new RetainedStore<>(10, 1_000);
    assertEquals(RetainedStore.Result.STORED, store.put(topic("a/b"), "hello", 5));
    assertEquals(Optional.of("hello"), store.get(topic("a/b")));
    assertEquals(Optional.empty(), store.get(topic("a")));
    assertEquals(Optional.empty(), store.get(topic("a/b/c")));
    assertEquals(1, store.count());
    assertEquals(5, store.bytes());
  }

  @Test
  @DisplayName("replacing a topic's message counts only the new size")
  void replace() {
    RetainedStore<String> store = new RetainedStore<>(10, 1_000);
    store.put(topic("a"), "short", 10);
    assertEquals(RetainedStore.Result.STORED, store.put(topic("a"), "longer", 30));
    assertEquals(Optional.of("longer"), store.get(topic("a")));
    assertEquals(1, store.count());
    assertEquals(30, store.bytes());
  }

  @Test
  @DisplayName(
      "a zero-byte payload clears the topic and is not stored (MQTT-3.3.1-10, MQTT-3.3.1-11)")
  void clear() {
    RetainedStore<String> store = new RetainedStore<>(10, 1_000);
    store.put(topic("a/b/c"), "x", 10);
    store.put(topic("a"), "y", 5);
    assertEquals(RetainedStore.Result.CLEARED, store.put(topic("a/b/c"), "", 0));
    assertEquals(Optional.empty(), store.get(topic("a/b/c")));
    assertEquals(1, store.count());
    assertEquals(5, store.bytes());
    assertEquals(RetainedStore.Result.CLEARED, store.put(topic("never/stored"), null, 0));
    assertEquals(
        RetainedStore.Result.CLEARED,
        store.put(topic("a/b"), null, 0),
        "a mere path node is not a message");
    assertEquals(1, store.count());
    store.put(topic("a"), null, 0);
    assertEquals(0, store.count());
    assertEquals(0, store.bytes());
    assertTrue(store.isEmpty(), "cleared topics leave no trie nodes");
  }

  @Test
  @DisplayName(
      "the message cap rejects a new topic and changes nothing; replacing still works at the cap")
  void countCap() {
    RetainedStore<String> store = new RetainedStore<>(2, 1_000);
    store.put(topic("a"), "1", 1);
    store.put(topic("b"), "2", 1);
    assertEquals(RetainedStore.Result.REJECTED_COUNT, store.put(topic("c"), "3", 1));
    assertEquals(Optional.empty(), store.get(topic("c")));
    assertEquals(2, store.count());
    assertEquals(2, store.bytes());
    assertEquals(RetainedStore.Result.STORED, store.put(topic("b"), "2'", 3));
    assertEquals(4, store.bytes());
  }

  @Test
  @DisplayName("the byte cap is never exceeded; a rejected replace keeps the old message")
  void byteCap() {
    RetainedStore<String> store = new RetainedStore<>(10, 100);
    store.put(topic("a"), "sixty", 60);
    assertEquals(RetainedStore.Result.REJECTED_BYTES, store.put(topic("b"), "fifty", 50));
    assertEquals(RetainedStore.Result.STORED, store.put(topic("b"), "forty", 40));
    assertEquals(100, store.bytes());
    assertEquals(RetainedStore.Result.REJECTED_BYTES, store.put(topic("a"), "sixty-one", 61));
    assertEquals(Optional.of("sixty"), store.get(topic("a")));
    assertEquals(RetainedStore.Result.STORED, store.put(topic("a"), "ten", 10));
    assertEquals(50, store.bytes());
    assertEquals(2, store.count());
  }

  @DisplayName("match finds the retained topics a filter matches, honouring the '$'/'~' rule")
  @ParameterizedTest(name = "\"{0}\" → {1}")
  @CsvSource(delimiter = '|', textBlock = """
      '#'             | a a/b a/b/c a//c / b
      a/#             | a a/b a/b/c a//c
      a/b/#           | a/b a/b/c
      +               | a b
      +/+             | a/b /
      +/b             | a/b
      a/+/c           | a/b/c a//c
      +/#             | a a/b a/b/c a//c / b
      $SYS/#          | $SYS/x
      $SYS/+          | $SYS/x
      ~pagesession/#  | ~pagesession/y
      +/x             | -
      +/y             | -
      a/b/c/d         | -
      z/#             | -
      """)
  void match(String filter, String expected) {
    RetainedStore<String> store = new RetainedStore<>(100, 10_000);
    RETAINED_TOPICS.forEach(t -> store.put(topic(t), "payload of " + t, 10));
    Set<String> found = new HashSet<>();
    store.match(TopicFilter.parse(filter), (name, payload) -> {
      assertEquals("payload of " + name.value(), payload);
      assertTrue(found.add(name.value()), "reported twice: " + name);
    });
    Set<String> want = expected.equals("-")
        ? Set.of()
        : Arrays.stream(expected.split(" ")).collect(Collectors.toSet());
    assertEquals(want, found);
  }

  private static TopicName topic(String raw) {
    return TopicName.parse(raw);
  }
}
