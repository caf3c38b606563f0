package org.siteconnect.gateway.ops;

/** How much of a client address the audit log keeps: all of it, the network part, or nothing. */
public final class AddressPolicy {
  private AddressPolicy() {}

  public static String apply(String policy, String address) {
    if (address == null || "none".equals(policy)) {
      return null;
    }
    if ("full".equals(policy)) {
      return address;
    }
    if (address.indexOf(':') >= 0) { // IPv6: keep the first three groups (/48)
      String[] groups = address.split(":");
      return groups.length >= 3 ? groups[0] + ":" + groups[1] + ":" + groups[2] + "::/48" : "::/48";
    }
    int lastDot = address.lastIndexOf('.');
    return lastDot > 0 ? address.substring(0, lastDot) + ".0/24" : null;
  }
}
