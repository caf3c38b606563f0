package org.siteconnect.gateway.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.support.BridgeClient;
import org.siteconnect.gateway.support.Http;
import org.siteconnect.gateway.support.TestGateway;
import org.siteconnect.gateway.topic.InvalidTopicException;
import org.siteconnect.gateway.topic.ScopedTopics;
import org.siteconnect.gateway.topic.TopicFilter;
import org.siteconnect.gateway.topic.TopicName;

/**
 * Issue 9: generated topic names and filters through every entry point (page subscribe, page publish, REST
 * publish): each is accepted or refused exactly as the topic rules say, refusals carry a clear message, and no
 * exception ever reaches a client.
 */
class TopicEntryPointsTest {
  private static final int CASES = Integer.getInteger("sc.fuzz.topics", 600);
  private static final String KEY = "topic-fuzz-api-key";
  private Vertx vertx;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    port = TestGateway.freePort();
    String sha = HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(KEY.getBytes(StandardCharsets.UTF_8)));
    JsonObject conf = TestGateway.config(port)
        .put(
            "bridge",
            new JsonObject()
                .put("maxMessagesPerSecond", 100_000)
                .put("maxSubscriptionsPerSession", 100_000))
        .put(
            "acl",
            new JsonObject()
                .put("subscribe", new io.vertx.core.json.JsonArray().add("#"))
                .put("publish", new io.vertx.core.json.JsonArray().add("#")))
        .put(
            "api",
            new JsonObject()
                .put(
                    "keys",
                    new io.vertx.core.json.JsonArray()
                        .add(new JsonObject()
                            .put("name", "fuzz")
                            .put("sha256", sha)
                            .put("publish", new io.vertx.core.json.JsonArray().add("#")))));
    TestGateway.start(vertx, conf);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static List<String> corpus(long seed, int n) {
    List<String> fixed = new ArrayList<>(List.of(
        "",
        "/",
        "//",
        "a/#/b",
        "a+",
        "#a",
        "\u0000",
        "a/\u0000",
        "\uD800",
        "x/\uDC00y",
        "~",
        "~/#",
        "~/x",
        "~x/y",
        "~pagesession",
        "~pagesession/#",
        "~pagesession/+/z",
        "$sys/x",
        "$sites/acme/chat_button/sales",
        "$share/g/a",
        "pagesession/abc/x",
        "caf\u00e9",
        "cafe\u0301",
        "a".repeat(65_535),
        "a".repeat(65_536),
        "\u00e9".repeat(32_768),
        "a/".repeat(32) + "a",
        "a/".repeat(31) + "a",
        "+",
        "#",
        "+/+",
        "a/+/#",
        "public/news",
        " ",
        "a b/c",
        "\t",
        "//#"));
    Random r = new Random(seed);
    String[] parts = {
      "a",
      "b",
      "",
      "+",
      "#",
      "~",
      "$s",
      "~pagesession",
      "x+",
      "#y",
      "\u00e9",
      "\uD83D\uDE00",
      "\u0000"
    };
    while (fixed.size() < n) {
      int levels = 1 + r.nextInt(6);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < levels; i++) {
        if (i > 0) {
          sb.append('/');
        }
        sb.append(parts[r.nextInt(parts.length)]);
      }
      fixed.add(sb.toString());
    }
    return fixed;
  }

  /** What the rules say about a page's filter: null when it is accepted, else it must be refused. */
  private static String verdictForPageFilter(String f) {
    try {
      TopicFilter.parse(ScopedTopics.toServer(f, "sid"));
      return null;
    } catch (InvalidTopicException e) {
      return e.rule();
    }
  }

  private static String verdictForPageTopic(String t) {
    try {
      TopicName name = TopicName.parse(ScopedTopics.toServer(t, "sid"));
      return name.isReserved() && !t.startsWith("~pagesession") ? "not-allowed" : null;
    } catch (InvalidTopicException e) {
      return e.rule();
    }
  }

  @Test
  @DisplayName(
      "page subscribe and publish: accepted or refused exactly per the topic rules, with a message")
  void pageEntryPoints() throws Exception {
    BridgeClient page = BridgeClient.connect(vertx, port, TestGateway.origin(port));
    page.hello(TestGateway.SITE);
    int i = 0;
    for (String t : corpus(11, CASES)) {
      String id = "s" + (i++);
      command(page, new JsonObject().put("op", "sub").put("id", id).put("filter", t));
      JsonObject answer =
          BridgeClient.body(page.next(f -> id.equals(BridgeClient.body(f).getString("id"))
              || id.equals(BridgeClient.body(f).getString("ref"))));
      // A topic near 64 KiB does not fit in one 64 KiB frame: that is refused as too-large before
      // the rules.
      boolean fits = ascii(new JsonObject().put("filter", t)).length() < 65_000;
      String verdict = fits ? verdictForPageFilter(t) : "too-large";
      if (verdict == null) {
        assertEquals(
            "suback", answer.getString("op"), "filter " + preview(t) + ": " + answer.encode());
      } else {
        assertEquals(
            "err",
            answer.getString("op"),
            "filter " + preview(t) + " should be refused (" + verdict + ")");
        assertFalse(answer.getString("message", "").isBlank());
        assertFalse(answer.encode().contains("Exception"), answer.encode());
      }
      String mid = "p" + i;
      command(
          page,
          new JsonObject().put("op", "pub").put("topic", t).put("payload", "x").put("mid", mid));
      JsonObject pubAnswer =
          BridgeClient.body(page.next(f -> mid.equals(BridgeClient.body(f).getString("mid"))
              || mid.equals(BridgeClient.body(f).getString("ref"))));
      assertEquals(
          fits && verdictForPageTopic(t) == null ? "puback" : "err",
          pubAnswer.getString("op"),
          "publish on " + preview(t) + ": " + pubAnswer.encode());
      page.drainSeen();
    }
  }

  @Test
  @DisplayName(
      "REST publish: global names accepted, everything else refused with 400/403 and a JSON error")
  void restEntryPoint() throws Exception {
    Http http = new Http(port);
    for (String t : corpus(13, CASES / 3)) {
      Http.Response r = http.send(
          "POST",
          "/api/v1/publish",
          ascii(new JsonObject().put("topic", t).put("payload", 1)),
          null,
          "X-Api-Key",
          KEY);
      boolean valid;
      try {
        TopicName name = TopicName.parse(t);
        valid = !name.isReserved() && !t.startsWith("pagesession/");
      } catch (InvalidTopicException e) {
        valid = false;
      }
      if (valid && t.length() < 65_000) {
        assertEquals(202, r.status(), preview(t) + " " + r.body());
      } else {
        assertTrue(
            r.status() == 400 || r.status() == 403 || r.status() == 413,
            preview(t) + " " + r.status());
        assertFalse(r.body().contains("Exception"), r.body());
        if (r.status() != 413) {
          assertFalse(r.json().getJsonObject("error").getString("message").isBlank());
        }
      }
    }
  }

  /**
   * JSON with every non-ASCII character escaped: the only way a lone surrogate can cross the wire (raw UTF-8
   * cannot encode one; Java would send '?' instead).
   */
  private static String ascii(JsonObject json) {
    StringBuilder sb = new StringBuilder();
    json.encode()
        .chars()
        .forEach(c -> sb.append(c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
    return sb.toString();
  }

  private static void command(BridgeClient page, JsonObject body) {
    page.sendRaw(ascii(
        new JsonObject().put("type", "send").put("address", page.inbound()).put("body", body)));
  }

  private static String preview(String s) {
    String p = s.length() > 40 ? s.substring(0, 40) + "...(" + s.length() + ")" : s;
    StringBuilder sb = new StringBuilder("'");
    p.chars()
        .forEach(c -> sb.append(
            c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
    return sb.append("'").toString();
  }
}
