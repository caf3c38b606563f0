package org.siteconnect.gateway.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.siteconnect.gateway.bus.Addresses;

/** Encodes server → frame messages as bridge {@code rec} frames (docs/PROTOCOL.md). */
public final class PageFrames {
  /** Every frame carries the same address, so one encoded buffer can go to many sockets. */
  static final String PAGE_ADDRESS = "sc.page";

  private PageFrames() {}

  public static Buffer rec(JsonObject body) {
    return new JsonObject()
        .put("type", "rec")
        .put("address", PAGE_ADDRESS)
        .put("body", body)
        .toBuffer();
  }

  static Buffer welcome(String connectionId, String inbound) {
    JsonObject body = new JsonObject()
        .put("op", "welcome")
        .put("v", 1)
        .put("inbox", Addresses.pageInbox(connectionId))
        .put("send", inbound);
    return new JsonObject()
        .put("type", "rec")
        .put("address", Addresses.WELCOME)
        .put("body", body)
        .toBuffer();
  }

  public static Buffer error(String code, String message, String ref) {
    JsonObject body = new JsonObject().put("op", "err").put("code", code).put("message", message);
    if (ref != null) {
      body.put("ref", ref);
    }
    return rec(body);
  }

  public static Buffer message(String pageTopic, Object payload, boolean retained) {
    if (payload instanceof RawPayload raw && raw.json() != null) {
      return rawMessage(pageTopic, raw, retained);
    }
    JsonObject body =
        new JsonObject().put("op", "msg").put("topic", pageTopic).put("payload", payload);
    if (retained) {
      body.put("retained", true);
    }
    return rec(body);
  }

  private static final Buffer MESSAGE_HEAD = Buffer.buffer(
      "{\"type\":\"rec\",\"address\":\"" + PAGE_ADDRESS + "\",\"body\":{\"op\":\"msg\",\"topic\":");
  private static final Buffer PAYLOAD_KEY = Buffer.buffer(",\"payload\":");
  private static final Buffer END = Buffer.buffer("}}");
  private static final Buffer RETAINED_END = Buffer.buffer(",\"retained\":true}}");

  /**
   * The frame {@link #message} writes, with the page's payload text as it came (issue 22 part 3): the same fields in
   * the same order as the encoder's, the topic encoded as the encoder does.
   */
  private static Buffer rawMessage(String pageTopic, RawPayload raw, boolean retained) {
    byte[] payload = raw.utf8();
    Buffer topic = Json.CODEC.toBuffer(pageTopic, false);
    Buffer end = retained ? RETAINED_END : END;
    return Buffer.buffer(MESSAGE_HEAD.length()
            + topic.length()
            + PAYLOAD_KEY.length()
            + payload.length
            + end.length())
        .appendBuffer(MESSAGE_HEAD)
        .appendBuffer(topic)
        .appendBuffer(PAYLOAD_KEY)
        .appendBytes(payload)
        .appendBuffer(end);
  }
}
