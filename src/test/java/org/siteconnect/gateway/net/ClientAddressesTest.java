package org.siteconnect.gateway.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientAddressesTest {
  private static final ClientAddresses RESOLVER =
      new ClientAddresses(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8", "127.0.0.1"));

  private static List<String> values(String s) {
    return s == null || s.isEmpty() ? List.of() : Arrays.asList(s.split("\\|"));
  }

  @ParameterizedTest(name = "peer {0}, XFF [{1}], Forwarded [{2}] -> {3}")
  @DisplayName("the client is the peer, unless a trusted proxy forwarded for someone")
  @CsvSource(
      delimiter = '#',
      nullValues = "-",
      value = {
        // untrusted peers: headers are ignored, whatever they say
        "203.0.113.9#        198.51.100.1#                    -#                              203.0.113.9",
        "203.0.113.9#        -#                               for=198.51.100.1#               203.0.113.9",
        "2001:db8::5#        198.51.100.1#                    -#                              2001:db8:0:0:0:0:0:5",
        "11.0.0.1#           198.51.100.1#                    -#                              11.0.0.1",
        // trusted peer: the right-most address that is not a trusted proxy
        "10.1.2.3#           198.51.100.1#                    -#                              198.51.100.1",
        "10.1.2.3#           6.6.6.6, 198.51.100.1#           -#                              198.51.100.1",
        "10.1.2.3#           6.6.6.6, 198.51.100.1, 10.9.9.9# -#                              198.51.100.1",
        "10.1.2.3#           6.6.6.6|198.51.100.1, 192.168.1.7# -#                            198.51.100.1",
        "10.1.2.3#           198.51.100.1:4711#               -#                              198.51.100.1",
        "10.1.2.3#           [2001:db8::1]:4711#              -#                              2001:db8:0:0:0:0:0:1",
        "10.1.2.3#           ::ffff:198.51.100.2#             -#                              198.51.100.2",
        "fd12::1#            2001:db8::7#                     -#                              2001:db8:0:0:0:0:0:7",
        "127.0.0.1#          127.0.0.2#                       -#                              127.0.0.2",
        // all hops trusted: the left-most one
        "10.1.2.3#           10.4.4.4, 10.5.5.5#              -#                              10.4.4.4",
        // garbage or 'unknown' right of the trusted hops: the nearest trusted hop is all we know
        "10.1.2.3#           6.6.6.6, unknown#                -#                              10.1.2.3",
        "10.1.2.3#           6.6.6.6, evil.example, 10.5.5.5# -#                              10.5.5.5",
        "10.1.2.3#           6.6.6.6, 10.5.5.5, evil.example# -#                              10.1.2.3",
        "10.1.2.3#           999.1.1.1#                       -#                              10.1.2.3",
        // Forwarded (RFC 7239), used when there is no X-Forwarded-For
        "10.1.2.3#           -#                               for=198.51.100.1;proto=https#   198.51.100.1",
        "10.1.2.3#           -#                               for=6.6.6.6, For=\"[2001:db8::9]:80\"# 2001:db8:0:0:0:0:0:9",
        "10.1.2.3#           -#                               for=_hidden#                    10.1.2.3",
        "10.1.2.3#           -#                               -#                              10.1.2.3",
        // a trusted peer without headers is itself the client
        "192.168.1.7#        -#                               -#                              192.168.1.7",
        "192.168.1.8#        198.51.100.1#                    -#                              192.168.1.8",
      })
  void resolves(String peer, String xff, String forwarded, String expected) {
    assertEquals(expected, RESOLVER.resolve(peer, values(xff), values(forwarded)));
  }

  @ParameterizedTest(name = "{0} counts as {1}")
  @DisplayName("limits count IPv4 addresses one by one and IPv6 addresses by their /64")
  @CsvSource({
    "198.51.100.1, 198.51.100.1",
    "2001:db8:1:2:3:4:5:6, 2001:db8:1:2::/64",
    "2001:db8:1:2:ffff::1, 2001:db8:1:2::/64",
    "0:0:0:0:0:0:0:1, 0:0:0:0::/64",
  })
  void limitKeys(String address, String key) {
    assertEquals(key, ClientAddresses.limitKey(address));
  }

  @ParameterizedTest
  @DisplayName("a trusted proxy must be an IP address or a CIDR block, never a name")
  @CsvSource({"proxy.example", "10.0.0.0/33", "::/129", "10.0.0.0/x", "1.2.3", "300.1.1.1", "''"})
  void badRanges(String text) {
    assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(text));
  }

  @Test
  @DisplayName("CIDR containment on bit boundaries")
  void cidr() {
    AddressRange r = AddressRange.parse("10.128.0.0/9");
    assertEquals(true, r.contains(AddressRange.literal("10.200.1.1")));
    assertEquals(false, r.contains(AddressRange.literal("10.127.1.1")));
    assertEquals(false, r.contains(AddressRange.literal("::1")));
    assertEquals(true, AddressRange.parse("0.0.0.0/0").contains(AddressRange.literal("8.8.8.8")));
  }
}
