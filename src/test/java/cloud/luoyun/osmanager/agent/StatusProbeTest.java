package cloud.luoyun.osmanager.agent;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusProbeTest {
  @TempDir Path dir;
  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  StatusProbe probe(Path script, Duration timeout) {
    return new StatusProbe(script, timeout, timer);
  }

  static int result(StatusProbe probe) throws Exception {
    return probe.run().get(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @CsvSource({"0, 2000", "1, 2001", "3, 2003", "127, 2127", "128, 2128", "200, 2128", "255, 2128"})
  void anExitCodeBecomesTheReportValue(int exitCode, int report) throws Exception {
    AgentFixture fixture = new AgentFixture(dir);
    fixture.setExitCode(exitCode);
    assertThat(result(probe(fixture.script, Duration.ofSeconds(10)))).isEqualTo(report);
  }

  @Test
  void aScriptThatHangsIsKilledWithItsChildrenAndReportsUnknown() throws Exception {
    AgentFixture fixture = new AgentFixture(dir);
    Path pidFile = dir.resolve("child.pid");
    fixture.writeScript("#!/bin/sh\nsleep 300 &\necho $! > '" + pidFile + "'\nwait\n");

    int report = result(probe(fixture.script, Duration.ofMillis(500)));

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
    StatusProbe probe = probe(dir.resolve("custom/scripts/status"), Duration.ofSeconds(10));
    try (LogCapture log = LogCapture.of(StatusProbe.class)) {
      assertThat(result(probe)).isEqualTo(2128);
      assertThat(result(probe)).isEqualTo(2128);
      assertThat(result(probe)).isEqualTo(2128);
      assertThat(log.messages()).hasSize(1).allMatch(m -> m.contains("missing or not executable"));
    }
  }

  @Test
  void aScriptThatIsNotExecutableReportsUnknown() throws Exception {
    AgentFixture fixture = new AgentFixture(dir);
    Files.setPosixFilePermissions(fixture.script, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(result(probe(fixture.script, Duration.ofSeconds(10)))).isEqualTo(2128);
  }

  @Test
  void aScriptThatAppearsLaterIsRunAndAMissingOneIsLoggedAgainWhenItGoes() throws Exception {
    Path script = dir.resolve("custom/scripts/status");
    StatusProbe probe = probe(script, Duration.ofSeconds(10));
    try (LogCapture log = LogCapture.of(StatusProbe.class)) {
      assertThat(result(probe)).isEqualTo(2128);
      new AgentFixture(dir).setExitCode(0);
      assertThat(result(probe)).isEqualTo(2000);
      Files.delete(script);
      assertThat(result(probe)).isEqualTo(2128);
      assertThat(log.messages()).hasSize(2);
    }
  }

  @Test
  void aScriptThatHangsAtEveryRunIsOneWarningUntilItAnswersAgain() throws Exception {
    AgentFixture fixture = new AgentFixture(dir);
    fixture.writeScript("#!/bin/sh\nexec sleep 60\n");
    StatusProbe probe = probe(fixture.script, Duration.ofMillis(300));
    try (LogCapture log = LogCapture.of(StatusProbe.class)) {
      for (int i = 0; i < 3; i++) {
        assertThat(result(probe)).isEqualTo(2128);
      }
      fixture.writeScript("#!/bin/sh\nexit 0\n");
      assertThat(result(probe)).isEqualTo(2000);

      assertThat(log.warnings()).singleElement().asString().contains("ran longer than").contains("was killed");
      assertThat(log.messages()).last().asString().endsWith("answers again: exit status 0");
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
    StatusProbe probe = probe(fixture.script, Duration.ofSeconds(10));
    List<CompletableFuture<Integer>> runs = new CopyOnWriteArrayList<>();
    Thread[] threads = new Thread[4];
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < threads.length; i++) {
        threads[i] = new Thread(() -> runs.add(probe.run()));
        threads[i].start();
      }
      for (Thread t : threads) {
        t.join();
      }
      for (CompletableFuture<Integer> run : runs) {
        assertThat(run.get(30, TimeUnit.SECONDS)).isEqualTo(2000);
      }
    }
    assertThat(overlap).doesNotExist();
  }

  @Test
  void theScriptRunsInAProcessGroupOfItsOwn() throws Exception {
    AgentFixture fixture = new AgentFixture(dir);
    Path ids = dir.resolve("ids");
    // field 5 of /proc/PID/stat is the process group ("sh" has no space in its name)
    fixture.writeScript("#!/bin/sh\necho $$ $(cut -d' ' -f5 /proc/$$/stat) > '" + ids + "'\n");

    assertThat(result(probe(fixture.script, Duration.ofSeconds(10)))).isEqualTo(2000);

    String[] pidAndGroup = Files.readString(ids).strip().split(" ");
    assertThat(pidAndGroup[1]).as("its group is its own: led by it").isEqualTo(pidAndGroup[0]);
    assertThat(pidAndGroup[1]).isNotEqualTo(Long.toString(ownGroup()));
  }

  /**
   * Issue 11: {@code sleep 100000 & exit 0} leaked a thread, a pipe and an orphan per run (at a
   * 1 s interval: threads 27 -> 54 and fds 16 -> 42 in 40 s). Now its group is killed when the
   * script exits: over many runs, no thread, descriptor or process is left.
   */
  @Test
  void aChildLeftRunningByTheScriptGoesWithItAndManyRunsLeaveNothingBehind() throws Exception {
    AgentFixture fixture = new AgentFixture(dir);
    String marker = "100" + ProcessHandle.current().pid(); // a sleep of our own, to count
    fixture.writeScript("#!/bin/sh\nsleep " + marker + " &\nexit 0\n");
    StatusProbe probe = probe(fixture.script, Duration.ofSeconds(10));
    assertThat(result(probe)).isEqualTo(2000); // the first run starts the JDK's process reaper
    awaitNoProcess(marker);
    long threads = count("/proc/self/task");
    long fds = count("/proc/self/fd");

    for (int i = 0; i < 40; i++) {
      assertThat(result(probe)).isEqualTo(2000);
    }

    awaitNoProcess(marker);
    // the JDK's reaper pool may keep one more idle thread for a minute; a leak is one per run
    assertThat(count("/proc/self/task")).as("threads").isLessThanOrEqualTo(threads + 1);
    assertThat(count("/proc/self/fd")).as("file descriptors").isLessThanOrEqualTo(fds);
  }

  @Test
  void aHangingScriptsWholeGroupIsKilledAtTheTimeLimitAlsoAChildThatIgnoresSigterm() throws Exception {
    AgentFixture fixture = new AgentFixture(dir);
    String marker = "200" + ProcessHandle.current().pid();
    fixture.writeScript("#!/bin/sh\ntrap '' TERM\n(trap '' TERM; exec sleep " + marker + ") &\nsleep " + marker
        + "\n");

    assertThat(result(probe(fixture.script, Duration.ofMillis(300)))).isEqualTo(2128);
    awaitNoProcess(marker);
  }

  @Test
  void closingKillsARunUnderWayAndItsResultIsUnknown() throws Exception {
    AgentFixture fixture = new AgentFixture(dir);
    String marker = "300" + ProcessHandle.current().pid();
    fixture.writeScript("#!/bin/sh\nsleep " + marker + "\n");
    StatusProbe probe = probe(fixture.script, Duration.ofSeconds(60));
    CompletableFuture<Integer> run = probe.run();
    awaitProcess(marker);

    probe.close();

    assertThat(run.get(10, TimeUnit.SECONDS)).isEqualTo(2128);
    awaitNoProcess(marker);
    assertThat(result(probe)).as("after close").isEqualTo(2128);
  }

  private static long ownGroup() throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
  }

  private static long count(String dir) throws java.io.IOException {
    try (var entries = Files.list(Path.of(dir))) {
      return entries.count();
    }
  }

  /** Live processes whose command line is {@code sleep <marker>}. */
  private static long processes(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(a -> a.length == 1 && a[0].equals(marker)).orElse(false))
        .filter(ProcessHandle::isAlive)
        .count();
  }

  private static void awaitNoProcess(String marker) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (processes(marker) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20); // SIGKILL is delivered asynchronously
    }
    assertThat(processes(marker)).as("processes 'sleep %s' left", marker).isZero();
  }

  private static void awaitProcess(String marker) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (processes(marker) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(processes(marker)).as("processes 'sleep %s'", marker).isPositive();
  }
}
