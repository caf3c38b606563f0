package org.siteconnect.gateway.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.siteconnect.gateway.net.AddressRange;

/**
 * The SSRF guard (docs/WEBHOOKS.md): a webhook may not reach the gateway's own network. Refused unless
 * {@code webhooks.allowPrivateTargets} or a {@code webhooks.allowedTargets} range covers them: unspecified
 * (0.0.0.0/8, ::), loopback, private (RFC 1918), carrier-grade NAT (100.64/10), link-local (169.254/16 — cloud
 * metadata — and fe80::/10), IETF and benchmark ranges, multicast, reserved and broadcast, and IPv6 unique local
 * (fc00::/7), site-local, NAT64 and 6to4 forms of them. Every address a name resolves to is checked, at registration
 * and before each delivery, and the delivery connects to the checked address (so DNS rebinding cannot swap it).
 */
public final class TargetGuard {
  private static final List<AddressRange> INTERNAL = List.of(
          "0.0.0.0/8",
          "10.0.0.0/8",
          "100.64.0.0/10",
          "127.0.0.0/8",
          "169.254.0.0/16",
          "172.16.0.0/12",
          "192.0.0.0/24",
          "192.0.2.0/24",
          "192.88.99.0/24",
          "192.168.0.0/16",
          "198.18.0.0/15",
          "198.51.100.0/24",
          "203.0.113.0/24",
          "224.0.0.0/4",
          "240.0.0.0/4",
          "::/128",
          "::1/128",
          "64:ff9b::/96",
          "64:ff9b:1::/48",
          "100::/64",
          "2001:db8::/32",
          "2002::/16",
          "fc00::/7",
          "fe80::/10",
          "fec0::/10",
          "ff00::/8")
      .stream()
      .map(AddressRange::parse)
      .toList();

  private final boolean allowAll;
  private final List<AddressRange> allowed;

  public TargetGuard(boolean allowPrivateTargets, List<String> allowedTargets) {
    this.allowAll = allowPrivateTargets;
    this.allowed = allowedTargets.stream().map(AddressRange::parse).toList();
  }

  /** Null when {@code address} may be a target, else why not (a sentence for the admin). */
  public String refusal(InetAddress address) {
    if (allowAll || allowed.stream().anyMatch(r -> r.contains(address))) {
      return null;
    }
    InetAddress a = embeddedIpv4(address);
    if (INTERNAL.stream().anyMatch(r -> r.contains(a))) {
      return "the target address " + address.getHostAddress()
          + " is internal (loopback, private, link-local or reserved); "
          + "webhooks.allowPrivateTargets or webhooks.allowedTargets would allow it";
    }
    return null;
  }

  /** The first refusal among all the addresses a name resolved to, or null when every one may be a target. */
  public String refusal(List<InetAddress> addresses) {
    if (addresses.isEmpty()) {
      return "the target host has no address";
    }
    for (InetAddress a : addresses) {
      String why = refusal(a);
      if (why != null) {
        return why;
      }
    }
    return null;
  }

  /** ::ffff:a.b.c.d and ::a.b.c.d carry an IPv4 address: judged as that address. */
  private static InetAddress embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] b = address.getAddress();
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return address;
      }
    }
    boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    boolean compatible = b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0);
    if (!mapped && !compatible) {
      return address;
    }
    try {
      return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
    } catch (java.net.UnknownHostException e) {
      return address;
    }
  }
}
