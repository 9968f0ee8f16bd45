package cloud.luoyun.osmanager.configure;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code configure --before-network}, as the boot unit runs it: against a Debian-like --root tree
 * (ifupdown enabled) with the config's NIC a veth in a throw-away network namespace. What the
 * backend will do is left to it (no {@code ip} runs, the NIC stays as the kernel made it); what it
 * would not do is done with {@code ip} as before. Runs as root (CI is root).
 */
class BeforeNetworkTest {
  static final String LEFT_TO_IFUPDOWN =
      "nics: skipped: left to ifupdown (enabled: networking.service), which starts after configure";

  @TempDir Path tmp;
  ImageTree tree;
  Netns ns;
  RecordingRunner runner = new RecordingRunner();

  @BeforeEach
  void setUp() throws Exception {
    tree = new ImageTree(tmp);
    ns = Netns.create();
  }

  @AfterEach
  void tearDown() throws Exception {
    ns.close();
  }

  Report boot() throws InterruptedException {
    return new Configurator(tree.options(ImageTree.vectorFloppy(), ns).withBeforeNetwork(true), runner,
        ImageTree.CLOCK).run();
  }

  /** The ip commands that change something (queries, {@code ip -j ...}, are not). */
  List<List<String>> ipChanges() {
    return runner.changing().stream().filter(c -> c.get(0).equals("ip")).toList();
  }

  @Test
  void anEnabledIfupdownGetsItsFileAndTheNicIsLeftToIt() throws Exception {
    ns.nic("ens3", ConfiguratorTest.MAC, "far0");

    Report r = boot();

    assertThat(r.exitCode()).as(r.steps().toString()).isZero();
    assertThat(r.step("nics").get().line()).isEqualTo(LEFT_TO_IFUPDOWN);
    assertThat(r.step("network-files").get().line()).isEqualTo(
        "network-files: changed: ifupdown (enabled: networking.service): wrote etc/network/interfaces.d/osmanager");
    assertThat(tree.sys("etc/network/interfaces.d/osmanager")).content()
        .contains("auto ens3\niface ens3 inet static\n    address 10.0.0.5/24\n    gateway 10.0.0.1\n");
    assertThat(ipChanges()).isEmpty();
    assertThat(ns.ip("-4", "-o", "addr", "show", "dev", "ens3")).isEmpty();
    assertThat(ns.ip("-o", "link", "show", "dev", "ens3")).doesNotContain(",UP");
    assertThat(ns.ip("route", "show", "default")).isEmpty();
  }

  @Test
  void aSecondBootWithTheSameFloppyChangesNothingAndFailsNothing() throws Exception {
    ns.nic("ens3", ConfiguratorTest.MAC, "far0");
    assertThat(boot().exitCode()).isZero();
    Map<String, String> before = tree.snapshot();
    runner.commands.clear();

    Report again = boot();

    assertThat(again.exitCode()).isZero();
    assertThat(again.steps()).allSatisfy(s -> assertThat(s.outcome()).as(s.line())
        .isIn(Outcome.UNCHANGED, Outcome.SKIPPED));
    assertThat(again.step("sshd-web-login").get().outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(again.step("network-files").get().outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(again.step("nics").get().line()).isEqualTo(LEFT_TO_IFUPDOWN);
    assertThat(tree.snapshot()).isEqualTo(before);
    assertThat(runner.changing()).isEmpty();
  }

  @Test
  void runByHandTheSameTreeGetsTheNicSetWithIp() throws Exception {
    ns.nic("ens3", ConfiguratorTest.MAC, "far0");

    Report r = new Configurator(tree.options(ImageTree.vectorFloppy(), ns), runner, ImageTree.CLOCK).run();

    assertThat(r.step("nics").get().line()).isEqualTo("nics: changed: ip addr add 10.0.0.5/24 broadcast + dev ens3; "
        + "ip link set dev ens3 up; ip route replace default via 10.0.0.1 dev ens3");
    assertThat(ns.ip("-4", "-o", "addr", "show", "dev", "ens3")).contains("inet 10.0.0.5/24");
  }

  @Test
  void anInterfacesFileThatDoesNotSourceInterfacesDMeansTheNicIsSetWithIpAndSaidSo() throws Exception {
    ns.nic("ens3", ConfiguratorTest.MAC, "far0");
    Files.writeString(tree.sys("etc/network/interfaces"), "auto lo\niface lo inet loopback\n"
        + "source /etc/network/interfaces.d/*.cfg\n");

    Report r = boot();

    String why = "etc/network/interfaces does not source etc/network/interfaces.d/osmanager";
    assertThat(r.step("nics").get().line()).isEqualTo("nics: changed: ip addr add 10.0.0.5/24 broadcast + dev ens3; "
        + "ip link set dev ens3 up; ip route replace default via 10.0.0.1 dev ens3"
        + " (set with ip: ifupdown would not bring them up: " + why + ")");
    assertThat(r.step("network-files").get().line()).endsWith("note: " + why + ", so ifupdown ignores it");
    assertThat(ns.ip("-4", "-o", "addr", "show", "dev", "ens3")).contains("inet 10.0.0.5/24");
    assertThat(ns.ip("route", "show", "default")).startsWith("default via 10.0.0.1 dev ens3");
  }

  @Test
  void aSourceDirectoryLineRelativeToEtcNetworkCountsAsSourcing() throws Exception {
    ns.nic("ens3", ConfiguratorTest.MAC, "far0");
    Files.writeString(tree.sys("etc/network/interfaces"), "source-directory interfaces.d\n");

    Report r = boot();

    assertThat(r.step("nics").get().line()).isEqualTo(LEFT_TO_IFUPDOWN);
    assertThat(ipChanges()).isEmpty();
  }

  @Test
  void withIfupdownOnlyInstalledTheNicIsSetWithIp() throws Exception {
    ns.nic("ens3", ConfiguratorTest.MAC, "far0");
    tree.disable("networking.service");

    Report r = boot();

    assertThat(r.step("nics").get().line()).endsWith(
        " (set with ip: no network backend is enabled, ifupdown is only installed)");
    assertThat(r.step("network-files").get().line()).startsWith(
        "network-files: changed: ifupdown (installed, not enabled): wrote etc/network/interfaces.d/osmanager");
    assertThat(ns.ip("-4", "-o", "addr", "show", "dev", "ens3")).contains("inet 10.0.0.5/24");
  }

  @Test
  void aMaskedOrUninstalledUnitIsNotEnabledWhateverItsWantsLinks() throws Exception {
    ns.nic("ens3", ConfiguratorTest.MAC, "far0");
    Files.createSymbolicLink(tree.sys("etc/systemd/system/networking.service"), Path.of("/dev/null"));

    Report masked = boot();
    Files.delete(tree.sys("etc/systemd/system/networking.service"));
    Files.delete(tree.sys(ImageTree.UNIT_DIR + "/networking.service")); // removed, not purged: links stay
    NetworkBackend removed = NetworkBackend.detect(context()).get();

    assertThat(masked.step("nics").get().line()).endsWith("ifupdown is only installed)");
    assertThat(ns.ip("-4", "-o", "addr", "show", "dev", "ens3")).contains("inet 10.0.0.5/24");
    assertThat(removed.enabled()).isFalse();
  }

  @Test
  void anInstalledButDisabledNetworkManagerDoesNotWinOverAnEnabledIfupdown() throws Exception {
    ns.nic("ens3", ConfiguratorTest.MAC, "far0");
    Files.createDirectories(tree.sys("usr/sbin"));
    Files.writeString(tree.sys("usr/sbin/NetworkManager"), "");
    tree.installUnit("NetworkManager.service");

    Report r = boot();

    assertThat(r.step("nics").get().line()).isEqualTo(LEFT_TO_IFUPDOWN);
    assertThat(tree.sys("etc/network/interfaces.d/osmanager")).exists();
    assertThat(tree.sys("etc/NetworkManager/system-connections")).doesNotExist();
    assertThat(ipChanges()).isEmpty();
  }

  @Test
  void anEnabledNetworkManagerGetsTheNicByMac() throws Exception {
    ns.nic("ens3", ConfiguratorTest.MAC, "far0");
    Files.createDirectories(tree.sys("usr/sbin"));
    Files.writeString(tree.sys("usr/sbin/NetworkManager"), "");
    tree.installUnit("NetworkManager.service");
    tree.enable("NetworkManager.service", "multi-user.target");

    Report r = boot();

    assertThat(r.step("nics").get().line()).isEqualTo(
        "nics: skipped: left to NetworkManager (enabled: NetworkManager.service), which starts after configure");
    assertThat(tree.sys("etc/NetworkManager/system-connections/osmanager-nic0.nmconnection")).exists();
    assertThat(ipChanges()).isEmpty();
  }

  @Test
  void netplanEnablesNetworkdUnlessItRendersWithNetworkManager() throws Exception {
    ns.nic("ens3", ConfiguratorTest.MAC, "far0");
    Files.createDirectories(tree.sys("etc/netplan"));
    Files.createDirectories(tree.sys("usr/sbin"));
    Files.writeString(tree.sys("usr/sbin/netplan"), "");
    Files.writeString(tree.sys("etc/netplan/50-cloud-init.yaml"), "network:\n  version: 2\n  ethernets: {}\n");

    Report r = boot();
    Files.writeString(tree.sys("etc/netplan/01-nm.yaml"), "network:\n  renderer: NetworkManager\n");
    NetworkBackend nm = NetworkBackend.detect(context()).get();

    assertThat(r.step("nics").get().line()).isEqualTo(
        "nics: skipped: left to systemd-networkd (enabled: by netplan), which starts after configure");
    assertThat(tree.sys("etc/systemd/network/05-osmanager-nic0.network")).exists();
    assertThat(nm.stack()).isEqualTo(NetworkFilesStep.Stack.IFUPDOWN);
  }

  @Test
  void anImageWithoutSystemdIsReadByItsInitScriptLinks() throws Exception {
    ns.nic("ens3", ConfiguratorTest.MAC, "far0");
    TestFiles.deleteTree(tree.sys("etc/systemd"));
    Files.createDirectories(tree.sys("sbin"));
    Files.writeString(tree.sys("sbin/init"), "sysvinit\n");
    Files.createDirectories(tree.sys("etc/init.d"));
    Files.writeString(tree.sys("etc/init.d/networking"), "#!/bin/sh\n");
    Files.createDirectories(tree.sys("etc/rcS.d"));
    Files.createSymbolicLink(tree.sys("etc/rcS.d/S01networking"), Path.of("../init.d/networking"));

    Report r = boot();

    assertThat(r.step("nics").get().line()).isEqualTo(
        "nics: skipped: left to ifupdown (enabled: etc/rcS.d/S01networking), which starts after configure");
    assertThat(ipChanges()).isEmpty();
  }

  @Test
  void aSystemdUnitDoesNotCountWhenTheImageBootsAnotherInit() throws Exception {
    ns.nic("ens3", ConfiguratorTest.MAC, "far0");
    Files.createDirectories(tree.sys("sbin"));
    Files.createSymbolicLink(tree.sys("sbin/init"), Path.of("/bin/busybox"));

    Report r = boot();

    assertThat(r.step("nics").get().line()).endsWith("ifupdown is only installed)");
    assertThat(ns.ip("-4", "-o", "addr", "show", "dev", "ens3")).contains("inet 10.0.0.5/24");
  }

  @Test
  void aNicThatAppearsLateIsWaitedFor() throws Exception {
    Files.writeString(tree.sys("etc/network/interfaces"), "auto lo\n"); // not sourcing: nics uses ip
    CompletableFuture<Void> plugged = CompletableFuture.runAsync(() -> {
      try {
        Thread.sleep(700);
        ns.nic("ens3", ConfiguratorTest.MAC, "far0");
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });

    Report r = boot();
    plugged.get(10, TimeUnit.SECONDS);

    assertThat(r.step("nics").get().outcome()).as(r.step("nics").get().line()).isEqualTo(Outcome.CHANGED);
    assertThat(ns.ip("-4", "-o", "addr", "show", "dev", "ens3")).contains("inet 10.0.0.5/24");
  }

  @Test
  void withoutAFloppyAndWithoutAConfABootHasNothingToApplyAndFailsNothing() throws Exception {
    Map<String, String> before = tree.snapshot();
    Path device = Path.of("/dev/osmc-nofloppy-" + Netns.randomName());

    Report r = new Configurator(tree.options(device, ns).withBeforeNetwork(true), runner, ImageTree.CLOCK).run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.badInput()).isEmpty();
    assertThat(r.steps()).extracting(StepResult::line).containsExactly("config: skipped: no floppy device " + device
        + " and no " + tree.home.conf() + ": nothing to apply; the daemon (osmanager.service) will not start without "
        + tree.home.conf());
    assertThat(tree.snapshot()).isEqualTo(before);
    assertThat(runner.changing()).containsExactly(List.of("modprobe", "floppy"));
  }

  private Context context() throws Exception {
    return new Context(cloud.luoyun.osmanager.config.InstanceSpec.of(cloud.luoyun.osmanager.config.InstanceConfig.parse(
        ImageTree.vectorIni().getBytes(java.nio.charset.StandardCharsets.UTF_8))),
        tree.options(ImageTree.vectorFloppy(), ns), runner);
  }
}
