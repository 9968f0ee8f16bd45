package cloud.luoyun.osmanager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bytes journald would read, with no systemd here: osmanager's stdout is a file whose device
 * and inode JOURNAL_STREAM names, as systemd names the stream it hands a service. Each line is one
 * entry, its priority first ({@code <4>} warning), no time of its own. (Read back with journalctl in
 * the appliance VM: ApplianceVmIT.)
 */
class JournalLinesTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String KEY = "015e33a8-787d-457e-b84d-c2a101a816e0";
  @TempDir Path dir;

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private Path home(int controllerPort) throws IOException {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("conf"));
    Files.writeString(home.resolve("conf/luoyun.conf"), "CLC_IP=127.0.0.1\nCLC_PORT=" + controllerPort
        + "\nTAG=42\nKEY=" + KEY + "\nJSON={\"webssh\": {\"status\": \"disable\"}}\n");
    return home;
  }

  /** osmanager ARGS with stdout and stderr on {@code journal}, which JOURNAL_STREAM names. */
  private Process start(Path journal, String... args) throws IOException {
    Files.createFile(journal);
    String stream = Files.getAttribute(journal, "unix:dev") + ":" + Files.getAttribute(journal, "unix:ino");
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(journal.toFile()).redirectErrorStream(true);
    pb.environment().put("JOURNAL_STREAM", stream);
    pb.environment().remove("OSMANAGER_LOG_FILES");
    return pb.start();
  }

  private static List<String> awaitLines(Path journal, Predicate<List<String>> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
      if (done.test(lines)) {
        return lines;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("waited " + WAIT.toSeconds() + " s; the journal has:\n" + String.join("\n", lines));
      }
      Thread.sleep(100);
    }
  }

  @Test
  void anUnreachableControllerIsOneWarningEntryAmongTheAttemptsAndTheStopNamesItsSignal() throws Exception {
    Path home = home(closedPort());
    Path journal = dir.resolve("journal");
    Process agent = start(journal, "agent", "--home", home.toString(), "-v"); // -v: each attempt at debug
    try {
      awaitLines(journal, l -> l.stream().filter(s -> s.startsWith("<7>agent.Agent: connecting 127.0.0.1:")).count() >= 3);
      agent.destroy(); // SIGTERM
      assertThat(agent.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    } finally {
      agent.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);

    assertThat(lines).as("one entry a line, each with its priority, no time of its own")
        .allMatch(l -> l.matches("<[3-7]>[^<].*")).noneMatch(l -> l.matches("<\\d>\\d{4}-\\d\\d-\\d\\dT.*"));
    assertThat(lines).filteredOn(l -> l.contains("controller unreachable")).hasSizeGreaterThanOrEqualTo(3)
        .filteredOn(l -> !l.startsWith("<7>")).singleElement().asString()
        .startsWith("<4>agent.Agent: controller unreachable: 127.0.0.1:").endsWith("; retrying");
    assertThat(lines).contains("<6>cli.ServiceRunner: agent stopping on SIGTERM")
        .anyMatch(l -> l.startsWith("<6>cli.ServiceRunner: agent started (osmanager "));
    assertThat(agent.exitValue()).isZero();
    assertThat(home.resolve("log/osm.log")).as("no second copy under journald").doesNotExist();
  }

  @Test
  void aPartThatCannotListenIsOneErrorEntry() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Path home = home(closedPort());
      Path journal = dir.resolve("journal");
      Process run = start(journal, "run", "--home", home.toString(), "--web-port", Integer.toString(taken.getLocalPort()));

      assertThat(run.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(run.exitValue()).isEqualTo(1);
      assertThat(Files.readAllLines(journal, StandardCharsets.UTF_8)).filteredOn(l -> l.startsWith("<3>"))
          .containsExactly("<3>osmanager run: page server: cannot listen on 0.0.0.0:" + taken.getLocalPort()
              + ": address already in use");
    }
  }
}
