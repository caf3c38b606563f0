package org.siteconnect.gateway.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.siteconnect.gateway.config.GatewayConfig;

/** What makes an agent account valid: login shape, password length, known roles and configured buttons. */
final class AgentRules {
  static final int MIN_PASSWORD = 10;
  static final int MAX_PASSWORD = 1024;
  /** The contract's bound too (AgentFields.maxChats). */
  static final int MAX_CHATS = 100;

  private static final Set<String> ROLES = Set.of(Agent.ROLE_AGENT, Agent.ROLE_ADMIN);

  static final class RuleException extends Exception {
    RuleException(String message) {
      super(message, null, false, false);
    }
  }

  /** An account to store, and the clear password to hash (null when unchanged). */
  record Draft(Agent agent, String password) {}

  private final GatewayConfig config;

  AgentRules(GatewayConfig config) {
    this.config = config;
  }

  List<String> allButtons() {
    return config.sites().stream()
        .flatMap(s -> s.buttons().stream().map(b -> s.key() + "/" + b.id()))
        .toList();
  }

  Draft draftForCreate(JsonObject in) throws RuleException {
    String login = in.getString("login");
    if (login == null || !login.matches("[a-z0-9._-]{1,64}")) {
      throw new RuleException("'login' must be 1-64 characters of a-z, 0-9, '.', '_' or '-'");
    }
    String password = password(in.getString("password"));
    if (password == null) {
      throw new RuleException("'password' is required");
    }
    Agent agent = new Agent(
        login,
        name(in.getString("name", login)),
        "",
        roles(in.getJsonArray("roles")),
        buttons(in.getJsonArray("buttons")),
        maxChats(in.getValue("maxChats")));
    return new Draft(agent, password);
  }

  Draft draftForUpdate(Agent existing, JsonObject in) throws RuleException {
    Agent agent = new Agent(
        existing.login(),
        in.containsKey("name") ? name(in.getString("name")) : existing.name(),
        existing.passwordHash(),
        in.containsKey("roles") ? roles(in.getJsonArray("roles")) : existing.roles(),
        in.containsKey("buttons") ? buttons(in.getJsonArray("buttons")) : existing.buttons(),
        in.containsKey("maxChats") ? maxChats(in.getValue("maxChats")) : existing.maxChats());
    return new Draft(agent, in.containsKey("password") ? password(in.getString("password")) : null);
  }

  private static String name(String name) throws RuleException {
    if (name == null || name.isBlank() || name.length() > 200) {
      throw new RuleException("'name' must be 1-200 characters");
    }
    return name.strip();
  }

  /** A new password an agent chooses for itself (the same length rule as an admin's). */
  static String newPassword(String password) throws RuleException {
    if (password == null) {
      throw new RuleException("'password' is required");
    }
    return password(password);
  }

  private static String password(String password) throws RuleException {
    if (password == null) {
      return null;
    }
    if (password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
      throw new RuleException(
          "'password' must be " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
    }
    return password;
  }

  private static Set<String> roles(JsonArray roles) throws RuleException {
    if (roles == null || roles.isEmpty()) {
      return new LinkedHashSet<>(List.of(Agent.ROLE_AGENT));
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object r : roles) {
      if (!(r instanceof String s) || !ROLES.contains(s)) {
        throw new RuleException("'roles' may hold only \"agent\" and \"admin\"");
      }
      out.add(s);
    }
    return out;
  }

  private List<String> buttons(JsonArray buttons) throws RuleException {
    List<String> out = new ArrayList<>();
    if (buttons == null) {
      return out;
    }
    List<String> known = allButtons();
    for (Object b : buttons) {
      if (!(b instanceof String s) || !known.contains(s)) {
        throw new RuleException(
            "'buttons' entries must be configured buttons as \"site/button\" (unknown: " + b + ")");
      }
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  private int maxChats(Object maxChats) throws RuleException {
    if (maxChats == null) {
      return config.agents().maxChatsDefault();
    }
    // Compared as sent: read as an int, 4294967298 would wrap round to 2.
    if (!(maxChats instanceof Integer || maxChats instanceof Long)
        || ((Number) maxChats).longValue() < 1
        || ((Number) maxChats).longValue() > MAX_CHATS) {
      throw new RuleException("'maxChats' must be between 1 and " + MAX_CHATS);
    }
    return ((Number) maxChats).intValue();
  }
}
