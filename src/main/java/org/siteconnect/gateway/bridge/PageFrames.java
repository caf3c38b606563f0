package org.siteconnect.gateway.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
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
    if (payload instanceof RawPayload raw && raw.untouched()) {
      return rawMessage(pageTopic, raw, retained);
    }
    JsonObject body =
        new JsonObject().put("op", "msg").put("topic", pageTopic).put("payload", payload);
    if (retained) {
      body.put("retained", true);
    }
    return rec(body);
  }

  private static final byte[] MESSAGE_HEAD = ("{\"type\":\"rec\",\"address\":\"" + PAGE_ADDRESS
          + "\",\"body\":{\"op\":\"msg\",\"topic\":")
      .getBytes(StandardCharsets.UTF_8);
  private static final byte[] PAYLOAD_KEY = ",\"payload\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] END = "}}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] RETAINED_END =
      ",\"retained\":true}}".getBytes(StandardCharsets.UTF_8);

  /**
   * The frame {@link #message} writes, with the page's payload text as it came (issue 22 part 3): the same fields in
   * the same order as the encoder's, the topic encoded as the encoder does; the payload is written as UTF-8 straight
   * from the page's message into the frame.
   */
  private static Buffer rawMessage(String pageTopic, RawPayload raw, boolean retained) {
    boolean plain = plainAscii(pageTopic); // written as is between quotes, as the encoder writes it
    byte[] topic = plain ? null : Json.CODEC.toBuffer(pageTopic, false).getBytes();
    int topicLength = plain ? pageTopic.length() + 2 : topic.length;
    byte[] end = retained ? RETAINED_END : END;
    ByteBuf out = Unpooled.buffer(
        MESSAGE_HEAD.length + topicLength + PAYLOAD_KEY.length + raw.utf8Length() + end.length);
    out.writeBytes(MESSAGE_HEAD);
    if (plain) {
      out.writeByte('"');
      out.writeCharSequence(pageTopic, StandardCharsets.US_ASCII);
      out.writeByte('"');
    } else {
      out.writeBytes(topic);
    }
    out.writeBytes(PAYLOAD_KEY);
    raw.writeUtf8(out);
    out.writeBytes(end);
    return BufferInternal.buffer(out);
  }

  /** Printable ASCII without a quote or backslash: the encoder writes it unchanged. */
  private static boolean plainAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }
}
