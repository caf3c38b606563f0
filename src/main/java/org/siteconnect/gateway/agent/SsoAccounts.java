package org.siteconnect.gateway.agent;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The account behind a single sign-on (docs/SSO.md): the provider's claims are the truth, so every sign-in writes
 * name, roles and buttons as mapped (an admin's edit of them lasts until the next sign-in). A new account gets the
 * hash of a random password nobody knows: a password login to it fails like any wrong password, in the same time.
 */
final class SsoAccounts {
  /** The account as stored now; {@code rightsChanged}: its roles or buttons differ from before. */
  record Change(Agent agent, boolean rightsChanged) {}

  private SsoAccounts() {}

  static Future<Change> upsert(
      AgentStore store, JsonObject identity, int maxChats, Supplier<Future<String>> unusableHash) {
    String login = identity.getString("login");
    Set<String> roles = new LinkedHashSet<>(strings(identity.getJsonArray("roles")));
    List<String> buttons = strings(identity.getJsonArray("buttons"));
    String name = identity.getString("name");
    return store.find(login).compose(found -> {
      if (found.isEmpty()) {
        return unusableHash
            .get()
            .compose(hash -> {
              Agent created = new Agent(login, name, hash, roles, buttons, maxChats);
              return store.insert(created).map(new Change(created, false));
            })
            // The same person signing in twice at once: the other sign-in created it; bring it in
            // line.
            .recover(err -> err instanceof IllegalStateException
                ? store
                    .find(login)
                    .compose(again -> update(store, again.orElseThrow(), name, roles, buttons))
                : Future.failedFuture(err));
      }
      return update(store, found.get(), name, roles, buttons);
    });
  }

  private static Future<Change> update(
      AgentStore store, Agent was, String name, Set<String> roles, List<String> buttons) {
    Agent now = new Agent(was.login(), name, was.passwordHash(), roles, buttons, was.maxChats());
    if (now.equals(was)) {
      return Future.succeededFuture(new Change(was, false));
    }
    boolean rightsChanged = !was.roles().equals(roles) || !was.buttons().equals(buttons);
    return store.update(now).map(new Change(now, rightsChanged));
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    a.forEach(v -> out.add((String) v));
    return out;
  }
}
