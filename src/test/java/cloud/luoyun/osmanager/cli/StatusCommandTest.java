package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.util.ExitStatus;
import cloud.luoyun.osmanager.util.HumanTime;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code osmanager status} on state files written as a daemon writes them, for this very process
 * (so its pid is alive): what each case says, and its exit status.
 */
class StatusCommandTest {
  @TempDir Path home;

  private void daemonJson(String pages, String terminal, String controller) throws Exception {
    Files.createDirectories(home.resolve("state"));
    Files.writeString(home.resolve("state/daemon.json"), "{\"command\":\"run\",\"pid\":" + ProcessHandle.current().pid()
        + ",\"startedAt\":\"" + HumanTime.iso(Instant.now()) + "\",\"pages\":" + pages
        + (terminal == null ? "" : ",\"terminal\":" + terminal) + ",\"controller\":" + controller
        + ",\"application\":2003}");
  }

  private static String at(int port) {
    return "{\"address\":\"0.0.0.0\",\"port\":" + port + "}";
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void aPortThatAcceptsNoConnectionMakesARegisteredDaemonDegraded() throws Exception {
    int closed = closedPort();
    try (ServerSocket terminal = new ServerSocket(0)) {
      daemonJson(at(closed), at(terminal.getLocalPort()), "{\"address\":\"10.0.0.1:1369\",\"registered\":true,"
          + "\"registeredSince\":\"" + HumanTime.iso(Instant.now().minusSeconds(125)) + "\"}");

      InProcess status = InProcess.run("status", "--home", home.toString());

      assertThat(status.exitStatus()).isEqualTo(ExitStatus.DEGRADED);
      assertThat(status.out()).contains("): degraded\n")
          .contains("controller:   registered with 10.0.0.1:1369 since ").contains(" (2 min ago)\n")
          .contains("application:  2003 (running, not ready: status script exit 3)\n")
          .contains("page server:  port " + closed + ", NOT accepting connections\n")
          .contains("web terminal: port " + terminal.getLocalPort() + ", listening\n")
          .contains("configure:    no run recorded under " + home + "\n")
          .endsWith("degraded:     page server does not accept connections on port " + closed + "\n");
    }
  }

  @Test
  void aDaemonWithoutItsControllerSaysWhatKeepsItAndSinceWhenAndWaitGivesUpAtItsTimeout() throws Exception {
    try (ServerSocket pages = new ServerSocket(0)) {
      daemonJson(at(pages.getLocalPort()), null, "{\"address\":\"10.0.0.1:1369\",\"registered\":false,"
          + "\"troubleSince\":\"" + HumanTime.iso(Instant.now().minusSeconds(3600)) + "\",\"trouble\":"
          + "\"controller unreachable: 10.0.0.1:1369: Connection refused\"}");

      InProcess status = InProcess.run("status", "--home", home.toString(), "--wait", "--timeout", "1");

      assertThat(status.exitStatus()).isEqualTo(ExitStatus.DEGRADED);
      assertThat(status.out())
          .contains("controller:   not registered: controller unreachable: 10.0.0.1:1369: Connection refused (since ")
          .contains(" (1 h ago))\n")
          .contains("web terminal: disabled by the instance config\n")
          .contains("degraded:     not registered with the controller: controller unreachable");
    }
  }

  @Test
  void textFromTheFilesReachesTheTerminalWithoutItsControlCharacters() throws Exception {
    try (ServerSocket pages = new ServerSocket(0)) {
      daemonJson(at(pages.getLocalPort()), null,
          "{\"registered\":false,\"trouble\":\"protocol error: \\u001b]0;owned\\u0007 from 10.0.0.1\"}");

      String out = InProcess.run("status", "--home", home.toString()).out();

      assertThat(out).contains("protocol error: ?]0;owned? from 10.0.0.1").doesNotContain("\u001b");
    }
  }

  @Test
  void aDaemonThatIsGoneClaimsNothingAndNeverRanIsSaidSo() throws Exception {
    InProcess never = InProcess.run("status", "--home", home.toString(), "--json");
    assertThat(never.exitStatus()).isEqualTo(ExitStatus.NOT_RUNNING);
    assertThat(never.out()).isEqualTo("{\"running\":false,\"health\":\"not running\",\"exitStatus\":3,\"problems\":[]}\n");

    Files.createDirectories(home.resolve("state"));
    Files.writeString(home.resolve("state/daemon.json"), "{\"command\":\"boot\",\"pid\":2147483647,\"startedAt\":\""
        + HumanTime.iso(Instant.now()) + "\",\"pages\":" + at(8080) + ",\"controller\":{\"registered\":true},"
        + "\"application\":2000}");
    InProcess gone = InProcess.run("status", "--home", home.toString());
    assertThat(gone.exitStatus()).isEqualTo(ExitStatus.NOT_RUNNING);
    // The home's random name may hold any digits: the claims are looked for in the rest.
    String said = gone.out().replace(home.toString(), "<home>");
    assertThat(said).startsWith("osmanager boot is not running (last started ").doesNotContain("registered")
        .doesNotContain("8080").doesNotContain("2000");
  }

  @Test
  void aStateFileThatCannotBeReadIsStatusUnknownOnOneLine() throws Exception {
    Files.createDirectories(home.resolve("state"));
    Files.writeString(home.resolve("state/daemon.json"), "[1, 2");

    InProcess status = InProcess.run("status", "--home", home.toString());

    assertThat(status.exitStatus()).isEqualTo(4);
    assertThat(status.err()).startsWith("osmanager status: cannot tell: " + home.resolve("state/daemon.json") + ": ")
        .hasLineCount(1);
  }

  @Test
  void aTimeoutWithoutWaitIsBadInput() {
    InProcess status = InProcess.run("status", "--home", home.toString(), "--timeout", "5");

    assertThat(status.exitStatus()).isEqualTo(2);
    assertThat(status.err()).isEqualTo("--timeout: only with --wait\n");
  }
}
