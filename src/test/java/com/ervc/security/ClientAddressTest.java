package com.ervc.security;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClientAddressTest {
  private static final List<String> PROXIES = List.of("127.0.0.1", "10.0.0.0/8", "fd00::/8");

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "203.0.113.9 | 198.51.100.1   | 203.0.113.9",       // untrusted peer: its header is ignored
      "127.0.0.1   | null           | 127.0.0.1",
      "127.0.0.1   | 198.51.100.1   | 198.51.100.1",
      "10.42.1.7   | 198.51.100.1, 10.42.0.3 | 198.51.100.1", // pod-network hops are skipped
      "10.42.1.7   | 10.1.1.1       | 10.42.1.7",          // nothing untrusted in the chain: the peer
      "fd12::5     | 2001:db8::1    | 2001:db8::1",
      "11.0.0.1    | 198.51.100.1   | 11.0.0.1"})
  void forwardedForIsBelievedOnlyFromTrustedProxies(String peer, String forwarded, String expected) {
    assertEquals(expected, ClientAddress.resolve(peer, forwarded, PROXIES));
  }

  @ParameterizedTest
  @CsvSource({"10.255.255.255,true", "11.0.0.0,false", "example.com,false", "10.0.0.0/33,false"})
  void cidrRangesMatchOnlyIpLiterals(String ip, boolean trusted) {
    assertEquals(trusted, ClientAddress.trusted(ip, List.of("10.0.0.0/8")));
  }

  @ParameterizedTest
  @CsvSource({"203.0.113.7,203.0.113.x", "2001:db8:85a3:0:0:8a2e:370:7334,2001:db8:85a3:x", "::1,0:0:0:x", "2001:db8::1,2001:db8:0:x", "fe80::1%eth0,x", "localhost,x"})
  void maskedAddressesHideTheHost(String ip, String masked) {
    assertEquals(masked, ClientAddress.masked(ip));
  }
}
