package cloud.luoyun.osmanager.configure;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.TestFiles;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "done when", with the packaged jar as an operator runs it: the vector floppy,
 * {@code configure --root tmp --source floppy-luoyun.img} inside a network namespace whose NIC has
 * the config's MAC; then again, changing nothing; then the floppy command's own image.
 */
class ConfigureJarIT {
  @TempDir Path tmp;

  record Run(int status, String out, String err) {}

  static Run run(Path stdin, List<String> argv) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv);
    if (stdin != null) {
      pb.redirectInput(stdin.toFile());
    }
    Path errFile = Files.createTempFile("osmc-err", ".txt");
    pb.redirectError(errFile.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int status = p.waitFor();
    String err = Files.readString(errFile);
    Files.delete(errFile);
    return new Run(status, out, err);
  }

  static List<String> jar(String netns, String... args) {
    List<String> argv = new ArrayList<>();
    if (netns != null) {
      argv.addAll(List.of("ip", "netns", "exec", netns));
    }
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(List.of("-jar", System.getProperty("osm.jar", "target/osmanager.jar")));
    argv.addAll(List.of(args));
    return argv;
  }

  @Test
  void theVectorFloppyConfiguresAnImageTreeAndANicAndASecondRunChangesNothing() throws Exception {
    ImageTree tree = new ImageTree(tmp);
    String[] args = {"configure", "--home", tree.home.dir().toString(), "--root", tree.root.toString(),
        "--source", TestFiles.vector("floppy-luoyun.img").toString()};
    try (Netns ns = Netns.create().nic("ens3", ConfiguratorTest.MAC, "far0")) {
      Run first = run(null, jar(ns.name, args));
      Run second = run(null, jar(ns.name, args));

      assertThat(first.status()).as(first.out() + first.err()).isZero();
      assertThat(first.out().lines().map(l -> l.substring(0, l.indexOf(':') + 2) + l.split(": ")[1]).toList())
          .containsExactly("config: changed", "hostname: skipped", "root-password: changed", "root-ssh-key: changed",
              "sshd-web-login: changed", "nics: changed",
              "network-files: changed", "nameservers: changed", "terminal-certificate: changed", "host-keys: changed",
              "custom-script: skipped");
      assertThat(ns.ip("-4", "-o", "addr", "show", "dev", "ens3")).contains("inet 10.0.0.5/24");
      assertThat(ns.ip("route", "show", "default")).startsWith("default via 10.0.0.1 dev ens3");
      assertThat(second.status()).isZero();
      assertThat(second.out().lines()).hasSize(11)
          .allSatisfy(l -> assertThat(l).matches("[a-z-]+: (unchanged|skipped)(: .*)?"));
      assertThat(tree.home.logDir().resolve("configure.log")).content()
          .contains("root-password: changed").doesNotContain(ConfiguratorTest.HASH, "015e33a8");
    }
  }

  @Test
  void anImageFromTheFloppyCommandIsReadByConfigureInADryRun() throws Exception {
    ImageTree tree = new ImageTree(tmp);
    Path img = tmp.resolve("out.img");

    Run floppy = run(TestFiles.vector("luoyun.ini"), jar(null, "floppy", img.toString()));
    Run dry;
    try (Netns ns = Netns.create().nic("ens3", ConfiguratorTest.MAC, "far0")) {
      dry = run(null, jar(ns.name, "configure", "--dry-run", "--home", tree.home.dir().toString(),
          "--root", tree.root.toString(), "--source", img.toString()));
    }

    assertThat(floppy.status()).isZero();
    assertThat(dry.status()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("config: would change: " + tree.home.conf() + " would be replaced from " + img);
    assertThat(tree.home.conf()).doesNotExist();
    assertThat(new File(tree.home.logDir().toString())).doesNotExist();
  }

  /**
   * A dry run by a user who could not apply the config says where it would fail, naming the
   * folder, instead of "would change" (run as nobody, through util-linux's setpriv).
   */
  @Test
  void aDryRunByAUserWhoCannotWriteSaysWhereItWouldFail() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
        "needs root and setpriv to run as nobody");
    ImageTree tree = new ImageTree(tmp);
    Path ini = Files.copy(TestFiles.vector("luoyun.ini"), tmp.resolve("luoyun.ini"));
    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(ini, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
    argv.addAll(jar(null, "configure", "--dry-run", "--home", tree.home.dir().toString(), "--root",
        tree.root.toString(), "--source", ini.toString()));

    Run dry = run(null, argv);

    assertThat(dry.status()).as(dry.out() + dry.err()).isEqualTo(1);
    // etc/shadow is 0640: not even readable, and the OS's reason is kept
    assertThat(dry.out()).contains("root-password: failed: " + tree.root.resolve("etc/shadow") + ": permission denied");
    // etc/resolv.conf is readable, its folder is not writable
    assertThat(dry.out()).contains("nameservers: failed: " + tree.root.resolve("etc")
        + ": not writable by this user, so resolv.conf could not be written");
    // the terminal's certificate goes into the home's state/, which this user cannot write either
    assertThat(dry.out()).containsPattern("terminal-certificate: failed: \\S+: not writable by this user, so "
        + "webssh-tls.key could not be written");
    assertThat(dry.out()).doesNotContain("would change");
  }
}
