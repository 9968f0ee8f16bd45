package cloud.luoyun.osmanager.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

/**
 * SHA-512 crypt ({@code $6$}), the hash glibc's crypt(3), {@code openssl passwd -6} and
 * {@code chpasswd} make, by Ulrich Drepper's specification ("Unix crypt using SHA-256 and
 * SHA-512", https://www.akkadia.org/drepper/SHA-crypt.txt): 5000 rounds unless
 * {@code rounds=N} says otherwise, a salt of at most 16 characters. Plain-text passwords from a
 * cloud's config are hashed with it before they reach {@code etc/shadow}; neither the text nor the
 * hash is ever logged. The JDK has SHA-512 but not this scheme, and the algorithm is short and
 * fixed, so it lives here rather than pulling in a codec library for one method.
 */
public final class Sha512Crypt {
  public static final String PREFIX = "$6$";
  static final int DEFAULT_ROUNDS = 5000;
  static final int SALT_MAX = 16;
  private static final int ROUNDS_MIN = 1000;
  private static final int ROUNDS_MAX = 999_999_999;
  private static final String ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  /** The order in which the 64 digest bytes are written, three at a time (the last one alone). */
  private static final int[] ORDER = {0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26, 6, 27, 48, 28,
      49, 7, 50, 8, 29, 9, 30, 51, 31, 52, 10, 53, 11, 32, 12, 33, 54, 34, 55, 13, 56, 14, 35, 15, 36, 57, 37, 58, 16,
      59, 17, 38, 18, 39, 60, 40, 61, 19, 62, 20, 41};
  private static final SecureRandom RANDOM = new SecureRandom();

  private Sha512Crypt() {}

  /** {@code text} hashed with a new random salt of 16 characters and the default rounds. */
  public static CryptHash hash(String text) {
    return hash(text, randomSalt(RANDOM));
  }

  /** {@code text} hashed with this salt (at most 16 characters are used, as glibc does). */
  public static CryptHash hash(String text, String salt) {
    return new CryptHash(crypt(text.getBytes(StandardCharsets.UTF_8), salt, DEFAULT_ROUNDS, false));
  }

  /**
   * Whether {@code text} is the password of {@code stored}, a {@code $6$} hash (with or without
   * {@code rounds=}); false for any other kind of hash, which this class cannot check.
   */
  public static boolean matches(String text, CryptHash stored) {
    Optional<String[]> parts = split(stored.value());
    if (parts.isEmpty()) {
      return false;
    }
    String[] p = parts.get();
    boolean custom = p[0] != null;
    int rounds = custom ? clampRounds(p[0]) : DEFAULT_ROUNDS;
    if (rounds < 0) {
      return false;
    }
    String again = crypt(text.getBytes(StandardCharsets.UTF_8), p[1], rounds, custom);
    return MessageDigest.isEqual(again.getBytes(StandardCharsets.US_ASCII),
        stored.value().getBytes(StandardCharsets.US_ASCII));
  }

  static String randomSalt(Random random) {
    char[] salt = new char[SALT_MAX];
    for (int i = 0; i < salt.length; i++) {
      salt[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
    }
    return new String(salt);
  }

  /** [rounds digits or null, salt] of a {@code $6$} hash, or empty. */
  private static Optional<String[]> split(String hash) {
    if (!hash.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String rest = hash.substring(PREFIX.length());
    String rounds = null;
    if (rest.startsWith("rounds=")) {
      int end = rest.indexOf('$');
      if (end < 0) {
        return Optional.empty();
      }
      rounds = rest.substring("rounds=".length(), end);
      rest = rest.substring(end + 1);
    }
    int end = rest.indexOf('$');
    return end < 0 ? Optional.empty() : Optional.of(new String[] {rounds, rest.substring(0, end)});
  }

  /** The rounds glibc would use for {@code rounds=digits}, or -1 when it is no number. */
  private static int clampRounds(String digits) {
    if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    long n = Long.parseLong(digits);
    return (int) Math.max(ROUNDS_MIN, Math.min(ROUNDS_MAX, n));
  }

  private static String crypt(byte[] key, String saltText, int rounds, boolean showRounds) {
    byte[] salt = saltText.substring(0, Math.min(SALT_MAX, saltText.length())).getBytes(StandardCharsets.US_ASCII);
    MessageDigest a = sha512();
    a.update(key);
    a.update(salt);
    MessageDigest b = sha512();
    b.update(key);
    b.update(salt);
    b.update(key);
    byte[] bSum = b.digest();
    int n;
    for (n = key.length; n > 64; n -= 64) {
      a.update(bSum, 0, 64);
    }
    a.update(bSum, 0, n);
    for (n = key.length; n > 0; n >>= 1) {
      if ((n & 1) != 0) {
        a.update(bSum);
      } else {
        a.update(key);
      }
    }
    byte[] aSum = a.digest();
    MessageDigest dp = sha512();
    for (int i = 0; i < key.length; i++) {
      dp.update(key);
    }
    byte[] p = repeat(dp.digest(), key.length);
    MessageDigest ds = sha512();
    for (int i = 0; i < 16 + (aSum[0] & 0xff); i++) {
      ds.update(salt);
    }
    byte[] s = repeat(ds.digest(), salt.length);
    byte[] c = aSum;
    for (int r = 0; r < rounds; r++) {
      MessageDigest round = sha512();
      round.update((r & 1) != 0 ? p : c);
      if (r % 3 != 0) {
        round.update(s);
      }
      if (r % 7 != 0) {
        round.update(p);
      }
      round.update((r & 1) != 0 ? c : p);
      c = round.digest();
    }
    StringBuilder out = new StringBuilder(PREFIX);
    if (showRounds) {
      out.append("rounds=").append(rounds).append('$');
    }
    out.append(new String(salt, StandardCharsets.US_ASCII)).append('$');
    for (int i = 0; i < 63; i += 3) {
      encode(out, c[ORDER[i]], c[ORDER[i + 1]], c[ORDER[i + 2]], 4);
    }
    encode(out, (byte) 0, (byte) 0, c[63], 2);
    Arrays.fill(p, (byte) 0);
    return out.toString();
  }

  private static void encode(StringBuilder out, byte b2, byte b1, byte b0, int chars) {
    int w = ((b2 & 0xff) << 16) | ((b1 & 0xff) << 8) | (b0 & 0xff);
    for (int i = 0; i < chars; i++) {
      out.append(ALPHABET.charAt(w & 0x3f));
      w >>>= 6;
    }
  }

  private static byte[] repeat(byte[] digest, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = digest[i % digest.length];
    }
    return out;
  }

  private static MessageDigest sha512() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-512", e);
    }
  }
}
