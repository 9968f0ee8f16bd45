package cloud.luoyun.osmanager.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.util.ImageRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** install and uninstall against image trees in temp folders (never this machine's own /). */
class InstallerTest {
  @TempDir Path tmp;
  Path img;
  Path jar;
  final List<String> lines = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    img = Files.createDirectory(tmp.resolve("img"));
    jar = Files.write(tmp.resolve("osmanager.jar"), "PK fake jar".getBytes(StandardCharsets.US_ASCII));
  }

  private Installer installer(String home) throws ConfigException {
    return new Installer(new Installer.Options(new ImageRoot(img), Path.of(home)), lines::add);
  }

  private void install() throws Exception {
    installer("/LuoYun").install(jar, true);
  }

  private String mode(String inImage) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(img.resolve(inImage), LinkOption.NOFOLLOW_LINKS));
  }

  private String read(String inImage) throws IOException {
    return Files.readString(img.resolve(inImage));
  }

  @Test
  void laysOutTheHomeTheProgramAndTheUnitsInAFreshImageTree() throws Exception {
    install();

    for (String d : List.of("bin", "conf", "log", "state", "build", "custom/www/withcookie", "custom/www/nocookie",
        "custom/scripts")) {
      assertThat(img.resolve("LuoYun/" + d)).isDirectory();
    }
    assertThat(mode("LuoYun/conf")).isEqualTo("rwx------");
    assertThat(img.resolve("LuoYun/bin/osmanager.jar")).hasSameBinaryContentAs(jar);
    assertThat(mode("LuoYun/bin/osmanager")).isEqualTo("rwxr-xr-x");
    assertThat(read("LuoYun/bin/osmanager")).startsWith("#!/bin/sh").contains("set -- -jar \"$bin/osmanager.jar\" \"$@\"");
    assertThat(read("lib/systemd/system/osmanager-configure.service"))
        .contains("ExecStart=/LuoYun/bin/osmanager configure --before-network --home /LuoYun $OSMANAGER_CONFIGURE_OPTS")
        .contains("EnvironmentFile=-/etc/default/osmanager")
        .contains("Before=network-pre.target ssh.service sshd.service systemd-user-sessions.service")
        .doesNotContain("@HOME@");
    assertThat(read("lib/systemd/system/osmanager.service"))
        .contains("ExecStart=/LuoYun/bin/osmanager run --home /LuoYun $OSMANAGER_OPTS")
        .contains("ConditionPathExists=|/LuoYun/conf/luoyun.conf", "ConditionPathExists=|/LuoYun/conf/nocloud");
    assertThat(read("etc/init.d/osmanager")).contains("OSM_HOME=/LuoYun\n");
    assertThat(mode("etc/init.d/osmanager-configure")).isEqualTo("rwxr-xr-x");
    assertThat(mode("LuoYun/custom/scripts/status")).isEqualTo("rwxr-xr-x");
    assertThat(read("LuoYun/custom/scripts/status")).contains("systemctl is-system-running");
  }

  @Test
  void installsAManPageForEachCommandGzippedAndTheBashCompletion() throws Exception {
    install();

    assertThat(Installer.manPages()).contains("osmanager.1", "osmanager-configure.1", "osmanager-status.1",
        "osmanager-webssh.1").doesNotContain("osmanager-help.1");
    for (String page : Installer.manPages()) {
      Path gz = img.resolve("usr/share/man/man1/" + page + ".gz");
      assertThat(mode("usr/share/man/man1/" + page + ".gz")).isEqualTo("rw-r--r--");
      try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz))) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).as(page).startsWith("'\\\" t\n")
            .contains(".TH \"" + page.substring(0, page.length() - 2).toUpperCase(java.util.Locale.ROOT)
                .replace("-", "\\-") + "\" \"1\"");
      }
    }
    assertThat(read("usr/share/bash-completion/completions/osmanager")).startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_osmanager").contains("--wait");
  }

  @Test
  void aSecondRunChangesNothing() throws Exception {
    install();
    lines.clear();
    install();

    assertThat(lines).allMatch(l -> l.startsWith("unchanged ") || l.startsWith("kept ") || l.startsWith("note: "),
        "only unchanged/kept/note lines");
  }

  @Test
  void neverOverwritesTheAppliancesOwnFilesUnderCustomOrBuild() throws Exception {
    Path status = img.resolve("LuoYun/custom/scripts/status");
    Files.createDirectories(status.getParent());
    Files.writeString(status, "#!/bin/sh\nexit 0 # the appliance's own\n");
    Files.createDirectories(img.resolve("LuoYun/custom/www/withcookie"));
    Files.writeString(img.resolve("LuoYun/custom/www/withcookie/index.html"), "<p>owner</p>");
    Files.createDirectories(img.resolve("LuoYun/build"));
    Files.writeString(img.resolve("LuoYun/build/VERSION"), "Version: 2.1\nOwnCloud: 4.0.7\n");

    install();

    assertThat(status).hasContent("#!/bin/sh\nexit 0 # the appliance's own");
    assertThat(read("LuoYun/custom/www/withcookie/index.html")).isEqualTo("<p>owner</p>");
    assertThat(read("LuoYun/build/VERSION")).isEqualTo("Version: 2.1\nOwnCloud: 4.0.7\n");
    assertThat(lines).contains("kept /LuoYun/custom/scripts/status (the appliance's own)");
  }

  @Test
  void enablesTheUnitsAsSystemctlWouldWhereTheImageHasSystemd() throws Exception {
    Files.createDirectories(img.resolve("lib/systemd"));
    Files.writeString(img.resolve("lib/systemd/systemd"), "");

    install();

    for (String unit : Installer.UNITS) {
      Path link = img.resolve("etc/systemd/system/multi-user.target.wants/" + unit);
      assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("/lib/systemd/system/" + unit));
    }
  }

  @Test
  void saysHowToEnableTheInitScriptsWhereTheImageHasNoSystemd() throws Exception {
    install();

    assertThat(img.resolve("etc/systemd")).doesNotExist();
    assertThat(lines).anyMatch(l -> l.startsWith("note: no systemd") && l.contains("update-rc.d osmanager defaults"));
  }

  @Test
  void writesTheHomeGivenIntoEveryUnitAndScript() throws Exception {
    installer("/opt/osm").install(jar, false);

    assertThat(img.resolve("opt/osm/bin/osmanager.jar")).exists();
    assertThat(read("lib/systemd/system/osmanager.service")).contains("ExecStart=/opt/osm/bin/osmanager run --home /opt/osm");
    assertThat(read("etc/init.d/osmanager-configure")).contains("OSM_HOME=/opt/osm\n");
    assertThat(img.resolve("LuoYun")).doesNotExist();
  }

  @Test
  void refusesAHomeThatIsNotAPlainAbsolutePath() {
    for (String bad : List.of("LuoYun", "/", "/a b", "/a/../etc", "/a/./b", "/a;reboot", "/a\nExecStart=/bin/sh",
        "/$HOME", "/a\"b")) {
      assertThatThrownBy(() -> installer(bad), bad).isInstanceOf(ConfigException.class).hasMessageStartingWith("--home: ");
    }
  }

  @Test
  void neverWritesThroughALinkThatLeadsOutOfTheImage() throws Exception {
    Path host = Files.createDirectory(tmp.resolve("host-etc"));
    Files.createSymbolicLink(img.resolve("etc"), host); // an image's absolute link, seen from the build host

    assertThatThrownBy(this::install).isInstanceOf(IOException.class).hasMessageContaining("leads outside");
    try (Stream<Path> s = Files.list(host)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void uninstallRemovesWhatInstallWroteAndKeepsCustomConfBuildLogAndState() throws Exception {
    Files.createDirectories(img.resolve("lib/systemd"));
    Files.writeString(img.resolve("lib/systemd/systemd"), "");
    install();
    Files.writeString(img.resolve("LuoYun/conf/luoyun.conf"), "TAG=7\n");
    Files.writeString(img.resolve("LuoYun/build/VERSION"), "Version: 1\n");

    installer("/LuoYun").uninstall(false);

    for (String gone : List.of("LuoYun/bin", "lib/systemd/system/osmanager.service",
        "usr/share/man/man1/osmanager.1.gz", "usr/share/man/man1/osmanager-status.1.gz",
        "usr/share/bash-completion/completions/osmanager",
        "lib/systemd/system/osmanager-configure.service", "etc/init.d/osmanager", "etc/init.d/osmanager-configure",
        "etc/systemd/system/multi-user.target.wants/osmanager.service",
        "etc/systemd/system/multi-user.target.wants/osmanager-configure.service")) {
      assertThat(img.resolve(gone)).as(gone).doesNotExist();
    }
    assertThat(read("LuoYun/conf/luoyun.conf")).isEqualTo("TAG=7\n");
    assertThat(read("LuoYun/build/VERSION")).isEqualTo("Version: 1\n");
    assertThat(img.resolve("LuoYun/custom/scripts/status")).exists();
    assertThat(img.resolve("LuoYun/log")).isDirectory();
    assertThat(img.resolve("LuoYun/state")).isDirectory();
  }

  @Test
  void uninstallRemovesConfiguresSshdDropInButNotAFileOfTheSameNameWithoutItsMark() throws Exception {
    install();
    Path dropIn = img.resolve("etc/ssh/sshd_config.d/00-osmanager-web-login.conf");
    Files.createDirectories(dropIn.getParent());
    Files.writeString(dropIn, "# managed by osmanager: root's password login for the web terminal\nMatch User root\n");

    installer("/LuoYun").uninstall(false);

    assertThat(dropIn).doesNotExist();
    install();
    Files.writeString(dropIn, "# the admin's own\nPermitRootLogin no\n");
    installer("/LuoYun").uninstall(false);
    assertThat(dropIn).hasContent("# the admin's own\nPermitRootLogin no");
  }

  @Test
  void purgeAlsoRemovesConfLogAndStateButNeverCustomOrBuildNorWhatALinkPointsAt() throws Exception {
    install();
    Files.writeString(img.resolve("LuoYun/conf/luoyun.conf"), "TAG=7\n");
    Files.writeString(img.resolve("LuoYun/log/osm.log"), "a line\n");
    Path outside = Files.writeString(tmp.resolve("precious"), "keep me");
    Files.createSymbolicLink(img.resolve("LuoYun/state/link"), outside);
    Files.createDirectories(img.resolve("LuoYun/build"));
    Files.writeString(img.resolve("LuoYun/build/VERSION"), "Version: 1\n");

    installer("/LuoYun").uninstall(true);

    assertThat(img.resolve("LuoYun/conf")).doesNotExist();
    assertThat(img.resolve("LuoYun/log")).doesNotExist();
    assertThat(img.resolve("LuoYun/state")).doesNotExist();
    assertThat(outside).hasContent("keep me");
    assertThat(img.resolve("LuoYun/custom/scripts/status")).exists();
    assertThat(read("LuoYun/build/VERSION")).isEqualTo("Version: 1\n");
  }

  @Test
  void installAfterUninstallPutsEverythingBack() throws Exception {
    install();
    installer("/LuoYun").uninstall(false);
    lines.clear();

    install();

    assertThat(img.resolve("LuoYun/bin/osmanager.jar")).hasSameBinaryContentAs(jar);
    assertThat(lines).contains("wrote /LuoYun/bin/osmanager", "wrote /lib/systemd/system/osmanager.service");
  }
}
