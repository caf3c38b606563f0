package org.siteconnect.gateway.agent;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Opaque bearer tokens (256 random bits) kept server-side, so logout and account deletion revoke at once.
 * Not thread-safe: owned by the agent verticle.
 */
final class AgentTokens {
  record Grant(String token, String login, long expiresAt) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private final long ttlMillis;
  private final Map<String, Grant> byToken = new HashMap<>();

  AgentTokens(long ttlMillis) {
    this.ttlMillis = ttlMillis;
  }

  Grant issue(String login, long now) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    Grant grant = new Grant(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), login, now + ttlMillis);
    byToken.put(grant.token(), grant);
    return grant;
  }

  /** A grant issued by an earlier leader (taken over from the cluster map). */
  void restore(Grant grant) {
    byToken.put(grant.token(), grant);
  }

  Optional<Grant> check(String token, long now) {
    Grant grant = token == null ? null : byToken.get(token);
    if (grant == null) {
      return Optional.empty();
    }
    if (grant.expiresAt() <= now) {
      byToken.remove(token);
      return Optional.empty();
    }
    return Optional.of(grant);
  }

  Optional<Grant> revoke(String token) {
    return Optional.ofNullable(byToken.remove(token));
  }

  /** Every token of a login (account deleted or changed). */
  List<Grant> revokeAll(String login) {
    List<Grant> revoked = new ArrayList<>();
    for (Iterator<Grant> it = byToken.values().iterator(); it.hasNext(); ) {
      Grant g = it.next();
      if (g.login().equals(login)) {
        it.remove();
        revoked.add(g);
      }
    }
    return revoked;
  }

  void expire(long now) {
    byToken.values().removeIf(g -> g.expiresAt() <= now);
  }
}
