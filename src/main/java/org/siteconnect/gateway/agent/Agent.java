package org.siteconnect.gateway.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * An agent account. {@code buttons} are {@code "<siteKey>/<buttonId>"}; roles are {@code agent} and/or
 * {@code admin}. The password hash never leaves the store except to be verified.
 */
public record Agent(
    String login,
    String name,
    String passwordHash,
    Set<String> roles,
    List<String> buttons,
    int maxChats) {
  public static final String ROLE_AGENT = "agent";
  public static final String ROLE_ADMIN = "admin";

  public boolean isAdmin() {
    return roles.contains(ROLE_ADMIN);
  }

  /** The site keys this agent works for (from its buttons). */
  public Set<String> sites() {
    return Set.copyOf(buttons.stream().map(b -> b.substring(0, b.indexOf('/'))).toList());
  }

  /** The public view: everything but the hash. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("login", login)
        .put("name", name)
        .put("roles", new JsonArray(roles.stream().sorted().toList()))
        .put("buttons", new JsonArray(buttons))
        .put("maxChats", maxChats);
  }

  public Agent withPasswordHash(String hash) {
    return new Agent(login, name, hash, roles, buttons, maxChats);
  }
}
