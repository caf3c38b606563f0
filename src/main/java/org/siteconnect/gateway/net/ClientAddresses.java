package org.siteconnect.gateway.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Who the client is (DESIGN §11): the TCP peer, unless the peer is one of the configured trusted proxies; then
 * the right-most address of {@code X-Forwarded-For} (else of {@code Forwarded: for=}) that is not a trusted proxy
 * itself. Headers from any other peer are ignored: anybody can send them.
 */
public final class ClientAddresses {
  private final List<AddressRange> trusted;

  public ClientAddresses(List<String> trustedProxies) {
    this.trusted = trustedProxies.stream().map(AddressRange::parse).toList();
  }

  /** The client of an HTTP request: its peer, or what a trusted proxy forwarded. */
  public String resolve(io.vertx.core.http.HttpServerRequest request) {
    return resolve(
        request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
        request.headers().getAll("X-Forwarded-For"),
        request.headers().getAll("Forwarded"));
  }

  /**
   * @param peer           the TCP peer's address as the socket reports it
   * @param xForwardedFor  every {@code X-Forwarded-For} value in order, or null/empty
   * @param forwarded      every {@code Forwarded} value in order (RFC 7239), or null/empty
   * @return the client's address in canonical form ({@code 127.0.0.1}, {@code 2001:db8:0:0:0:0:0:1})
   */
  public String resolve(String peer, List<String> xForwardedFor, List<String> forwarded) {
    InetAddress peerAddress = AddressRange.literal(stripPort(peer));
    if (peerAddress == null) {
      return peer == null
          ? "unknown"
          : peer; // not an IP (e.g. a unix socket): keep what the socket says
    }
    if (!isTrusted(peerAddress)) {
      return peerAddress.getHostAddress();
    }
    List<String> hops = new ArrayList<>();
    if (xForwardedFor != null && !xForwardedFor.isEmpty()) {
      xForwardedFor.forEach(v -> addAll(hops, v.split(",")));
    } else if (forwarded != null) {
      forwarded.forEach(v -> {
        for (String element : v.split(",")) {
          for (String pair : element.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && "for".equals(pair.substring(0, eq).trim().toLowerCase(Locale.ROOT))) {
              hops.add(pair.substring(eq + 1).trim());
            }
          }
        }
      });
    }
    InetAddress client = peerAddress;
    for (int i = hops.size() - 1; i >= 0; i--) {
      InetAddress hop = AddressRange.literal(stripPort(unquote(hops.get(i))));
      if (hop == null) {
        break; // "unknown", an obfuscated name or garbage: the last proxy we trust is all we know
      }
      client = hop;
      if (!isTrusted(hop)) {
        break;
      }
    }
    return client.getHostAddress();
  }

  private static void addAll(List<String> hops, String[] values) {
    for (String v : values) {
      if (!v.isBlank()) {
        hops.add(v.trim());
      }
    }
  }

  private boolean isTrusted(InetAddress address) {
    for (AddressRange range : trusted) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The key limits count under: an IPv4 address, or the /64 of an IPv6 address (one subscriber line usually
   * gets a whole /64, so counting single IPv6 addresses would not limit anybody).
   */
  public static String limitKey(String address) {
    InetAddress a = AddressRange.literal(address);
    if (!(a instanceof Inet6Address)) {
      return address;
    }
    byte[] b = a.getAddress();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i += 2) {
      sb.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
    }
    return sb.append(":/64").toString();
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
        ? s.substring(1, s.length() - 1)
        : s;
  }

  /** {@code [::1]:80} → {@code ::1}; {@code 1.2.3.4:80} → {@code 1.2.3.4}; bare IPv6 stays as it is. */
  static String stripPort(String s) {
    if (s == null) {
      return null;
    }
    String t = s.trim();
    if (t.startsWith("[")) {
      int end = t.indexOf(']');
      return end < 0 ? t : t.substring(1, end);
    }
    int colon = t.indexOf(':');
    if (colon > 0 && colon == t.lastIndexOf(':') && t.indexOf('.') > 0) {
      return t.substring(0, colon);
    }
    return t;
  }
}
