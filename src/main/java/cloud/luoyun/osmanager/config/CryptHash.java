package cloud.luoyun.osmanager.config;

import java.util.regex.Pattern;

/**
 * A crypt(3) password hash for {@code /etc/shadow}: {@code $id$[params$]salt$hash} (MD5, SHA-256,
 * SHA-512, bcrypt, yescrypt, ...) or a 13-character DES hash. Only the crypt alphabet plus
 * {@code $ = , -} is accepted: no ':' (the shadow field separator), no whitespace or newline, so the
 * value can never add or split a shadow entry. {@link #toString()} never shows the value.
 */
public record CryptHash(String value) {
  private static final Pattern MODULAR = Pattern.compile("\\$[0-9a-z]{1,8}(\\$[A-Za-z0-9./=,+-]*){1,5}");
  private static final Pattern DES = Pattern.compile("[A-Za-z0-9./]{13}");

  public static CryptHash parse(String field, String s) throws ConfigException {
    if (s.indexOf(':') >= 0) {
      throw new ConfigException(field, "contains ':' (not a crypt(3) hash)");
    }
    if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      throw new ConfigException(field, "contains a line break (not a crypt(3) hash)");
    }
    if (s.length() > 512) {
      throw new ConfigException(field, "longer than 512 characters");
    }
    if (!MODULAR.matcher(s).matches() && !DES.matcher(s).matches()) {
      throw new ConfigException(field, "not a crypt(3) hash (expected: $id$salt$hash)");
    }
    return new CryptHash(s);
  }

  @Override
  public String toString() {
    return "CryptHash[****]";
  }
}
