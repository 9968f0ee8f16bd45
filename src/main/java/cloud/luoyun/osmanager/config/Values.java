package cloud.luoyun.osmanager.config;

/**
 * Shared checks for the value types: printable quoting for messages, length limits. Public for the
 * other sources' mappings ({@code config/cloud}), which name hostile values the same way.
 */
public final class Values {
  private Values() {}

  /** Quotes a hostile value for an error message: control bytes escaped, cut at 40 chars. */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    int n = Math.min(s.length(), 40);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else {
        b.append(c);
      }
    }
    if (s.length() > n) {
      b.append("...");
    }
    return b.append('"').toString();
  }

  static String requireLength(String field, String s, int max) throws ConfigException {
    if (s.length() > max) {
      throw new ConfigException(field, "longer than " + max + " characters");
    }
    return s;
  }

  /** True when every char is printable ASCII without space (0x21..0x7e). */
  static boolean isGraphicAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }
}
