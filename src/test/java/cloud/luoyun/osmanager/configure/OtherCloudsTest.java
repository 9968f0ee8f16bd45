package cloud.luoyun.osmanager.configure;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.config.InstanceSpec.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: configure reads NoCloud and ConfigDrive volumes made by their real producers
 * ({@code cloud-localds}, {@code genisoimage} as Proxmox and nova lay them out), found by label as
 * at boot or given with --source, and applies them to a --root tree with the NIC in a network
 * namespace; leaves them to cloud-init where it is active; keeps a 0600 copy in conf/; refuses a
 * hostile one whole. Runs as root (CI is root).
 */
class OtherCloudsTest {
  static final String MAC = "52:54:00:12:34:56";
  static final String KEY_LINE =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICLLz0JhZoHlDBh2ZMkTmgtsui1UzHhdYhQfF5+QD8NJ owner@example";
  static final String USER_DATA = "#cloud-config\nhostname: seeded\nfqdn: seeded.example.org\nmanage_etc_hosts: true\n"
      + "password: Plain-Pass-1\nchpasswd: {expire: False}\nssh_authorized_keys:\n  - " + KEY_LINE + "\n"
      + "packages: [nginx]\nruncmd:\n  - [touch, /tmp/never]\n";
  static final String NETWORK_V2 = "version: 2\nethernets:\n  nic0:\n    match:\n      macaddress: \"" + MAC + "\"\n"
      + "    addresses: [10.66.7.15/24]\n    gateway4: 10.66.7.1\n    nameservers:\n      addresses: [10.66.7.53]\n";

  @TempDir Path tmp;
  ImageTree tree;
  Netns ns;
  RecordingRunner runner = new RecordingRunner();

  @BeforeEach
  void setUp() throws Exception {
    tree = new ImageTree(tmp.resolve("tree"));
    ns = Netns.create();
    ns.nic("ens3", MAC, "far0");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (ns != null) {
      ns.close();
    }
  }

  Report run(Configurator.Options o) throws InterruptedException {
    return new Configurator(o, runner, ImageTree.CLOCK).run();
  }

  /** {@code cloud-localds [-f vfat] OUT user-data meta-data [-N network-config]}, as a user makes a seed. */
  Path localds(String name, String userData, String metaData, String network, String... format) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name + ".d"));
    Files.writeString(dir.resolve("user-data"), userData);
    Files.writeString(dir.resolve("meta-data"), metaData);
    List<String> cmd = new ArrayList<>(List.of("cloud-localds"));
    cmd.addAll(List.of(format));
    Path out = tmp.resolve(name);
    cmd.addAll(List.of(out.toString(), dir.resolve("user-data").toString(), dir.resolve("meta-data").toString()));
    if (network != null) {
      Files.writeString(dir.resolve("network-config"), network);
      cmd.addAll(List.of("-N", dir.resolve("network-config").toString()));
    }
    produce(cmd);
    return out;
  }

  static void produce(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
  }

  /** A folder standing for /dev/disk/by-label, with {@code label} naming {@code volume} as udev would. */
  Path labels(String label, Path volume) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("by-label"));
    Files.createSymbolicLink(dir.resolve(label), volume);
    return dir;
  }

  /** As at boot: the floppy device (absent here), then volumes by label. */
  Configurator.Options atBoot(Path labels) {
    return tree.options(tmp.resolve("no-floppy/fd0"), ns).withSource(Configurator.Options.DEFAULT_SOURCE)
        .withLabels(labels);
  }

  String read(String inTree) throws IOException {
    return Files.readString(tree.root.resolve(inTree), StandardCharsets.ISO_8859_1);
  }

  @Test
  void aSeedMadeByCloudLocaldsIsFoundByLabelAtBootAndApplied() throws Exception {
    Path seed = localds("seed.iso", USER_DATA, "instance-id: iid-0001\nlocal-hostname: seeded\n", NETWORK_V2);

    Report r = run(atBoot(labels("cidata", seed)));

    assertThat(r.exitCode()).as(r.steps().toString()).isZero();
    assertThat(r.origin().config()).contains("nocloud");
    assertThat(r.origin().notApplied()).contains("user-data: packages", "user-data: runcmd");
    assertThat(r.steps().get(0).line()).contains("conf/nocloud replaced from").contains("(cidata)")
        .contains("instance iid-0001");
    Path copy = tree.home.seedCopy(Source.NOCLOUD);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.resolve("user-data"))))
        .isEqualTo("rw-------");
    assertThat(copy.resolve("user-data")).hasContent(USER_DATA);
    assertThat(copy.resolve("network-config")).hasContent(NETWORK_V2);
    assertThat(read("root/.ssh/authorized_keys")).contains(KEY_LINE);
    assertThat(read("etc/shadow")).containsPattern("(?m)^root:\\$6\\$").doesNotContain("Plain-Pass-1");
    assertThat(ns.ip("-4", "addr", "show", "dev", "ens3")).contains("10.66.7.15/24");
    // nothing the seed said is logged or kept outside conf/nocloud
    assertThat(Files.readString(tree.home.stateDir().resolve(RunRecord.FILE))).doesNotContain("Plain-Pass-1")
        .contains("\"kind\":\"nocloud\"").contains("\"notApplied\":[")
        .contains("\"source\":\"" + tmp.resolve("by-label/cidata") + " (cidata)\""); // the volume read, not /dev/fd0

    // the next boot without the volume applies the kept copy again, and changes nothing
    Report again = run(atBoot(Files.createDirectories(tmp.resolve("empty-labels"))));
    assertThat(again.exitCode()).as(again.steps().toString()).isZero();
    assertThat(again.steps().get(0).line()).contains("keeping " + copy);
    assertThat(again.origin().others()).anyMatch(o -> o.startsWith("nocloud: no volume labelled cidata or CIDATA"));
  }

  @Test
  void aVfatSeedAndAConfigDriveAreToldApartByContentWithSource() throws Exception {
    Path vfat = localds("seed.img", "#cloud-config\nssh_authorized_keys: ['" + KEY_LINE + "']\n",
        "{\"instance-id\": \"iid-vfat\"}", null, "-f", "vfat");
    Report r = run(tree.options(vfat, ns));
    assertThat(r.exitCode()).as(r.steps().toString()).isZero();
    assertThat(r.origin().config()).contains("nocloud");
    assertThat(read("root/.ssh/authorized_keys")).contains(KEY_LINE);

    Path drive = Files.createDirectories(tmp.resolve("drive/openstack/latest"));
    Files.writeString(drive.resolve("meta_data.json"), "{\"uuid\": \"83679162-1378-4288-a2d4-70e13ec132aa\", "
        + "\"hostname\": \"drive.novalocal\", \"public_keys\": {\"mykey\": \"" + KEY_LINE + "\"}}");
    Files.writeString(drive.resolve("network_data.json"), "{\"links\": [{\"id\": \"tap0\", \"type\": \"phy\", "
        + "\"ethernet_mac_address\": \"" + MAC + "\", \"mtu\": null}], \"networks\": [{\"id\": \"n0\", \"link\": \"tap0\", "
        + "\"type\": \"ipv4\", \"ip_address\": \"10.66.8.9\", \"netmask\": \"255.255.255.0\", \"routes\": []}], "
        + "\"services\": [{\"type\": \"dns\", \"address\": \"10.66.8.53\"}]}");
    Path iso = tmp.resolve("config-2.iso");
    produce(List.of("genisoimage", "-quiet", "-J", "-r", "-V", "config-2", "-o", iso.toString(),
        tmp.resolve("drive").toString()));
    Report d = run(tree.options(iso, ns));
    assertThat(d.exitCode()).as(d.steps().toString()).isZero();
    assertThat(d.origin().config()).contains("configdrive");
    assertThat(tree.home.seedCopy(Source.CONFIGDRIVE).resolve("openstack/latest/meta_data.json")).exists();
    assertThat(tree.home.seedCopy(Source.NOCLOUD)).as("the other cloud's copy goes").doesNotExist();
    assertThat(ns.ip("-4", "addr", "show", "dev", "ens3")).contains("10.66.8.9/24");
  }

  @Test
  void whereCloudInitIsActiveItsVolumesAreLeftToItUnlessTheOperatorSaysOtherwise() throws Exception {
    Path seed = localds("seed.iso", USER_DATA, "instance-id: iid-ci\n", null);
    Files.createDirectories(tree.root.resolve("etc/cloud"));
    Files.writeString(tree.root.resolve("etc/cloud/cloud.cfg"), "datasource_list: [NoCloud]\n");
    Path labels = labels("cidata", seed);

    Report left = run(atBoot(labels).withBeforeNetwork(true));
    assertThat(left.exitCode()).isZero();
    assertThat(left.steps()).hasSize(1);
    assertThat(left.steps().get(0).line()).contains("left to cloud-init").contains("--sources");
    assertThat(read("etc/shadow")).doesNotContain("$6$");

    Report taken = run(atBoot(labels).withSources(EnumSet.allOf(Source.class)));
    assertThat(taken.exitCode()).as(taken.steps().toString()).isZero();
    assertThat(taken.origin().config()).contains("nocloud");

    Files.writeString(tree.root.resolve("etc/cloud/cloud-init.disabled"), "");
    Report disabled = run(atBoot(labels));
    assertThat(disabled.origin().config()).contains("nocloud");
  }

  @Test
  void switchingFromLuoYunToAnotherCloudMovesTheOldConfAsideSoTheDaemonHasNoController() throws Exception {
    ns.nic("ens4", ConfiguratorTest.MAC, "far1"); // the vector floppy's NIC
    Report floppy = run(tree.options(ImageTree.vectorFloppy(), ns));
    assertThat(floppy.exitCode()).as(floppy.steps().toString()).isZero();
    assertThat(tree.home.conf()).exists();

    Report r = run(tree.options(localds("seed.iso", USER_DATA, "instance-id: iid-2\n", null), ns));

    assertThat(r.exitCode()).as(r.steps().toString()).isZero();
    assertThat(tree.home.conf()).doesNotExist();
    assertThat(tree.home.confDir().resolve(ConfigSource.PREVIOUS_CONF)).exists();
    assertThat(tree.home.configSource()).contains(Source.NOCLOUD);
  }

  @Test
  void aHostileSeedIsRefusedWholeWithOneLineNamingTheFileAndField() throws Exception {
    String shadow = read("etc/shadow");
    for (Map.Entry<String, String> bad : Map.of(
        "#cloud-config\nssh_authorized_keys: 42\n", "user-data: ssh_authorized_keys",
        "#cloud-config\npassword: Plain-Pass-1\nhostname: 'bad_name!'\n", "user-data: hostname",
        "#cloud-config\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            + "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n", "user-data").entrySet()) {
      Path seed = localds("bad" + Math.abs(bad.getKey().hashCode()) + ".iso", bad.getKey(), "instance-id: iid-bad\n",
          null);
      Report r = run(tree.options(seed, ns));
      assertThat(r.exitCode()).as(bad.getKey()).isEqualTo(2);
      assertThat(r.badInput()).hasValueSatisfying(m -> assertThat(m).startsWith(bad.getValue()).doesNotContain("\n")
          .doesNotContain("Plain-Pass-1"));
      assertThat(r.steps()).isEmpty();
      assertThat(tree.home.seedCopy(Source.NOCLOUD)).doesNotExist();
      assertThat(read("etc/shadow")).isEqualTo(shadow);
    }
  }
}
