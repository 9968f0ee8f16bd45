package cloud.luoyun.osmanager.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 address in strict dotted-quad form. Parsing accepts exactly four decimal octets
 * (0..255, no leading '+', no hex, no leading zeros beyond a single "0"), so nothing that a
 * resolver or a shell could reinterpret ever gets through.
 */
public record Ipv4Address(int bits) {

  public static Ipv4Address parse(String field, String s) throws ConfigException {
    if (s == null || s.isEmpty() || s.length() > 15) {
      throw new ConfigException(field, "not an IPv4 address: " + Values.quote(s == null ? "" : s));
    }
    int bits = 0;
    int octets = 0;
    int i = 0;
    while (i <= s.length()) {
      int start = i;
      int value = 0;
      while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        value = value * 10 + (s.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      boolean leadingZero = digits > 1 && s.charAt(start) == '0';
      if (digits == 0 || digits > 3 || value > 255 || leadingZero) {
        throw new ConfigException(field, "not an IPv4 address: " + Values.quote(s));
      }
      bits = (bits << 8) | value;
      octets++;
      if (i == s.length()) {
        break;
      }
      if (s.charAt(i) != '.' || octets == 4) {
        throw new ConfigException(field, "not an IPv4 address: " + Values.quote(s));
      }
      i++;
    }
    if (octets != 4) {
      throw new ConfigException(field, "not an IPv4 address: " + Values.quote(s));
    }
    return new Ipv4Address(bits);
  }

  public static Ipv4Address of(Inet4Address a) {
    byte[] b = a.getAddress();
    return new Ipv4Address(((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff));
  }

  public boolean isMulticast() {
    return (bits >>> 28) == 0b1110;
  }

  public boolean isUnspecified() {
    return bits == 0;
  }

  public byte[] toBytes() {
    return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
  }

  public InetAddress toInetAddress() {
    try {
      return InetAddress.getByAddress(toBytes());
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are always a valid address", e);
    }
  }

  @Override
  public String toString() {
    return (bits >>> 24) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
  }
}
