package cloud.luoyun.osmanager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.HttpLoad;
import cloud.luoyun.osmanager.OsmProcess;
import cloud.luoyun.osmanager.Recorder;
import cloud.luoyun.osmanager.bench.Proc;
import cloud.luoyun.osmanager.controller.ControllerEvent;
import cloud.luoyun.osmanager.controller.DevController;
import cloud.luoyun.osmanager.controller.Instances;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: a crawl of a 10 000-file page folder, then a flood of 2000 connections, left 'run'
 * (with a 32 MiB heap) half-dead: out of heap, the agent's thread gone, the page silent, SIGTERM
 * not served. The same load, on loopback, against 'run' started by the launcher with its own JVM
 * flags: afterwards the agent is still registered and the page answers, and the threads the load
 * made are gone once they were idle a minute. Bounded in time (two to three minutes); asserts what
 * the daemon does, never how fast. RSS is printed (bench/load.sh has the
 * figures).
 */
class UnderLoadTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String KEY = "015e33a8-787d-457e-b84d-c2a101a816e0";
  private static final String COOKIE = "5c1d0a4e8b7f6a3d2c1b0a9f8e7d6c5b4a392817";
  static final int PAGES = 10_000;
  static final int CONNECTIONS = 2000;
  static final Duration FLOOD = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  @Timeout(480)
  void aCrawlOfTenThousandPagesThenTwoThousandConnectionsLeaveTheDaemonRegisteredAndServing() throws Exception {
    Recorder<ControllerEvent> controllerEvents = new Recorder<>();
    try (DevController controller = new DevController(
        DevController.Options.loopback(Instances.of(Map.of(42, KEY))), controllerEvents::accept)) {
      Path home = home(controller.start());
      try (OsmProcess run = OsmProcess.startWithLauncher(dir, "run", "--home", home.toString(), "--web-port", "0",
          "--webssh-port", "0", "--status-interval", "5")) {
        int port = port(run.lines.await(l -> l.contains("page server on"), WAIT), "http://0\\.0\\.0\\.0:(\\d+)/");
        controllerEvents.await(e -> e.line().startsWith("report tag=42 status=2000"), WAIT);
        assertThat(run.jvmArguments()).as("the launcher's flags").contains("-Xmx32m", "-XX:+ExitOnOutOfMemoryError");
        long idle = Proc.rssKib(run.pid());
        long idleThreads = Proc.threads(run.pid());

        List<String> paths = new ArrayList<>();
        for (int i = 0; i < PAGES; i++) {
          paths.add("/f/p" + i + ".html");
        }
        HttpLoad.Tally crawl = HttpLoad.crawl(port, paths, 4);
        long afterCrawl = Proc.rssKib(run.pid());
        HttpLoad.Tally flood = HttpLoad.flood(port, "/", connections(), FLOOD);
        long afterFlood = Proc.rssKib(run.pid());

        assertThat(crawl.count(200)).as("crawl " + crawl).isEqualTo(PAGES);
        assertThat(flood.count(200)).as("flood " + flood).isPositive();
        assertThat(awaitPage(port)).contains("<h1>DemoApp</h1>");
        assertThat(get(port, "/status.json?cookie=" + COOKIE).body()).containsPattern("\"registered\"\\s*:\\s*true");
        assertThat(controllerEvents.all()).noneMatch(e -> e.line().startsWith("disconnected tag=42"));
        Thread.sleep(5000); // settle: what RSS comes back to
        long settled = Proc.rssKib(run.pid());
        // the threads the load made go when they have been idle a minute (all of them, not one a minute)
        long gone = awaitThreadsAtMost(run, idleThreads + 4, Duration.ofSeconds(150));
        System.out.printf("UnderLoadTest: RSS idle %d MiB (%d threads), after the crawl %d MiB, after %d connections"
            + " for %d s %d MiB, 5 s later %d MiB, when the load's threads had gone %d MiB (%d threads); crawl %s,"
            + " flood %s%n", idle >> 10, idleThreads, afterCrawl >> 10, connections(), FLOOD.toSeconds(),
            afterFlood >> 10, settled >> 10, Proc.rssKib(run.pid()) >> 10, gone, crawl, flood);
        assertThat(gone).as("threads a few minutes after the load (idle: " + idleThreads + "; 0: the daemon is gone)")
            .isPositive().isLessThanOrEqualTo(idleThreads + 4);
        assertThat(run.lines.all()).noneMatch(l -> l.contains("OutOfMemoryError") || l.contains("fatal:"));

        assertThat(run.terminate(WAIT)).as("exit status after SIGTERM").isZero();
      }
    }
  }

  /** 2000, or fewer if this process may not open that many descriptors. */
  private static int connections() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        long soft = Long.parseLong(line.substring(26).trim().split("\\s+")[0]);
        return (int) Math.min(CONNECTIONS, soft - 500);
      }
    }
    return CONNECTIONS;
  }

  /** The process's thread count once it is at most {@code most}, or when {@code limit} has passed. */
  private static long awaitThreadsAtMost(OsmProcess run, long most, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    long n = Proc.threads(run.pid());
    while (n > most && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      n = Proc.threads(run.pid());
    }
    return n;
  }

  /** The page within seconds of the load's end (a bounded wait, not a measurement). */
  private String awaitPage(int port) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        HttpResponse<String> r = get(port, "/");
        if (r.statusCode() == 200 || System.nanoTime() > deadline) {
          assertThat(r.statusCode()).isEqualTo(200);
          return r.body();
        }
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      Thread.sleep(200);
    }
  }

  private Path home(InetSocketAddress clc) throws IOException {
    Path home = dir.resolve("home");
    Path www = Files.createDirectories(home.resolve("custom/www/nocookie/f"));
    Files.createDirectories(home.resolve("conf"));
    Files.createDirectories(home.resolve("build"));
    Files.createDirectories(home.resolve("custom/scripts"));
    Files.writeString(home.resolve("conf/luoyun.conf"), "CLC_IP=127.0.0.1\nCLC_PORT=" + clc.getPort()
        + "\nTAG=42\nKEY=" + KEY + "\nJSON={\"cookie\": \"" + COOKIE + "\"}\n");
    Files.writeString(home.resolve("build/VERSION"), "Version: 1.0\nDemoApp: 4.0.7\n");
    Files.writeString(home.resolve("custom/www/nocookie/index.html"), "<h1>$application</h1><p>$hostname</p>\n");
    for (int i = 0; i < PAGES; i++) {
      Files.writeString(www.resolve("p" + i + ".html"), "<p>page " + i + " of $hostname at $curtime</p>\n");
    }
    Path script = home.resolve("custom/scripts/status");
    Files.writeString(script, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int port(String line, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(line);
    assertThat(m.find()).as(line).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
