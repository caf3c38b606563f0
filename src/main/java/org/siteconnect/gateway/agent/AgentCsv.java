package org.siteconnect.gateway.agent;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** How both stores keep an agent's roles and buttons: one comma-separated column each. */
final class AgentCsv {
  private AgentCsv() {}

  static String join(Collection<String> values) {
    return String.join(",", values);
  }

  static List<String> split(String csv) {
    return csv == null || csv.isEmpty() ? List.of() : Arrays.asList(csv.split(","));
  }
}
