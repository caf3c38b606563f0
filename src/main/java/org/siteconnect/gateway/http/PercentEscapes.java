package org.siteconnect.gateway.http;

/**
 * Whether a request target's percent escapes are well formed. Vert.x Web decodes the path while routing and the
 * query when a handler reads a parameter; a malformed escape throws there, which the router answers with a stack
 * trace in the log and a parameter read with 500. Any client can send one, so such a target is answered 400 before
 * routing.
 */
final class PercentEscapes {
  private PercentEscapes() {}

  /** @return whether every {@code %} in {@code target} starts an escape of two hex digits */
  static boolean wellFormed(String target) {
    for (int i = target.indexOf('%'); i >= 0; i = target.indexOf('%', i + 3)) {
      if (i + 2 >= target.length() || !hex(target.charAt(i + 1)) || !hex(target.charAt(i + 2))) {
        return false;
      }
    }
    return true;
  }

  private static boolean hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
