package org.siteconnect.gateway.api;

import java.util.HashMap;
import java.util.Map;

/**
 * Uploads this node is receiving or waiting to store, in all and per client address. Each one holds up to
 * {@code attachments.maxBytes} in memory until the attachment service has stored it, so without a bound a burst
 * of uploads (from one client or many) holds gigabytes. A slot is taken before the body is read and given back
 * when the answer is sent or the connection is gone. Used on the HTTP verticle's event loop only.
 */
final class UploadSlots {
  private final int total;
  private final int perAddress;
  private final Map<String, Integer> byAddress = new HashMap<>();
  private int taken;

  UploadSlots(int total, int perAddress) {
    this.total = total;
    this.perAddress = perAddress;
  }

  /** @return whether the upload may go on; if so, {@link #release} must follow exactly once */
  boolean tryTake(String addressKey) {
    int mine = byAddress.getOrDefault(addressKey, 0);
    if (taken >= total || mine >= perAddress) {
      return false;
    }
    taken++;
    byAddress.put(addressKey, mine + 1);
    return true;
  }

  void release(String addressKey) {
    taken--;
    byAddress.computeIfPresent(addressKey, (k, n) -> n > 1 ? n - 1 : null);
  }

  /** Whether the node has every slot taken (as against this address having its share). */
  boolean full() {
    return taken >= total;
  }
}
