package cloud.luoyun.osmanager.config;

/** A contiguous IPv4 netmask, kept as its prefix length (0..32). */
public record Netmask(int prefixLength) {

  public Netmask {
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " (expected: 0..32)");
    }
  }

  /** Accepts a dotted mask ({@code 255.255.255.0}) or a prefix length ({@code 24}, {@code /24}). */
  public static Netmask parse(String field, String s) throws ConfigException {
    String t = s.startsWith("/") ? s.substring(1) : s;
    if (!t.isEmpty() && t.length() <= 2 && t.chars().allMatch(c -> c >= '0' && c <= '9')) {
      int p = Integer.parseInt(t);
      if (p <= 32) {
        return new Netmask(p);
      }
      throw new ConfigException(field, "prefix length out of range: " + Values.quote(s));
    }
    Ipv4Address mask = Ipv4Address.parse(field, s);
    int bits = mask.bits();
    int prefix = Integer.bitCount(bits);
    int expected = prefix == 0 ? 0 : -1 << (32 - prefix);
    if (bits != expected) {
      throw new ConfigException(field, "not a contiguous netmask: " + Values.quote(s));
    }
    return new Netmask(prefix);
  }

  public String dotted() {
    int bits = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    return new Ipv4Address(bits).toString();
  }

  @Override
  public String toString() {
    return dotted();
  }
}
