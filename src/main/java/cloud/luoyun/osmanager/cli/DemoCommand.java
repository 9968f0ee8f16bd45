package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.agent.Agent;
import cloud.luoyun.osmanager.agent.AgentSettings;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.controller.DevController;
import cloud.luoyun.osmanager.controller.Instances;
import cloud.luoyun.osmanager.util.Logging;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
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
 * {@code osmanager demo}: the whole thing on one machine, on embedded defaults. Makes a temporary
 * instance home (config, VERSION, an example status script), starts a development controller and
 * the agent on loopback, prints every event until Ctrl-C (or {@code --seconds}), then stops
 * everything and removes what it created.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
        "Runs a development controller and the instance agent on loopback against a temporary home, "
            + "printing each event (authentication, registration, reports, echo, query) until Ctrl-C; then "
            + "removes what it created.",
        "The demo's application is 'up' unless the file app-down exists in the demo home: create and remove "
            + "it to watch the agent report the change."})
final class DemoCommand implements Callable<Integer> {
  private static final int TAG = 7;

  @Option(names = "--seconds", paramLabel = "N", defaultValue = "0",
      description = "Stop by itself after N seconds (0: run until Ctrl-C). Default: ${DEFAULT-VALUE}.")
  long seconds;

  @Option(names = "--status-interval", paramLabel = "SEC", defaultValue = "3",
      description = "Seconds between runs of the example status script. Default: ${DEFAULT-VALUE}.")
  long statusInterval;

  @Option(names = "--keep", description = "Keep the temporary home afterwards (its path is printed).")
  boolean keep;

  private final PrintStream out = System.out;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("osm-demo-");
    Home home = new Home(dir);
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      shutDown(home);
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
      print("demo", "controller listening on " + clc.getAddress().getHostAddress() + ":" + clc.getPort());

      writeHome(home, clc, key);
      InstanceConfig config = home.loadConfig();
      print("demo", "instance home " + dir + " (tag " + config.tag() + ")");
      print("demo", "touch " + dir.resolve("app-down") + " to take the application down; rm it to bring it back");

      Agent agent = new Agent(AgentSettings.from(home, config, Duration.ofSeconds(statusInterval),
          AgentSettings.DEFAULT_STATUS_TIMEOUT), e -> print("agent", e.line()));
      started.push(agent);
      agent.start();

      if (seconds > 0) {
        stop.await(seconds, TimeUnit.SECONDS);
      } else {
        stop.await();
      }
      return Main.EXIT_OK;
    } finally {
      if (stop.getCount() > 0) {
        Runtime.getRuntime().removeShutdownHook(hook);
        shutDown(home);
      }
    }
  }

  private synchronized void shutDown(Home home) {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        print("demo", "stopping: " + e);
      }
    }
    if (keep) {
      print("demo", "kept " + home.dir());
    } else if (Files.exists(home.dir())) {
      deleteTree(home.dir());
      print("demo", "removed " + home.dir());
    }
  }

  private void writeHome(Home home, InetSocketAddress clc, String key) throws IOException {
    Files.createDirectories(home.confDir());
    Files.createDirectories(home.statusScript().getParent());
    Files.createDirectories(home.buildDir());
    Files.createDirectories(home.logDir());
    String cookie = HexFormat.of().formatHex(random(20));
    String json = "{\"cookie\": \"" + cookie + "\", \"webssh\": {\"status\": \"enable\", \"port\": 8001}, "
        + "\"network\": [{\"ip\": \"127.0.0.1\", \"netmask\": \"255.0.0.0\", \"type\": \"default\"}]}";
    String conf = "CLC_IP=" + clc.getAddress().getHostAddress() + "\nCLC_PORT=" + clc.getPort()
        + "\nCLC_MCAST_IP=228.0.0.1\nCLC_MCAST_PORT=1369\nTAG=" + TAG + "\nKEY=" + key + "\nJSON=" + json + "\n";
    Files.writeString(home.conf(), conf, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(home.conf(), PosixFilePermissions.fromString("rw-------"));
    Files.writeString(home.versionFile(), "Version: 1.0\nDemoApp: 4.0.7\n");
    // The example an appliance builder starts from: exit 0 when the application serves.
    Files.writeString(home.statusScript(), "#!/bin/sh\n"
        + "# Exit 0 when the application serves, 1..127 when it runs but is not ready.\n"
        + "# This demo's application is up unless the file app-down exists in the home.\n"
        + "[ ! -e \"" + home.dir().resolve("app-down") + "\" ]\n");
    Files.setPosixFilePermissions(home.statusScript(), PosixFilePermissions.fromString("rwxr-xr-x"));
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
