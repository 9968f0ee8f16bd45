package cloud.luoyun.osmanager.agent;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusProbeTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"0, 2000", "1, 2001", "3, 2003", "127, 2127", "128, 2128", "200, 2128", "255, 2128"})
  void anExitCodeBecomesTheReportValue(int exitCode, int report) throws Exception {
    AgentFixture fixture = new AgentFixture(dir);
    fixture.setExitCode(exitCode);
    assertThat(new StatusProbe(fixture.script, Duration.ofSeconds(10)).run()).isEqualTo(report);
  }

  @Test
  void aScriptThatHangsIsKilledWithItsChildrenAndReportsUnknown() throws Exception {
    AgentFixture fixture = new AgentFixture(dir);
    Path pidFile = dir.resolve("child.pid");
    fixture.writeScript("#!/bin/sh\nsleep 300 &\necho $! > '" + pidFile + "'\nwait\n");

    int report = new StatusProbe(fixture.script, Duration.ofMillis(500)).run();

    assertThat(report).isEqualTo(2128);
    long child = Long.parseLong(Files.readString(pidFile).strip());
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (isRunning(child) && System.nanoTime() < deadline) {
      Thread.sleep(20); // SIGKILL is delivered asynchronously
    }
    assertThat(isRunning(child)).as("the script's child was killed too").isFalse();
  }

  /** Running: exists and is not a zombie waiting to be reaped. */
  private static boolean isRunning(long pid) throws java.io.IOException {
    Path stat = Path.of("/proc/" + pid + "/stat");
    if (!Files.exists(stat)) {
      return false;
    }
    String text = Files.readString(stat);
    return !text.substring(text.lastIndexOf(')') + 2).startsWith("Z");
  }

  @Test
  void aMissingScriptReportsUnknownAndIsLoggedOnce() throws Exception {
    StatusProbe probe = new StatusProbe(dir.resolve("custom/scripts/status"), Duration.ofSeconds(10));
    try (LogCapture log = LogCapture.of(StatusProbe.class)) {
      assertThat(probe.run()).isEqualTo(2128);
      assertThat(probe.run()).isEqualTo(2128);
      assertThat(probe.run()).isEqualTo(2128);
      assertThat(log.messages()).hasSize(1).allMatch(m -> m.contains("missing or not executable"));
    }
  }

  @Test
  void aScriptThatIsNotExecutableReportsUnknown() throws Exception {
    AgentFixture fixture = new AgentFixture(dir);
    Files.setPosixFilePermissions(fixture.script, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(new StatusProbe(fixture.script, Duration.ofSeconds(10)).run()).isEqualTo(2128);
  }

  @Test
  void aScriptThatAppearsLaterIsRunAndAMissingOneIsLoggedAgainWhenItGoes() throws Exception {
    Path script = dir.resolve("custom/scripts/status");
    StatusProbe probe = new StatusProbe(script, Duration.ofSeconds(10));
    try (LogCapture log = LogCapture.of(StatusProbe.class)) {
      assertThat(probe.run()).isEqualTo(2128);
      new AgentFixture(dir).setExitCode(0);
      assertThat(probe.run()).isEqualTo(2000);
      Files.delete(script);
      assertThat(probe.run()).isEqualTo(2128);
      assertThat(log.messages()).hasSize(2);
    }
  }

  @Test
  void twoCallersNeverRunTheScriptAtTheSameTime() throws Exception {
    AgentFixture fixture = new AgentFixture(dir);
    Path lock = dir.resolve("running");
    Path overlap = dir.resolve("overlap");
    // mkdir is atomic: a second copy running at the same time finds the directory and says so
    fixture.writeScript("#!/bin/sh\nmkdir '" + lock + "' 2>/dev/null || touch '" + overlap + "'\n"
        + "sleep 0.2\nrmdir '" + lock + "'\nexit 0\n");
    StatusProbe probe = new StatusProbe(fixture.script, Duration.ofSeconds(10));
    Thread[] threads = new Thread[4];
    for (int i = 0; i < threads.length; i++) {
      threads[i] = new Thread(() -> {
        try {
          probe.run();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      threads[i].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(overlap).doesNotExist();
  }
}
