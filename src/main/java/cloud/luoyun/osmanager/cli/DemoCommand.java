package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.config.FloppyWriter;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.configure.Configurator;
import cloud.luoyun.osmanager.configure.Report;
import cloud.luoyun.osmanager.controller.DevController;
import cloud.luoyun.osmanager.controller.Instances;
import cloud.luoyun.osmanager.http.JettyDefaults;
import cloud.luoyun.osmanager.util.ExitStatus;
import cloud.luoyun.osmanager.util.FileTrees;
import cloud.luoyun.osmanager.util.Logging;
import cloud.luoyun.osmanager.webssh.WebTerminalSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code osmanager demo}: the whole thing on one machine, on embedded defaults, as an instance
 * boots in a cloud: a development controller starts; the "compute node" writes the instance config
 * onto a floppy image; {@code configure} applies it to an image tree (never to this machine);
 * then the agent, the page server and the web terminal start as in {@code osmanager run}. Prints
 * every event until Ctrl-C (or {@code --seconds}), then stops everything and removes what it made.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
        "Shows an instance's life on this machine, on embedded defaults, against a temporary folder: a "
            + "development controller starts; the instance config is written to a floppy image as a compute "
            + "node does; configure applies it to an image tree (never to this machine's own files or NICs); "
            + "the agent registers and reports; the page server serves the instance's page and the web "
            + "terminal logs into this machine's own sshd (127.0.0.1:22), all in one process as 'osmanager run'.",
        "Prints each event until Ctrl-C, then removes what it created. The demo application is 'up' unless "
            + "the file app-down exists in the demo folder: create and remove it to watch the reports change."})
final class DemoCommand implements Callable<Integer> {
  private static final int TAG = 7;
  // Example values, as the LuoYun web front end writes them.
  private static final String PASSWD_HASH = "$6$rJ3kQ9zP$Ryy8oYHtWrI/rFlRY/KFAfQS0OL6KggtTmAWJ8WTzrsOvFnl6bBKvt0REy5Xzn/"
      + "NJXM69Fvr.ybi923iEA/Hk1";
  private static final String PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICLLz0JhZoHlDBh2ZMkTmgtsui1UzHhdYhQfF5"
      + "+QD8NJ owner@example";

  /** The terminal logs into this machine's sshd: its keys, not the image tree's (configure's). */
  private static final Path OWN_HOST_KEYS = Path.of(WebTerminalSettings.DEFAULT_SSH_HOST_KEYS);

  @Option(names = "--seconds", paramLabel = "N", defaultValue = "0",
      description = "Stop by itself after N seconds (0: run until Ctrl-C). Default: ${DEFAULT-VALUE}.")
  long seconds;

  @Option(names = "--status-interval", paramLabel = "SEC", defaultValue = "3",
      description = "Seconds between runs of the example status script. Default: ${DEFAULT-VALUE}.")
  long statusInterval;

  @Option(names = "--web-port", paramLabel = "N", defaultValue = "8080",
      description = "Port of the instance's page (the terminal takes 8001); free ones are taken when they are in use, and with 0. Default: ${DEFAULT-VALUE}.")
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
      if (report.exitCode() != ExitStatus.OK) {
        print("demo", "configure ended with exit status " + report.exitCode()
            + report.badInput().map(m -> ": " + m).orElse(""));
      }
      InstanceConfig config = home.loadConfig();

      Daemon daemon = startDaemon(home, config);
      String base = "http://127.0.0.1:" + daemon.pagePort() + "/";
      print("web", "public page " + base);
      print("web", "owner page  " + base + "?cookie=" + config.settings().cookie().orElse(""));
      if (daemon.terminalPort() > 0) {
        print("webssh", "web terminal https://127.0.0.1:" + daemon.terminalPort() + "/ (its own certificate, SHA-256 "
            + daemon.terminalFingerprint() + ") -> this machine's sshd at 127.0.0.1:22"
            + (sshdListening() ? " (log in with an account of this machine)" : " (no sshd answers there: the terminal will say so)"));
      }
      print("demo", "touch " + dir.resolve("app-down") + " to take the application down; rm it to bring it back");

      if (seconds > 0) {
        stop.await(seconds, TimeUnit.SECONDS);
      } else {
        stop.await();
      }
      return ExitStatus.OK;
    } finally {
      if (stop.getCount() > 0) {
        Runtime.getRuntime().removeShutdownHook(hook);
        shutDown(dir);
      }
    }
  }

  /** Agent, page and terminal as 'osmanager run' has them, on loopback; free ports when 8080/8001 are taken. */
  private Daemon startDaemon(Home home, InstanceConfig config) throws Exception {
    Logger log = LoggerFactory.getLogger(DemoCommand.class);
    Duration interval = Duration.ofSeconds(statusInterval);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    Daemon daemon = new Daemon(home, Daemon.Config.of(config), e -> print("agent", e.line()), interval, "demo");
    started.push(daemon);
    try {
      daemon.start(new InetSocketAddress(loopback, webPort), terminal(webPort == 0 ? Integer.valueOf(0) : null), log);
    } catch (IOException e) {
      started.pop().close();
      print("demo", "port " + webPort + " or 8001 is in use (" + e.getMessage() + "); taking free ones");
      daemon = new Daemon(home, Daemon.Config.of(config), e2 -> print("agent", e2.line()), interval, "demo");
      started.push(daemon);
      daemon.start(new InetSocketAddress(loopback, 0), terminal(0), log);
    }
    return daemon;
  }

  /** The terminal on loopback, as the page server, with its own certificate. */
  private static TerminalOptions terminal(Integer port) {
    return new TerminalOptions(port, Optional.of(InetAddress.getLoopbackAddress().getHostAddress()), 22,
        OWN_HOST_KEYS, Optional.empty(), cloud.luoyun.osmanager.webssh.FilesMode.ON);
  }

  private static boolean sshdListening() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), 22), 300);
      return true;
    } catch (IOException e) {
      return false;
    }
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
      FileTrees.delete(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
