package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which Host names and Origins the terminal accepts: its own only. */
class OriginCheckTest {
  private final OriginCheck check = new OriginCheck(List.of("App.Example.COM", "203.0.113.9", "10.0.0.5"));

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  private Optional<OriginCheck.Authority> own(String host) throws Exception {
    return check.ownHost(host, ip("192.168.7.20"), true);
  }

  @Test
  void theInstancesOwnNamesAddressesAndLocalhostAreItsHosts() throws Exception {
    for (String host : List.of("app.example.com:8001", "APP.example.com.:8001", "203.0.113.9:8001", "10.0.0.5",
        "localhost:8001", "127.0.0.1:8001", "127.9.9.9:1", "[::1]:8001", "[0:0:0:0:0:0:0:1]:8001",
        "192.168.7.20:8001")) {
      assertThat(own(host)).as(host).isPresent();
    }
    assertThat(own("APP.example.com.:8001")).hasValue(new OriginCheck.Authority("app.example.com", 8001));
    assertThat(own("10.0.0.5")).hasValue(new OriginCheck.Authority("10.0.0.5", 443));
    assertThat(check.ownHost("10.0.0.5", null, false)).hasValue(new OriginCheck.Authority("10.0.0.5", 80));
  }

  /** Issue 11: Host and Origin both naming a foreign host passed (DNS rebinding). */
  @Test
  void aForeignNameIsNoHostOfOursEvenWhenItResolvesHere() throws Exception {
    for (String host : List.of("rebind.example:8001", "evil.app.example.com:8001", "app.example.com.evil:8001",
        "localhost.evil:8001", "sub.localhost:8001", "10.0.0.6:8001", "127.1:8001", "2130706433:8001",
        "0x7f.0.0.1:8001", "[::2]:8001", "[fe80::1%25eth0]:8001", "::1:8001", "app.example.com:0",
        "app.example.com:65536", "app.example.com:80x", "app_example.com", "", "a b", "app.example.com:8001/x")) {
      assertThat(own(host)).as(host).isEmpty();
    }
    assertThat(check.ownHost(null, null, true)).isEmpty();
  }

  @Test
  void onlyThePagesOwnOriginMayOpenTheWebSocket() {
    OriginCheck.Authority host = new OriginCheck.Authority("10.0.0.5", 8001);
    assertThat(OriginCheck.sameOrigin("https://10.0.0.5:8001", host, true)).isTrue();
    assertThat(OriginCheck.sameOrigin("HTTPS://10.0.0.5:8001", host, true)).isTrue();
    assertThat(OriginCheck.sameOrigin("https://example.com", new OriginCheck.Authority("example.com", 443), true))
        .isTrue();
    assertThat(OriginCheck.sameOrigin("https://[::1]:8001", new OriginCheck.Authority("0:0:0:0:0:0:0:1", 8001), true))
        .isTrue();

    assertThat(OriginCheck.sameOrigin("https://evil.example:8001", host, true)).isFalse();
    assertThat(OriginCheck.sameOrigin("https://10.0.0.5:8002", host, true)).isFalse();
    assertThat(OriginCheck.sameOrigin("https://10.0.0.5", host, true)).isFalse();
    assertThat(OriginCheck.sameOrigin("null", host, true)).isFalse();
    assertThat(OriginCheck.sameOrigin(null, host, true)).isFalse();
    assertThat(OriginCheck.sameOrigin("file://", host, true)).isFalse();
    assertThat(OriginCheck.sameOrigin("https://10.0.0.5:8001/path", host, true)).isFalse();
    assertThat(OriginCheck.sameOrigin("https://user@10.0.0.5:8001", host, true)).isFalse();
    assertThat(OriginCheck.sameOrigin("https://10.0.0.5:x", host, true)).isFalse();
  }

  /** Issue 11: an https:// Origin was accepted for an http:// page. The scheme is the connection's. */
  @Test
  void anOriginOfTheOtherSchemeIsAnotherOrigin() {
    OriginCheck.Authority host = new OriginCheck.Authority("10.0.0.5", 8001);
    assertThat(OriginCheck.sameOrigin("https://10.0.0.5:8001", host, false)).isFalse();
    assertThat(OriginCheck.sameOrigin("http://10.0.0.5:8001", host, true)).isFalse();
    assertThat(OriginCheck.sameOrigin("http://10.0.0.5:8001", host, false)).isTrue();
  }

  @Test
  void addressLiteralsAreParsedAndNamesNeverLookedUp() throws Exception {
    assertThat(OriginCheck.addressLiteral("10.0.0.5")).isEqualTo(ip("10.0.0.5"));
    assertThat(OriginCheck.addressLiteral("::1")).isEqualTo(ip("::1"));
    for (String notLiteral : List.of("localhost", "example.com", "10.0.0.256", "010.0.0.1", "10.0.0", ".:1", "g::1")) {
      assertThat(OriginCheck.addressLiteral(notLiteral)).as(notLiteral).isNull();
    }
  }
}
