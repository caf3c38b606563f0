package org.siteconnect.gateway.session;

import io.vertx.core.Future;
import io.vertx.core.shareddata.AsyncMap;
import org.siteconnect.gateway.bus.RandomIds;

/**
 * Contact codes (DESIGN §4): random digits, unique among live sessions. Uniqueness is claimed with
 * {@code putIfAbsent} on a shared-data map, which is cluster-wide when the node is clustered.
 */
final class ContactCodes {
  static final int MAX_ATTEMPTS = 32;
  private final AsyncMap<String, String> owners;
  private final int length;

  ContactCodes(AsyncMap<String, String> owners, int length) {
    this.owners = owners;
    this.length = length;
  }

  String randomCode() {
    return RandomIds.drawn("0123456789", length);
  }

  /** Claims a fresh code for the session; fails only when {@value #MAX_ATTEMPTS} random draws were all taken. */
  Future<String> claim(String sessionId) {
    return claim(sessionId, 1);
  }

  private Future<String> claim(String sessionId, int attempt) {
    String code = randomCode();
    return owners.putIfAbsent(code, sessionId).compose(previous -> {
      if (previous == null) {
        return Future.succeededFuture(code);
      }
      if (attempt >= MAX_ATTEMPTS) {
        return Future.failedFuture("no free contact code after " + MAX_ATTEMPTS + " attempts");
      }
      return claim(sessionId, attempt + 1);
    });
  }

  /** Claims this very code again for its session (restored after a restart); false when another session has it. */
  Future<Boolean> reclaim(String code, String sessionId) {
    return owners
        .putIfAbsent(code, sessionId)
        .map(previous -> previous == null || previous.equals(sessionId));
  }

  /** Frees the code if this session still owns it; true for the one caller that freed it. */
  Future<Boolean> release(String code, String sessionId) {
    return owners.removeIfPresent(code, sessionId);
  }

  /** Which session a code belongs to, or null for unknown/ended codes. */
  Future<String> owner(String code) {
    return owners.get(code);
  }
}
