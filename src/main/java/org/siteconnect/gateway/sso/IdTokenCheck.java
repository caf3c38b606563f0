package org.siteconnect.gateway.sso;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The id_token claims the gateway checks itself (OpenID Connect Core 1.0 §3.1.3.7), after vertx-auth-oauth2 has
 * checked the signature against the provider's keys: issuer, audience, expiry and above all the nonce, which the
 * library does not compare.
 */
public final class IdTokenCheck {
  /** Clock skew allowed on exp and iat, in seconds. */
  static final long LEEWAY = 60;

  private IdTokenCheck() {}

  /** Throws {@link ClaimMapping.Refused} ({@code invalid-token}) naming the first claim that is wrong. */
  public static void verify(
      JsonObject idToken, String issuer, String clientId, String nonce, long nowSeconds)
      throws ClaimMapping.Refused {
    if (idToken == null) {
      throw invalid("the provider sent no id_token");
    }
    if (!issuer.equals(idToken.getString("iss"))) { // §3.1.3.7 step 2
      throw invalid("iss is not the configured issuer");
    }
    Object aud = idToken.getValue("aud"); // step 3
    boolean forUs = aud instanceof String s
        ? s.equals(clientId)
        : aud instanceof JsonArray a && a.contains(clientId);
    if (!forUs) {
      throw invalid("aud does not name this client");
    }
    if (aud instanceof JsonArray a && a.size() > 1 && !clientId.equals(idToken.getString("azp"))) {
      throw invalid("several audiences and azp is not this client"); // steps 4-5
    }
    Object exp = idToken.getValue("exp"); // step 9
    if (!(exp instanceof Number n) || n.longValue() + LEEWAY < nowSeconds) {
      throw invalid("the id_token has expired");
    }
    String got = idToken.getString("nonce"); // step 11
    if (got == null
        || !MessageDigest.isEqual(
            got.getBytes(StandardCharsets.UTF_8), nonce.getBytes(StandardCharsets.UTF_8))) {
      throw invalid("the nonce is not the one this sign-in sent");
    }
  }

  private static ClaimMapping.Refused invalid(String why) {
    return new ClaimMapping.Refused("invalid-token", why);
  }
}
