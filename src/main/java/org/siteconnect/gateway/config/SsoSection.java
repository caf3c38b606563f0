package org.siteconnect.gateway.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code sso} (docs/SSO.md) once the rest is read: a mapping may only name configured buttons, and
 * {@code agents.localPasswords: false} needs single sign-on, or nobody could ever log in.
 */
final class SsoSection {
  private SsoSection() {}

  static GatewayConfig.Sso read(ConfigReader r, GatewayConfig config) {
    if (r == null) {
      if (!config.agents().localPasswords()) {
        throw new ConfigException(
            "agents.localPasswords",
            "may only be false when sso is configured (nobody could log in otherwise)");
      }
      return null;
    }
    Set<String> buttons = new LinkedHashSet<>();
    config.sites().forEach(s -> s.buttons().forEach(b -> buttons.add(s.key() + "/" + b.id())));
    List<GatewayConfig.SsoMapping> mappings = new ArrayList<>();
    List<ConfigReader> entries = r.objects("mappings");
    for (ConfigReader m : entries) {
      for (String b : m.strings("buttons")) {
        if (!buttons.contains(b)) {
          throw new ConfigException(
              m.key("buttons"), "names '" + b + "', which is not a configured <site>/<buttonId>");
        }
      }
      mappings.add(new GatewayConfig.SsoMapping(
          m.string("value"), m.strings("roles"), m.strings("buttons")));
    }
    List<String> scopes = new ArrayList<>(r.strings("scopes"));
    if (!scopes.contains("openid")) {
      scopes.add(0, "openid"); // OpenID Connect Core 1.0 §3.1.2.1: "openid" MUST be present
    }
    return new GatewayConfig.Sso(
        r.string("providerName"),
        r.string("issuer"), // as the provider writes it: the id_token's iss must equal it exactly
        r.string("clientId"),
        r.string("clientSecret"),
        List.copyOf(scopes),
        r.string("loginClaim"),
        r.string("claim"),
        List.copyOf(mappings),
        r.integer("loginTtlSeconds"),
        r.integer("maxPendingLogins"),
        r.integer("maxPendingLoginsPerAddress"));
  }
}
