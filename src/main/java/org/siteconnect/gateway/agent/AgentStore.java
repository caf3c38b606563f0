package org.siteconnect.gateway.agent;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/** Durable agent accounts: the embedded database by default, PostgreSQL when clustered (see {@code Stores}). */
public interface AgentStore {
  Future<Optional<Agent>> find(String login);

  Future<List<Agent>> list();

  /** Fails with {@link IllegalStateException} when the login exists. */
  Future<Void> insert(Agent agent);

  Future<Boolean> update(Agent agent);

  Future<Boolean> delete(String login);

  Future<Boolean> anyAdmin();

  /** Logins that must choose a new password before anything else (the first admin's generated one). */
  Future<java.util.Set<String>> mustChangePassword();

  Future<Void> setMustChangePassword(String login, boolean must);
}
