package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.OsmProcess;
import cloud.luoyun.osmanager.Recorder;
import cloud.luoyun.osmanager.config.FloppyWriter;
import cloud.luoyun.osmanager.controller.ControllerEvent;
import cloud.luoyun.osmanager.controller.DevController;
import cloud.luoyun.osmanager.controller.Instances;
import cloud.luoyun.osmanager.util.ExitStatus;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code osmanager boot}: configure from a floppy, then the daemon, in one process. */
class BootCommandTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String KEY = "015e33a8-787d-457e-b84d-c2a101a816e0";
  private static final String HASH = "$6$rJ3kQ9zP$Ryy8oYHtWrI/rFlRY/KFAfQS0OL6KggtTmAWJ8WTzrs";
  @TempDir Path dir;

  @Test
  void bootAppliesTheFloppysConfigThenRegistersAndServes() throws Exception {
    Recorder<ControllerEvent> events = new Recorder<>();
    try (DevController controller = new DevController(
        DevController.Options.loopback(Instances.of(Map.of(42, KEY))), events::accept)) {
      InetSocketAddress clc = controller.start();
      Path floppy = floppy(ini(clc, "{\"passwd_hash\": \"" + HASH + "\"}"));
      Path image = image();
      Path home = dir.resolve("home");

      try (OsmProcess boot = OsmProcess.start(List.of(), "boot", "--home", home.toString(), "--root",
          image.toString(), "--source", floppy.toString(), "--web-port", "0", "--webssh-port", "0")) {
        boot.lines.await(l -> l.contains("root-password: changed"), WAIT);
        events.await(e -> e.line().startsWith("registered tag=42"), WAIT);
        boot.lines.await(l -> l.contains("page server on http://0.0.0.0:"), WAIT);

        assertThat(Files.readString(image.resolve("etc/shadow"))).startsWith("root:" + HASH + ":");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("conf/luoyun.conf"))))
            .isEqualTo("rw-------");
        InProcess status = InProcess.run("status", "--home", home.toString(), "--wait", "--timeout", "30");
        assertThat(status.out()).contains("osmanager boot (pid " + boot.pid() + ") running since ")
            .contains("controller:   registered with 127.0.0.1:" + clc.getPort())
            .containsPattern("configure:    \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d \\(\\d+ s ago\\), from "
                + java.util.regex.Pattern.quote(floppy.toString()) + ": exit status ")
            .contains("\n  config: changed: " + home.resolve("conf/luoyun.conf") + " replaced from " + floppy + "\n")
            .contains("\n  root-password: changed: ");
        assertThat(boot.terminate(WAIT)).as("exit status after SIGTERM").isZero();
      }
    }
  }

  @Test
  void anInvalidFloppyIsNotAppliedAndTheDaemonRunsOnTheConfigInPlace() throws Exception {
    Recorder<ControllerEvent> events = new Recorder<>();
    try (DevController controller = new DevController(
        DevController.Options.loopback(Instances.of(Map.of(42, KEY))), events::accept)) {
      InetSocketAddress clc = controller.start();
      Path home = dir.resolve("home");
      Files.createDirectories(home.resolve("conf"));
      Files.writeString(home.resolve("conf/luoyun.conf"), ini(clc, "{}"));
      Path floppy = floppy(ini(clc, "{\"passwd_hash\": \"x:0:0::/root:/bin/sh\"}"));
      Path image = image();
      String shadowBefore = Files.readString(image.resolve("etc/shadow"));

      try (OsmProcess boot = OsmProcess.start(List.of(), "boot", "--home", home.toString(), "--root",
          image.toString(), "--source", floppy.toString(), "--web-port", "0", "--webssh-port", "0")) {
        String refused = boot.lines.await(l -> l.contains("not applied"), WAIT);
        events.await(e -> e.line().startsWith("registered tag=42"), WAIT);

        assertThat(refused).contains("WARN  cli.BootCommand: config from").contains("passwd_hash: contains ':'");
        // what an operator sees: the refusal, with the daemon registered on the config in place
        InProcess status = InProcess.run("status", "--home", home.toString(), "--wait", "--timeout", "30");
        assertThat(status.exitStatus()).as("degraded").isEqualTo(ExitStatus.DEGRADED);
        assertThat(status.out()).contains("): degraded\n")
            .contains("controller:   registered with 127.0.0.1:" + clc.getPort())
            .contains(", from " + floppy + ": exit status 2, refused the config: passwd_hash: contains ':'")
            .contains("degraded:     configure refused the config from " + floppy + ": passwd_hash: contains ':'");
        InProcess json = InProcess.run("status", "--home", home.toString(), "--json");
        assertThat(json.out()).contains("\"health\":\"degraded\",\"exitStatus\":150,\"problems\":[\"configure refused")
            .contains("\"refused\":\"passwd_hash: contains ':'").doesNotContain("x:0:0");
        assertThat(Files.readString(image.resolve("etc/shadow"))).isEqualTo(shadowBefore);
        assertThat(Files.readString(home.resolve("conf/luoyun.conf"))).contains("JSON={}");
        assertThat(boot.terminate(WAIT)).isZero();
      }
    }
  }

  private static String ini(InetSocketAddress clc, String json) {
    return "CLC_IP=127.0.0.1\nCLC_PORT=" + clc.getPort() + "\nTAG=42\nKEY=" + KEY + "\nJSON=" + json + "\n";
  }

  private Path floppy(String ini) throws Exception {
    Path floppy = dir.resolve("floppy.img");
    Files.write(floppy, FloppyWriter.image(ini.getBytes(StandardCharsets.UTF_8), LocalDateTime.now()));
    return floppy;
  }

  private Path image() throws Exception {
    Path image = dir.resolve("image");
    Files.createDirectories(image.resolve("etc"));
    Files.createDirectories(image.resolve("root"));
    Path shadow = image.resolve("etc/shadow");
    Files.writeString(shadow, "root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n");
    Files.setPosixFilePermissions(shadow, PosixFilePermissions.fromString("rw-r-----"));
    return image;
  }
}
