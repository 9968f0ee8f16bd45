package cloud.luoyun.osmanager.vm;

import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The host programs the VM test runs: argument lists (no shell), each bounded in time, the whole
 * process tree killed at the bound; a failure names the command and shows the end of its output.
 */
final class Commands {
  private Commands() {}

  /** Runs argv; returns its output (stdout and stderr merged) or throws when it does not exit 0. */
  static String run(Duration limit, String... argv) throws IOException, InterruptedException {
    return run(limit, null, List.of(argv));
  }

  static String run(Duration limit, byte[] stdin, List<String> argv) throws IOException, InterruptedException {
    return run(limit, stdin, Map.of(), argv);
  }

  /** As {@link #run(Duration, byte[], List)}, with variables added to the environment. */
  static String run(Duration limit, byte[] stdin, Map<String, String> env, List<String> argv)
      throws IOException, InterruptedException {
    Processes.Result r = Processes.run(argv, limit, env, stdin);
    if (!r.ok()) {
      throw new IOException(String.join(" ", argv) + (r.timedOut()
          ? ": killed after " + limit.toSeconds() + " s" : ": exit status " + r.exitCode()) + "\n" + tail(r.output(), 4000));
    }
    return r.output();
  }

  /**
   * Fails (not skips) when a program is missing: on a machine that runs this test (root, as CI)
   * a missing tool means .ci/run does not install it.
   */
  static void requirePrograms(String... programs) {
    List<String> missing = Stream.of(programs).filter(p -> find(p) == null).toList();
    if (!missing.isEmpty()) {
      throw new AssertionError("the appliance VM test needs " + missing + " (see .ci/run's package list)");
    }
  }

  /** The program's path on PATH (plus the sbin folders root has), or null. */
  static Path find(String program) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return Path.of(dir, program);
      }
    }
    return null;
  }

  static String tail(String text, int chars) {
    return text.length() <= chars ? text : "..." + text.substring(text.length() - chars);
  }
}
