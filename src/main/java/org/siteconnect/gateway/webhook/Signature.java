package org.siteconnect.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-SiteConnect-Signature: sha256=<hex>}: HMAC-SHA256 with the hook's secret over
 * {@code <X-SiteConnect-Timestamp> + "." + <body>} (the Stripe scheme), so a receiver can also refuse old replays.
 */
public final class Signature {
  private Signature() {}

  public static String header(String secret, long timestampSeconds, String body) {
    return "sha256=" + hex(secret, timestampSeconds + "." + body);
  }

  static String hex(String secret, String signed) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
