package cloud.luoyun.osmanager.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.luoyun.osmanager.Recorder;
import cloud.luoyun.osmanager.controller.ControllerEvent;
import cloud.luoyun.osmanager.controller.DevController;
import cloud.luoyun.osmanager.controller.Instances;
import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages {@code mvn package} made, as an appliance builder meets them: the .deb's files and
 * scripts, the tarball installing from inside itself, and the SysV script starting and stopping
 * the real daemon. (The .deb's dpkg -i, -r and -P in a Debian image: ApplianceVmIT.)
 */
class PackagesIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path TARGET = Path.of(System.getProperty("osm.target", "target"));
  private static final String VERSION = System.getProperty("osm.version", "0.3.0");
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @TempDir Path tmp;

  private static Processes.Result run(List<String> argv, Map<String, String> env) throws Exception {
    Processes.Result r = Processes.run(argv, WAIT, env, null);
    assertThat(r.exitCode()).as(String.join(" ", argv) + ":\n" + r.output()).isZero();
    return r;
  }

  /** What {@code install} writes into a fresh tree, to hold the packages' copies against. */
  private Path freshInstall() throws Exception {
    Path root = Files.createDirectory(tmp.resolve("fresh"));
    run(List.of(JAVA, "-jar", TARGET.resolve("osmanager.jar").toString(), "install", "--root", root.toString(),
        "--no-enable"), Map.of());
    return root;
  }

  @Test
  void theDebHoldsTheJarTheLauncherAndTheUnitsExactlyAsInstallWritesThem() throws Exception {
    Path deb = TARGET.resolve("osmanager_" + VERSION + "_all.deb");
    assertThat(deb).isRegularFile();
    Path data = tmp.resolve("data");
    Path control = tmp.resolve("control");
    run(List.of("dpkg-deb", "-x", deb.toString(), data.toString()), Map.of());
    run(List.of("dpkg-deb", "-e", deb.toString(), control.toString()), Map.of());
    Path fresh = freshInstall();

    assertThat(data.resolve("LuoYun/bin/osmanager.jar")).hasSameBinaryContentAs(TARGET.resolve("osmanager.jar"));
    for (String f : List.of("LuoYun/bin/osmanager", "LuoYun/bin/osmanager.classlist",
        "lib/systemd/system/osmanager.service",
        "lib/systemd/system/osmanager-configure.service", "usr/share/man/man1/osmanager.1.gz",
        "usr/share/man/man1/osmanager-status.1.gz", "usr/share/bash-completion/completions/osmanager")) {
      assertThat(data.resolve(f)).as(f).hasSameBinaryContentAs(fresh.resolve(f));
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("LuoYun/bin/osmanager"))))
        .isEqualTo("rwxr-xr-x");
    try (var pages = Files.list(data.resolve("usr/share/man/man1"))) {
      assertThat(pages.map(p -> p.getFileName().toString()).sorted())
          .containsExactlyElementsOf(Installer.manPages().stream().map(p -> p + ".gz").sorted().toList());
    }
    // custom/, conf/ and the examples are laid out by postinst's install, never owned by dpkg
    assertThat(data.resolve("LuoYun/custom")).doesNotExist();
    assertThat(data.resolve("LuoYun/conf")).doesNotExist();

    String fields = run(List.of("dpkg-deb", "-f", deb.toString(), "Package", "Version", "Architecture", "Depends"),
        Map.of()).output();
    assertThat(fields).contains("Package: osmanager", "Version: " + VERSION, "Architecture: all",
        "openjdk-17-jre-headless | java17-runtime-headless");
    for (String script : List.of("postinst", "prerm", "postrm")) {
      Path s = control.resolve(script);
      assertThat(Files.isExecutable(s)).as(script + " executable").isTrue();
      run(List.of("sh", "-n", s.toString()), Map.of());
    }
    assertThat(Files.readString(control.resolve("postinst"))).contains("/LuoYun/bin/osmanager install --no-enable")
        .contains("deb-systemd-helper enable");
    assertThat(Files.readString(control.resolve("prerm"))).contains("/LuoYun/bin/osmanager uninstall");
  }

  @Test
  void theTarballInstallsFromInsideItselfAndUninstalls() throws Exception {
    Path tarball = TARGET.resolve("osmanager-" + VERSION + ".tar.gz");
    run(List.of("tar", "-xzf", tarball.toString(), "-C", tmp.toString()), Map.of());
    Path unpacked = tmp.resolve("osmanager-" + VERSION);
    assertThat(unpacked.resolve("README")).content().contains("bin/osmanager install --root");
    Path img = Files.createDirectory(tmp.resolve("img"));
    Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"));

    String version = run(List.of(unpacked.resolve("bin/osmanager").toString(), "--version"), env).output();
    String installed = run(List.of(unpacked.resolve("bin/osmanager").toString(), "install", "--root", img.toString()),
        env).output();

    assertThat(version).contains("osmanager " + VERSION);
    assertThat(installed).contains("wrote /LuoYun/bin/osmanager.jar", "wrote /lib/systemd/system/osmanager.service");
    assertThat(img.resolve("LuoYun/bin/osmanager.jar")).hasSameBinaryContentAs(unpacked.resolve("bin/osmanager.jar"));
    assertThat(img.resolve("LuoYun/bin/osmanager")).hasSameBinaryContentAs(unpacked.resolve("bin/osmanager"));
    assertThat(img.resolve("LuoYun/bin/osmanager.classlist"))
        .hasSameBinaryContentAs(unpacked.resolve("bin/osmanager.classlist"));
    // the image's own Java is not this one: its archive is made inside the image
    assertThat(installed).contains("note: no class-data archive in an image tree");
    assertThat(img.resolve("LuoYun/bin/osmanager.jsa")).doesNotExist();

    String removed = run(List.of(img.resolve("LuoYun/bin/osmanager").toString(), "uninstall", "--root", img.toString()),
        env).output();
    assertThat(removed).contains("removed /LuoYun/bin/osmanager.jar", "removed /LuoYun/bin/osmanager.classlist");
    assertThat(img.resolve("LuoYun/bin")).doesNotExist();
    assertThat(img.resolve("LuoYun/custom/scripts/status")).exists();
  }

  /**
   * The SysV script on this machine, run as an init system would: the home it names is made to
   * exist on the host through a unique symbolic link into the test's image tree.
   */
  @Test
  void theSysvScriptStartsReportsAndStopsTheDaemon() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (/run/osmanager.pid)");
    Path pidFile = Path.of("/run/osmanager.pid");
    assumeTrue(!Files.exists(pidFile), "an osmanager runs on this machine");
    String name = "osmsysv" + Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
    String home = "/tmp/" + name + "/LuoYun";
    Path img = Files.createDirectory(tmp.resolve("img"));
    Path hostLink = Path.of("/tmp", name);
    Recorder<ControllerEvent> events = new Recorder<>();
    Path script = img.resolve("etc/init.d/osmanager");
    Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"),
        "OSMANAGER_OPTS", "--web-port 0 --status-interval 1");
    try (DevController controller = new DevController(
        DevController.Options.loopback(Instances.of(Map.of(77, "sysv-key"))), events::accept)) {
      InetSocketAddress clc = controller.start();
      run(List.of(JAVA, "-jar", TARGET.resolve("osmanager.jar").toString(), "install", "--root", img.toString(),
          "--home", home, "--no-enable"), Map.of());
      Files.createSymbolicLink(hostLink, img.resolve(home.substring(1)).getParent());
      Files.writeString(img.resolve(home.substring(1)).resolve("conf/luoyun.conf"),
          "CLC_IP=127.0.0.1\nCLC_PORT=" + clc.getPort() + "\nTAG=77\nKEY=sysv-key\n"
              + "JSON={\"webssh\": {\"status\": \"disable\"}}\n");
      try {
        run(List.of(script.toString(), "start"), env);
        events.await(e -> e.line().startsWith("registered tag=77"), WAIT);
        String status = awaitStatus(script, env, 0);
        assertThat(status).contains("controller:   registered");

        run(List.of(script.toString(), "stop"), env);
        assertThat(Processes.run(List.of(script.toString(), "status"), WAIT, env, null).exitCode())
            .as("status once stopped").isEqualTo(3);
        assertThat(pidFile).doesNotExist();
        events.await(e -> e.line().startsWith("disconnected tag=77"), WAIT);
      } finally {
        stopLeftovers(pidFile);
        Files.deleteIfExists(hostLink);
      }
    }
  }

  /** Polls the script's status action until it exits with {@code want}; returns its output. */
  private static String awaitStatus(Path script, Map<String, String> env, int want) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<String> seen = new ArrayList<>();
    while (System.nanoTime() - deadline < 0) {
      Processes.Result r = Processes.run(List.of(script.toString(), "status"), WAIT, env, null);
      if (r.exitCode() == want && r.output().contains("registered")) {
        return r.output();
      }
      seen.add(r.exitCode() + ": " + r.output().strip());
      Thread.sleep(500);
    }
    throw new AssertionError("status never exited " + want + " while registered; saw " + seen);
  }

  private static void stopLeftovers(Path pidFile) throws IOException {
    if (Files.exists(pidFile)) {
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      Files.deleteIfExists(pidFile);
    }
  }
}
