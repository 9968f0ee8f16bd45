package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.TestFiles;
import cloud.luoyun.osmanager.config.FloppyWriter;
import cloud.luoyun.osmanager.http.TlsIdentity;
import cloud.luoyun.osmanager.util.ExitStatus;
import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every step against a --root temp tree, with NICs inside a throw-away network namespace whose NIC
 * has the config's MAC and is not called eth0. Runs as root (CI is root).
 */
class ConfiguratorTest {
  static final String MAC = "92:fd:3c:00:00:07";
  static final String HASH = "$6$rJ3kQ9zP$Ryy8oYHtWrI/rFlRY/KFAfQS0OL6KggtTmAWJ8WTzrsOvFnl6bBKvt0REy5Xzn/NJXM69Fvr.ybi923iEA/Hk1";
  static final String KEY_LINE =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICLLz0JhZoHlDBh2ZMkTmgtsui1UzHhdYhQfF5+QD8NJ owner@example";

  @TempDir Path tmp;
  ImageTree tree;
  Netns ns;
  RecordingRunner runner = new RecordingRunner();

  @BeforeEach
  void setUp() throws Exception {
    tree = new ImageTree(tmp);
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

  Report runVector() throws InterruptedException {
    return run(tree.options(ImageTree.vectorFloppy(), ns));
  }

  /** A floppy image holding the vector config with {@code from} replaced by {@code to}. */
  Path floppyWith(String from, String to) throws IOException {
    String ini = ImageTree.vectorIni();
    assertThat(ini).contains(from);
    Path img = Files.createTempFile(tmp, "floppy", ".img");
    Files.write(img, FloppyWriter.image(ini.replace(from, to).getBytes(StandardCharsets.UTF_8), LocalDateTime.now()));
    return img;
  }

  static Map<String, Outcome> outcomes(Report r) {
    Map<String, Outcome> m = new java.util.LinkedHashMap<>();
    r.steps().forEach(s -> m.put(s.step(), s.outcome()));
    return m;
  }

  @Test
  void theVectorFloppyGivesExactlyTheFilesAndAddressesOfTheSpec() throws Exception {
    Report r = runVector();

    assertThat(r.exitCode()).as(r.steps().toString()).isZero();
    assertThat(outcomes(r)).containsExactly(
        Map.entry("config", Outcome.CHANGED), Map.entry("hostname", Outcome.SKIPPED), // LuoYun gives none
        Map.entry("root-password", Outcome.CHANGED),
        Map.entry("root-ssh-key", Outcome.CHANGED), Map.entry("sshd-web-login", Outcome.CHANGED),
        Map.entry("nics", Outcome.CHANGED),
        Map.entry("network-files", Outcome.CHANGED), Map.entry("nameservers", Outcome.CHANGED),
        Map.entry("terminal-certificate", Outcome.CHANGED), Map.entry("host-keys", Outcome.CHANGED),
        Map.entry("custom-script", Outcome.SKIPPED));
    // conf: the floppy's bytes, 0600
    assertThat(tree.home.conf()).hasBinaryContent(Files.readAllBytes(cloud.luoyun.osmanager.TestFiles.vector("luoyun.ini")));
    assertThat(mode(tree.home.conf())).isEqualTo("rw-------");
    // shadow: root's hash and day of change; every other byte as it was; mode kept
    byte[] expected = ImageTree.concat(("root:" + HASH + ":" + ImageTree.DAY + ":0:99999:7:::\n")
        .getBytes(StandardCharsets.US_ASCII), ImageTree.SHADOW_REST);
    assertThat(tree.sys("etc/shadow")).hasBinaryContent(expected);
    assertThat(mode(tree.sys("etc/shadow"))).isEqualTo("rw-r-----");
    assertThat(Files.getAttribute(tree.sys("etc/shadow"), "unix:gid")).isEqualTo(ImageTree.SHADOW_GID);
    assertThat(mode(tree.sys("etc/.pwd.lock"))).isEqualTo("rw-------");
    // root's key
    assertThat(tree.sys("root/.ssh/authorized_keys")).hasContent(KEY_LINE + "\n");
    assertThat(mode(tree.sys("root/.ssh"))).isEqualTo("rwx------");
    assertThat(mode(tree.sys("root/.ssh/authorized_keys"))).isEqualTo("rw-------");
    assertThat(Files.getAttribute(tree.sys("root/.ssh/authorized_keys"), "unix:uid")).isEqualTo(0);
    // root's password from loopback, for the web terminal
    assertThat(tree.sys(SshdWebLoginStep.FILE)).hasContent(SshdWebLoginStep.CONTENT);
    assertThat(mode(tree.sys(SshdWebLoginStep.FILE))).isEqualTo("rw-r--r--");
    assertThat(tree.sys("etc/ssh/sshd_config")).hasContent(ImageTree.SSHD_CONFIG);
    // NIC found by MAC: address, up, default route
    assertThat(ns.ip("-4", "-o", "addr", "show", "dev", "ens3")).contains("inet 10.0.0.5/24 brd 10.0.0.255");
    assertThat(ns.ip("-o", "link", "show", "dev", "ens3")).contains(",UP");
    assertThat(ns.ip("route", "show", "default")).isEqualTo("default via 10.0.0.1 dev ens3 \n");
    // persisted for ifupdown, the stack of this tree
    assertThat(tree.sys("etc/network/interfaces.d/osmanager")).content().contains(
        "auto ens3\niface ens3 inet static\n    address 10.0.0.5/24\n    gateway 10.0.0.1\n"
            + "    dns-nameservers 8.8.8.8 114.114.114.114\n").startsWith("# managed by osmanager");
    // name servers, search kept
    assertThat(tree.sys("etc/resolv.conf")).hasContent(NameServerStep.MARK
        + "\nnameserver 8.8.8.8\nnameserver 114.114.114.114\nsearch example.org\n");
    // new instance: host keys made, TAG remembered
    assertThat(tree.sys("etc/ssh/ssh_host_ed25519_key")).exists();
    assertThat(tree.home.stateDir().resolve("applied-tag")).hasContent("7\n");
  }

  @Test
  void aSecondRunChangesNothingAndRewritesNoFile() throws Exception {
    assertThat(runVector().exitCode()).isZero();
    Map<String, String> before = tree.snapshot();
    String addrs = ns.ip("-4", "-o", "addr", "show");
    runner.commands.clear();

    Report again = runVector();

    assertThat(again.exitCode()).isZero();
    assertThat(again.steps()).allSatisfy(s -> assertThat(s.outcome()).as(s.line())
        .isIn(Outcome.UNCHANGED, Outcome.SKIPPED));
    assertThat(tree.snapshot()).isEqualTo(before);
    assertThat(ns.ip("-4", "-o", "addr", "show")).isEqualTo(addrs);
    assertThat(runner.changing()).isEmpty();
  }

  @Test
  void eachRunIsRecordedForStatusWithItsSourceAndEveryStepsLine() throws Exception {
    Report r = runVector();

    RunRecord record = RunRecord.read(tree.home.stateDir().resolve(RunRecord.FILE)).orElseThrow();
    assertThat(record.at()).isEqualTo(ImageTree.CLOCK.instant());
    assertThat(record.source()).isEqualTo(ImageTree.vectorFloppy().toAbsolutePath().toString());
    assertThat(record.exitStatus()).isZero();
    assertThat(record.refused()).isEmpty();
    assertThat(record.configFile()).isEqualTo(tree.home.conf().toString());
    assertThat(record.configChangedAt()).contains(Files.getLastModifiedTime(tree.home.conf()).toInstant()
        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertThat(record.steps()).isEqualTo(r.steps());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        tree.home.stateDir().resolve(RunRecord.FILE)))).isEqualTo("rw-r--r--");
    String json = Files.readString(tree.home.stateDir().resolve(RunRecord.FILE));
    assertThat(json).doesNotContain(HASH).doesNotContain(ImageTree.vectorIni().lines()
        .filter(l -> l.startsWith("KEY=")).findFirst().orElseThrow().substring(4));
  }

  @Test
  void aRefusedConfigIsRecordedWithWhyAndADryRunNotAtAll() throws Exception {
    Path bad = floppyWith(HASH, "x:0:0::/root:/bin/sh");
    run(tree.options(bad, ns).withDryRun(true));
    assertThat(tree.home.stateDir().resolve(RunRecord.FILE)).doesNotExist();

    run(tree.options(bad, ns));

    RunRecord record = RunRecord.read(tree.home.stateDir().resolve(RunRecord.FILE)).orElseThrow();
    assertThat(record.exitStatus()).isEqualTo(2);
    assertThat(record.refused()).hasValueSatisfying(m -> assertThat(m).startsWith("passwd_hash: contains ':'"));
    assertThat(record.steps()).isEmpty();
  }

  @Test
  void aDryRunSaysWhatWouldChangeAndChangesNothing() throws Exception {
    Map<String, String> before = tree.snapshot();

    Report r = run(tree.options(ImageTree.vectorFloppy(), ns).withDryRun(true));

    assertThat(r.exitCode()).isZero();
    assertThat(r.steps()).extracting(StepResult::line).contains(
        "root-password: would change: would set root's password hash in etc/shadow",
        "nics: would change: would run: ip addr add 10.0.0.5/24 broadcast + dev ens3; "
            + "ip link set dev ens3 up; ip route replace default via 10.0.0.1 dev ens3");
    assertThat(tree.snapshot()).isEqualTo(before);
    assertThat(ns.ip("-4", "-o", "addr", "show", "dev", "ens3")).isEmpty();
    assertThat(runner.changing()).isEmpty();
  }

  @Test
  void aNewAddressReplacesTheOldOneInsteadOfStackingAndMovesTheRoute() throws Exception {
    runVector();

    Report r = run(tree.options(floppyWith("\"ip\": \"10.0.0.5\"", "\"ip\": \"10.0.0.6\""), ns));

    assertThat(r.step("nics").get().outcome()).isEqualTo(Outcome.CHANGED);
    String addrs = ns.ip("-4", "-o", "addr", "show", "dev", "ens3");
    assertThat(addrs).contains("10.0.0.6/24").doesNotContain("10.0.0.5");
    assertThat(ns.ip("route", "show", "default")).isEqualTo("default via 10.0.0.1 dev ens3 \n");
  }

  @Test
  void anEntryWithoutMacMeansTheNicInThatPosition() throws Exception {
    try (Netns two = Netns.create().nicWithRemotePeer("enp1s0", "52:54:00:00:00:01")
        .nicWithRemotePeer("enp2s0", "52:54:00:00:00:02")) {
      String json = "{\"network\": [{}, {\"ip\": \"192.168.7.9\", \"netmask\": \"255.255.0.0\"}]}";
      Path ini = tmp.resolve("luoyun.ini");
      Files.writeString(ini, "TAG=9\nKEY=k\nJSON=" + json + "\n");

      Report r = run(tree.options(ini, two));

      assertThat(r.step("nics").get().line()).isEqualTo(
          "nics: changed: ip addr add 192.168.7.9/16 broadcast + dev enp2s0; ip link set dev enp2s0 up");
      assertThat(two.ip("-4", "-o", "addr", "show", "dev", "enp2s0")).contains("192.168.7.9/16");
      assertThat(two.ip("-4", "-o", "addr", "show", "dev", "enp1s0")).isEmpty(); // left to DHCP
    }
  }

  @Test
  void anImageTreeNeverTakesTheHostsNicsByPosition() throws Exception {
    Path ini = tmp.resolve("luoyun.ini");
    Files.writeString(ini, "TAG=9\nKEY=k\nJSON={\"network\": [{\"ip\": \"192.168.7.9\"}]}\n");
    Configurator.Options noNetns = Configurator.Options.of(tree.home).withRoot(tree.root).withSource(ini);

    Report r = run(noNetns);

    assertThat(r.step("nics").get().line())
        .isEqualTo("nics: failed: network[0]: no mac; NICs are matched by position only with --root /");
    assertThat(runner.changing()).noneMatch(cmd -> cmd.get(0).equals("ip"));
  }

  @Test
  void aMacThatNoNicHasFailsTheNicStepButNotTheOthers() throws Exception {
    Report r = run(tree.options(floppyWith(MAC, "52:54:00:aa:bb:cc"), ns));

    assertThat(r.exitCode()).isEqualTo(ExitStatus.FAILED);
    assertThat(r.step("nics").get().line()).isEqualTo("nics: failed: network[0]: no NIC with MAC 52:54:00:aa:bb:cc");
    assertThat(r.step("root-password").get().outcome()).isEqualTo(Outcome.CHANGED);
    assertThat(r.step("nameservers").get().outcome()).isEqualTo(Outcome.CHANGED);
  }

  @Test
  void keepsOtherAuthorizedKeysAndReplacesACopyOfTheKeyThatCarriedOptions() throws Exception {
    Files.createDirectories(tree.sys("root/.ssh"));
    String other = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7 admin@site";
    String restricted = "command=\"/bin/false\",no-pty " + KEY_LINE.replace(" owner@example", " old");
    Files.writeString(tree.sys("root/.ssh/authorized_keys"), other + "\n" + restricted + "\n# note\n" + KEY_LINE + "\n");
    Files.setPosixFilePermissions(tree.sys("root/.ssh"), PosixFilePermissions.fromString("rwxr-xr-x"));

    Report r = runVector();

    assertThat(r.step("root-ssh-key").get().outcome()).isEqualTo(Outcome.CHANGED);
    assertThat(tree.sys("root/.ssh/authorized_keys")).hasContent(other + "\n" + KEY_LINE + "\n# note\n");
    assertThat(mode(tree.sys("root/.ssh"))).isEqualTo("rwx------");
  }

  @Test
  void aShadowWithoutRootFailsThatStepAndChangesItNot() throws Exception {
    Files.write(tree.sys("etc/shadow"), ImageTree.SHADOW_REST);

    Report r = runVector();

    assertThat(r.exitCode()).isEqualTo(ExitStatus.FAILED);
    assertThat(r.step("root-password").get().line()).isEqualTo("root-password: failed: etc/shadow has no root entry");
    assertThat(tree.sys("etc/shadow")).hasBinaryContent(ImageTree.SHADOW_REST);
    assertThat(r.step("root-ssh-key").get().outcome()).isEqualTo(Outcome.CHANGED);
  }

  @Test
  void aNewTagRegeneratesTheHostKeysAndTheSameTagKeepsThem() throws Exception {
    runVector();
    byte[] first = Files.readAllBytes(tree.sys("etc/ssh/ssh_host_ed25519_key.pub"));
    Path next = floppyWith("TAG=7", "TAG=8");

    Report r = run(tree.options(next, ns));
    byte[] second = Files.readAllBytes(tree.sys("etc/ssh/ssh_host_ed25519_key.pub"));
    Report same = run(tree.options(next, ns));

    assertThat(r.step("host-keys").get().line()).startsWith("host-keys: changed: new instance (TAG 8, last applied 7)");
    assertThat(second).isNotEqualTo(first);
    assertThat(mode(tree.sys("etc/ssh/ssh_host_ed25519_key"))).isEqualTo("rw-------");
    assertThat(same.step("host-keys").get().line()).isEqualTo("host-keys: unchanged: same instance (TAG 8)");
    assertThat(tree.sys("etc/ssh/ssh_host_ed25519_key.pub")).hasBinaryContent(second);
  }

  /**
   * Issue 11: the web terminal's certificate is made by configure for each instance, like the
   * host keys: a reboot keeps it (the fingerprint the owner checked stays true), a new TAG (a
   * clone of the image) gets a new one, a key that does not match its certificate (a power cut
   * between the two files) is made anew.
   */
  @Test
  void aNewTagMakesANewTerminalCertificateAndTheSameTagKeepsIt() throws Exception {
    Path cert = tree.home.stateDir().resolve("webssh-tls.crt");
    Path key = tree.home.stateDir().resolve("webssh-tls.key");
    Report first = runVector();
    assertThat(first.step("terminal-certificate").get().line())
        .startsWith("terminal-certificate: changed: made a self-signed certificate for TAG 7 (none yet), SHA-256 ");
    assertThat(mode(key)).isEqualTo("rw-------");
    X509Certificate made = TlsIdentity.readChain(cert).get(0);
    assertThat(made.getSubjectX500Principal().getName()).isEqualTo("CN=LuoYun instance 7");
    byte[] firstCert = Files.readAllBytes(cert);

    Report again = runVector();
    assertThat(again.step("terminal-certificate").get().line())
        .startsWith("terminal-certificate: unchanged: the one for LuoYun instance 7 (SHA-256 ");
    assertThat(cert).hasBinaryContent(firstCert);

    Report clone = run(tree.options(floppyWith("TAG=7", "TAG=8"), ns));
    assertThat(clone.step("terminal-certificate").get().line()).startsWith("terminal-certificate: changed: made a "
        + "self-signed certificate for TAG 8 (the one in state/ was made for CN=LuoYun instance 7, this is LuoYun "
        + "instance 8)");
    assertThat(TlsIdentity.readChain(cert).get(0).getSubjectX500Principal().getName()).isEqualTo("CN=LuoYun instance 8");
    assertThat(TlsIdentity.read(cert, key).fingerprint()).isNotEqualTo(TlsIdentity.fingerprint(made));

    Files.writeString(key, Files.readString(key).replace('A', 'B')); // a key of another pair, or none that parses
    Report cut = run(tree.options(floppyWith("TAG=7", "TAG=8"), ns));
    assertThat(cut.step("terminal-certificate").get().line()).contains(": changed: made a self-signed certificate for "
        + "TAG 8 (the one in ").contains(" is unusable: ");
    TlsIdentity.read(cert, key); // a matching pair again
  }

  @Test
  void aDryRunSaysItWouldMakeTheTerminalCertificateAndMakesNone() throws Exception {
    Report r = run(tree.options(TestFiles.vector("floppy-luoyun.img"), ns).withDryRun(true));
    assertThat(r.step("terminal-certificate").get().line())
        .isEqualTo("terminal-certificate: would change: would make a self-signed certificate for TAG 7 (none yet)");
    assertThat(tree.home.stateDir().resolve("webssh-tls.crt")).doesNotExist();
  }

  /**
   * A new instance must share no host key with its image: keys of types ssh-keygen no longer
   * makes by default go too. A staging folder a cut run left is removed.
   */
  @Test
  void aNewTagRemovesOldKeysOfOtherTypesAndTheFolderACutRunLeft() throws Exception {
    Files.writeString(tree.sys("etc/ssh/ssh_host_dsa_key"), "the image's own\n");
    Files.writeString(tree.sys("etc/ssh/ssh_host_dsa_key.pub"), "ssh-dss AAAA the image's own\n");
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path left = Files.createDirectory(tree.sys("etc/ssh/.ssh_host_keys.osm-" + gone.pid() + "-0123456789abcdef"));
    Files.writeString(left.resolve("ssh_host_rsa_key"), "half made\n");

    Report r = runVector();

    assertThat(r.step("host-keys").get().line())
        .isEqualTo("host-keys: changed: new instance (TAG 7, last applied none): 1 old host key(s) replaced by 3 new");
    try (var names = Files.list(tree.sys("etc/ssh"))) {
      assertThat(names.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ssh_host_") || n.startsWith(".")))
          .containsExactlyInAnyOrder("ssh_host_rsa_key", "ssh_host_rsa_key.pub", "ssh_host_ecdsa_key",
              "ssh_host_ecdsa_key.pub", "ssh_host_ed25519_key", "ssh_host_ed25519_key.pub");
    }
    assertThat(HostKeySet.of(tree.sys("etc/ssh")).matching).hasSize(3);
  }

  /** As a full disk can leave it: ssh-keygen says all went well, and the .pub is empty. */
  @Test
  void aNewPairWhosePubDoesNotMatchItsPrivateKeyChangesNoKeyAndLeavesTheTagUnapplied() throws Exception {
    runVector();
    Map<String, String> before = tree.snapshot();
    CommandRunner emptiesEcdsaPub = (argv, timeout, env) -> {
      Processes.Result r = runner.run(argv, timeout, env);
      if (argv.get(0).equals("ssh-keygen") && argv.contains("ecdsa")) {
        Files.write(Path.of(argv.get(argv.size() - 1) + ".pub"), new byte[0]);
      }
      return r;
    };

    Report r = new Configurator(tree.options(floppyWith("TAG=7", "TAG=8"), ns), emptiesEcdsaPub, ImageTree.CLOCK).run();

    assertThat(r.step("host-keys").get().line()).isEqualTo("host-keys: failed: new instance (TAG 8, last applied 7): "
        + "the new ecdsa key does not match its .pub; the old host keys are kept");
    Map<String, String> after = tree.snapshot();
    // the files of the image tree; etc/ssh/ itself has a new mtime: the temp folder came and went
    after.keySet().removeIf(k -> k.contains("/LuoYun/") || k.endsWith("/"));
    before.keySet().removeIf(k -> k.contains("/LuoYun/") || k.endsWith("/"));
    assertThat(after).as("the image tree: the keys and nothing else left there").isEqualTo(before);
    assertThat(tree.home.stateDir().resolve("applied-tag")).hasContent("7\n");
  }

  /** An image's absolute link means a path in the image, but on the build host it leads to the host's own. */
  @Test
  void foldersOfAnImageThatLinkOutsideItsRootAreNeverWrittenThrough() throws Exception {
    Path host = tmp.resolve("host");
    Files.createDirectories(host.resolve("ssh"));
    Files.createDirectories(host.resolve("interfaces.d"));
    Files.writeString(host.resolve("ssh/ssh_host_ed25519_key"), "the build host's own key\n");
    Files.writeString(host.resolve("ssh/sshd_config"), ImageTree.SSHD_CONFIG);
    TestFiles.deleteTree(tree.sys("etc/ssh"));
    Files.createSymbolicLink(tree.sys("etc/ssh"), host.resolve("ssh").toAbsolutePath());
    Files.createSymbolicLink(tree.sys("etc/network/interfaces.d"), host.resolve("interfaces.d").toAbsolutePath());

    Report r = runVector();

    assertThat(r.step("host-keys").get().outcome()).as(r.steps().toString()).isEqualTo(Outcome.FAILED);
    assertThat(r.step("host-keys").get().line()).contains("etc/ssh").contains("outside");
    assertThat(r.step("network-files").get().outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.step("sshd-web-login").get().line()).contains("etc/ssh/sshd_config.d").contains("outside");
    try (var left = Files.list(host.resolve("ssh"))) {
      assertThat(left.toList()).containsExactlyInAnyOrder(host.resolve("ssh/ssh_host_ed25519_key"),
          host.resolve("ssh/sshd_config"));
    }
    assertThat(host.resolve("ssh/ssh_host_ed25519_key")).hasContent("the build host's own key");
    try (var left = Files.list(host.resolve("interfaces.d"))) {
      assertThat(left.toList()).isEmpty();
    }
    assertThat(r.step("root-password").get().outcome()).isEqualTo(Outcome.CHANGED);
  }

  @Test
  void anIfupdownStanzaOfTheAdminForTheSameNicIsPointedOutAndLeftAlone() throws Exception {
    String interfaces = "auto lo\niface lo inet loopback\nallow-hotplug ens3\niface ens3 inet dhcp\n"
        + "source /etc/network/interfaces.d/*\n";
    Files.writeString(tree.sys("etc/network/interfaces"), interfaces);

    Report first = runVector();
    Report again = runVector();

    String note = "note: etc/network/interfaces also configures ens3; remove that stanza";
    assertThat(first.step("network-files").get().line())
        .isEqualTo("network-files: changed: ifupdown (enabled: networking.service): "
            + "wrote etc/network/interfaces.d/osmanager, " + note);
    assertThat(again.step("network-files").get().line())
        .isEqualTo("network-files: unchanged: ifupdown (enabled: networking.service) files up to date; " + note);
    assertThat(tree.sys("etc/network/interfaces")).hasBinaryContent(interfaces.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void networkdImagesGetAMarkedNetworkFileMatchedByMac() throws Exception {
    tree.disable("networking.service");
    tree.enable("systemd-networkd.service", "multi-user.target");
    Files.createDirectories(tree.sys("etc/systemd/network"));
    Files.createDirectories(tree.sys("etc/netplan"));
    Path stale = tree.sys("etc/systemd/network/05-osmanager-nic3.network");
    Files.writeString(stale, SysFiles.MARK + ": old\n");
    Path foreign = tree.sys("etc/systemd/network/05-osmanager-nic4.network");
    Files.writeString(foreign, "[Match]\nName=x\n"); // not ours: no mark

    Report r = runVector();

    assertThat(r.step("network-files").get().line())
        .startsWith("network-files: changed: systemd-networkd (enabled: systemd-networkd.service): wrote");
    assertThat(tree.sys("etc/systemd/network/05-osmanager-nic0.network")).content().endsWith(
        "[Match]\nMACAddress=92:fd:3c:00:00:07\n\n[Network]\nAddress=10.0.0.5/24\nGateway=10.0.0.1\n"
            + "DNS=8.8.8.8\nDNS=114.114.114.114\n");
    assertThat(stale).doesNotExist();
    assertThat(foreign).exists();
  }

  @Test
  void networkManagerImagesGetAPrivateKeyfile() throws Exception {
    Files.createDirectories(tree.sys("usr/sbin"));
    Files.writeString(tree.sys("usr/sbin/NetworkManager"), "");
    tree.installUnit("NetworkManager.service");
    tree.enable("NetworkManager.service", "multi-user.target");

    Report r = runVector();

    Path keyfile = tree.sys("etc/NetworkManager/system-connections/osmanager-nic0.nmconnection");
    assertThat(keyfile).content().contains("[ethernet]\nmac-address=92:FD:3C:00:00:07\n",
        "[ipv4]\nmethod=manual\naddress1=10.0.0.5/24,10.0.0.1\ndns=8.8.8.8;114.114.114.114;\n");
    assertThat(mode(keyfile)).isEqualTo("rw-------");
    assertThat(r.step("network-files").get().line()).startsWith(
        "network-files: changed: NetworkManager (enabled: NetworkManager.service): wrote");
    assertThat(tree.sys("etc/network/interfaces.d/osmanager")).doesNotExist();
  }

  @Test
  void aResolvConfLinkedIntoResolvedGetsADropInAndStaysALink() throws Exception {
    Files.delete(tree.sys("etc/resolv.conf"));
    Files.createSymbolicLink(tree.sys("etc/resolv.conf"), Path.of("../run/systemd/resolve/stub-resolv.conf"));

    Report r = runVector();

    assertThat(r.step("nameservers").get().outcome()).isEqualTo(Outcome.CHANGED);
    assertThat(Files.isSymbolicLink(tree.sys("etc/resolv.conf"))).isTrue();
    assertThat(tree.sys("etc/systemd/resolved.conf.d/osmanager.conf"))
        .hasContent(NameServerStep.MARK + "\n[Resolve]\nDNS=8.8.8.8 114.114.114.114\n");
  }

  @Test
  void theCustomScriptRunsLastWithoutAShellAndItsStatusIsReported() throws Exception {
    Path marker = tmp.resolve("ran");
    Path script = configScript("echo \"$OSM_ROOT\" > " + marker + "\nexit 3\n", "rwxr-xr-x");

    Report r = runVector();

    assertThat(r.steps().get(r.steps().size() - 1).line())
        .isEqualTo("custom-script: failed: custom/scripts/config exited with status 3");
    assertThat(r.exitCode()).isEqualTo(ExitStatus.FAILED);
    assertThat(marker).hasContent(tree.root.toAbsolutePath().toString());
    assertThat(runner.commands).contains(List.of(script.toAbsolutePath().toString()));
  }

  @Test
  void aCustomScriptThatSucceedsRanAtEveryRunButChangedNothingTheRunCanSee() throws Exception {
    Path runs = tmp.resolve("runs");
    configScript("echo run >> " + runs + "\n", "rwxr-xr-x");

    Report dry = run(tree.options(ImageTree.vectorFloppy(), ns).withDryRun(true));
    assertThat(dry.step("custom-script").get().line()).isEqualTo("custom-script: would run: custom/scripts/config");
    assertThat(runs).doesNotExist();

    runVector();
    Report again = runVector();

    assertThat(again.step("custom-script").get().line()).isEqualTo("custom-script: ran: custom/scripts/config, exit status 0");
    assertThat(again.steps()).extracting(StepResult::outcome).doesNotContain(Outcome.CHANGED, Outcome.FAILED);
    assertThat(again.exitCode()).isEqualTo(ExitStatus.OK);
    assertThat(Files.readAllLines(runs)).containsExactly("run", "run");
  }

  @Test
  void aCustomScriptThatHangsIsKilledAtItsTimeLimit() throws Exception {
    configScript("sleep 600\n", "rwx------");

    Report r = run(tree.options(ImageTree.vectorFloppy(), ns).withScriptTimeout(Duration.ofMillis(300)));

    assertThat(r.step("custom-script").get().line()).startsWith("custom-script: failed: custom/scripts/config killed after");
  }

  /** Writes the appliance's custom/scripts/config: a shell script of this body, with this mode. */
  private Path configScript(String body, String mode) throws IOException {
    Path script = tree.home.configScript();
    Files.createDirectories(script.getParent());
    Files.writeString(script, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString(mode));
    return script;
  }

  @Test
  void withoutAFloppyTheExistingConfIsKeptAndSaidSo() throws Exception {
    Files.createDirectories(tree.home.confDir());
    Files.write(tree.home.conf(), Files.readAllBytes(cloud.luoyun.osmanager.TestFiles.vector("luoyun.ini")));
    Path device = Path.of("/dev/osmc-nofloppy-" + Netns.randomName());

    Report r = run(tree.options(device, ns));

    assertThat(r.step("config").get().line()).isEqualTo(
        "config: unchanged: no floppy device " + device + "; keeping " + tree.home.conf());
    assertThat(runner.commands).contains(List.of("modprobe", "floppy"));
    assertThat(r.step("root-password").get().outcome()).isEqualTo(Outcome.CHANGED);
  }

  @Test
  void withoutAFloppyAndWithoutAConfTheRunIsRefused() throws Exception {
    Report r = run(tree.options(Path.of("/dev/osmc-nofloppy-" + Netns.randomName()), ns));

    assertThat(r.exitCode()).isEqualTo(ExitStatus.BAD_INPUT);
    assertThat(r.badInput().get()).startsWith("source: no floppy device");
  }

  @Test
  void aChangedFloppyReplacesTheConfAndNarrowsItsMode() throws Exception {
    Files.createDirectories(tree.home.confDir());
    Files.writeString(tree.home.conf(), "TAG=1\nKEY=old\n");
    Files.setPosixFilePermissions(tree.home.conf(), PosixFilePermissions.fromString("rw-r--r--"));

    runVector();

    assertThat(tree.home.conf()).hasContent(ImageTree.vectorIni());
    assertThat(mode(tree.home.conf())).isEqualTo("rw-------");
  }

  /** A link is refused before anything is done to it: not narrowed, not read into a comparison, not replaced. */
  @Test
  void aConfThatIsASymbolicLinkIsRefusedAndItsTargetKeepsItsModeAndContent() throws Exception {
    Path target = tmp.resolve("elsewhere.conf");
    Files.writeString(target, "TAG=1\nKEY=old\n");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
    Files.createDirectories(tree.home.confDir());
    Files.createSymbolicLink(tree.home.conf(), target);

    Report r = runVector();

    assertThat(r.step("config").get().line()).startsWith("config: failed: cannot write ")
        .contains("symbolic link").endsWith("; applying the config from " + ImageTree.vectorFloppy());
    assertThat(mode(target)).isEqualTo("rw-r--r--");
    assertThat(target).hasContent("TAG=1\nKEY=old\n");
    assertThat(Files.isSymbolicLink(tree.home.conf())).isTrue();
  }

  static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }
}
