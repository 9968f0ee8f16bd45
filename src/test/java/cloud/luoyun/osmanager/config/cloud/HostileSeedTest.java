package cloud.luoyun.osmanager.config.cloud;

import static cloud.luoyun.osmanager.config.cloud.NoCloudTest.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.luoyun.osmanager.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 23 §6: a seed's files are hostile. Each bad file below, put into an otherwise good seed of
 * a real producer, refuses the whole seed with one line naming the file and the field, and the
 * line never holds the secret it refuses.
 */
class HostileSeedTest {
  private static final String PVE = "proxmox-nocloud";
  private static final String NOVA = "nova";
  private static final String PVE_CD = "proxmox-configdrive2";

  static String aliasBomb() {
    StringBuilder b = new StringBuilder("#cloud-config\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    char prev = 'a';
    for (char c = 'b'; c <= 'i'; c++) {
      b.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        b.append(i == 0 ? "" : ",").append('*').append(prev);
      }
      b.append("]\n");
      prev = c;
    }
    return b.toString();
  }

  static String userWith(String entry) {
    return "#cloud-config\nusers:\n  - default\n  - " + entry + "\n";
  }

  static String v1(String subnet) {
    return "version: 1\nconfig:\n  - type: physical\n    name: eth0\n    mac_address: 'bc:24:11:5e:2a:01'\n"
        + "    subnets:\n      - " + subnet + "\n";
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        // sizes, YAML bombs, structure
        Arguments.of(PVE, "user-data", "#cloud-config\n#" + "x".repeat(64 * 1024) + "\n",
            "user-data: larger than 65536 bytes"),
        Arguments.of(PVE, "user-data", aliasBomb(), "user-data: more than 16 aliases (refused as an alias bomb)"),
        Arguments.of(PVE, "user-data", "#cloud-config\nruncmd: " + "[".repeat(40) + "]".repeat(40) + "\n",
            "user-data: nested deeper than 32 levels"),
        Arguments.of(PVE, "user-data", "#cloud-config\npassword: Secret-1\nhostname: a\npassword: Secret-2\n",
            "user-data: a key given twice (line 4)"),
        Arguments.of(PVE, "user-data", "#cloud-config\nhostname: !!python/object/apply:os.system [\"id\"]\n",
            "user-data: not valid YAML (line 2)"),
        Arguments.of(PVE, "user-data", "#cloud-config\nx: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x/\"]]]]\n",
            "user-data: not valid YAML (line 2)"),
        Arguments.of(PVE, "user-data", "#cloud-config\n- just\n- a list\n",
            "user-data: expected a mapping of cloud-config keys"),
        Arguments.of(PVE, "user-data", "#cloud-config\nhostname: [unclosed\n", "user-data: not valid YAML (line 3)"),
        // wrong types
        Arguments.of(PVE, "user-data", "#cloud-config\nssh_authorized_keys: 42\n",
            "user-data: ssh_authorized_keys: expected a list"),
        Arguments.of(PVE, "user-data", "#cloud-config\nmanage_etc_hosts: [1]\n",
            "user-data: manage_etc_hosts: expected true or false"),
        Arguments.of(PVE, "user-data", "#cloud-config\nchpasswd: yes\n", "user-data: chpasswd: expected a mapping"),
        Arguments.of(PVE, "user-data", userWith("42"), "user-data: users[1]: expected a user name or a mapping"),
        Arguments.of(PVE, "user-data", "#cloud-config\nssh_authorized_keys:\n" + ("  - " + ALICE + "\n").repeat(65),
            "user-data: ssh_authorized_keys: more than 64 items"),
        // keys
        Arguments.of(PVE, "user-data", "#cloud-config\nssh_authorized_keys:\n  - command=\"rm -rf /\" " + ALICE + "\n",
            "user-data: ssh_authorized_keys[0]: key options are not allowed before the key type"),
        Arguments.of(PVE, "user-data", "#cloud-config\nssh_authorized_keys:\n  - \"" + ALICE + "\\n" + ALICE + "\"\n",
            "user-data: ssh_authorized_keys[0]: more than one line"),
        // hashes and passwords
        Arguments.of(PVE, "user-data", userWith("{name: bob, hashed_passwd: '$6$salt$abc:0:99999::'}"),
            "user-data: users[1].hashed_passwd: contains ':' (not a crypt(3) hash)"),
        Arguments.of(PVE, "user-data", userWith("{name: bob, passwd: \"$6$salt$abc\\nbob2\"}"),
            "user-data: users[1].passwd: contains a line break (not a crypt(3) hash)"),
        Arguments.of(PVE, "user-data", "#cloud-config\npassword: \"$6$salt$abc\\nroot2\"\n",
            "user-data: password: contains a line break (not a crypt(3) hash)"),
        Arguments.of(PVE, "user-data", "#cloud-config\npassword: \"Top\\nSecret\"\n",
            "user-data: password: a password with a NUL or a line break"),
        Arguments.of(PVE, "user-data", userWith("{name: bob, plain_text_passwd: \"Top\\0Secret\"}"),
            "user-data: users[1].plain_text_passwd: a password with a NUL or a line break"),
        Arguments.of(PVE, "user-data", "#cloud-config\nchpasswd:\n  list: |\n    root:RANDOM\n",
            "user-data: chpasswd.list: RANDOM passwords are not supported (OS Manager prints no password): give a hash or a text"),
        Arguments.of(PVE, "user-data", "#cloud-config\nchpasswd:\n  users:\n    - {name: root, type: RANDOM}\n",
            "user-data: chpasswd.users[0].type: RANDOM passwords are not supported (OS Manager prints no password): give a hash or a text"),
        Arguments.of(PVE, "user-data", "#cloud-config\nchpasswd:\n  users:\n    - {name: root, password: Top-Secret-9}\n",
            "user-data: chpasswd.users[0].password: not a crypt(3) hash (expected: $id$salt$hash)"),
        // names
        Arguments.of(PVE, "user-data", "#cloud-config\nhostname: web_1\n",
            "user-data: hostname: not an RFC 1123 host name: \"web_1\""),
        Arguments.of(PVE, "user-data", "#cloud-config\nfqdn: \"a.-b.example\"\n",
            "user-data: fqdn: not an RFC 1123 host name: \"a.-b.example\""),
        Arguments.of(PVE, "user-data", userWith("{name: ../../etc}"),
            "user-data: users[1].name: not a safe user name (expected: [a-z_][a-z0-9_-]{0,31}): \"../../etc\""),
        Arguments.of(PVE, "user-data", "#cloud-config\nuser: \"root;reboot\"\n",
            "user-data: user: not a safe user name (expected: [a-z_][a-z0-9_-]{0,31}): \"root;reboot\""),
        Arguments.of(PVE, "user-data", "#cloud-config\nchpasswd:\n  list:\n    - 'Root Admin:pw-1'\n",
            "user-data: chpasswd.list[0]: not a safe user name (expected: [a-z_][a-z0-9_-]{0,31}): \"Root Admin\""),
        Arguments.of(PVE, "user-data", userWith("{name: bob, shell: bash}"),
            "user-data: users[1].shell: not a shell's absolute path: \"bash\""),
        Arguments.of(PVE, "meta-data", "instance-id: ../../etc/x\n",
            "meta-data: instance-id: not an instance id (expected: 1..128 letters, digits, . _ : @ + -): \"../../etc/x\""),
        Arguments.of(PVE, "meta-data", "{\"instance-id\": \"a\", \"local-hostname\": \"host name\"}",
            "meta-data: local-hostname: not an RFC 1123 host name: \"host name\""),
        // network-config
        Arguments.of(PVE, "network-config", v1("{type: static, address: '10.0.0.5', netmask: '255.0.255.0'}"),
            "network-config: config[0].subnets[0].netmask: not a contiguous netmask: \"255.0.255.0\""),
        Arguments.of(PVE, "network-config", v1("{type: static, address: 'gateway.example.com', netmask: '255.255.255.0'}"),
            "network-config: config[0].subnets[0].address: not an IPv4 address: \"gateway.example.com\""),
        Arguments.of(PVE, "network-config", v1("{type: static6, address: 'fe80::1%eth0/64'}"),
            "network-config: config[0].subnets[0].address: not an IP address: \"fe80::1%eth0\""),
        Arguments.of(PVE, "network-config", v1("{type: static6, address: '2001:db8::zz/64'}"),
            "network-config: config[0].subnets[0].address: not an IP address: \"2001:db8::zz\""),
        Arguments.of(PVE, "network-config", v1("{type: static6, address: '2001:db8::5/129'}"),
            "network-config: config[0].subnets[0].address: prefix length is not 0..128: \"129\""),
        Arguments.of(PVE, "network-config", v1("{type: static, address: '10.0.0.5'}"),
            "network-config: config[0].subnets[0].address: no prefix length and no netmask: \"10.0.0.5\""),
        Arguments.of(PVE, "network-config", v1("{type: static, address: '10.0.0.5/24', gateway: '2001:db8::1'}"),
            "network-config: config[0].subnets[0].gateway: not of the address's family"),
        Arguments.of(PVE, "network-config", v1("{type: bogus}"),
            "network-config: config[0].subnets[0].type: unknown subnet type: \"bogus\""),
        Arguments.of(PVE, "network-config",
            "version: 1\nconfig:\n  - type: physical\n    name: eth0\n    mac_address: 'bc:24:11:5e:2a'\n",
            "network-config: config[0].mac_address: not a MAC address: \"bc:24:11:5e:2a\""),
        Arguments.of(PVE, "network-config",
            "version: 1\nconfig:\n  - type: physical\n    name: 'eth0; reboot'\n",
            "network-config: config[0].name: not an interface name: \"eth0; reboot\""),
        Arguments.of(PVE, "network-config",
            "version: 1\nconfig:\n  - type: physical\n    name: eth0\n    mtu: 9999999\n",
            "network-config: config[0].mtu: 9999999 is out of range (expected: 68..65535)"),
        Arguments.of(PVE, "network-config", "version: 3\n",
            "network-config: version: 3 is out of range (expected: 1..2)"),
        Arguments.of(PVE, "network-config",
            "version: 2\nethernets:\n  e0:\n    match: {macaddress: 'zz:zz:zz:zz:zz:zz'}\n",
            "network-config: ethernets.e0.match.macaddress: not a MAC address: \"zz:zz:zz:zz:zz:zz\""),
        Arguments.of(PVE, "network-config",
            "version: 2\nethernets:\n  e0:\n    addresses: [10.0.0.5]\n",
            "network-config: ethernets.e0.addresses[0]: expected an address with its prefix length (CIDR): \"10.0.0.5\""),
        Arguments.of(PVE, "network-config",
            "version: 2\nethernets:\n  e0:\n    routes: [{to: default, via: 10.0.0.1}, {to: 0.0.0.0/0, via: 10.0.0.2}]\n",
            "network-config: ethernets.e0.routes[1]: a second IPv4 gateway for the same NIC"),
        Arguments.of(PVE, "network-config",
            "version: 2\nethernets:\n  e0:\n    nameservers: {addresses: [dns.example.com]}\n",
            "network-config: ethernets.e0.nameservers.addresses[0]: not an IPv4 address: \"dns.example.com\""),
        // config drive
        Arguments.of(NOVA, "openstack/latest/meta_data.json", "{\"uuid\": \"a\", \"uuid\": \"b\"}",
            "openstack/latest/meta_data.json: a key given twice (line 1)"),
        Arguments.of(NOVA, "openstack/latest/meta_data.json", "{\"uuid\": \"a\", \"x\": " + "[".repeat(40) + "]".repeat(40) + "}",
            "openstack/latest/meta_data.json: nested deeper than 32 levels"),
        Arguments.of(NOVA, "openstack/latest/meta_data.json", "{\"hostname\": \"a\"}",
            "openstack/latest/meta_data.json: uuid: missing"),
        Arguments.of(NOVA, "openstack/latest/meta_data.json", "{\"uuid\": \"a\", \"public_keys\": [\"" + ALICE + "\"]}",
            "openstack/latest/meta_data.json: public_keys: expected a mapping"),
        Arguments.of(NOVA, "openstack/latest/meta_data.json", "{\"uuid\": \"a\", \"admin_pass\": \"Top\\nSecret\"}",
            "openstack/latest/meta_data.json: admin_pass: a password with a NUL or a line break"),
        Arguments.of(NOVA, "openstack/latest/meta_data.json", "{\"uuid\": \"a\"",
            "openstack/latest/meta_data.json: not valid JSON (line 1)"),
        Arguments.of(NOVA, "openstack/latest/network_data.json",
            "{\"links\": [{\"id\": \"l0\", \"type\": \"phy\", \"ethernet_mac_address\": \"fa:16:3e:9f:07\"}]}",
            "openstack/latest/network_data.json: links[0].ethernet_mac_address: not a MAC address: \"fa:16:3e:9f:07\""),
        Arguments.of(NOVA, "openstack/latest/network_data.json",
            "{\"links\": [{\"id\": \"l0\", \"ethernet_mac_address\": \"fa:16:3e:9f:07:0d\"}], \"networks\": [{\"link\": \"l0\", "
                + "\"type\": \"ipv6\", \"ip_address\": \"fd00::5\", \"netmask\": \"ffff:0:ffff::\"}]}",
            "openstack/latest/network_data.json: networks[0].netmask: not a contiguous netmask: \"ffff:0:ffff::\""),
        Arguments.of(NOVA, "openstack/latest/network_data.json",
            "{\"links\": [], \"networks\": [{\"link\": \"nowhere\", \"type\": \"ipv4_dhcp\"}]}",
            "openstack/latest/network_data.json: networks[0].link: no such link: \"nowhere\""),
        Arguments.of(NOVA, "openstack/latest/network_data.json",
            "{\"services\": [{\"type\": \"dns\", \"address\": \"ns1.example.com\"}]}",
            "openstack/latest/network_data.json: services[0].address: not an IPv4 address: \"ns1.example.com\""),
        Arguments.of(PVE_CD, "openstack/content/0000",
            "auto eth0\niface eth0 inet static\n  address 10.1.1.20\n  netmask 255.255.0.255\n",
            "openstack/content/0000: line 4 (netmask): not a contiguous netmask: \"255.255.0.255\""),
        Arguments.of(PVE_CD, "openstack/content/0000",
            "iface eth0 inet static\n  address 10.1.1.20/24\n  gateway fe80::1\n",
            "openstack/content/0000: line 3 (gateway): not an IPv4 address"),
        Arguments.of(PVE_CD, "openstack/content/0000", "  address 10.1.1.20\n",
            "openstack/content/0000: line 1: an option outside an iface stanza: \"address\""));
  }

  @ParameterizedTest
  @MethodSource("refusals")
  void aBadFileRefusesTheSeedWithOneLineNamingFileAndField(String fixture, String file, String content, String message) {
    TestSeed seed = TestSeed.fixture(fixture).put(file, content);

    assertThatThrownBy(() -> read(fixture, seed))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("Secret"));
  }

  private static Object read(String fixture, TestSeed seed) throws Exception {
    return fixture.equals(PVE) ? NoCloud.read(seed) : ConfigDrive.read(seed);
  }

  @Test
  void bytesThatAreNotUtf8AreRefused() {
    TestSeed seed = TestSeed.fixture(PVE).put("user-data", new byte[] {'#', 'c', 'l', 'o', 'u', 'd', '-', 'c', 'o', 'n',
        'f', 'i', 'g', '\n', 'a', ':', ' ', (byte) 0xc3, (byte) 0x28, '\n'});

    assertThatThrownBy(() -> NoCloud.read(seed)).hasMessage("user-data: not UTF-8 text");
  }

  @Test
  void aVolumeWithoutMetaDataOrUserDataIsNotANoCloudSeed() {
    TestSeed seed = TestSeed.fixture(PVE).remove("meta-data").remove("user-data");

    assertThatThrownBy(() -> NoCloud.read(seed))
        .hasMessage("meta-data: missing, and no user-data either: not a NoCloud seed");
  }

  @Test
  void theReadersLimitIsCheckedAgainEvenWhenAVolumeReaderHandsBackMore() {
    SeedFiles generous = new SeedFiles() {
      @Override
      public java.util.Optional<byte[]> read(String path, int maxBytes) {
        return java.util.Optional.of(("#cloud-config\n#" + "y".repeat(maxBytes)).getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public java.util.List<String> list(String dir) {
        return java.util.List.of();
      }

      @Override
      public String name() {
        return "generous";
      }
    };

    assertThatThrownBy(() -> NoCloud.read(generous)).hasMessage("meta-data: larger than 65536 bytes");
  }
}
