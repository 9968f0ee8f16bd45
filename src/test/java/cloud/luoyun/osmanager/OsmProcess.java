package cloud.luoyun.osmanager;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * {@code osmanager ARGS} run as a separate JVM from the test classpath (optionally inside a
 * network namespace), its output lines collected as they come. Closing kills it and its children.
 */
public final class OsmProcess implements AutoCloseable {
  public final Recorder<String> lines = new Recorder<>();
  private final Process process;

  private OsmProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.accept(line);
        }
      } catch (IOException e) {
        // killed
      }
    }, "osm-test-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts osmanager with args; prefix (e.g. "ip netns exec NS") goes before the java command. */
  public static OsmProcess start(List<String> prefix, String... args) throws IOException {
    return start(prefix, List.of(), args);
  }

  /** Starts osmanager with args in a JVM given {@code jvmOptions} (e.g. {@code -verbose:class}). */
  public static OsmProcess start(List<String> prefix, List<String> jvmOptions, String... args) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("cloud.luoyun.osmanager.cli.Main");
    command.addAll(List.of(args));
    return startCommand(command);
  }

  /** Starts a whole command line (e.g. another Java runtime with the packaged jar). */
  public static OsmProcess startCommand(List<String> command) throws IOException {
    return new OsmProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /**
   * Starts osmanager as an instance does: through the launcher {@code bin/osmanager} that
   * {@code osmanager install} writes (src/main/resources/.../install/osmanager.sh), so with its own
   * JVM flags. Beside it in {@code dir/bin} goes an {@code osmanager.jar} that holds only a
   * manifest naming the test class path, so the code under test is what runs.
   */
  public static OsmProcess startWithLauncher(Path dir, String... args) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path launcher = bin.resolve("osmanager");
    try (InputStream in = OsmProcess.class.getResourceAsStream("/cloud/luoyun/osmanager/install/osmanager.sh")) {
      Files.write(launcher, in.readAllBytes());
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "cloud.luoyun.osmanager.cli.Main");
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, Arrays.stream(
        System.getProperty("java.class.path").split(File.pathSeparator))
        .map(e -> Path.of(e).toUri().toString()).collect(Collectors.joining(" ")));
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(bin.resolve("osmanager.jar")), manifest)) {
      // the manifest is all
    }
    List<String> command = new ArrayList<>(List.of("/bin/sh", launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("OSMANAGER_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    pb.environment().remove("OSMANAGER_JAVA_OPTS");
    return new OsmProcess(pb.start());
  }

  /** The JVM flags the process runs with (from /proc: the command line after the java binary). */
  public List<String> jvmArguments() throws IOException {
    String[] all = new String(Files.readAllBytes(Path.of("/proc/" + pid() + "/cmdline")), StandardCharsets.UTF_8)
        .split("\u0000");
    return Arrays.stream(all).skip(1).takeWhile(a -> a.startsWith("-X")).toList();
  }

  public long pid() {
    return process.pid();
  }

  /** Sends SIGTERM (to the java process itself, not a wrapper) and waits for the exit status. */
  public int terminate(Duration wait) throws InterruptedException {
    ProcessHandle target = signalTarget(process.toHandle(), "/java");
    target.destroy();
    if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running " + wait.toMillis() + " ms after SIGTERM; output:\n" + lines.all());
    }
    return process.exitValue();
  }

  /**
   * The process to signal: the started process itself when it is the program (a wrapper such as
   * {@code ip netns exec} execs it), else the wrapper's child that is. Never a deeper descendant:
   * while the JVM starts a child (the status script), the fork is briefly a copy still named java,
   * and a SIGTERM sent there kills the spawn and never reaches the JVM.
   */
  static ProcessHandle signalTarget(ProcessHandle root, String commandSuffix) {
    if (isCommand(root, commandSuffix)) {
      return root;
    }
    return root.children().filter(p -> isCommand(p, commandSuffix)).findFirst().orElse(root);
  }

  static boolean isCommand(ProcessHandle p, String commandSuffix) {
    return p.info().command().map(c -> c.endsWith(commandSuffix)).orElse(false);
  }

  /** Waits for the process to end by itself and returns its exit status. */
  public int exitStatus(Duration wait) throws InterruptedException {
    if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + wait.toMillis() + " ms; output:\n" + lines.all());
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(5, TimeUnit.SECONDS);
  }
}
