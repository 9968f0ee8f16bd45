package cloud.luoyun.osmanager.config.cloud;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.InstanceSpec.Cidr;
import cloud.luoyun.osmanager.config.Ipv4Address;
import cloud.luoyun.osmanager.config.Netmask;
import cloud.luoyun.osmanager.config.Values;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP addresses, prefixes and netmasks as the seeds write them, IPv4 and IPv6. Only literals are
 * taken, never a name: IPv4 through {@link Ipv4Address} (strict dotted quad); IPv6 only when the
 * text is hex digits, ':' and '.', which {@link InetAddress#getByName} parses without asking a
 * resolver. No zone ({@code %eth0}), no IPv4-mapped form where IPv6 is meant.
 */
final class IpLiterals {
  private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,3}");

  private IpLiterals() {}

  /** An IPv4 or IPv6 address. */
  static InetAddress address(Node n) throws ConfigException {
    return address(n.field(), n.string().strip());
  }

  static InetAddress address(String field, String s) throws ConfigException {
    if (s.indexOf(':') < 0) {
      return Ipv4Address.parse(field, s).toInetAddress();
    }
    if (!V6.matcher(s).matches()) {
      throw new ConfigException(field, "not an IP address: " + Values.quote(s));
    }
    try {
      InetAddress a = InetAddress.getByName(s);
      if (a instanceof Inet6Address) {
        return a;
      }
    } catch (UnknownHostException e) {
      // below
    }
    throw new ConfigException(field, "not an IPv6 address: " + Values.quote(s));
  }

  /**
   * {@code address[/prefix]}; without a prefix, {@code mask} gives it (a dotted IPv4 netmask, an
   * IPv6 mask or a prefix length); with neither the address is refused.
   */
  static Cidr cidr(String field, String s, String maskField, String mask) throws ConfigException {
    int slash = s.indexOf('/');
    InetAddress a = address(field, slash < 0 ? s : s.substring(0, slash));
    int prefix;
    if (slash >= 0) {
      prefix = prefix(field, s.substring(slash + 1), a);
    } else if (mask != null) {
      prefix = mask(maskField, mask, a);
    } else {
      throw new ConfigException(field, "no prefix length and no netmask: " + Values.quote(s));
    }
    return new Cidr(a, prefix);
  }

  static Cidr cidr(Node address, Node netmask) throws ConfigException {
    return cidr(address.field(), address.string().strip(), netmask.field(),
        netmask.optScalar().map(String::strip).orElse(null));
  }

  /** {@code address/prefix}, or an address alone: a route to that one host ({@code /32}, {@code /128}). */
  static Cidr cidrOrHost(Node n) throws ConfigException {
    String s = n.string().strip();
    if (s.indexOf('/') >= 0) {
      return cidr(n.field(), s, n.field(), null);
    }
    InetAddress a = address(n.field(), s);
    return new Cidr(a, a.getAddress().length * 8);
  }

  /** A netmask for {@code a}: dotted IPv4, an IPv6 mask ({@code ffff:ffff::}), or a prefix length. */
  static int mask(String field, String mask, InetAddress a) throws ConfigException {
    String m = mask.startsWith("/") ? mask.substring(1) : mask;
    if (DIGITS.matcher(m).matches()) {
      return prefix(field, m, a);
    }
    if (!(a instanceof Inet6Address)) {
      return Netmask.parse(field, mask).prefixLength();
    }
    InetAddress bits = address(field, mask);
    if (!(bits instanceof Inet6Address)) {
      throw new ConfigException(field, "not an IPv6 netmask: " + Values.quote(mask));
    }
    byte[] b = bits.getAddress();
    int prefix = 0;
    while (prefix < 128 && (b[prefix / 8] & (0x80 >> (prefix % 8))) != 0) {
      prefix++;
    }
    for (int i = prefix; i < 128; i++) {
      if ((b[i / 8] & (0x80 >> (i % 8))) != 0) {
        throw new ConfigException(field, "not a contiguous netmask: " + Values.quote(mask));
      }
    }
    return prefix;
  }

  private static int prefix(String field, String p, InetAddress a) throws ConfigException {
    int max = a.getAddress().length * 8;
    if (!DIGITS.matcher(p).matches() || Integer.parseInt(p) > max) {
      throw new ConfigException(field, "prefix length is not 0.." + max + ": " + Values.quote(p));
    }
    return Integer.parseInt(p);
  }

  /** The default destination of {@code via}'s family: {@code 0.0.0.0/0} or {@code ::/0}. */
  static Cidr defaultRoute(InetAddress via) {
    try {
      return new Cidr(InetAddress.getByAddress(new byte[via.getAddress().length]), 0);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 and 16 bytes are addresses", e);
    }
  }
}
