package cloud.luoyun.osmanager.configure;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.ReleaseJar;
import cloud.luoyun.osmanager.TestFiles;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.configure.ConfigureJarIT.Run;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23 §2, "an upgrade is not a new instance": an instance configured by release 0.2.0 and
 * then by this build keeps its SSH host keys, its terminal certificate and its registration.
 *
 * <p>The 0.2.0 jar is built from its commit ({@link ReleaseJar}, cached in {@code target/}). In a
 * network namespace whose NIC has the config's MAC: 0.2.0's {@code configure} applies a floppy
 * to an image tree, 0.2.0's {@code run} registers with the development controller (listening on
 * the namespace's loopback, where the floppy's CLC_IP points), and this build's {@code status}
 * reads what 0.2.0 wrote ({@code state/daemon.json}, {@code state/configure.json}) while that
 * daemon runs. Then this build's {@code configure} on the same tree, home and floppy says "same
 * instance" and changes neither keys nor certificate, and its {@code run} registers as the same
 * TAG. The other way round: a {@code state/} this build writes for a new instance is the same
 * instance to this build on the next boot, and to 0.2.0 after a downgrade.
 */
class UpgradeFrom020IT {
  /** Release 0.2.0 (tag v0.2.0; a fresh clone may carry no tags, so the id). */
  static final String COMMIT = "cb7fb16";
  static final long WAIT_SECONDS = 90;

  @TempDir Path tmp;

  @Test
  void anInstanceConfiguredBy020KeepsItsHostKeysCertificateAndRegistrationWhenUpgraded() throws Exception {
    Path oldJar = ReleaseJar.of("0.2.0", COMMIT);
    Path newJar = Path.of(System.getProperty("osm.jar", "target/osmanager.jar")).toAbsolutePath();
    ImageTree tree = new ImageTree(tmp);
    Home home = tree.home;
    Path floppy = floppy(newJar, "7");
    Path instances = Files.writeString(tmp.resolve("instances"), "7 015e33a8-787d-457e-b84d-c2a101a816e0\n");

    try (Netns ns = Netns.create().nic("ens3", ConfiguratorTest.MAC, "far0");
        Background controller = Background.start(tmp.resolve("controller.log"), java(ns, newJar, "controller",
            "--bind", "127.0.0.1", "--port", "1369", "--instances", instances.toString()))) {
      Run old = configure(ns, oldJar, tree, floppy);
      assertThat(old.status()).as(old.out() + old.err()).isZero();
      assertThat(old.out()).contains("host-keys: changed: new instance (TAG 7, last applied none)",
          "terminal-certificate: changed: made a self-signed certificate for TAG 7");
      Map<String, String> hostKeys = hostKeys(tree);
      Map<String, String> certificate = certificate(home);
      assertThat(hostKeys).hasSize(6);
      assertThat(certificate).hasSize(2);

      Map<String, Object> status;
      try (Background daemon = Background.start(tmp.resolve("run-0.2.0.log"), java(ns, oldJar, "run", "--home",
          home.dir().toString()))) {
        Run waited = ConfigureJarIT.run(null, java(ns, newJar, "status", "--home", home.dir().toString(), "--wait",
            "--timeout", Long.toString(WAIT_SECONDS)));
        assertThat(waited.status()).as(waited.out() + waited.err() + daemon.log()).isZero();
        assertThat(waited.out()).contains("registered with 127.0.0.1:1369 since ");
        assertThat(served(ns)).isEqualTo(pem(home));
        status = statusJson(ns, newJar, home);
        assertThat(status).containsEntry("running", true).containsEntry("health", "healthy")
            .containsEntry("exitStatus", 0);
        assertThat(status.get("daemon").toString()).contains("command=run", "pid=" + daemon.pid());
      }
      assertThat(status.get("controller").toString()).contains("address=127.0.0.1:1369", "registered=true");
      assertThat(status.get("configure").toString()).contains("exitStatus=0",
          "detail=new instance (TAG 7, last applied none)");
      Run stopped = ConfigureJarIT.run(null, java(ns, newJar, "status", "--home", home.dir().toString()));
      assertThat(stopped.status()).as(stopped.out() + stopped.err()).isEqualTo(3); // LSB: not running
      assertThat(stopped.out()).startsWith("osmanager run is not running (last started ")
          .contains("host-keys: changed: new instance (TAG 7, last applied none)");

      Map<String, String> before = snapshot(tree);
      Run upgraded = configure(ns, newJar, tree, floppy);
      assertThat(upgraded.status()).as(upgraded.out() + upgraded.err()).isZero();
      assertThat(upgraded.out()).contains("host-keys: unchanged: same instance (TAG 7)")
          .containsPattern("(?m)^terminal-certificate: unchanged: ");
      assertThat(upgraded.out().lines()).allSatisfy(l -> assertThat(l).matches("[a-z-]+: (unchanged|skipped): .*"));
      // nothing written, replaced or re-moded (the differences alone are shown)
      assertThat(snapshot(tree).entrySet()).containsExactlyInAnyOrderElementsOf(before.entrySet());
      assertThat(hostKeys(tree)).isEqualTo(hostKeys);
      assertThat(certificate(home)).isEqualTo(certificate);

      try (Background daemon = Background.start(tmp.resolve("run-new.log"), java(ns, newJar, "run", "--home",
          home.dir().toString()))) {
        Run waited = ConfigureJarIT.run(null, java(ns, newJar, "status", "--home", home.dir().toString(), "--wait",
            "--timeout", Long.toString(WAIT_SECONDS)));
        assertThat(waited.status()).as(waited.out() + waited.err() + daemon.log()).isZero();
        assertThat(waited.out()).contains("registered with 127.0.0.1:1369 since ", "(luoyun)",
            "host-keys: unchanged: same instance (TAG 7)");
        assertThat(served(ns)).isEqualTo(pem(home));
      }
      assertThat(certificate(home)).isEqualTo(certificate);
      assertThat(controller.log().lines().filter(l -> l.startsWith("registered ")))
          .hasSize(2).allSatisfy(l -> assertThat(l).startsWith("registered tag=7 "));
    }
  }

  @Test
  void aStateWrittenByThisBuildIsTheSameInstanceToItAndTo020() throws Exception {
    Path oldJar = ReleaseJar.of("0.2.0", COMMIT);
    Path newJar = Path.of(System.getProperty("osm.jar", "target/osmanager.jar")).toAbsolutePath();
    ImageTree tree = new ImageTree(tmp);
    Path floppy = floppy(newJar, "8");

    try (Netns ns = Netns.create().nic("ens3", ConfiguratorTest.MAC, "far0")) {
      Run first = configure(ns, newJar, tree, floppy);
      assertThat(first.status()).as(first.out() + first.err()).isZero();
      assertThat(first.out()).contains("host-keys: changed: new instance (TAG 8, last applied none)");
      Map<String, String> hostKeys = hostKeys(tree);
      Map<String, String> certificate = certificate(tree.home);

      Run reboot = configure(ns, newJar, tree, floppy);
      Run downgraded = configure(ns, oldJar, tree, floppy);

      assertThat(reboot.status()).as(reboot.out() + reboot.err()).isZero();
      assertThat(reboot.out()).contains("host-keys: unchanged: same instance (TAG 8)");
      assertThat(downgraded.status()).as(downgraded.out() + downgraded.err()).isZero();
      assertThat(downgraded.out()).contains("host-keys: unchanged: same instance (TAG 8)")
          .containsPattern("(?m)^terminal-certificate: unchanged: ");
      assertThat(hostKeys(tree)).hasSize(6).isEqualTo(hostKeys);
      assertThat(certificate(tree.home)).hasSize(2).isEqualTo(certificate);
    }
  }

  /** The vector config with CLC_IP on the namespace's loopback and the given TAG, on a floppy. */
  private Path floppy(Path jar, String tag) throws Exception {
    String ini = Files.readString(TestFiles.vector("luoyun.ini"), StandardCharsets.UTF_8)
        .replace("CLC_IP=192.168.1.11", "CLC_IP=127.0.0.1").replace("TAG=7", "TAG=" + tag);
    Path iniFile = Files.writeString(tmp.resolve("luoyun-" + tag + ".ini"), ini);
    Path img = tmp.resolve("floppy-" + tag + ".img");
    Run made = ConfigureJarIT.run(iniFile, java(null, jar, "floppy", img.toString()));
    assertThat(made.status()).as(made.err()).isZero();
    return img;
  }

  private static Run configure(Netns ns, Path jar, ImageTree tree, Path floppy) throws Exception {
    return ConfigureJarIT.run(null, java(ns, jar, "configure", "--home", tree.home.dir().toString(), "--root",
        tree.root.toString(), "--source", floppy.toString()));
  }

  private static Map<String, Object> statusJson(Netns ns, Path jar, Home home) throws Exception {
    Run json = ConfigureJarIT.run(null, java(ns, jar, "status", "--json", "--home", home.dir().toString()));
    assertThat(json.err()).isEmpty();
    return JSON.std.mapFrom(json.out());
  }

  /** The certificate the web terminal serves on the namespace's port 8001, as openssl s_client prints it. */
  private static String served(Netns ns) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", ns.name, "openssl", "s_client", "-connect",
        "127.0.0.1:8001").redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return firstCertificate(out);
  }

  /** The terminal's own certificate, from state/. */
  private static String pem(Home home) throws IOException {
    return firstCertificate(Files.readString(home.stateDir().resolve(Home.TERMINAL_CERTIFICATE)));
  }

  private static String firstCertificate(String text) {
    int begin = text.indexOf("-----BEGIN CERTIFICATE-----");
    int end = text.indexOf("-----END CERTIFICATE-----");
    assertThat(begin).as(text).isNotNegative().isLessThan(end);
    return text.substring(begin, end).replaceAll("\\s", "");
  }

  private static List<String> java(Netns ns, Path jar, String... args) {
    List<String> argv = new ArrayList<>();
    if (ns != null) {
      argv.addAll(List.of("ip", "netns", "exec", ns.name));
    }
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(List.of("-jar", jar.toString()));
    argv.addAll(List.of(args));
    return argv;
  }

  /** The tree and home ({@link ImageTree#snapshot}) but for log/, where each run adds its lines. */
  private static Map<String, String> snapshot(ImageTree tree) throws IOException {
    Map<String, String> all = tree.snapshot();
    all.keySet().removeIf(p -> p.startsWith(tree.home.logDir() + "/"));
    return all;
  }

  /** etc/ssh/ssh_host_* by name, each as the SHA-256 of its bytes. */
  private static Map<String, String> hostKeys(ImageTree tree) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (var keys = Files.newDirectoryStream(tree.sys("etc/ssh"), "ssh_host_*")) {
      for (Path k : keys) {
        out.put(k.getFileName().toString(), sha256(k));
      }
    }
    return out;
  }

  private static Map<String, String> certificate(Home home) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String name : List.of(Home.TERMINAL_CERTIFICATE, Home.TERMINAL_KEY)) {
      out.put(name, sha256(home.stateDir().resolve(name)));
    }
    return out;
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** A long-running command (a daemon, the controller), its output in a file; stopped (SIGTERM) on close. */
  record Background(Process process, Path logFile) implements AutoCloseable {
    static Background start(Path logFile, List<String> argv) throws IOException {
      return new Background(new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(logFile.toFile()).start(),
          logFile);
    }

    /** {@code ip netns exec} execs the command: its pid is the JVM's. */
    long pid() {
      return process.pid();
    }

    String log() throws IOException {
      return Files.readString(logFile, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
