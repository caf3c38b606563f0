package org.siteconnect.gateway.agent;

import io.vertx.core.Future;
import java.util.List;
import org.siteconnect.gateway.store.Database;

/**
 * Agent logins on the node's database, so that they survive a restart or a crash (docs/LIFECYCLE.md): the SHA-256
 * of each token, never the token, with its login and expiry. Logout and revocation delete the rows; expired
 * ones are never loaded and are purged.
 */
final class SqlTokenStore {
  private final Database db;

  SqlTokenStore(Database db) {
    this.db = db;
  }

  Future<Void> save(AgentTokens.Grant grant) {
    return db.run(
            "INSERT INTO agent_token (token_hash, login, expires_at) VALUES ($1, $2, $3)",
            grant.hash(),
            grant.login(),
            grant.expiresAt())
        .mapEmpty();
  }

  Future<Void> delete(List<String> hashes) {
    if (hashes.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.run(
            "DELETE FROM agent_token WHERE token_hash IN ("
                + Database.placeholders(1, hashes.size()) + ")",
            hashes.toArray())
        .mapEmpty();
  }

  /** The grants not yet expired. */
  Future<List<AgentTokens.Grant>> live(long now) {
    return db.run(
            "SELECT token_hash, login, expires_at FROM agent_token WHERE expires_at > $1", now)
        .map(rows -> Database.rows(
            rows, r -> new AgentTokens.Grant(r.getString(0), r.getString(1), r.getLong(2))));
  }

  Future<Void> purge(long now) {
    return db.run("DELETE FROM agent_token WHERE expires_at <= $1", now).mapEmpty();
  }
}
