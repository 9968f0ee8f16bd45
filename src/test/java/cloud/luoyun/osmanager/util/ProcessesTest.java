package cloud.luoyun.osmanager.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessesTest {
  @TempDir Path dir;

  @Test
  void argumentsReachTheProgramVerbatimWithoutAShell() throws Exception {
    Path marker = dir.resolve("injected");

    Processes.Result r = Processes.run(List.of("/bin/echo", "a; touch " + marker, "$(id)"), Duration.ofSeconds(10));

    assertThat(r.ok()).isTrue();
    assertThat(r.output()).isEqualTo("a; touch " + marker + " $(id)\n");
    assertThat(marker).doesNotExist();
  }

  @Test
  void exitCodeStdinAndEnvironmentArePassed() throws Exception {
    Processes.Result r = Processes.run(List.of("/bin/sh", "-c", "cat; echo \"$OSM_X\"; exit 3"),
        Duration.ofSeconds(10), Map.of("OSM_X", "env-value"), "from-stdin\n".getBytes(StandardCharsets.UTF_8));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.timedOut()).isFalse();
    assertThat(r.output()).isEqualTo("from-stdin\nenv-value\n");
  }

  @Test
  void aHangingProgramAndItsChildrenAreKilledAtTheTimeLimit() throws Exception {
    Path pidFile = dir.resolve("child.pid");
    Path script = dir.resolve("hang");
    Files.writeString(script, "#!/bin/sh\nsleep 300 &\necho $! > " + pidFile + "\nwait\n");
    script.toFile().setExecutable(true);

    Processes.Result r = Processes.run(List.of(script.toString()), Duration.ofMillis(500));

    assertThat(r.timedOut()).isTrue();
    assertThat(r.exitCode()).isEqualTo(-1);
    long child = Long.parseLong(Files.readString(pidFile).strip());
    java.util.Optional<ProcessHandle> handle = ProcessHandle.of(child);
    handle.ifPresent(h -> h.onExit().completeOnTimeout(h, 2, java.util.concurrent.TimeUnit.SECONDS).join());
    assertThat(handle.map(ProcessHandle::isAlive).orElse(false)).as("the script's child is gone").isFalse();
  }

  @Test
  void outputIsCappedButTheProgramIsNotBlocked() throws Exception {
    Processes.Result r = Processes.run(List.of("/bin/sh", "-c", "head -c 1000000 /dev/zero; echo done >&2"),
        Duration.ofSeconds(20));

    assertThat(r.ok()).isTrue();
    assertThat(r.output()).hasSize(Processes.MAX_OUTPUT);
  }

  /** A zombie has died and only waits for its parent to reap it; ProcessHandle calls it alive. */
  @Test
  @org.junit.jupiter.api.Timeout(60) // a hang is the bug; never a timing assertion
  void aZombieIsNotRunningAndNeitherIsAProcessThatIsGone() throws Exception {
    Process parent = new ProcessBuilder("/bin/sh", "-c", "sleep 0.1 & exec sleep 300").start(); // never reaps
    try {
      while (parent.toHandle().children().findFirst().isEmpty()) {
        Thread.sleep(10);
      }
      long child = parent.toHandle().children().findFirst().orElseThrow().pid();
      while (!Files.readString(Path.of("/proc/" + child + "/stat")).matches("\\d+ \\(sleep\\) Z .*\\s*")) {
        Thread.sleep(10);
      }

      assertThat(Processes.isRunning(child)).isFalse();
      assertThat(Processes.isRunning(parent.pid())).isTrue();
    } finally {
      parent.destroyForcibly();
      parent.waitFor();
    }
    assertThat(Processes.isRunning(parent.pid())).isFalse();
  }
}
