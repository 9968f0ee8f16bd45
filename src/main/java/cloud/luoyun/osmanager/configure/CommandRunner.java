package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a program from an argument list, never a shell. The seam through which every command of a
 * configure run goes, so tests can record what ran (and prove that nothing ran for a hostile
 * config).
 */
@FunctionalInterface
public interface CommandRunner {
  Processes.Result run(List<String> argv, Duration timeout, Map<String, String> extraEnv)
      throws IOException, InterruptedException;

  /** The real thing: {@link Processes#run}. */
  static CommandRunner system() {
    return (argv, timeout, env) -> Processes.run(argv, timeout, env, null);
  }
}
