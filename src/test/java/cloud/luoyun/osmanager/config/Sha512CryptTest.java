package cloud.luoyun.osmanager.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SHA-512 crypt against OpenSSL's {@code openssl passwd -6} (the same scheme as glibc's crypt(3))
 * and, for {@code rounds=} (which OpenSSL does not take), against what glibc's crypt(3) gives for
 * the specification's test inputs.
 */
class Sha512CryptTest {
  /** What {@code openssl passwd -6 -salt SALT TEXT} prints, without the newline. */
  static String openssl(String salt, String text) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of("openssl", "passwd", "-6", "-salt", salt, text)).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void hashesAsOpensslDoesForShortLongAndNonAsciiPasswords() throws Exception {
    Random random = new Random(23);
    List<String> texts = List.of("a", "Hello world!", "p@ss w0rd", "密码与口令", "x".repeat(64), "y".repeat(65),
        "z".repeat(200), "tab\tand quote\"'");
    for (String text : texts) {
      String salt = Sha512Crypt.randomSalt(random);
      assertThat(Sha512Crypt.hash(text, salt).value()).as(text).isEqualTo(openssl(salt, text));
    }
    assertThat(Sha512Crypt.hash("short salt", "ab").value()).isEqualTo(openssl("ab", "short salt"));
  }

  @Test
  void matchesTheSpecificationsVectorsWithAndWithoutRounds() {
    assertThat(Sha512Crypt.hash("Hello world!", "saltstring").value()).isEqualTo("$6$saltstring$svn8UoSVapNtMuq1ukK"
        + "S4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1");
    assertThat(Sha512Crypt.matches("Hello world!", new CryptHash("$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QV"
        + "eXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v."))).isTrue();
    assertThat(Sha512Crypt.matches("This is just a test", new CryptHash("$6$rounds=1400$anotherlongsalts$MXv1cjG7pgX86t"
        + "VU6XtgkNyagkaSbtGHqMN3C8UJmY3naFKs0qS76pS4tjK3jnwxNrBYfCrWn9eqqJsEijiYS/"))).isTrue();
  }

  @Test
  void aNewHashHasARandomSaltOf16AndMatchesItsTextOnly() {
    CryptHash one = Sha512Crypt.hash("secret");
    CryptHash two = Sha512Crypt.hash("secret");

    assertThat(one.value()).matches("\\$6\\$[./0-9A-Za-z]{16}\\$[./0-9A-Za-z]{86}");
    assertThat(one).isNotEqualTo(two);
    assertThat(Sha512Crypt.matches("secret", one)).isTrue();
    assertThat(Sha512Crypt.matches("secreT", one)).isFalse();
    assertThat(Sha512Crypt.matches("secret", new CryptHash("$5$abc$def"))).isFalse();
    assertThat(Sha512Crypt.matches("secret", new CryptHash("$6$rounds=x$abc$def"))).isFalse();
    assertThat(Sha512Crypt.matches("secret", new CryptHash("$6$nodollar"))).isFalse();
  }
}
