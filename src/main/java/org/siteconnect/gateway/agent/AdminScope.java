package org.siteconnect.gateway.agent;

import java.util.Collection;
import java.util.Set;

/**
 * The accounts an admin manages: those within the sites it serves ({@link Agent#sites()}, the rule webhooks,
 * canned responses and transcripts use). The first admin serves every button, so it manages every account.
 */
record AdminScope(Set<String> sites) {
  static AdminScope of(Agent admin) {
    return new AdminScope(admin.sites());
  }

  /** Whether every one of these {@code site/button} refs is on a site the admin serves. */
  boolean covers(Collection<String> buttons) {
    return buttons.stream().allMatch(b -> sites.contains(b.substring(0, b.indexOf('/'))));
  }

  /** An account the admin may change or delete: all its buttons are on the admin's sites. */
  boolean manages(Agent agent) {
    return covers(agent.buttons());
  }

  /** An account the admin lists: it serves one of the admin's sites, or no site at all (so it manages it). */
  boolean sees(Agent agent) {
    return agent.buttons().isEmpty() || agent.sites().stream().anyMatch(sites::contains);
  }
}
