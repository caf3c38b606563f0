package org.siteconnect.gateway.sso;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.siteconnect.gateway.config.GatewayConfig;

/**
 * From a signed-in user's claims to an agent (docs/SSO.md): the login is {@code sso:<loginClaim>} (local logins
 * cannot hold ':', so the two never meet), the roles and buttons are the union of every mapping whose value the
 * {@code sso.claim} holds; a user matching no mapping is refused. Plain: unit tests drive it without Vert.x.
 */
public final class ClaimMapping {
  /** Claim values kept as they are in the login; anything else is replaced by a digest of it. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._@+-]{1,60}");

  public static final String LOGIN_PREFIX = "sso:";

  /** Who the user is to the gateway. */
  public record Identity(String login, String name, List<String> roles, List<String> buttons) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("login", login)
          .put("name", name)
          .put("roles", new JsonArray(roles))
          .put("buttons", new JsonArray(buttons));
    }

    public static Identity fromJson(JsonObject json) {
      return new Identity(
          json.getString("login"),
          json.getString("name"),
          strings(json.getJsonArray("roles")),
          strings(json.getJsonArray("buttons")));
    }
  }

  /** Why a user is not let in: a stable code (the console words it) and a sentence for the log. */
  public static final class Refused extends Exception {
    private final String code;

    Refused(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  private final GatewayConfig.Sso sso;

  public ClaimMapping(GatewayConfig.Sso sso) {
    this.sso = sso;
  }

  public Identity map(JsonObject claims) throws Refused {
    Object id = claims.getValue(sso.loginClaim());
    if (!(id instanceof String value) || value.isBlank()) {
      throw new Refused(
          "no-login-claim",
          "the provider sent no '" + sso.loginClaim() + "' claim to name the agent");
    }
    Set<String> held = values(claims.getValue(sso.claim()));
    Set<String> roles = new LinkedHashSet<>();
    Set<String> buttons = new LinkedHashSet<>();
    boolean matched = false;
    for (GatewayConfig.SsoMapping m : sso.mappings()) {
      if (held.contains(m.value())) {
        matched = true;
        roles.addAll(m.roles());
        buttons.addAll(m.buttons());
      }
    }
    if (!matched) {
      throw new Refused(
          "no-role",
          "claim '" + sso.claim() + "' holds no mapped value (has " + held.size() + " values)");
    }
    if (roles.isEmpty()) {
      roles.add("agent"); // as for local accounts: an account without roles is an agent
    }
    return new Identity(
        login(value),
        name(claims, value),
        roles.stream().sorted().toList(),
        new ArrayList<>(buttons));
  }

  /** {@code sso:<value>}; a value that is long or has other characters becomes {@code sso:~<40 hex of SHA-256>}. */
  public static String login(String value) {
    if (PLAIN.matcher(value).matches()) {
      return LOGIN_PREFIX + value;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return LOGIN_PREFIX + "~" + HexFormat.of().formatHex(digest).substring(0, 40);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String name(JsonObject claims, String fallback) {
    for (String key : List.of("name", "preferred_username", "email")) {
      if (claims.getValue(key) instanceof String s && !s.isBlank()) {
        String name = s.strip();
        return name.length() > 200 ? name.substring(0, 200) : name;
      }
    }
    return fallback.length() > 200 ? fallback.substring(0, 200) : fallback;
  }

  /** A claim holding one string, or an array of them (others are ignored). */
  private static Set<String> values(Object claim) {
    Set<String> out = new LinkedHashSet<>();
    if (claim instanceof String s) {
      out.add(s);
    } else if (claim instanceof JsonArray a) {
      a.forEach(v -> {
        if (v instanceof String s) {
          out.add(s);
        }
      });
    }
    return out;
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      a.forEach(v -> out.add(String.valueOf(v)));
    }
    return out;
  }
}
