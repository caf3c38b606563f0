package org.siteconnect.gateway.bridge;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A page command's parsed body on its way from the bridge to this node's router, handed over instead of copied.
 * The event bus's JSON codec copies every JsonObject it delivers locally: a deep copy of every inbound message
 * (under co-browse load, 20 KB/s per page of recorder events, 5 % of the gateway's CPU). Nothing else holds the
 * bridge's parse of the frame once it has sent it, so the first copy (the event bus's) is the tree itself; any
 * later copy is a real one.
 */
final class HandedOver extends JsonObject {
  private final AtomicBoolean handed = new AtomicBoolean();

  HandedOver(JsonObject parsed) {
    super(parsed.getMap());
  }

  @Override
  public JsonObject copy() {
    return handed.compareAndSet(false, true) ? this : super.copy();
  }
}
