package com.ervc.security;

import io.vertx.core.http.HttpServerRequest;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The client's IP address. X-Forwarded-For is believed only when the direct peer is a configured trusted proxy
 * (exact address or CIDR range);
 * the address used is then the right-most one that is not itself a trusted proxy.
 */
public final class ClientAddress {
  private ClientAddress() {
  }

  public static String of(HttpServerRequest request, List<String> trustedProxies) {
    String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    return resolve(peer, request.getHeader("X-Forwarded-For"), trustedProxies);
  }

  static String resolve(String peer, String forwardedFor, List<String> trustedProxies) {
    if (forwardedFor == null || !trusted(peer, trustedProxies)) {
      return peer;
    }
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !trusted(hop, trustedProxies)) {
        return hop;
      }
    }
    return peer;
  }

  /** Whether {@code ip} is one of the proxies: exact addresses or CIDR ranges such as 10.0.0.0/8 (pod networks). */
  static boolean trusted(String ip, List<String> proxies) {
    for (String proxy : proxies) {
      int slash = proxy.indexOf('/');
      if (slash < 0 ? sameAddress(ip, proxy) : inRange(ip, proxy.substring(0, slash), proxy.substring(slash + 1))) {
        return true;
      }
    }
    return false;
  }

  /** Compares literals by value, so ::1 and 0:0:0:0:0:0:0:1 are the same proxy. */
  private static boolean sameAddress(String ip, String proxy) {
    byte[] a = literal(ip);
    byte[] b = literal(proxy);
    return a != null && b != null ? java.util.Arrays.equals(a, b) : proxy.equals(ip);
  }

  private static boolean inRange(String ip, String network, String prefixText) {
    try {
      byte[] address = literal(ip);
      byte[] base = literal(network);
      int prefix = Integer.parseInt(prefixText);
      if (address == null || base == null || address.length != base.length || prefix < 0 || prefix > base.length * 8) {
        return false;
      }
      for (int bit = 0; bit < prefix; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((address[bit / 8] & mask) != (base[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The bytes of an IP literal, or null for anything else; never a DNS lookup (this runs on an event loop). */
  private static byte[] literal(String ip) {
    return ip == null ? null : NetUtil.createByteArrayFromIpAddressString(ip);
  }

  /** Whether the request reached us over TLS, directly or via a trusted proxy that says so. */
  /**
   * The address with its host part hidden, for views that must not identify a client: an IPv4 address keeps its
   * first three octets ({@code 203.0.113.x}), an IPv6 address its first three groups ({@code 2001:db8:85a3:x}).
   */
  public static String masked(String ip) {
    if (ip == null) {
      return "unknown";
    }
    if (ip.indexOf(':') < 0) {
      int last = ip.lastIndexOf('.');
      return last < 0 ? "x" : ip.substring(0, last) + ".x";
    }
    if (!ip.matches("[0-9A-Fa-f:.]+")) {
      return "x";
    }
    try {
      // An IPv6 literal is parsed, never looked up; expanding it keeps "::1" from showing its host part.
      byte[] bytes = InetAddress.getByName(ip).getAddress();
      return bytes.length != 16 ? "x" : String.format("%x:%x:%x:x", group(bytes, 0), group(bytes, 2), group(bytes, 4));
    } catch (UnknownHostException e) {
      return "x";
    }
  }

  private static int group(byte[] bytes, int at) {
    return (bytes[at] & 0xff) << 8 | (bytes[at + 1] & 0xff);
  }

  public static boolean secure(HttpServerRequest request, List<String> trustedProxies) {
    if (request.isSSL()) {
      return true;
    }
    String peer = request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
    return trusted(peer, trustedProxies) && "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
  }
}
