package cloud.luoyun.osmanager.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.luoyun.osmanager.util.ImageRoot;
import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The units and init scripts as the tools that read them see them: {@code systemd-analyze verify}
 * on an image tree holding this machine's own systemd targets, {@code sh -n} on the scripts.
 * verify runs {@code man} for each {@code Documentation=man:} page, with this machine's manual
 * path: pointed at the tree's own {@code usr/share/man}, it finds the pages install put there or
 * nothing.
 */
class UnitFilesTest {
  private static final Path SYSTEM_UNITS = Path.of("/lib/systemd/system");

  @TempDir Path img;

  private void installWithTheHostsTargets() throws Exception {
    Path units = Files.createDirectories(img.resolve("lib/systemd/system"));
    try (DirectoryStream<Path> targets = Files.newDirectoryStream(SYSTEM_UNITS, "*.target")) {
      for (Path t : targets) {
        Files.copy(t, units.resolve(t.getFileName()));
      }
    }
    Path jar = Files.writeString(img.resolve("fake.jar"), "PK");
    new Installer(new Installer.Options(new ImageRoot(img), Path.of("/LuoYun")), line -> { }).install(jar, false);
  }

  private Processes.Result verify(String unit) throws Exception {
    return Processes.run(List.of("systemd-analyze", "verify", "--root=" + img, unit), Duration.ofSeconds(60),
        Map.of("MANPATH", img.resolve("usr/share/man").toString()), null);
  }

  @Test
  void systemdAnalyzeVerifyFindsNothingToSayAboutEitherUnitNorItsManPages() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")) && Files.isDirectory(SYSTEM_UNITS),
        "needs systemd (systemd-analyze and its targets)");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/man")), "needs man, which verify runs for Documentation=");
    installWithTheHostsTargets();
    for (String unit : Installer.UNITS) {
      assertThat(Files.readString(img.resolve("lib/systemd/system/" + unit))).contains("Documentation=man:osmanager");
      Processes.Result r = verify(unit);
      // verify warns (exit 0) about unknown keys and bad values: any output at all is a defect
      assertThat(r.output()).as(unit).isEmpty();
      assertThat(r.exitCode()).as(unit).isZero();
    }
  }

  @Test
  void systemdAnalyzeVerifyWouldSeeAManPageThatIsNotThere() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")) && Files.isDirectory(SYSTEM_UNITS),
        "needs systemd (systemd-analyze and its targets)");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/man")), "needs man, which verify runs for Documentation=");
    installWithTheHostsTargets();
    Files.delete(img.resolve("usr/share/man/man1/osmanager.1.gz"));

    assertThat(verify("osmanager.service").output()).contains("man osmanager(1)");
  }

  @Test
  void systemdAnalyzeVerifyWouldSeeAMistypedKey() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")) && Files.isDirectory(SYSTEM_UNITS),
        "needs systemd (systemd-analyze and its targets)");
    installWithTheHostsTargets();
    Path unit = img.resolve("lib/systemd/system/osmanager.service");
    Files.writeString(unit, Files.readString(unit).replace("After=", "Afterr="));

    Processes.Result r = Processes.run(List.of("systemd-analyze", "verify", "--root=" + img, "osmanager.service"),
        Duration.ofSeconds(60));

    assertThat(r.output()).contains("Unknown key 'Afterr'");
  }

  @Test
  void theLauncherTheInitScriptsAndTheExampleStatusAreValidShell() throws IOException, InterruptedException {
    for (String script : List.of("osmanager.sh", "osmanager.init", "osmanager-configure.init", "status.example")) {
      Path f = img.resolve(script);
      Files.write(f, Installer.resource(script));
      Processes.Result r = Processes.run(List.of("sh", "-n", f.toString()), Duration.ofSeconds(10));
      assertThat(r.output()).as(script).isEmpty();
      assertThat(r.exitCode()).as(script).isZero();
      assertThat(new String(Installer.resource(script), StandardCharsets.UTF_8)).as(script).startsWith("#!/bin/sh\n");
    }
  }
}
