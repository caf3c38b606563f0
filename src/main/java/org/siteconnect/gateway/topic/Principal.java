package org.siteconnect.gateway.topic;

import java.util.List;
import java.util.Set;

/** Who is on a bridge connection, as far as topic access goes: a page or an agent console. */
public sealed interface Principal permits Principal.Page, Principal.AgentConsole {

  /** A page of a site; {@code sessionId} is its page session (its {@code pagesession} scope). */
  record Page(String sessionId, String siteKey) implements Principal {}

  /** An agent console: the sites it may read and the buttons ({@code "site/button"}) it serves. */
  record AgentConsole(String login, Set<String> sites, List<String> buttons) implements Principal {
    public AgentConsole {
      sites = Set.copyOf(sites);
      buttons = List.copyOf(buttons);
    }
  }
}
