package org.siteconnect.gateway.bridge;

import io.vertx.core.buffer.Buffer;
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
    JsonObject body =
        new JsonObject().put("op", "msg").put("topic", pageTopic).put("payload", payload);
    if (retained) {
      body.put("retained", true);
    }
    return rec(body);
  }
}
