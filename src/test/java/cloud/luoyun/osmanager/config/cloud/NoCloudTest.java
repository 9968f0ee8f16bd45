package cloud.luoyun.osmanager.config.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.InstanceSpec.Account;
import cloud.luoyun.osmanager.config.InstanceSpec.HostName;
import cloud.luoyun.osmanager.config.InstanceSpec.Network;
import cloud.luoyun.osmanager.config.InstanceSpec.Nic;
import cloud.luoyun.osmanager.config.InstanceSpec.Password;
import cloud.luoyun.osmanager.config.MacAddress;
import cloud.luoyun.osmanager.config.SshPublicKey;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** NoCloud seeds as Proxmox, virt-install and cloud-localds write them (fixtures: src/test/resources/cloud). */
class NoCloudTest {
  static final String ALICE = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ12xTGszAf1blsFModv6lmHAGJx75XrZIF/73GtrTO/ alice@laptop";
  static final String BOB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM9TN8JNZmTUMQJ4uJqgLwD7fvlipeqcuJwpSxE/A+5I bob@desk";
  static final String OPS_PREFIX = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDr8Epvd7EHeURdMK7kWj6P";
  static final String PVE_HASH = "$5$pveSALT12345$iRo8XCJqrk9x0dSIgDSJKK8lPMvtPJ0920hpZU/DRh.";

  static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  static List<String> keyLines(Account a) {
    return a.keys().stream().map(SshPublicKey::line).toList();
  }

  static Nic nicByMac(Network n, String mac) {
    return n.nics().stream().filter(x -> x.mac().equals(Optional.of(new MacAddress(mac)))).findFirst().orElseThrow();
  }

  @Test
  void proxmoxSeedGivesRootItsHashKeysHostNameAndStaticNetwork() throws Exception {
    TestSeed seed = TestSeed.fixture("proxmox-nocloud");

    InstanceSpec spec = NoCloud.read(seed);

    assertThat(spec.source()).isEqualTo(InstanceSpec.Source.NOCLOUD);
    assertThat(spec.instanceId()).isEqualTo(seed.text("meta-data").substring("instance-id: ".length()).strip())
        .hasSize(40);
    assertThat(spec.hostname()).contains(new HostName("web1", Optional.of("web1.example.internal")));
    assertThat(spec.manageEtcHosts()).isTrue();
    assertThat(spec.accounts()).hasSize(1);
    Account root = spec.accounts().get(0);
    assertThat(root.isRoot()).isTrue();
    assertThat(root.password()).containsInstanceOf(Password.Hashed.class);
    assertThat(((Password.Hashed) root.password().orElseThrow()).hash().value()).isEqualTo(PVE_HASH);
    assertThat(keyLines(root)).hasSize(2);
    assertThat(keyLines(root).get(0)).isEqualTo(ALICE);
    assertThat(keyLines(root).get(1)).startsWith(OPS_PREFIX).endsWith(" ops@pve");

    Network net = spec.network().orElseThrow();
    assertThat(net.nics()).hasSize(2);
    Nic eth0 = nicByMac(net, "bc:24:11:5e:2a:01");
    assertThat(eth0.name()).contains("eth0");
    assertThat(eth0.addresses()).extracting(Object::toString).containsExactly("10.0.10.5/24", "2001:db8:10:0:0:0:0:5/64");
    assertThat(eth0.gateway4()).contains(ip("10.0.10.1"));
    assertThat(eth0.gateway6()).contains(ip("2001:db8:10::1"));
    assertThat(eth0.dhcp4()).isFalse();
    Nic eth1 = nicByMac(net, "bc:24:11:5e:2a:02");
    assertThat(eth1.dhcp4()).isTrue();
    assertThat(eth1.slaac()).isTrue();
    assertThat(eth1.addresses()).isEmpty();
    assertThat(net.nameservers()).containsExactly(ip("10.0.10.53"), ip("2001:db8:10::53"));
    assertThat(net.search()).containsExactly("example.internal");

    // disable_root: False and chpasswd.expire: False are what OS Manager does anyway; package_upgrade is not done
    assertThat(spec.notApplied()).containsExactly("user-data: package_upgrade");
    assertThat(spec.warnings()).isEmpty();
    assertThat(spec.luoyun()).isEmpty();
  }

  @Test
  void proxmoxCiuserIsTheDefaultUserAndGetsTheKeys() throws Exception {
    InstanceSpec spec = NoCloud.read(TestSeed.fixture("proxmox-nocloud-user"));

    assertThat(spec.accounts()).extracting(Account::name).containsExactly("debian");
    Account debian = spec.accounts().get(0);
    assertThat(keyLines(debian)).containsExactly(BOB);
    assertThat(debian.password()).isEmpty();
    // fqdn: db2 (no search domain): a short name only
    assertThat(spec.hostname()).contains(new HostName("db2", Optional.empty()));
    Nic eth0 = spec.network().orElseThrow().nics().get(0);
    assertThat(eth0.dhcp4()).isTrue();
    assertThat(eth0.dhcp6()).isTrue();
    assertThat(spec.network().orElseThrow().nameservers()).containsExactly(ip("192.168.1.1"));
  }

  @Test
  void virtInstallsEmptyMetaDataIsInstanceNocloudAndItsChpasswdListIsRootsPlainPassword() throws Exception {
    TestSeed seed = TestSeed.fixture("virt-install");
    assertThat(seed.text("meta-data")).isEmpty();

    InstanceSpec spec = NoCloud.read(seed);

    assertThat(spec.instanceId()).isEqualTo("nocloud");
    assertThat(spec.hostname()).isEmpty();
    assertThat(spec.network()).isEmpty();
    assertThat(spec.accounts()).extracting(Account::name).containsExactly("root");
    Account root = spec.accounts().get(0);
    assertThat(root.password()).contains(new Password.Plain("Virt-pass-9f2"));
    assertThat(keyLines(root)).containsExactly(ALICE);
    assertThat(spec.notApplied()).containsExactly("user-data: runcmd");
    assertThat(spec.toString()).doesNotContain("Virt-pass-9f2");
  }

  @Test
  void cloudLocaldsJsonMetaDataNamesTheHostAndNetplanV2MatchesByMac() throws Exception {
    InstanceSpec spec = NoCloud.read(TestSeed.fixture("cloud-localds"));

    assertThat(spec.instanceId()).isEqualTo("iid-local01");
    assertThat(spec.hostname()).contains(new HostName("appliance", Optional.empty()));
    assertThat(spec.manageEtcHosts()).isFalse();
    assertThat(spec.accounts()).extracting(Account::name).containsExactly("root", "ops", "backup");
    Account root = spec.accounts().get(0);
    assertThat(keyLines(root)).containsExactly(ALICE);
    Account ops = spec.accounts().get(1);
    assertThat(ops.password()).containsInstanceOf(Password.Hashed.class);
    assertThat(ops.lockPassword()).contains(false);
    assertThat(ops.shell()).contains("/bin/bash");
    assertThat(ops.sudo()).isTrue();
    assertThat(keyLines(ops)).containsExactly(BOB);
    Account backup = spec.accounts().get(2);
    assertThat(backup.password()).contains(new Password.Plain("Backup-pw-7"));
    assertThat(backup.sudo()).isTrue();
    assertThat(backup.lockPassword()).isEmpty();
    assertThat(spec.notApplied()).containsExactly("user-data: ssh_pwauth", "user-data: timezone",
        "user-data: packages", "user-data: write_files", "user-data: users[1].gecos", "user-data: users[1].groups");

    Network net = spec.network().orElseThrow();
    assertThat(net.nics()).hasSize(2);
    Nic lan = nicByMac(net, "52:54:00:12:34:56");
    assertThat(lan.name()).contains("lan0");
    assertThat(lan.mtu()).isEqualTo(OptionalInt.of(9000));
    assertThat(lan.addresses()).extracting(Object::toString).containsExactly("192.168.50.10/24", "2001:db8:50:0:0:0:0:10/64");
    assertThat(lan.gateway4()).contains(ip("192.168.50.1"));
    assertThat(lan.gateway6()).contains(ip("2001:db8:50::1"));
    assertThat(lan.routes()).extracting(Object::toString).hasSize(1);
    assertThat(lan.routes().get(0).to()).hasToString("10.20.0.0/16");
    assertThat(lan.routes().get(0).via()).isEqualTo(ip("192.168.50.254"));
    assertThat(lan.routes().get(0).metric()).isEqualTo(OptionalInt.of(100));
    assertThat(lan.nameservers()).containsExactly(ip("192.168.50.1"), ip("2001:db8:50::1"));
    assertThat(lan.search()).containsExactly("lab.example");
    Nic eth9 = net.nics().get(1);
    assertThat(eth9.mac()).isEmpty();
    assertThat(eth9.name()).contains("eth9");
    assertThat(eth9.dhcp4()).isTrue();
    assertThat(eth9.dhcp6()).isFalse();
  }

  @Test
  void yamlIsReadAsCloudInitReadsItYaml11() throws Exception {
    InstanceSpec spec = NoCloud.read(TestSeed.of(java.util.Map.of(
        "meta-data", "instance-id: 0644\nlocal-hostname: box.example.org\n",
        "user-data", "#cloud-config\nmanage_etc_hosts: yes\npassword: 12345678\n"
            + "users:\n  - name: kid\n    lock_passwd: False\n")));

    assertThat(spec.instanceId()).isEqualTo("420"); // 0644 is octal in YAML 1.1, as PyYAML reads it
    assertThat(spec.manageEtcHosts()).isTrue();
    assertThat(spec.hostname()).contains(new HostName("box", Optional.of("box.example.org")));
    assertThat(spec.accounts().get(0).password()).contains(new Password.Plain("12345678"));
    assertThat(spec.accounts().get(1).lockPassword()).contains(false);
  }

  @Test
  void chpasswdUsersAndListSetHashOrTextAndOutrankTheTopLevelPassword() throws Exception {
    InstanceSpec spec = NoCloud.read(TestSeed.of(java.util.Map.of("meta-data", "instance-id: a1\n",
        "user-data", "#cloud-config\npassword: Ignored-1\nchpasswd:\n  expire: true\n  users:\n"
            + "    - {name: root, password: '" + PVE_HASH + "'}\n    - {name: joe, password: Joe-pw-1, type: text}\n"
            + "  list:\n    - 'ann:Ann-pw-2'\n")));

    assertThat(spec.accounts()).extracting(Account::name).containsExactly("root", "ann", "joe");
    assertThat(spec.accounts().get(0).password().map(p -> ((Password.Hashed) p).hash().value())).contains(PVE_HASH);
    assertThat(spec.accounts().get(1).password()).contains(new Password.Plain("Ann-pw-2"));
    assertThat(spec.accounts().get(2).password()).contains(new Password.Plain("Joe-pw-1"));
    assertThat(spec.notApplied()).containsExactly("user-data: chpasswd.expire");
  }

  @Test
  void userDataSavedWithAByteOrderMarkAndCrlfLinesIsStillCloudConfig() throws Exception {
    InstanceSpec spec = NoCloud.read(TestSeed.of(java.util.Map.of("meta-data", "instance-id: w1\r\n",
        "user-data", "\uFEFF#cloud-config\r\nhostname: notepad\r\nusers:\r\n  - snapuser: joe@example.com\r\n")));

    assertThat(spec.hostname()).contains(new HostName("notepad", Optional.empty()));
    assertThat(spec.notApplied()).containsExactly("user-data: users[0].snapuser");
  }

  @Test
  void thousandsOfUnknownKeysAreCountedNotNamed() throws Exception {
    StringBuilder ud = new StringBuilder("#cloud-config\n");
    for (int i = 0; i < 200; i++) {
      ud.append("key").append(i).append(": 1\n");
    }

    InstanceSpec spec = NoCloud.read(TestSeed.fixture("virt-install").put("user-data", ud.toString()));

    assertThat(spec.notApplied()).hasSize(SpecBuilder.MAX_NOT_APPLIED + 1).endsWith("and 136 more");
  }

  @Test
  void disableRootTrueKeepsRootsKeysAndIsListedAsNotApplied() throws Exception {
    InstanceSpec spec = NoCloud.read(TestSeed.of(java.util.Map.of("meta-data", "",
        "user-data", "#cloud-config\ndisable_root: true\nssh_authorized_keys: ['" + ALICE + "']\n")));

    assertThat(keyLines(spec.accounts().get(0))).containsExactly(ALICE);
    assertThat(spec.accounts().get(0).isRoot()).isTrue();
    assertThat(spec.notApplied()).containsExactly("user-data: disable_root");
  }

  static Stream<Arguments> otherForms() {
    return Stream.of(
        Arguments.of("#!/bin/sh\necho pwned > /tmp/x\n", "a script (#!)"),
        Arguments.of("Content-Type: multipart/mixed; boundary=\"XX\"\nMIME-Version: 1.0\n\n--XX\n",
            "MIME multipart user data"),
        Arguments.of("## template: jinja\n#cloud-config\nhostname: {{ v1.local_hostname }}\n",
            "a template (## template: jinja)"),
        Arguments.of("#include\nhttp://example.com/ud\n", "an include list (#include)"),
        Arguments.of("#cloud-boothook\n#!/bin/sh\n", "a boothook (#cloud-boothook)"),
        Arguments.of("#cloud-config-archive\n- type: text/x-shellscript\n", "a cloud-config archive"),
        Arguments.of("hostname: x\n", "user data without a #cloud-config line"));
  }

  @ParameterizedTest
  @MethodSource("otherForms")
  void userDataInAnotherFormIsListedByItsFormAndNothingOfItIsApplied(String userData, String form) throws Exception {
    InstanceSpec spec = NoCloud.read(TestSeed.of(java.util.Map.of("meta-data", "instance-id: i1\n",
        "user-data", userData)));

    assertThat(spec.notApplied()).containsExactly("user-data (" + form + ")");
    assertThat(spec.warnings()).isEmpty();
    assertThat(spec.hostname()).isEmpty();
    assertThat(spec.accounts()).hasSize(1);
    assertThat(spec.accounts().get(0).password()).isEmpty();
  }

  @Test
  void gzippedUserDataIsNotApplied() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write("#cloud-config\npassword: x\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    InstanceSpec spec = NoCloud.read(TestSeed.of(java.util.Map.of("meta-data", "instance-id: i1\n"))
        .put("user-data", bytes.toByteArray()));

    assertThat(spec.notApplied()).containsExactly("user-data (gzip-compressed user data)");
    assertThat(spec.accounts().get(0).password()).isEmpty();
  }

  @Test
  void vendorDataIsListedWhenItSaysSomething() throws Exception {
    InstanceSpec spec = NoCloud.read(TestSeed.fixture("proxmox-nocloud").put("vendor-data", "#cloud-config\nruncmd: [x]\n"));

    assertThat(spec.notApplied()).contains("vendor-data");
  }

  @Test
  void networkInterfacesInMetaDataAreUsedWithoutANetworkConfig() throws Exception {
    InstanceSpec spec = NoCloud.read(TestSeed.of(java.util.Map.of("user-data", "#cloud-config\n",
        "meta-data", "{\n\"instance-id\": \"iid-local01\",\n\"network-interfaces\": \"auto eth0\\niface eth0 inet static\\n"
            + "  address 192.168.7.9/24\\n  gateway 192.168.7.1\\n  hwaddress ether 52:54:00:aa:bb:cc\\n\"\n}\n")));

    Nic nic = spec.network().orElseThrow().nics().get(0);
    assertThat(nic.mac()).contains(new MacAddress("52:54:00:aa:bb:cc"));
    assertThat(nic.addresses()).extracting(Object::toString).containsExactly("192.168.7.9/24");
    assertThat(nic.gateway4()).contains(ip("192.168.7.1"));
  }

  @Test
  void aVersion2WildcardMatchIsListedAndAHostRouteKeepsItsFullPrefix() throws Exception {
    InstanceSpec spec = NoCloud.read(TestSeed.fixture("proxmox-nocloud").put("network-config",
        "version: 2\nethernets:\n  all-en:\n    match: {name: 'en*'}\n    dhcp4: true\n"
            + "  eth0:\n    addresses: ['10.0.0.5/24']\n    routes:\n      - {to: 10.1.1.1, via: 10.0.0.254}\n"
            + "bonds:\n  bond0: {interfaces: [eth0]}\n"));

    assertThat(spec.network().orElseThrow().nics()).singleElement().satisfies(n -> {
      assertThat(n.name()).contains("eth0");
      assertThat(n.routes()).singleElement().satisfies(r -> assertThat(r.to()).hasToString("10.1.1.1/32"));
    });
    assertThat(spec.notApplied()).contains("network-config: bonds", "network-config: ethernets.all-en.match.name (a wildcard)");
  }

  @Test
  void networkConfigDisabledLeavesTheNetworkAlone() throws Exception {
    InstanceSpec spec = NoCloud.read(TestSeed.fixture("proxmox-nocloud").put("network-config", "network:\n  config: disabled\n"));

    assertThat(spec.network()).isEmpty();
  }
}
