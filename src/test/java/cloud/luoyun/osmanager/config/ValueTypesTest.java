package cloud.luoyun.osmanager.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypesTest {

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "10.0.0.5", "255.255.255.255", "192.168.1.11"})
  void wellFormedAddressesRoundTrip(String s) throws Exception {
    assertThat(Ipv4Address.parse("ip", s)).hasToString(s);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1..2.3",
      "0x7f.0.0.1", "1.2.3.4;id", "1.2.3.-4", "+1.2.3.4", "1.2.3.4\n", "１.2.3.4", "1.2.3.4/24", "localhost"})
  void malformedAddressesAreRefused(String s) {
    assertThatThrownBy(() -> Ipv4Address.parse("network[0].ip", s))
        .hasMessageStartingWith("network[0].ip: not an IPv4 address");
  }

  @ParameterizedTest
  @CsvSource({"255.255.255.0,24", "255.255.0.0,16", "255.255.255.255,32", "0.0.0.0,0", "24,24", "/8,8",
      "255.255.255.252,30"})
  void netmasksBecomePrefixLengths(String s, int prefix) throws Exception {
    Netmask m = Netmask.parse("netmask", s);

    assertThat(m.prefixLength()).isEqualTo(prefix);
    assertThat(Netmask.parse("netmask", m.dotted())).isEqualTo(m);
  }

  @ParameterizedTest
  @ValueSource(strings = {"255.0.255.0", "0.255.255.255", "255.255.255.1", "33", "-1", "255.255.255.0 up"})
  void nonContiguousOrMalformedMasksAreRefused(String s) {
    assertThatThrownBy(() -> Netmask.parse("netmask", s)).isInstanceOf(ConfigException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"$6$rJ3kQ9zP$Ryy8oYHtWrI/rFlRY/KFAfQS0OL6Kggt", "$1$abc$def",
      "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o7", "$6$rounds=5000$salt$hash", "abcdefghijklm",
      "$2b$12$KIXQJkzKpx1a1lUdVSHs2O"})
  void cryptHashesAreAccepted(String s) throws Exception {
    assertThat(CryptHash.parse("passwd_hash", s).value()).isEqualTo(s);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "secret", "$6$a$b:c", "$6$a$b\nc", "$6$a$b c", "$6$a$b\rc", "!", "*",
      "$6$a$b\u0000"})
  void nonHashesAreRefused(String s) {
    assertThatThrownBy(() -> CryptHash.parse("passwd_hash", s)).hasMessageStartingWith("passwd_hash: ");
  }

  @ParameterizedTest
  @CsvSource({"92:FD:3C:00:00:07,92:fd:3c:00:00:07", "92-fd-3c-00-00-07,92:fd:3c:00:00:07"})
  void macAddressesAreNormalised(String s, String expected) throws Exception {
    assertThat(MacAddress.parse("mac", s).value()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"92:fd:3c:00:00", "92:fd:3c:00:00:07:08", "zz:fd:3c:00:00:07", "92fd3c000007",
      "92:fd:3c:00:00:07;x"})
  void malformedMacAddressesAreRefused(String s) {
    assertThatThrownBy(() -> MacAddress.parse("mac", s)).hasMessageStartingWith("mac: not a MAC address");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "tab\tkey", "é"})
  void keysMustBePrintableAscii(String s) {
    assertThatThrownBy(() -> Secret.parse("KEY", s)).hasMessageStartingWith("KEY: ");
  }

  @org.junit.jupiter.api.Test
  void aSecretNeverShowsItself() throws Exception {
    Secret s = Secret.parse("KEY", "hunter2");

    assertThat(s).hasToString("****");
    assertThat(new String(s.bytes(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("hunter2");
  }
}
