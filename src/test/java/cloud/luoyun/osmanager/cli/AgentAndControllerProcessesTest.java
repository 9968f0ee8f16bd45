package cloud.luoyun.osmanager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.OsmProcess;
import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code osmanager controller} and {@code osmanager agent} as two processes on loopback. */
class AgentAndControllerProcessesTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String KEY = "015e33a8-787d-457e-b84d-c2a101a816e0";
  @TempDir Path dir;

  @Test
  void theAgentCommandRegistersWithTheControllerCommandAndBothExitZeroOnSigterm() throws Exception {
    Path instances = dir.resolve("instances");
    Files.writeString(instances, "# tag key\n42 " + KEY + "\n");
    try (OsmProcess controller = OsmProcess.start(List.of(), "controller", "--port", "0", "--bind", "127.0.0.1",
        "--instances", instances.toString(), "--json")) {
      String listening = controller.lines.await(l -> l.contains("\"listening\""), WAIT);
      Matcher port = Pattern.compile("127\\.0\\.0\\.1:([0-9]+)").matcher(listening);
      assertThat(port.find()).isTrue();
      Path home = home(dir.resolve("home"), "CLC_IP=127.0.0.1\nCLC_PORT=" + port.group(1) + "\n");

      try (OsmProcess agent = OsmProcess.start(List.of(), "agent", "--home", home.toString())) {
        Map<String, Object> registered = JSON.std.mapFrom(
            controller.lines.await(l -> l.contains("\"registered\""), WAIT));
        assertThat(registered).containsEntry("tag", 42).containsEntry("detail", "ip=127.0.0.1");
        String report = controller.lines.await(l -> l.contains("\"report\""), WAIT);
        assertThat(JSON.std.mapFrom(report)).containsEntry("detail", "status=2000 (serving)");
        controller.lines.await(l -> l.contains("\"echo-ok\""), WAIT);
        controller.lines.await(l -> l.contains("\"query-ok\""), WAIT);

        assertThat(agent.terminate(WAIT)).as("agent exit status after SIGTERM").isZero();
        assertThat(Files.readString(home.resolve("log/osm.log"))).contains("registered with 127.0.0.1:" + port.group(1));
      }
      controller.lines.await(l -> l.contains("\"disconnected\""), WAIT);
      assertThat(controller.terminate(WAIT)).as("controller exit status after SIGTERM").isZero();
    }
  }

  /** A home with conf/luoyun.conf (TAG 42, the given controller lines) and a status script exiting 0. */
  static Path home(Path home, String controllerLines) throws Exception {
    Files.createDirectories(home.resolve("conf"));
    Files.createDirectories(home.resolve("custom/scripts"));
    Files.writeString(home.resolve("conf/luoyun.conf"),
        controllerLines + "CLC_MCAST_IP=228.0.0.1\nCLC_MCAST_PORT=1369\nTAG=42\nKEY=" + KEY + "\nJSON={}\n");
    Path script = home.resolve("custom/scripts/status");
    Files.writeString(script, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }
}
