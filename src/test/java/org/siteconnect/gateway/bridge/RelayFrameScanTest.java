package org.siteconnect.gateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.support.RecorderBatches;

/** The co-browse intake's scan (issue 22 part 3) against the bridge's own parse of the same frames. */
class RelayFrameScanTest {
  private static String frame(String payload) {
    return "{\"type\":\"send\",\"address\":\"sc.in.n1\",\"body\":{\"op\":\"pub\",\"topic\":\""
        + RelayFrameScan.EVENTS + "\",\"payload\":" + payload + ",\"mid\":\"m1\"}}";
  }

  @Test
  @DisplayName(
      "2,000 seeded batches: the payload's range, its encoded size as JsonSize counts the parsed tree, full/rid")
  void matchesTheParser() {
    RelayFrameScan scan = new RelayFrameScan();
    RecorderBatches batches = new RecorderBatches(22);
    for (int i = 0; i < 2000; i++) {
      String payload = batches.batch("cb" + i, i, 1 + i % 7);
      if (i % 3 == 0) {
        payload =
            payload.substring(0, payload.length() - 1) + ",\"full\":true,\"rid\":\"r" + i + "\"}";
      }
      String text = frame(payload);
      RelayFrameScan.Found found = scan.scan(text);
      assertNotNull(found, payload);
      assertEquals(payload, text.substring(found.start(), found.end()));
      JsonObject parsed = new JsonObject(text).getJsonObject("body").getJsonObject("payload");
      assertEquals(JsonSize.of(parsed), found.encodedLength(), payload);
      RawPayload raw = new RawPayload(
          text,
          found.start(),
          found.end(),
          found.encodedLength(),
          found.full(),
          found.rid(),
          found.simple());
      assertEquals(parsed.getValue("full"), raw.getValue("full"));
      assertEquals(parsed.getValue("rid"), raw.getValue("rid"));
      assertEquals(raw.json(), payload, "reading full/rid leaves the text as it came");
      assertEquals(raw, parsed, "as a JsonObject it is the parsed tree");
      assertEquals(null, raw.json(), "once parsed it is the tree, no longer the text");
    }
  }

  @Test
  @DisplayName(
      "malformed JSON the bridge refuses, the scan refuses too (the bridge answers it as before)")
  void malformed() {
    String[] payloads = {
      "{\"a\":[1,2}",
      "{\"a\":01}",
      "{\"a\":1.}",
      "{\"a\":.5}",
      "{\"a\":-}",
      "{\"a\":1e}",
      "{\"a\":\"x\u0001\"}",
      "{\"a\":\"\\x\"}",
      "{\"a\":\"\\u12g4\"}",
      "{\"a\":tru}",
      "{\"a\":NaN}",
      "{\"a\":Infinity}",
      "{\"a\" 1}",
      "{\"a\":1,}",
      "{,}",
      "{\"a\":[1,]}",
      "{'a':1}",
      "{\"a\":\"unterminated}",
      "{\"a\":1}}",
      "{\"a\":\"\\u00e\"}",
      "{\"a\":+1}",
      "{\"a\":1 2}",
      "{\"a\":\u000b1}"
    };
    RelayFrameScan scan = new RelayFrameScan();
    for (String p : payloads) {
      String text = frame(p);
      assertThrows(DecodeException.class, () -> new JsonObject(text), p);
      assertNull(scan.scan(text), p);
    }
    assertNull(scan.scan(frame("{}") + "x"), "trailing text");
    assertThrows(DecodeException.class, () -> new JsonObject(frame("{}") + "x"));
  }

  @Test
  @DisplayName(
      "only a plain, non-retained publish on the events topic; anything unsure goes to the bridge's parse")
  void onlyWhatItIsSureOf() {
    RelayFrameScan scan = new RelayFrameScan();
    String events = RelayFrameScan.EVENTS;
    assertNotNull(scan.scan(frame("{\"seq\":1}")));
    assertNotNull(scan.scan(
        "{\"type\":\"send\",\"body\":{\"payload\":{\"seq\":1},\"retain\":false,\"topic\":\""
            + events + "\",\"op\":\"pub\"},\"address\":\"x\"}"));
    String[] refused = {
      "{\"type\":\"send\",\"body\":{\"op\":\"pub\",\"topic\":\"" + events
          + "\",\"payload\":{},\"retain\":true}}",
      "{\"type\":\"send\",\"body\":{\"op\":\"pub\",\"topic\":\"~pagesession/chat/x\",\"payload\":{}}}",
      "{\"type\":\"send\",\"body\":{\"op\":\"pub\",\"topic\":\"" + events + "\",\"payload\":[1]}}",
      "{\"type\":\"send\",\"body\":{\"op\":\"pub\",\"topic\":\"" + events
          + "\",\"payload\":{},\"payload\":{}}}",
      "{\"type\":\"send\",\"body\":{\"op\":\"pub\",\"topic\":\"" + events
          + "\",\"payload\":{}},\"body\":{}}",
      "{\"type\":\"send\",\"b\\u006fdy\":{\"op\":\"pub\",\"topic\":\"" + events
          + "\",\"payload\":{}}}",
      "{\"type\":\"send\",\"body\":{\"op\":\"pub\",\"topic\":\"" + events
          + "\",\"payload\":{\"fu\\u006cl\":true}}}",
      "{\"type\":\"send\",\"body\":{\"op\":\"pub\",\"topic\":\"" + events
          + "\",\"payload\":{\"full\":1,\"full\":2}}}",
      "{\"type\":\"send\",\"body\":{\"op\":\"hello\",\"topic\":\"" + events + "\",\"payload\":{}}}",
      "[{\"type\":\"send\"}]",
      frame("{\"a\":" + "[".repeat(300) + "]".repeat(300) + "}"),
    };
    for (String text : refused) {
      assertNull(scan.scan(text), text);
    }
  }

  @Test
  @DisplayName("the agent's frame: the encoder's fields in its order, the page's text as it came")
  void agentFrame() {
    String payload = "{ \"seq\" : 1, \"t\":\"\\u00e9😀\\ud83d\\ude00\", \"n\":1e5 }";
    RawPayload raw =
        new RawPayload("xx" + payload + "yy", 2, 2 + payload.length(), 0, null, null, true);
    String topic = "$agents/acme/cobrowse/admin/x\"y/events";
    String frame = PageFrames.message(topic, raw, false).toString();
    JsonObject expected =
        new JsonObject(PageFrames.message(topic, new JsonObject(payload), false).toString());
    assertEquals(expected, new JsonObject(frame));
    String head =
        "{\"type\":\"rec\",\"address\":\"sc.page\",\"body\":{\"op\":\"msg\",\"topic\":\"$agents/acme/cobrowse/admin/x\\\"y/events\",\"payload\":";
    assertEquals(head + payload + "}}", frame);
    assertTrue(
        PageFrames.message(topic, raw, true).toString().endsWith(payload + ",\"retained\":true}}"));
  }
}
