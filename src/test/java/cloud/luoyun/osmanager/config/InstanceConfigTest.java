package cloud.luoyun.osmanager.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.luoyun.osmanager.TestFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InstanceConfigTest {
  private static final String BASE = "CLC_IP=192.168.1.11\nCLC_PORT=1369\nTAG=7\nKEY=015e33a8-787d-457e-b84d\n";

  private static InstanceConfig parse(String text) throws ConfigException {
    return InstanceConfig.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  private static InstanceConfig withJson(String json) throws ConfigException {
    return parse(BASE + "JSON=" + json + "\n");
  }

  @Test
  void theVectorConfigParsesIntoEveryField() throws Exception {
    InstanceConfig c = InstanceConfig.load(TestFiles.vector("luoyun.ini"));

    assertThat(c.clcIp()).contains(Ipv4Address.parse("x", "192.168.1.11"));
    assertThat(c.clcPort()).isEqualTo(1369);
    assertThat(c.clcMcastIp()).hasToString("228.0.0.1");
    assertThat(c.clcMcastPort()).isEqualTo(1369);
    assertThat(c.tag()).isEqualTo(7);
    assertThat(c.key().reveal()).isEqualTo("015e33a8-787d-457e-b84d-c2a101a816e0");
    InstanceSettings s = c.settings();
    assertThat(s.cookie()).contains("5c1d0a4e8b7f6a3d2c1b0a9f8e7d6c5b4a392817");
    assertThat(s.webssh()).isEqualTo(new WebSsh(true, java.util.OptionalInt.of(8001)));
    assertThat(s.network()).hasSize(1);
    NetworkEntry nic = s.network().get(0);
    assertThat(nic.ip().map(Object::toString)).contains("10.0.0.5");
    assertThat(nic.netmask()).contains(new Netmask(24));
    assertThat(nic.gateway().map(Object::toString)).contains("10.0.0.1");
    assertThat(nic.mac()).contains(new MacAddress("92:fd:3c:00:00:07"));
    assertThat(nic.type()).contains("default");
    assertThat(s.nameservers()).extracting(Object::toString).containsExactly("8.8.8.8", "114.114.114.114");
    assertThat(s.domain().flatMap(Domain::name)).contains("owncloud.example.com");
    assertThat(s.passwdHash().map(CryptHash::value).orElseThrow()).startsWith("$6$rJ3kQ9zP$");
    assertThat(s.publicKey().map(SshPublicKey::line).orElseThrow())
        .isEqualTo("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICLLz0JhZoHlDBh2ZMkTmgtsui1UzHhdYhQfF5+QD8NJ owner@example");
    assertThat(s.storage()).containsExactly(new Storage("disk", 10));
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void secretsNeverAppearInToString() throws Exception {
    InstanceConfig c = InstanceConfig.load(TestFiles.vector("luoyun.ini"));

    String shown = c.toString();

    assertThat(shown).doesNotContain("015e33a8").doesNotContain("rJ3kQ9zP").doesNotContain("5c1d0a4e")
        .contains("****").contains("10.0.0.5");
  }

  @Test
  void missingJsonAndControllerKeysFallBackToDefaults() throws Exception {
    InstanceConfig c = parse("TAG=42\nKEY=k\n");

    assertThat(c.clcIp()).isEmpty();
    assertThat(c.clcPort()).isEqualTo(1369);
    assertThat(c.clcMcastIp()).hasToString("228.0.0.1");
    assertThat(c.settings()).isEqualTo(InstanceSettings.EMPTY);
  }

  @Test
  void blankLinesCommentsCrLfAndBomAreAccepted() throws Exception {
    InstanceConfig c = parse("\uFEFF# written by hand\r\n\r\nTAG = 9 \r\nKEY=abc\r\nCLC_IP=\r\n");

    assertThat(c.tag()).isEqualTo(9);
    assertThat(c.key().reveal()).isEqualTo("abc");
    assertThat(c.clcIp()).isEmpty();
  }

  @Test
  void unknownKeysAreIgnoredWithAWarning() throws Exception {
    InstanceConfig c = parse("TAG=1\nKEY=k\nFOO=bar\n");

    assertThat(c.warnings()).containsExactly("line 3: unknown key \"FOO\" ignored");
  }

  @Test
  void unknownJsonFieldsAreIgnored() throws Exception {
    InstanceConfig c = withJson("{\"future\": {\"x\": [1,2]}, \"cookie\": \"abc\"}");

    assertThat(c.settings().cookie()).contains("abc");
  }

  @Test
  void aNetworkEntryWithoutIpIsLeftToDhcp() throws Exception {
    InstanceConfig c = withJson("{\"network\": [{\"mac\": \"92:FD:3C:00:00:08\"}, {\"ip\": \"\"}]}");

    assertThat(c.settings().network()).hasSize(2);
    assertThat(c.settings().network().get(0).ip()).isEmpty();
    assertThat(c.settings().network().get(0).mac()).contains(new MacAddress("92:fd:3c:00:00:08"));
    assertThat(c.settings().network().get(1).ip()).isEmpty();
  }

  @Test
  void websshCanBeDisabledAndGivenAPortAsText() throws Exception {
    assertThat(withJson("{\"webssh\": {\"status\": \"disable\"}}").settings().webssh().enabled()).isFalse();
    assertThat(withJson("{\"webssh\": {\"port\": \"8022\"}}").settings().webssh().port()).hasValue(8022);
  }

  @ParameterizedTest(name = "{0} is refused naming {1}")
  @CsvSource(delimiter = '|', value = {
      "TAG=x\\nKEY=k                      | TAG",
      "TAG=99999999999\\nKEY=k            | TAG",
      "KEY=k                             | TAG",
      "TAG=1                             | KEY",
      "TAG=1\\nKEY=                       | KEY",
      "TAG=1\\nKEY=a b                    | KEY",
      "TAG=1\\nTAG=2\\nKEY=k               | TAG",
      "TAG=1\\nKEY=k\\nCLC_IP=1.2.3.4;reboot | CLC_IP",
      "TAG=1\\nKEY=k\\nCLC_IP=$(reboot)    | CLC_IP",
      "TAG=1\\nKEY=k\\nCLC_PORT=0          | CLC_PORT",
      "TAG=1\\nKEY=k\\nCLC_PORT=70000      | CLC_PORT",
      "TAG=1\\nKEY=k\\nCLC_MCAST_IP=10.0.0.1 | CLC_MCAST_IP",
      "TAG=1\\nKEY=k\\njust words          | line 3",
  })
  void badKeysAreRefusedNamingTheKey(String text, String field) {
    assertThatThrownBy(() -> parse(text.replace("\\n", "\n")))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).field()).isEqualTo(field))
        .hasMessageStartingWith(field + ": ");
  }

  @ParameterizedTest(name = "{0} is refused naming {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"cookie\": 5}                                                 | cookie",
      "{\"network\": [{\"ip\": \"10.0.0.5; rm -rf /\"}]}                | network[0].ip",
      "{\"network\": [{\"ip\": \"10.0.0.5\", \"netmask\": \"255.0.255.0\"}]} | network[0].netmask",
      "{\"network\": [{\"gateway\": \"`id`\"}]}                         | network[0].gateway",
      "{\"network\": [{\"mac\": \"aa:bb:cc:dd:ee\"}]}                   | network[0].mac",
      "{\"network\": {\"ip\": \"1.2.3.4\"}}                             | network",
      "{\"nameservers\": \"8.8.8.8 $(id)\"}                             | nameservers",
      "{\"network\": [{\"nameservers\": \"8.8.8.8\\n9.9.9.9x\"}]}         | network[0].nameservers",
      "{\"passwd_hash\": \"$6$salt$hash:0:99999\"}                       | passwd_hash",
      "{\"passwd_hash\": \"$6$salt$hash\\nroot2::0:0\"}                  | passwd_hash",
      "{\"passwd_hash\": \"plain-password\"}                             | passwd_hash",
      "{\"public_key\": \"command=\\\"/bin/sh\\\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICLLz0JhZoHlDBh2ZMkTmgtsui1UzHhdYhQfF5+QD8NJ\"} | public_key",
      "{\"public_key\": \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICLLz0JhZoHlDBh2ZMkTmgtsui1UzHhdYhQfF5+QD8NJ a\\nssh-rsa AAAA\"} | public_key",
      "{\"public_key\": \"ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAICLLz0JhZoHlDBh2ZMkTmgtsui1UzHhdYhQfF5+QD8NJ\"} | public_key",
      "{\"webssh\": {\"port\": 0}}                                      | webssh.port",
      "{\"webssh\": {\"port\": 1e9}}                                    | webssh.port",
      "{\"webssh\": {\"status\": \"maybe\"}}                            | webssh.status",
      "{\"domain\": {\"name\": \"<script>x</script>\"}}                  | domain.name",
      "{\"use_global_passwd\": \"yes please\"}                           | use_global_passwd",
      "[1, 2]                                                          | JSON",
  })
  void badJsonValuesAreRefusedNamingTheField(String json, String field) {
    assertThatThrownBy(() -> withJson(json))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).field()).isEqualTo(field));
  }

  @Test
  void truncatedJsonIsRefusedWithoutQuotingTheInput() {
    assertThatThrownBy(() -> withJson("{\"passwd_hash\": \"$6$secretsalt$abc"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("JSON: not valid JSON")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secretsalt"));
  }

  @Test
  void nonUtf8BytesAreRefusedNamingTheKey() {
    byte[] bad = "TAG=1\nKEY=k\nJSON={\"cookie\": \"\u00ff\"}\n".getBytes(StandardCharsets.ISO_8859_1);

    assertThatThrownBy(() -> InstanceConfig.parse(bad)).hasMessage("JSON: not valid UTF-8");
  }

  @Test
  void aHugeConfigIsRefusedBeforeParsing() {
    byte[] huge = new byte[InstanceConfig.MAX_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) 'A');

    assertThatThrownBy(() -> InstanceConfig.parse(huge)).hasMessageStartingWith("luoyun.conf: larger than");
  }

  @Test
  void loadReadsAFileFromAHome() throws Exception {
    java.nio.file.Path dir = Files.createTempDirectory("osm-home");
    try {
      Home home = new Home(dir);
      Files.createDirectories(home.confDir());
      Files.writeString(home.conf(), "TAG=5\nKEY=kk\n");

      assertThat(home.loadConfig().tag()).isEqualTo(5);
    } finally {
      TestFiles.deleteTree(dir);
    }
  }

  /** A key pasted from an id_*.pub file into the web form keeps the file's line break. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"\\n", "\\r\\n", " \\n"})
  void aPublicKeyPastedWithItsLineBreakIsAccepted(String lineBreak) throws Exception {
    String key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICLLz0JhZoHlDBh2ZMkTmgtsui1UzHhdYhQfF5+QD8NJ owner@example";

    InstanceSettings s = withJson("{\"public_key\": \"" + key + lineBreak + "\"}").settings();

    assertThat(s.publicKey().map(SshPublicKey::line)).contains(key);
  }

  /**
   * The LuoYun web front end checks a bound domain with {@code ^(([A-Za-z0-9])+[\.]?)+$}, which
   * lets an owner enter the absolute form with its trailing dot.
   */
  @Test
  void aDomainNameInItsAbsoluteFormWithATrailingDotIsAccepted() throws Exception {
    InstanceSettings s = withJson("{\"domain\": {\"name\": \"www.example.com.\", \"ip\": \"10.0.0.5\"}}").settings();

    assertThat(s.domain().flatMap(Domain::name)).contains("www.example.com");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"www.example.com..", ".", "www..example.com", ".example.com"})
  void aDomainNameWithAnEmptyLabelIsStillRefused(String name) {
    assertThatThrownBy(() -> withJson("{\"domain\": {\"name\": \"" + name + "\"}}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("domain.name: ");
  }

  /**
   * The LuoYun web front end checks pool addresses with Python's IPy, whose octets go through
   * int(), which ignores surrounding spaces: "255.255.255.0 " from the admin's form reaches the
   * config as it was typed.
   */
  @Test
  void addressesAndNetmasksTypedWithSurroundingSpacesAreAccepted() throws Exception {
    NetworkEntry e = withJson("{\"network\": [{\"ip\": \" 10.0.0.5\", \"netmask\": \"255.255.255.0 \", "
        + "\"gateway\": \"10.0.0.1 \"}]}").settings().network().get(0);

    assertThat(e.ip().map(Object::toString)).contains("10.0.0.5");
    assertThat(e.netmask()).contains(new Netmask(24));
    assertThat(e.gateway().map(Object::toString)).contains("10.0.0.1");
  }

  @Test
  void optionalValuesStayEmptyWhenAbsent() throws Exception {
    InstanceSettings s = withJson("{}").settings();

    assertThat(s.domain()).isEqualTo(Optional.empty());
    assertThat(s.passwdHash()).isEmpty();
    assertThat(s.publicKey()).isEmpty();
    assertThat(s.webssh()).isEqualTo(WebSsh.DEFAULT);
  }
}
