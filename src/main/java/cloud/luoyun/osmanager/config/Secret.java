package cloud.luoyun.osmanager.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The instance's KEY: printable ASCII, 1..256 bytes (RC4 takes at most 256 key bytes). Never
 * printed: {@link #toString()} is {@code ****}; {@link #reveal()} is for the cipher and for writing
 * the config file, nothing else.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  public static Secret parse(String field, String s) throws ConfigException {
    if (s.isEmpty()) {
      throw new ConfigException(field, "empty");
    }
    if (s.length() > 256) {
      throw new ConfigException(field, "longer than 256 characters");
    }
    if (!Values.isGraphicAscii(s)) {
      throw new ConfigException(field, "contains a character that is not printable ASCII");
    }
    return new Secret(s);
  }

  public byte[] bytes() {
    return value.getBytes(StandardCharsets.US_ASCII);
  }

  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && MessageDigest.isEqual(bytes(), s.bytes());
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "****";
  }
}
