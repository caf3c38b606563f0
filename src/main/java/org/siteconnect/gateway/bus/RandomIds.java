package org.siteconnect.gateway.bus;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random identifiers and secrets (ids, tokens, salts, codes, passwords), all from one {@link SecureRandom}. */
public final class RandomIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private RandomIds() {}

  public static byte[] bytes(int count) {
    byte[] bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /** {@code byteCount} random bytes as unpadded base64url ({@code 16} → 128 bits in 22 characters). */
  public static String urlSafe(int byteCount) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(byteCount));
  }

  /** {@code byteCount} random bytes as lowercase hex. */
  public static String hex(int byteCount) {
    return HexFormat.of().formatHex(bytes(byteCount));
  }

  /** {@code length} characters, each drawn uniformly from {@code alphabet}. */
  public static String drawn(String alphabet, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
