package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.InstanceSpec.Cidr;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP addresses as the network steps write and read them: text in the one form every backend and
 * {@code ip} print (dotted quad; IPv6 as RFC 5952 says: lower case, the longest run of zero groups
 * as {@code ::}), and literals from {@code ip -j} parsed without ever asking DNS.
 */
final class Addresses {
  /**
   * A dotted quad (all four parts: Java would also take {@code 10.1}), or text with a colon, which
   * Java parses as an IPv6 literal or refuses; anything else would make InetAddress look it up.
   */
  private static final Pattern LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f.]{0,40}:[0-9A-Fa-f:.]{1,44}");

  private Addresses() {}

  /** {@code 10.0.0.5}, {@code 2001:db8::5}; never a scope suffix. */
  static String text(InetAddress a) {
    if (a instanceof Inet4Address) {
      return a.getHostAddress();
    }
    byte[] b = a.getAddress();
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
    }
    int bestStart = -1;
    int bestLen = 1; // a single zero group is not shortened (RFC 5952 4.2.2)
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLen - 1;
        continue;
      }
      if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(g[i]));
    }
    return s.toString();
  }

  /** {@code 10.0.0.5/24}, {@code 2001:db8::5/64}. */
  static String text(Cidr c) {
    return text(c.address()) + "/" + c.prefix();
  }

  static boolean isV6(InetAddress a) {
    return a instanceof Inet6Address;
  }

  /** The address {@code ip} printed, when it is an IP literal; empty for anything else. */
  static Optional<InetAddress> parse(String s) {
    if (!LITERAL.matcher(s).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(s)); // a literal: no lookup
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** {@code a} with every bit after the first {@code prefix} cleared: the network it lies in. */
  static byte[] network(InetAddress a, int prefix) {
    byte[] b = a.getAddress();
    for (int i = 0; i < b.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - 8 * i));
      b[i] &= (byte) (0xff00 >>> keep);
    }
    return b;
  }

  /** Whether {@code a} lies in {@code net} (same family, same first {@code net.prefix()} bits). */
  static boolean contains(Cidr net, InetAddress a) {
    return isV6(a) == isV6(net.address())
        && java.util.Arrays.equals(network(a, net.prefix()), network(net.address(), net.prefix()));
  }
}
