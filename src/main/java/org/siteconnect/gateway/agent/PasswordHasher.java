package org.siteconnect.gateway.agent;

import io.vertx.ext.auth.hashing.HashingStrategy;
import java.util.Base64;
import java.util.Map;
import org.siteconnect.gateway.bus.RandomIds;

/**
 * PBKDF2-HMAC-SHA512 through vertx-auth-common's hashing, stored as a PHC string
 * ({@code $pbkdf2$it=…$salt$hash}) so the iteration count can rise later without breaking old hashes.
 * Slow on purpose: call it on a worker.
 */
final class PasswordHasher {
  private final HashingStrategy strategy = HashingStrategy.load();
  private final int iterations;

  PasswordHasher(int iterations) {
    this.iterations = iterations;
  }

  String hash(String password) {
    return strategy.hash(
        "pbkdf2",
        Map.of("it", Integer.toString(iterations)),
        Base64.getEncoder().withoutPadding().encodeToString(RandomIds.bytes(16)),
        password);
  }

  boolean verify(String hash, String password) {
    try {
      return strategy.verify(hash, password);
    } catch (RuntimeException e) {
      return false;
    }
  }
}
