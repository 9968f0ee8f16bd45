package cloud.luoyun.osmanager.config.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.InstanceSpec;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a file holds, a seed maps or is refused with a {@link ConfigException}: never another
 * exception, never a line break in the message. The files are a real producer's with one file
 * replaced by pieces that matter to the parsers (YAML and JSON punctuation, anchors and aliases,
 * tags, the keys the mapping reads, addresses, ifupdown words).
 */
class SeedFuzzTest {

  @Provide
  Arbitrary<String> pieces() {
    Arbitrary<String> piece = Arbitraries.of("\n", "  ", "- ", ": ", "[", "]", "{", "}", ",", "\"", "'", "&a ", "*a",
        "!!str ", "!!binary ", "!!python/object ", "<<: ", "|\n", ">\n", "#", "%", "@", "`", "\t", "\u0000", "\\n",
        "0644", "yes", "False", "~", "null", "42", "1e9", "2024-01-01",
        "#cloud-config\n", "version: 1\n", "version: 2\n", "config:", "type: physical", "type: static", "subnets:",
        "ethernets:", "match:", "macaddress:", "mac_address: 'bc:24:11:5e:2a:01'", "address: 10.0.0.5/24",
        "netmask: 255.255.0.0", "gateway: fe80::1", "routes:", "to: default", "via: 10.0.0.1",
        "users:", "name: bob", "user: root", "password: x", "chpasswd:", "list:", "root:pw", "hashed_passwd: $6$a$b",
        "ssh_authorized_keys:", "ssh-ed25519 AAAA", "hostname: h", "fqdn: h.example", "instance-id: i",
        "iface eth0 inet static", "iface lo inet loopback", "dns_nameservers 1.1.1.1", "hwaddress ether",
        "{\"uuid\": \"u\"", "\"links\": [", "\"networks\": [", "\"ethernet_mac_address\": ", "\"type\": \"ipv4\"",
        "\"ip_address\": \"10.0.0.5\"", "\"netmask\": \"ffff::\"", "\"public_keys\": {", "\"admin_pass\": ");
    return piece.list().ofMaxSize(60).map(l -> String.join("", l));
  }

  @Property(tries = 400)
  void anyUserDataMapsOrIsRefusedInOneLine(@ForAll("pieces") String text) throws Exception {
    check(() -> NoCloud.read(TestSeed.fixture("proxmox-nocloud").put("user-data", "#cloud-config\n" + text)));
  }

  @Property(tries = 400)
  void anyNetworkConfigMapsOrIsRefusedInOneLine(@ForAll("pieces") String text) throws Exception {
    check(() -> NoCloud.read(TestSeed.fixture("proxmox-nocloud").put("network-config", text)));
  }

  @Property(tries = 300)
  void anyMetaDataJsonMapsOrIsRefusedInOneLine(@ForAll("pieces") String text) throws Exception {
    check(() -> ConfigDrive.read(TestSeed.fixture("nova").put("openstack/latest/meta_data.json", text)));
    check(() -> ConfigDrive.read(TestSeed.fixture("nova").put("openstack/latest/network_data.json", text)));
  }

  @Property(tries = 300)
  void anyIfupdownTextMapsOrIsRefusedInOneLine(@ForAll("pieces") String text) throws Exception {
    check(() -> ConfigDrive.read(TestSeed.fixture("proxmox-configdrive2").put("openstack/content/0000", text)));
  }

  interface Mapping {
    InstanceSpec read() throws Exception;
  }

  private static void check(Mapping m) throws Exception {
    try {
      InstanceSpec spec = m.read();
      assertThat(spec.instanceId()).isNotEmpty();
      assertThat(spec.accounts()).isNotEmpty();
    } catch (ConfigException e) {
      assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r");
      assertThat(List.of(e.field())).allMatch(f -> !f.isEmpty());
    }
  }
}
