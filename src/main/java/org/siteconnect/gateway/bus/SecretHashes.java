package org.siteconnect.gateway.bus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a bearer secret (an agent token, a page's resume token) as lowercase hex: what is kept where the
 * secret itself must not be (the database, cluster maps). The secrets are 128 or 256 random bits, so no salt.
 */
public final class SecretHashes {
  private SecretHashes() {}

  public static String sha256Hex(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
