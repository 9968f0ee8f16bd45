package cloud.luoyun.osmanager;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
    return new OsmProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
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
