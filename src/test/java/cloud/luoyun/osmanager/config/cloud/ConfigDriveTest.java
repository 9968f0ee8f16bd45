package cloud.luoyun.osmanager.config.cloud;

import static cloud.luoyun.osmanager.config.cloud.NoCloudTest.ALICE;
import static cloud.luoyun.osmanager.config.cloud.NoCloudTest.OPS_PREFIX;
import static cloud.luoyun.osmanager.config.cloud.NoCloudTest.PVE_HASH;
import static cloud.luoyun.osmanager.config.cloud.NoCloudTest.ip;
import static cloud.luoyun.osmanager.config.cloud.NoCloudTest.keyLines;
import static cloud.luoyun.osmanager.config.cloud.NoCloudTest.nicByMac;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.InstanceSpec.Account;
import cloud.luoyun.osmanager.config.InstanceSpec.HostName;
import cloud.luoyun.osmanager.config.InstanceSpec.Network;
import cloud.luoyun.osmanager.config.InstanceSpec.Nic;
import cloud.luoyun.osmanager.config.InstanceSpec.Password;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Config drives as nova and Proxmox's configdrive2 write them (fixtures: src/test/resources/cloud). */
class ConfigDriveTest {

  @Test
  void novaDriveGivesTheUuidTheNameTheKeysAndTheNetworkOfLatest() throws Exception {
    InstanceSpec spec = ConfigDrive.read(TestSeed.fixture("nova"));

    assertThat(spec.source()).isEqualTo(InstanceSpec.Source.CONFIGDRIVE);
    assertThat(spec.instanceId()).isEqualTo("d8e02d56-2648-49a3-bf97-6be8f1204f38");
    assertThat(spec.hostname()).contains(new HostName("test-appliance", Optional.of("test-appliance.novalocal")));
    Account root = spec.accounts().get(0);
    assertThat(spec.accounts()).hasSize(1);
    assertThat(root.isRoot()).isTrue();
    // the user data's own key, then the key pair's (given twice by nova, in public_keys and keys: once here)
    assertThat(keyLines(root)).hasSize(2);
    assertThat(keyLines(root).get(0)).isEqualTo(ALICE);
    assertThat(keyLines(root).get(1)).startsWith(OPS_PREFIX).endsWith(" ops@pve Generated-by-Nova");
    // the user data's password over the admin_pass nova made up
    assertThat(root.password()).contains(new Password.Plain("Nova-User-Pass-1"));

    Network net = spec.network().orElseThrow();
    assertThat(net.nics()).hasSize(2);
    Nic a = nicByMac(net, "fa:16:3e:9f:07:0d");
    assertThat(a.mtu()).isEqualTo(OptionalInt.of(1450));
    assertThat(a.addresses()).extracting(Object::toString)
        .containsExactly("172.17.48.18/25", "fdb8:52d0:9d14:0:f816:3eff:fe9f:70d/64");
    assertThat(a.gateway4()).contains(ip("172.17.48.1"));
    assertThat(a.gateway6()).contains(ip("fdb8:52d0:9d14::1"));
    assertThat(a.routes()).hasSize(1);
    assertThat(a.routes().get(0).to()).hasToString("10.100.0.0/16");
    Nic b = nicByMac(net, "fa:16:3e:05:30:fe");
    assertThat(b.mtu()).isEmpty();
    assertThat(b.dhcp4()).isTrue();
    assertThat(net.nameservers()).containsExactly(ip("172.16.36.11"), ip("172.16.36.12"));
    assertThat(spec.notApplied()).isEmpty();
    assertThat(spec.toString()).doesNotContain("Nova-User-Pass-1").doesNotContain("Nova-Made-Up");
  }

  @Test
  void adminPassIsTheDefaultUsersPasswordWhenTheUserDataSetsNone() throws Exception {
    TestSeed seed = TestSeed.fixture("nova").put("openstack/latest/user_data", "#cloud-config\n");

    InstanceSpec spec = ConfigDrive.read(seed);

    assertThat(spec.accounts().get(0).password()).contains(new Password.Plain("Nova-Made-Up-7Qz"));
  }

  @Test
  void withoutLatestTheNewestDatedVersionIsRead() throws Exception {
    TestSeed seed = TestSeed.fixture("nova").remove("openstack/latest/")
        .put("openstack/2018-08-27/meta_data.json", "{\"uuid\": \"from-2018\"}");

    InstanceSpec spec = ConfigDrive.read(seed);

    assertThat(spec.instanceId()).isEqualTo("from-2018");
    assertThat(spec.network()).isPresent();
  }

  @Test
  void aDriveWithoutVersionsIsRefused() {
    TestSeed seed = TestSeed.fixture("nova").remove("openstack/");

    assertThatThrownBy(() -> ConfigDrive.read(seed)).isInstanceOf(ConfigException.class)
        .hasMessage("openstack: no latest or dated version folder: not a config drive");
  }

  @Test
  void emptyNetworkDataLeavesTheNetworkAlone() throws Exception {
    InstanceSpec spec = ConfigDrive.read(TestSeed.fixture("nova").put("openstack/latest/network_data.json", "{}"));

    assertThat(spec.network()).isEmpty();
  }

  @Test
  void proxmoxConfigDrive2NetworkIsTheIfupdownTextOfContent0000() throws Exception {
    TestSeed seed = TestSeed.fixture("proxmox-configdrive2");

    InstanceSpec spec = ConfigDrive.read(seed);

    assertThat(spec.instanceId()).hasSize(40);
    assertThat(spec.hostname()).contains(new HostName("win-or-linux", Optional.of("win-or-linux.corp.example")));
    assertThat(spec.manageEtcHosts()).isTrue();
    Account root = spec.accounts().get(0);
    assertThat(root.isRoot()).isTrue();
    assertThat(((Password.Hashed) root.password().orElseThrow()).hash().value()).isEqualTo(PVE_HASH);
    assertThat(keyLines(root)).containsExactly(ALICE);
    Network net = spec.network().orElseThrow();
    assertThat(net.nameservers()).containsExactly(ip("10.1.1.53"), ip("10.1.2.53"));
    assertThat(net.search()).containsExactly("corp.example");
    assertThat(net.nics()).hasSize(2);
    Nic eth0 = net.nics().get(0);
    assertThat(eth0.mac()).isEmpty();
    assertThat(eth0.name()).contains("eth0");
    assertThat(eth0.addresses()).extracting(Object::toString).containsExactly("10.1.1.20/24", "2001:db8:1:0:0:0:0:20/64");
    assertThat(eth0.gateway4()).contains(ip("10.1.1.1"));
    assertThat(eth0.gateway6()).contains(ip("2001:db8:1::1"));
    Nic eth1 = net.nics().get(1);
    assertThat(eth1.dhcp4()).isTrue();
    assertThat(eth1.slaac()).isTrue();
    assertThat(spec.notApplied()).containsExactly("openstack/latest/user_data: package_upgrade");
  }

  @Test
  void ifupdownOptionsOfNoUseAreListedOnceByName() throws Exception {
    StringBuilder eni = new StringBuilder("auto eth0\niface eth0 inet dhcp\n");
    for (int i = 0; i < 500; i++) {
      eni.append("  post-up ip route add 10.").append(i % 250).append(".0.0/16 dev eth0\n");
    }
    eni.append("source /etc/network/interfaces.d/*\n");

    InstanceSpec spec = ConfigDrive.read(TestSeed.fixture("proxmox-configdrive2").put("openstack/content/0000", eni.toString()));

    assertThat(spec.notApplied()).containsExactly("openstack/latest/user_data: package_upgrade",
        "openstack/content/0000 (\"post-up\")", "openstack/content/0000 (source)");
    assertThat(spec.network().orElseThrow().nics()).singleElement().satisfies(n -> assertThat(n.dhcp4()).isTrue());
  }

  @Test
  void contentPathOutsideContentIsRefused() {
    TestSeed seed = TestSeed.fixture("proxmox-configdrive2").put("openstack/latest/meta_data.json",
        "{\"uuid\": \"x1\", \"network_config\": {\"content_path\": \"/../../etc/shadow\"}}");

    assertThatThrownBy(() -> ConfigDrive.read(seed)).isInstanceOf(ConfigException.class)
        .hasMessage("openstack/latest/meta_data.json: network_config.content_path: expected /content/NNNN, got \"/../../etc/shadow\"");
  }

  @Test
  void injectedFilesAndVendorDataAreListedAsNotApplied() throws Exception {
    TestSeed seed = TestSeed.fixture("nova")
        .put("openstack/latest/meta_data.json", "{\"uuid\": \"u1\", \"files\": [{\"path\": \"/etc/x\", \"content_path\": \"/content/0000\"}]}")
        .put("openstack/latest/vendor_data2.json", "{\"static\": {\"x\": 1}}");

    InstanceSpec spec = ConfigDrive.read(seed);

    assertThat(spec.notApplied()).containsExactly("openstack/latest/meta_data.json: files",
        "openstack/latest/vendor_data2.json");
  }
}
