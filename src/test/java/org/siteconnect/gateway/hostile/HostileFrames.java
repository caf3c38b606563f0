package org.siteconnect.gateway.hostile;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generator of hostile bridge frames (issue 9): each one is something a page must not be able to do, or
 * something that is not a frame at all. {@link Hostile#mustError} says whether an error answer is required.
 */
final class HostileFrames {
  /** {@code mustError} false: the frame is not refused but must act only for its own socket (spoofed headers). */
  record Hostile(String kind, String text, boolean mustError) {}

  private final Random random;
  private final String inbound;
  private final String ownInbox;
  private final String victimInbox;

  HostileFrames(long seed, String inbound, String ownInbox, String victimInbox) {
    this.random = new Random(seed);
    this.inbound = inbound;
    this.ownInbox = ownInbox;
    this.victimInbox = victimInbox;
  }

  List<Hostile> generate(int count) {
    List<Hostile> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(next());
    }
    return out;
  }

  Hostile next() {
    return switch (random.nextInt(18)) {
      case 0 -> new Hostile("not-json", randomText(random.nextInt(40)) + "{", true);
      case 1 -> new Hostile("wrong-type-type", "{\"type\":" + random.nextInt(100) + "}", true);
      case 2 ->
        new Hostile(
            "wrong-type-address",
            "{\"type\":\"send\",\"address\":" + random.nextInt() + ",\"body\":{}}",
            true);
      case 3 -> new Hostile("unknown-type", frame("launch", inbound, new JsonObject()), true);
      case 4 ->
        new Hostile("missing-address", "{\"type\":\"send\",\"body\":{\"op\":\"bye\"}}", true);
      case 5 ->
        new Hostile(
            "overlong-address",
            frame(
                "send",
                "sc.in." + "x".repeat(200 + random.nextInt(2000)),
                new JsonObject().put("op", "sub")),
            true);
      case 6 ->
        new Hostile(
            "null-body", "{\"type\":\"send\",\"address\":\"" + inbound + "\",\"body\":null}", true);
      case 7 ->
        new Hostile(
            "spoofed-headers",
            new JsonObject()
                .put("type", "send")
                .put("address", inbound)
                .put("headers", new JsonObject().put("sc-conn", victimInbox.substring(8)))
                .put("body", new JsonObject().put("op", "pub").put("topic", "~pagesession/x"))
                .encode(),
            false);
      case 8 -> new Hostile("victim-inbox-register", frame("register", victimInbox, null), true);
      case 9 ->
        new Hostile(
            "victim-inbox-send",
            frame("send", victimInbox, new JsonObject().put("op", "msg")),
            true);
      case 10 ->
        new Hostile(
            "reply-address",
            frame("send", "__vertx.reply." + random.nextInt(1000), new JsonObject().put("x", 1)),
            true);
      case 11 ->
        new Hostile(
            "router-api",
            frame(
                "send",
                "sc.router.publish",
                new JsonObject().put("topic", "public/x").put("payload", "forged")),
            true);
      case 12 ->
        new Hostile(
            "publish-type", frame("publish", inbound, new JsonObject().put("op", "bye")), true);
      case 13 ->
        new Hostile(
            "bad-op", frame("send", inbound, new JsonObject().put("op", randomText(8))), true);
      case 14 ->
        new Hostile(
            "bad-topic",
            frame(
                "send",
                inbound,
                new JsonObject()
                    .put("op", "sub")
                    .put("id", "h")
                    .put(
                        "filter",
                        List.of("a/#/b", "#a", "a+", "~/x", "~x/y", "", "pagesession/x", "\u0000")
                            .get(random.nextInt(8)))),
            true);
      case 15 ->
        new Hostile("deep-json", "[".repeat(1001 + random.nextInt(500)) + "]".repeat(1001), true);
      case 16 ->
        new Hostile(
            "wrong-field-types",
            frame(
                "send",
                inbound,
                new JsonObject()
                    .put("op", "pub")
                    .put("topic", random.nextInt())
                    .put("retain", "yes")),
            true);
      default ->
        new Hostile("register-other", frame("register", "sc.page." + randomText(22), null), true);
    };
  }

  private static String frame(String type, String address, JsonObject body) {
    JsonObject f = new JsonObject().put("type", type).put("address", address);
    if (body != null) {
      f.put("body", body);
    }
    return f.encode();
  }

  private String randomText(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append((char) (33 + random.nextInt(90)));
    }
    return sb.toString();
  }
}
