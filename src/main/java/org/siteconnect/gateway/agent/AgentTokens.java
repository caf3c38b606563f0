package org.siteconnect.gateway.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.siteconnect.gateway.bus.RandomIds;
import org.siteconnect.gateway.bus.SecretHashes;

/**
 * Opaque bearer tokens (256 random bits) kept server-side, so logout and account deletion revoke at once. Only
 * the SHA-256 of a token is kept (here, in the cluster map and in the database): the token itself is handed to
 * the agent once. Not thread-safe: owned by the agent verticle.
 */
final class AgentTokens {
  /** A login as the gateway keeps it: the token's hash, whose it is, until when. */
  record Grant(String hash, String login, long expiresAt) {}

  /** A fresh grant and its token, which only the agent keeps. */
  record Issued(String token, Grant grant) {}

  private final long ttlMillis;
  private final Map<String, Grant> byHash = new HashMap<>();

  AgentTokens(long ttlMillis) {
    this.ttlMillis = ttlMillis;
  }

  Issued issue(String login, long now) {
    String token = RandomIds.urlSafe(32);
    Grant grant = new Grant(SecretHashes.sha256Hex(token), login, now + ttlMillis);
    byHash.put(grant.hash(), grant);
    return new Issued(token, grant);
  }

  /** A grant issued before (an earlier leader, or this node before a restart). */
  void restore(Grant grant) {
    byHash.put(grant.hash(), grant);
  }

  Optional<Grant> check(String token, long now) {
    Grant grant = token == null ? null : byHash.get(SecretHashes.sha256Hex(token));
    if (grant == null) {
      return Optional.empty();
    }
    if (grant.expiresAt() <= now) {
      byHash.remove(grant.hash());
      return Optional.empty();
    }
    return Optional.of(grant);
  }

  Optional<Grant> revoke(String token) {
    return token == null
        ? Optional.empty()
        : Optional.ofNullable(byHash.remove(SecretHashes.sha256Hex(token)));
  }

  /** Every token of a login (account deleted or changed). */
  List<Grant> revokeAll(String login) {
    List<Grant> revoked = new ArrayList<>();
    for (Iterator<Grant> it = byHash.values().iterator(); it.hasNext(); ) {
      Grant g = it.next();
      if (g.login().equals(login)) {
        it.remove();
        revoked.add(g);
      }
    }
    return revoked;
  }

  void expire(long now) {
    byHash.values().removeIf(g -> g.expiresAt() <= now);
  }
}
