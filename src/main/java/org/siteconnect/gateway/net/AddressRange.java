package org.siteconnect.gateway.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An IP address or a CIDR block ({@code 10.0.0.0/8}, {@code fd00::/8}, {@code 127.0.0.1}), parsed without DNS. */
public record AddressRange(byte[] network, int prefixBits) {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

  /** Throws {@link IllegalArgumentException} with a sentence for the operator. */
  public static AddressRange parse(String text) {
    String s = text == null ? "" : text.trim();
    int slash = s.indexOf('/');
    InetAddress address = literal(slash < 0 ? s : s.substring(0, slash));
    if (address == null) {
      throw new IllegalArgumentException(
          "must be an IP address or a CIDR block like 10.0.0.0/8 (got '" + text + "')");
    }
    int max = address.getAddress().length * 8;
    int bits = max;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < 0 || bits > max) {
        throw new IllegalArgumentException(
            "the prefix length must be 0 to " + max + " (got '" + text + "')");
      }
    }
    return new AddressRange(address.getAddress(), bits);
  }

  /**
   * An IP literal (IPv4 dotted quad or IPv6, IPv4-mapped IPv6 becomes IPv4), or null for anything else: never a
   * name lookup.
   */
  public static InetAddress literal(String text) {
    if (text == null) {
      return null;
    }
    boolean v4 = IPV4.matcher(text).matches();
    boolean v6 = !v4 && text.indexOf(':') >= 0 && IPV6.matcher(text).matches();
    if (!v4 && !v6) {
      return null;
    }
    if (v4) {
      for (String part : text.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return null;
        }
      }
    }
    try {
      return InetAddress.getByName(text); // a literal: no lookup
    } catch (UnknownHostException e) {
      return null;
    }
  }

  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    int full = prefixBits / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixBits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }
}
