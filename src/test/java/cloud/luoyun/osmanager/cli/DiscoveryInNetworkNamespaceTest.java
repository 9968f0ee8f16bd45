package cloud.luoyun.osmanager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.luoyun.osmanager.OsmProcess;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §4.4 on a real NIC: inside a fresh network namespace (a veth pair; this kernel has no
 * dummy links), the controller sends JOIN beacons and an agent whose CLC_IP is empty finds it and
 * registers. Needs root (CI runs as root); removes the namespace also on failure.
 */
class DiscoveryInNetworkNamespaceTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;
  String ns;

  @BeforeEach
  void createNamespace() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root for ip netns");
    ns = "osma" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    ip("netns", "add", ns);
    ip("-n", ns, "link", "set", "lo", "up");
    ip("-n", ns, "link", "add", "ens3", "type", "veth", "peer", "name", "far0");
    ip("-n", ns, "link", "set", "far0", "up");
    ip("-n", ns, "addr", "add", "10.66.0.2/24", "dev", "ens3");
    ip("-n", ns, "link", "set", "ens3", "up");
    ip("-n", ns, "route", "add", "224.0.0.0/4", "dev", "ens3");
  }

  @AfterEach
  void deleteNamespace() throws Exception {
    if (ns != null) {
      ip("netns", "del", ns);
    }
  }

  @Test
  void anAgentWithoutClcIpFindsTheControllerByItsJoinBeaconsAndRegisters() throws Exception {
    try (OsmProcess controller = beaconingController();
        OsmProcess agent = agent("CLC_IP=\nCLC_PORT=1369\n")) {
      agent.lines.await(l -> l.contains("discovered controller 10.66.0.2:1369"), WAIT);
      String registered = controller.lines.await(l -> l.contains("\"registered\""), WAIT);
      assertThat(JSON.std.mapFrom(registered)).containsEntry("tag", 42).containsEntry("detail", "ip=10.66.0.2");
      agent.lines.await(l -> l.contains("registered with 10.66.0.2:1369 as tag 42"), WAIT);
      assertThat(agent.terminate(WAIT)).isZero();
      assertThat(controller.terminate(WAIT)).isZero();
    }
  }

  @Test
  void anAgentWhoseConfiguredControllerStaysUnreachableFollowsTheJoinBeacons() throws Exception {
    // nothing listens on 127.0.0.1:1370 inside the namespace: every connect is refused
    try (OsmProcess controller = beaconingController();
        OsmProcess agent = agent("CLC_IP=127.0.0.1\nCLC_PORT=1370\n")) {
      // one warning when the controller cannot be reached, not one per attempt
      agent.lines.await(l -> l.contains("WARN") && l.contains("controller unreachable: 127.0.0.1:1370"), WAIT);
      agent.lines.await(l -> l.contains("discovered controller 10.66.0.2:1369"), WAIT);
      String registered = controller.lines.await(l -> l.contains("\"registered\""), WAIT);
      assertThat(JSON.std.mapFrom(registered)).containsEntry("tag", 42).containsEntry("detail", "ip=10.66.0.2");
      assertThat(agent.lines.await(l -> l.contains("registered with 10.66.0.2:1369"), WAIT))
          .containsPattern("without the controller \\([1-9]\\d* failed attempts?\\)");
      assertThat(agent.lines.all()).filteredOn(l -> l.contains("unreachable")).hasSize(1);
    }
  }

  /** In the namespace: a controller on 10.66.0.2:1369 that knows tag 42 and beacons every second. */
  private OsmProcess beaconingController() throws Exception {
    Path instances = dir.resolve("instances");
    Files.writeString(instances, "42 " + AgentAndControllerProcessesTest.KEY + "\n");
    return OsmProcess.start(List.of("ip", "netns", "exec", ns), "controller", "--port", "1369", "--bind",
        "10.66.0.2", "--instances", instances.toString(), "--beacon", "228.0.0.1:1369", "--beacon-interval", "1",
        "--json");
  }

  /** In the namespace: an agent of tag 42 whose config has these CLC_IP and CLC_PORT lines. */
  private OsmProcess agent(String controllerLines) throws Exception {
    Path home = AgentAndControllerProcessesTest.home(dir.resolve("home"), controllerLines);
    return OsmProcess.start(List.of("ip", "netns", "exec", ns), "agent", "--home", home.toString());
  }

  private static void ip(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }
}
