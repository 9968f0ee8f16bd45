package cloud.luoyun.osmanager.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One installed tree of bench/lib.sh ({@code install --root TREE}): its home {@code TREE/LuoYun},
 * its launcher {@code bin/osmanager}, started as the service manager starts it (no JAVA_HOME, no
 * OSMANAGER_JAVA; OSMANAGER_JAVA_OPTS passes through, for trying a flag).
 */
public final class Installed {
  final String label;
  public final Path home;

  Installed(String label, Path tree) {
    this.label = label;
    this.home = tree.resolve("LuoYun").toAbsolutePath();
  }

  /** {@code deb=target/bench/deb tar=target/bench/tar} */
  public static List<Installed> parse(List<String> args) {
    List<Installed> trees = new ArrayList<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      trees.add(new Installed(a.substring(0, eq), Path.of(a.substring(eq + 1))));
    }
    return trees;
  }

  Path launcher() {
    return home.resolve("bin/osmanager");
  }

  Path archive() {
    return home.resolve("bin/osmanager.jsa");
  }

  /** The java the launcher starts: the tree's runtime when it has one, else the one on PATH. */
  Path java() throws IOException {
    Path bundled = home.resolve("runtime/bin/java");
    if (Files.isExecutable(bundled)) {
      return bundled;
    }
    for (String dir : System.getenv("PATH").split(":")) {
      Path p = Path.of(dir, "java");
      if (Files.isExecutable(p)) {
        return p.toRealPath();
      }
    }
    throw new IOException("no java on PATH");
  }

  /** A process of the launcher with these arguments, its output to {@code log}. */
  public ProcessBuilder command(Path log, String... args) {
    List<String> argv = new ArrayList<>(List.of(launcher().toString()));
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("JAVA_HOME");
    pb.environment().remove("OSMANAGER_JAVA");
    return pb;
  }

  /**
   * The JVM flags the launcher passes (its own, then OSMANAGER_JAVA_OPTS), without the class-data
   * archive: what a hello world gets to be the launcher's floor. Asked of the launcher itself, with
   * echo in place of java.
   */
  public List<String> launcherFlags() throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(launcher().toString(), "--version").redirectErrorStream(true);
    pb.environment().put("OSMANAGER_JAVA", "echo");
    Process p = pb.start();
    String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor(10, TimeUnit.SECONDS);
    List<String> flags = new ArrayList<>();
    for (String token : line.split("\\s+")) {
      if (token.equals("-jar")) {
        break;
      }
      if (!token.startsWith("-XX:SharedArchiveFile=") && !token.startsWith("-Xlog:cds")) {
        flags.add(token);
      }
    }
    return flags;
  }

  /** The config the benchmarks run on: a development controller on loopback, and the owner's cookie. */
  void writeConfig(int controllerPort, int tag, String key, String json) throws IOException {
    Files.createDirectories(home.resolve("conf"));
    Files.writeString(home.resolve("conf/luoyun.conf"), "CLC_IP=127.0.0.1\nCLC_PORT=" + controllerPort
        + "\nCLC_MCAST_IP=228.0.0.1\nCLC_MCAST_PORT=1369\nTAG=" + tag + "\nKEY=" + key + "\nJSON=" + json + "\n");
    // the application is up: the status script of an appliance, not install's example (which asks systemd)
    Path status = home.resolve("custom/scripts/status");
    Files.writeString(status, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(status, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** {@code run} on this tree's home: the pages, the terminal and the sshd it logs into where these say. */
  String[] runArguments(int webPort, int terminalPort, int sshPort, Path sshHostKeys) {
    return new String[] {"run", "--home", home.toString(), "--web-port", Integer.toString(webPort),
        "--webssh-port", Integer.toString(terminalPort), "--ssh-port", Integer.toString(sshPort),
        "--ssh-host-keys", sshHostKeys.toString()};
  }

  /** What a first start waits for before it is stopped. */
  interface Ready {
    void await() throws Exception;
  }

  /**
   * Starts {@code run} once and stops it when {@code ready} returns. On an instance, configure has
   * made the terminal's certificate (and its stamp) before the daemon starts, which then reads it
   * only at the first TLS connection. A tree that had no configure gets them from a first start,
   * as the daemon makes them where configure never ran; the start measured is the next one.
   */
  void firstStart(Path log, String[] run, Ready ready) throws Exception {
    Process first = command(log, run).start();
    try {
      ready.await();
    } finally {
      stop(first);
    }
  }

  public static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** Whether the process maps this tree's class-data archive (the JVM ignores a stale one silently). */
  public boolean mapsArchive(long pid) throws IOException {
    return Files.readString(Path.of("/proc/" + pid + "/maps")).contains(archive().toString());
  }
}
