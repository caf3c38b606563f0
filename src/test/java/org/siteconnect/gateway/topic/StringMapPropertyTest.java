package org.siteconnect.gateway.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link StringMap} behaves like {@link HashMap} under random puts and removes, including colliding keys. */
class StringMapPropertyTest {

  /** An operation: put (value != null) or remove (value == null). */
  record Op(String key, Integer value) {}

  @Provide
  Arbitrary<List<Op>> operations() {
    // "Aa" and "BB" have the same String.hashCode(), so probe runs and back-shifting get exercised
    Arbitrary<String> keys = Arbitraries.of(
        "", "a", "b", "Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa", "w1", "w2", "w3", "w4", "w5",
        "w6", "w7", "w8", "w9", "w10", "w11", "w12", "w13", "w14", "w15", "w16", "w17");
    Arbitrary<Integer> values = Arbitraries.integers().between(0, 3).injectNull(0.4);
    return net.jqwik.api.Combinators.combine(keys, values).as(Op::new).list().ofMaxSize(200);
  }

  @Label("StringMap agrees with HashMap after every put and remove")
  @Property(tries = 500, afterFailure = AfterFailureMode.RANDOM_SEED)
  void agreesWithHashMap(@ForAll("operations") List<Op> operations) {
    StringMap<Integer> map = new StringMap<>();
    Map<String, Integer> reference = new HashMap<>();
    for (Op op : operations) {
      if (op.value() == null) {
        assertEquals(
            reference.remove(op.key()) != null, map.remove(op.key()), "remove " + op.key());
      } else {
        reference.put(op.key(), op.value());
        map.put(op.key(), op.value());
      }
      assertEquals(reference.size(), map.size());
      for (String key :
          List.of("", "a", "Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa", "w1", "w9", "w17", "zz")) {
        assertEquals(reference.get(key), map.get(key), "get " + key);
      }
    }
    Map<String, Integer> copied = new HashMap<>();
    map.forEach(copied::put);
    assertEquals(reference, copied);
  }
}
