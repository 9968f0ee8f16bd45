package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.OsmProcess;
import cloud.luoyun.osmanager.controller.DevController;
import cloud.luoyun.osmanager.controller.Instances;
import cloud.luoyun.osmanager.util.ExitStatus;
import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, "never half-dead": the daemon's parts under faults, each in its own JVM. A fault is
 * either survived (the part recovers and the others never notice) or ends the process with a
 * non-zero status for the service manager to restart it; never a process that runs on without a
 * part.
 */
class NeverHalfDeadTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String KEY = "015e33a8-787d-457e-b84d-c2a101a816e0";
  @TempDir Path dir;

  /**
   * Out of file descriptors, accept fails: the accept loop waits it out with a back-off, warns once
   * per streak of failures (not with a stack trace per attempt), and accepts again by itself once
   * descriptors are free.
   */
  @Test
  void thePageServerWaitsOutTooManyOpenFilesAndThenAcceptsAgain() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("custom/www/nocookie"));
    Files.writeString(home.resolve("custom/www/nocookie/index.html"), "<p>up</p>");
    try (OsmProcess web = OsmProcess.start(List.of(), "web", "--home", home.toString(), "--bind", "127.0.0.1",
        "--port", "0")) {
      int port = port(web.lines.await(l -> l.contains("serving "), WAIT), "http://127\\.0\\.0\\.1:(\\d+)/");
      assertThat(get(port)).contains("<p>up</p>");
      long open = openFiles(web.pid());
      limitOpenFiles(web.pid(), open + 3);

      List<Socket> flood = new ArrayList<>();
      try { // 12 connections for 3 free descriptors
        for (int i = 0; i < 12; i++) {
          flood.add(new Socket(InetAddress.getLoopbackAddress(), port)); // the kernel's backlog takes them
        }
        web.lines.await(l -> l.contains("Too many open files"), WAIT);
      } finally {
        for (Socket s : flood) {
          s.close();
        }
      }
      assertThat(awaitPage(port)).contains("<p>up</p>");
      // one warning per streak of failures: at most one per connection that had to wait
      assertThat(web.lines.all().stream().filter(l -> l.contains("Too many open files")).toList())
          .hasSizeLessThanOrEqualTo(flood.size());
      assertThat(web.lines.all()).anyMatch(l -> l.contains("accepting connections again"));
    }
  }

  /**
   * Issue 11: the agent's thread died (of an OutOfMemoryError) and never came back, while the
   * page answered and {@code status} said "registered". A part's thread that dies now ends the
   * process with status 70 for the service manager to restart it, and {@code status} then says
   * it is not running and claims no registration.
   */
  @Test
  void whenAPartsThreadDiesTheDaemonEndsWithStatus70AndStatusClaimsNothing() throws Exception {
    try (DevController controller = new DevController(
        DevController.Options.loopback(Instances.of(Map.of(42, KEY))), e -> { })) {
      Path home = home(controller.start());
      try (OsmProcess run = OsmProcess.start(List.of(), "run", "--home", home.toString(), "--web-port", "0",
          "--status-interval", "1")) {
        run.lines.await(l -> l.contains("registered with"), WAIT);
        String[] shown = new String[1];
        assertThat(status(home, shown, "--json")).isZero();
        assertThat(shown[0]).contains("\"registered\":true");

        // a thread blocked in a socket read would see its death only at the next byte; one that
        // waits out a back-off (the controller went away) sees it at once
        controller.close();
        run.lines.await(l -> l.contains("controller unreachable"), WAIT); // then it waits out a back-off
        ThreadKiller.kill(run.pid(), "osm-agent", dir);

        assertThat(run.exitStatus(WAIT)).isEqualTo(ExitStatus.FATAL);
        assertThat(run.lines.all())
            .anyMatch(l -> l.contains("fatal: thread osm-agent died of java.lang.ThreadDeath"));
        assertThat(status(home, shown, "--json")).isEqualTo(ExitStatus.NOT_RUNNING);
        assertThat(shown[0]).contains("\"running\":false").doesNotContain("registered").doesNotContain("\"ports\"")
            .doesNotContain("\"application\"");
      }
    }
  }

  /**
   * SIGTERM stops everything, also amid faults: a status script that hangs and ignores SIGTERM
   * (and so does its child), a controller that accepts and never answers, page connections that
   * never finish their request. Exit status 0, well within the unit's 10 s stop time (the daemon
   * cuts its own close short at 1.9 s), and nothing of the script is left.
   */
  @Test
  void sigtermStopsEverythingAlsoAmidFaultsAndLeavesNoProcessBehind() throws Exception {
    String marker = "500" + ProcessHandle.current().pid();
    try (java.net.ServerSocket blackhole = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread swallow = new Thread(() -> {
        List<Socket> held = new ArrayList<>();
        try {
          while (true) {
            held.add(blackhole.accept()); // and never a byte back
          }
        } catch (IOException e) {
          held.forEach(cloud.luoyun.osmanager.util.Closeables::closeQuietly);
        }
      });
      swallow.start();
      Path home = home(new InetSocketAddress(InetAddress.getLoopbackAddress(), blackhole.getLocalPort()));
      Files.writeString(home.resolve("custom/scripts/status"), "#!/bin/sh\ntrap '' TERM\nsleep " + marker
          + " &\nexec sleep " + marker + "\n");
      try (OsmProcess run = OsmProcess.start(List.of(), "run", "--home", home.toString(), "--web-port", "0",
          "--status-interval", "1", "-v")) { // -v: each connection attempt is logged
        int port = port(run.lines.await(l -> l.contains("page server on"), WAIT), "http://0\\.0\\.0\\.0:(\\d+)/");
        run.lines.await(l -> l.contains("agent.Agent: connecting"), WAIT);
        awaitProcesses(marker, 2);
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
          s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
          slow.add(s);
        }
        try {
          assertThat(run.terminate(Duration.ofSeconds(10))).as("exit status after SIGTERM").isZero();
        } finally {
          slow.forEach(cloud.luoyun.osmanager.util.Closeables::closeQuietly);
        }
      }
      blackhole.close();
      swallow.join(5000);
    }
    awaitProcesses(marker, 0);
  }

  /** Waits until exactly {@code n} live processes run {@code sleep <marker>}. */
  private static void awaitProcesses(String marker, long n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (processes(marker) != n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(processes(marker)).as("processes 'sleep %s'", marker).isEqualTo(n);
  }

  private static long processes(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(a -> a.length == 1 && a[0].equals(marker)).orElse(false))
        .filter(ProcessHandle::isAlive)
        .count();
  }

  private Path home(InetSocketAddress clc) throws IOException {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("conf"));
    Files.createDirectories(home.resolve("custom/scripts"));
    Files.writeString(home.resolve("conf/luoyun.conf"), "CLC_IP=127.0.0.1\nCLC_PORT=" + clc.getPort()
        + "\nTAG=42\nKEY=" + KEY + "\nJSON={\"webssh\": {\"status\": \"disable\"}}\n");
    Path script = home.resolve("custom/scripts/status");
    Files.writeString(script, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  /** Runs {@code osmanager status --home HOME [args]} in-process; its output goes to shown[0]. */
  private static int status(Path home, String[] shown, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    List<String> all = new ArrayList<>(List.of("status", "--home", home.toString()));
    all.addAll(List.of(args));
    int exit = cl.execute(all.toArray(String[]::new));
    shown[0] = out.toString();
    return exit;
  }

  private static long openFiles(long pid) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return fds.count();
    }
  }

  /** prlimit(1) from util-linux, on the running process: soft and hard limit both. */
  private static void limitOpenFiles(long pid, long max) throws Exception {
    Processes.Result r = Processes.run(List.of("prlimit", "--pid", Long.toString(pid),
        "--nofile=" + max + ":" + max), Duration.ofSeconds(10));
    assertThat(r.ok()).as(r.output()).isTrue();
  }

  private static String awaitPage(int port) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        return get(port);
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  static String get(int port) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  static int port(String line, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(line);
    assertThat(m.find()).as(line).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
