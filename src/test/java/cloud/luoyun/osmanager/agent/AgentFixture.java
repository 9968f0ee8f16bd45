package cloud.luoyun.osmanager.agent;

import cloud.luoyun.osmanager.Recorder;
import cloud.luoyun.osmanager.controller.ControllerEvent;
import cloud.luoyun.osmanager.controller.DevController;
import cloud.luoyun.osmanager.controller.Instances;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/** An instance home with a status script whose exit code a test sets, plus agent and controller makers. */
final class AgentFixture {
  static final int TAG = 7;
  static final String KEY = "015e33a8-787d-457e-b84d-c2a101a816e0";
  static final Duration WAIT = Duration.ofSeconds(20);

  final Path dir;
  final Path script;
  private final Path exitCode;
  private final Path runs;

  AgentFixture(Path dir) throws IOException {
    this.dir = dir;
    this.script = dir.resolve("custom/scripts/status");
    this.exitCode = dir.resolve("exit-code");
    this.runs = dir.resolve("runs");
    Files.createDirectories(script.getParent());
    setExitCode(0);
    writeScript("#!/bin/sh\necho run >> '" + runs + "'\nexit $(cat '" + exitCode + "')\n");
  }

  /** How many times the default status script has run so far. */
  long scriptRuns() throws IOException {
    if (!Files.exists(runs)) {
      return 0;
    }
    try (var lines = Files.lines(runs)) {
      return lines.count();
    }
  }

  /** Waits until the default status script has run at least {@code n} times in all. */
  void awaitScriptRuns(long n, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (scriptRuns() < n) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the status script ran " + scriptRuns() + " times in " + timeout.toMillis()
            + " ms; expected " + n);
      }
      Thread.sleep(10);
    }
  }

  void setExitCode(int code) throws IOException {
    Files.writeString(exitCode, code + "\n");
  }

  void writeScript(String text) throws IOException {
    Files.writeString(script, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  AgentSettings settings(Optional<InetSocketAddress> controller, Duration statusInterval) {
    return new AgentSettings(TAG, KEY.getBytes(StandardCharsets.US_ASCII), controller,
        new InetSocketAddress("228.0.0.1", 1369), script, statusInterval, Duration.ofSeconds(5));
  }

  static Agent.Tuning fastTuning() {
    return new Agent.Tuning(Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(60),
        Duration.ofSeconds(2), Duration.ofSeconds(2), 3, new Random(42), System::nanoTime);
  }

  Agent agent(InetSocketAddress controller, Recorder<AgentEvent> events, Duration statusInterval) {
    return new Agent(settings(Optional.of(controller), statusInterval), events::accept, fastTuning());
  }

  static DevController controller(int port, Recorder<ControllerEvent> events) {
    return new DevController(new DevController.Options(InetAddress.getLoopbackAddress(), port,
        Instances.of(Map.of(TAG, KEY)), Optional.empty(), Duration.ofSeconds(10), true), events::accept);
  }

  /**
   * A controller started again on the port a closed one had. On a machine where other tests run,
   * another process may take that port for a moment as its ephemeral source port (or an agent's
   * connect to it may meet itself, TCP's self-connect): a few tries, not a flaky test.
   */
  static DevController restartedOn(int port, Recorder<ControllerEvent> events) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      DevController controller = controller(port, events);
      try {
        controller.start();
        return controller;
      } catch (BindException e) {
        controller.close();
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
