package org.siteconnect.gateway.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.siteconnect.gateway.bus.RandomIds;

/**
 * Opaque bearer tokens (256 random bits) kept server-side, so logout and account deletion revoke at once.
 * Not thread-safe: owned by the agent verticle.
 */
final class AgentTokens {
  record Grant(String token, String login, long expiresAt) {}

  private final long ttlMillis;
  private final Map<String, Grant> byToken = new HashMap<>();

  AgentTokens(long ttlMillis) {
    this.ttlMillis = ttlMillis;
  }

  Grant issue(String login, long now) {
    Grant grant = new Grant(RandomIds.urlSafe(32), login, now + ttlMillis);
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
