package cloud.luoyun.osmanager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.OsmProcess;
import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, "never half-dead": the daemon's parts under faults, each in its own JVM. A fault is
 * either survived (the part recovers and the others never notice) or ends the process with a
 * non-zero status for the service manager to restart it; never a process that runs on without a
 * part.
 */
class NeverHalfDeadTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
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
