package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.util.JettyDefaults;
import cloud.luoyun.osmanager.agent.Agent;
import cloud.luoyun.osmanager.agent.AgentSettings;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.FloppyWriter;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.configure.Configurator;
import cloud.luoyun.osmanager.configure.Report;
import cloud.luoyun.osmanager.controller.DevController;
import cloud.luoyun.osmanager.controller.Instances;
import cloud.luoyun.osmanager.util.Logging;
import cloud.luoyun.osmanager.web.AgentStatusSource;
import cloud.luoyun.osmanager.web.AgentStatusSource.AgentStatus;
import cloud.luoyun.osmanager.web.PageServer;
import cloud.luoyun.osmanager.web.WebServers;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code osmanager demo}: the whole thing on one machine, on embedded defaults, as an instance
 * boots in a cloud: a development controller starts; the "compute node" writes the instance config
 * onto a floppy image; {@code configure} applies it to an image tree (never to this machine);
 * then the agent registers and reports, and the page server serves the instance's page. Prints
 * every event until Ctrl-C (or {@code --seconds}), then stops everything and removes what it made.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
        "Shows an instance's life on this machine, on embedded defaults, against a temporary folder: a "
            + "development controller starts; the instance config is written to a floppy image as a compute "
            + "node does; configure applies it to an image tree (never to this machine's own files or NICs); "
            + "the agent registers and reports; the page server serves the instance's page.",
        "Prints each event until Ctrl-C, then removes what it created. The demo application is 'up' unless "
            + "the file app-down exists in the demo folder: create and remove it to watch the reports change."})
final class DemoCommand implements Callable<Integer> {
  private static final int TAG = 7;
  // Example values, as the LuoYun web front end writes them.
  private static final String PASSWD_HASH = "$6$rJ3kQ9zP$Ryy8oYHtWrI/rFlRY/KFAfQS0OL6KggtTmAWJ8WTzrsOvFnl6bBKvt0REy5Xzn/"
      + "NJXM69Fvr.ybi923iEA/Hk1";
  private static final String PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICLLz0JhZoHlDBh2ZMkTmgtsui1UzHhdYhQfF5"
      + "+QD8NJ owner@example";

  @Option(names = "--seconds", paramLabel = "N", defaultValue = "0",
      description = "Stop by itself after N seconds (0: run until Ctrl-C). Default: ${DEFAULT-VALUE}.")
  long seconds;

  @Option(names = "--status-interval", paramLabel = "SEC", defaultValue = "3",
      description = "Seconds between runs of the example status script. Default: ${DEFAULT-VALUE}.")
  long statusInterval;

  @Option(names = "--web-port", paramLabel = "N", defaultValue = "8080",
      description = "Port of the instance's page; a free one is taken when it is in use. Default: ${DEFAULT-VALUE}.")
  int webPort;

  @Option(names = "--keep", description = "Keep the temporary folder afterwards (its path is printed).")
  boolean keep;

  private final PrintStream out = System.out;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  @Override
  public Integer call() throws Exception {
    JettyDefaults.prepare();
    Path dir = Files.createTempDirectory("osm-demo-");
    Home home = new Home(dir.resolve("home"));
    Path image = dir.resolve("image");
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      shutDown(dir);
    }, "osm-demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Logging.configure(home.logDir(), "demo.log", false, false);
      String key = HexFormat.of().formatHex(random(16));
      DevController controller = new DevController(
          DevController.Options.loopback(Instances.of(Map.of(TAG, key))),
          e -> print("controller", e.line()));
      started.push(controller);
      InetSocketAddress clc = controller.start();
      print("demo", "folder " + dir);

      Path floppy = dir.resolve("floppy.img");
      writeFloppy(floppy, clc, key);
      print("demo", "config floppy written: " + floppy);
      writeHome(home);
      writeImage(image);
      Report report = new Configurator(Configurator.Options.of(home).withRoot(image).withSource(floppy))
          .run(step -> print("configure", step.line()));
      if (report.exitCode() != Report.EXIT_OK) {
        print("demo", "configure ended with exit status " + report.exitCode()
            + report.badInput().map(m -> ": " + m).orElse(""));
      }
      InstanceConfig config = home.loadConfig();

      Agent agent = new Agent(AgentSettings.from(home, config, Duration.ofSeconds(statusInterval),
          AgentSettings.DEFAULT_STATUS_TIMEOUT), e -> print("agent", e.line()));
      started.push(agent);
      agent.start();

      PageServer pages = startPages(home, agent);
      String base = "http://127.0.0.1:" + pages.port() + "/";
      print("web", "public page " + base);
      print("web", "owner page  " + base + "?cookie=" + config.settings().cookie().orElse(""));
      print("demo", "touch " + dir.resolve("app-down") + " to take the application down; rm it to bring it back");

      if (seconds > 0) {
        stop.await(seconds, TimeUnit.SECONDS);
      } else {
        stop.await();
      }
      return Main.EXIT_OK;
    } finally {
      if (stop.getCount() > 0) {
        Runtime.getRuntime().removeShutdownHook(hook);
        shutDown(dir);
      }
    }
  }

  private PageServer startPages(Home home, Agent agent) throws Exception {
    AgentStatusSource status = () -> AgentStatus.of(agent.isRegistered(), agent.applicationStatus());
    PageServer pages = new PageServer(home, new InetSocketAddress(InetAddress.getLoopbackAddress(), webPort), status);
    try {
      pages.start();
    } catch (IOException e) {
      pages.close();
      print("web", "port " + webPort + " is in use (" + e.getMessage() + "); taking a free one");
      pages = new PageServer(home, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), status);
      pages.start();
    }
    started.push(pages);
    return pages;
  }

  private synchronized void shutDown(Path dir) {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        print("demo", "stopping: " + e);
      }
    }
    if (keep) {
      print("demo", "kept " + dir);
    } else if (Files.exists(dir)) {
      deleteTree(dir);
      print("demo", "removed " + dir);
    }
  }

  /** What a compute node does: the instance config, as luoyun.ini on a FAT floppy image. */
  private static void writeFloppy(Path floppy, InetSocketAddress clc, String key) throws IOException {
    String cookie = HexFormat.of().formatHex(random(20));
    String json = "{\"cookie\": \"" + cookie + "\", \"webssh\": {\"status\": \"enable\", \"port\": 8001}, "
        + "\"domain\": {\"name\": \"localhost\"}, \"nameservers\": \"8.8.8.8 114.114.114.114\", "
        + "\"passwd_hash\": \"" + PASSWD_HASH + "\", \"public_key\": \"" + PUBLIC_KEY + "\"}";
    String ini = "CLC_IP=" + clc.getAddress().getHostAddress() + "\nCLC_PORT=" + clc.getPort()
        + "\nCLC_MCAST_IP=228.0.0.1\nCLC_MCAST_PORT=1369\nTAG=" + TAG + "\nKEY=" + key + "\nJSON=" + json + "\n";
    Files.write(floppy, FloppyWriter.image(ini.getBytes(StandardCharsets.UTF_8), LocalDateTime.now()));
    Files.setPosixFilePermissions(floppy, PosixFilePermissions.fromString("rw-------"));
  }

  /** The install layout an appliance builder provides: VERSION and the status script. */
  private static void writeHome(Home home) throws IOException {
    Files.createDirectories(home.confDir());
    Files.createDirectories(home.statusScript().getParent());
    Files.createDirectories(home.buildDir());
    Files.createDirectories(home.logDir());
    Files.writeString(home.versionFile(), "Version: 1.0\nDemoApp: 4.0.7\n");
    // The example an appliance builder starts from: exit 0 when the application serves.
    Files.writeString(home.statusScript(), "#!/bin/sh\n"
        + "# Exit 0 when the application serves, 1..127 when it runs but is not ready.\n"
        + "# This demo's application is up unless the file app-down exists in the demo folder.\n"
        + "[ ! -e \"" + home.dir().resolveSibling("app-down") + "\" ]\n");
    Files.setPosixFilePermissions(home.statusScript(), PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** A minimal root file system for configure to work on instead of this machine's. */
  private static void writeImage(Path image) throws IOException {
    Files.createDirectories(image.resolve("etc/ssh"));
    Files.createDirectories(image.resolve("root"));
    Path shadow = image.resolve("etc/shadow");
    Files.writeString(shadow, "root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n");
    Files.setPosixFilePermissions(shadow, PosixFilePermissions.fromString("rw-r-----"));
  }

  private void print(String who, String line) {
    synchronized (out) {
      out.printf("%-10s %s%n", who, line);
      out.flush();
    }
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private static void deleteTree(Path root) {
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.delete(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
