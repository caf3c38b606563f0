package org.siteconnect.gateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonSizeTest {

  @Test
  void countsWhatTheEncoderWritesForEveryKindOfValue() {
    JsonObject o = new JsonObject()
        .put("s", "plain")
        .put("quote", "say \"hi\" \\ back")
        .put("controls", "a\nb\tc\rd\be\ff\u0001g\u001f")
        .put("latin", "café ünï")
        .put("cjk", "漢字かな")
        .put("emoji", "ok 😀 👍🏽")
        .put("del", "\u007f")
        .put("i", 42)
        .put("neg", -7L)
        .put("big", new BigInteger("123456789012345678901234567890"))
        .put("d", 3.25)
        .put("exp", 1.0e-12)
        .put("f", 2.5f)
        .put("dec", new BigDecimal("1.500"))
        .put("t", true)
        .put("fa", false)
        .putNull("n")
        .put("empty", new JsonObject())
        .put("none", new JsonArray())
        .put(
            "nested",
            new JsonArray()
                .add(1)
                .add("x")
                .add(new JsonObject().put("k\"ey", new JsonArray().add(null))))
        .put("bytes", new byte[] {1, 2, 3, 4, 5});
    assertEquals(o.toBuffer().length(), JsonSize.of(o));
  }

  @Test
  void countsParsedFramesExactly() {
    Random random = new Random(3);
    for (int round = 0; round < 500; round++) {
      JsonObject frame = new JsonObject()
          .put("type", "send")
          .put("address", "sc.in")
          .put("body", randomObject(random, 3));
      // the bridge measures what it parsed from the socket, so measure a parsed copy too
      JsonObject parsed = new JsonObject(Buffer.buffer(frame.encode()));
      assertEquals(frame.toBuffer().length(), JsonSize.of(frame), frame::encode);
      assertEquals(parsed.toBuffer().length(), JsonSize.of(parsed), parsed::encode);
    }
  }

  @Test
  void exceedsIsTrueOnlyPastTheLimit() {
    JsonObject o = new JsonObject().put("op", "pub").put("payload", "x".repeat(1000));
    int size = o.toBuffer().length();
    assertFalse(JsonSize.exceeds(o, size));
    assertTrue(JsonSize.exceeds(o, size - 1));
    assertTrue(JsonSize.exceeds(
        new JsonObject().put("a", new JsonArray().add("y".repeat(70_000)).add(1)), 65_536));
  }

  private static JsonObject randomObject(Random random, int depth) {
    JsonObject o = new JsonObject();
    int n = random.nextInt(6);
    for (int i = 0; i < n; i++) {
      o.put(randomString(random), randomValue(random, depth));
    }
    return o;
  }

  private static Object randomValue(Random random, int depth) {
    int kind = random.nextInt(depth > 0 ? 8 : 6);
    return switch (kind) {
      case 0 -> randomString(random);
      case 1 -> random.nextInt();
      case 2 -> random.nextLong();
      case 3 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
      case 4 -> random.nextBoolean();
      case 5 -> null;
      case 6 -> randomObject(random, depth - 1);
      default -> {
        JsonArray a = new JsonArray();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          a.add(randomValue(random, depth - 1));
        }
        yield a;
      }
    };
  }

  private static String randomString(Random random) {
    String alphabet = "ab \"\\/\n\t\u0000\u001f\u007féß€漢😀";
    StringBuilder sb = new StringBuilder();
    int n = random.nextInt(12);
    for (int i = 0; i < n; i++) {
      int at = random.nextInt(alphabet.length());
      char c = alphabet.charAt(at);
      sb.append(c);
      if (Character.isHighSurrogate(c)) {
        sb.append(alphabet.charAt(at + 1));
      }
    }
    return sb.toString();
  }
}
