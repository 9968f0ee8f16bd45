package cloud.luoyun.osmanager.config;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * One OpenSSH public key line: {@code type base64 [comment]}. Refused: key options
 * ({@code command="..."}, {@code from=} ...) in front of the type, more than one line (a trailing
 * line break is not a second line), control characters, an unknown key type, base64 that does not
 * decode or whose embedded type differs from the stated one. So the line written to
 * {@code authorized_keys} grants a login and nothing else.
 */
public record SshPublicKey(String type, String base64, Optional<String> comment) {
  private static final Set<String> TYPES = Set.of(
      "ssh-ed25519", "ssh-rsa", "ssh-dss",
      "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
      "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com");
  private static final int MAX_LENGTH = 16 * 1024;

  public static SshPublicKey parse(String field, String value) throws ConfigException {
    if (value.length() > MAX_LENGTH) {
      throw new ConfigException(field, "longer than " + MAX_LENGTH + " characters");
    }
    // A key pasted from an id_*.pub file into the web form ends with that file's line break
    // (\n, or \r\n from a browser's textarea): one line all the same. Only a break inside counts.
    String s = value.strip();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r') {
        throw new ConfigException(field, "more than one line");
      }
      if (c < 0x20 || c == 0x7f) {
        throw new ConfigException(field, "contains a control character");
      }
    }
    String[] parts = s.split(" +", 3);
    if (!TYPES.contains(parts[0])) {
      throw new ConfigException(field, parts[0].contains("=") || parts[0].contains(",")
          ? "key options are not allowed before the key type"
          : "unknown key type " + Values.quote(parts[0]));
    }
    if (parts.length < 2) {
      throw new ConfigException(field, "no key data after the key type");
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(field, "key data is not base64");
    }
    if (!parts[0].equals(embeddedType(blob))) {
      throw new ConfigException(field, "key data does not hold a " + parts[0] + " key");
    }
    Optional<String> comment = parts.length == 3 && !parts[2].isBlank()
        ? Optional.of(parts[2].strip()) : Optional.empty();
    return new SshPublicKey(parts[0], parts[1], comment);
  }

  private static String embeddedType(byte[] blob) {
    if (blob.length < 4) {
      return null;
    }
    int n = ByteBuffer.wrap(blob).getInt();
    if (n <= 0 || n > 64 || n > blob.length - 4) {
      return null;
    }
    return new String(blob, 4, n, StandardCharsets.US_ASCII);
  }

  /** The line for {@code authorized_keys}, without a line break. */
  public String line() {
    return type + " " + base64 + comment.map(c -> " " + c).orElse("");
  }

  @Override
  public String toString() {
    return line();
  }
}
