package cloud.luoyun.osmanager.util;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program with an argument list — never through a shell, so no config value is ever parsed
 * as shell syntax — with a time limit. On expiry the whole process tree is killed (descendants
 * first, so a script's children do not outlive it) and the result says {@code timedOut}.
 * Output (stdout and stderr merged) is kept up to {@link #MAX_OUTPUT} bytes; the rest is drained and
 * dropped so a chatty program never blocks on a full pipe nor grows our memory.
 */
public final class Processes {
  public static final int MAX_OUTPUT = 64 * 1024;

  private Processes() {}

  /**
   * What a run ended with. {@code exitCode} is -1 when the time limit killed it.
   */
  public record Result(int exitCode, boolean timedOut, String output) {
    public boolean ok() {
      return !timedOut && exitCode == 0;
    }
  }

  public static Result run(List<String> argv, Duration timeout) throws IOException, InterruptedException {
    return run(argv, timeout, Map.of(), null);
  }

  /**
   * @param extraEnv added to (and overriding) this process's environment
   * @param stdin bytes for standard input, or null for an empty one
   */
  public static Result run(List<String> argv, Duration timeout, Map<String, String> extraEnv, byte[] stdin)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.copyOf(argv)).redirectErrorStream(true);
    pb.environment().putAll(extraEnv);
    Process p = pb.start();
    BoundedDrain drain = new BoundedDrain(p.getInputStream());
    Thread reader = new Thread(drain, "osm-proc-output");
    reader.setDaemon(true);
    reader.start();
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
    } catch (IOException e) {
      // the program exited without reading its input; its exit status tells the rest
    }
    boolean finished;
    try {
      finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      killTree(p.toHandle());
      throw e;
    }
    if (!finished) {
      killTree(p.toHandle());
      p.waitFor(5, TimeUnit.SECONDS);
    }
    reader.join(1000);
    return new Result(finished ? p.exitValue() : -1, !finished, drain.text());
  }

  /** Kills a process and everything it started, children first. */
  public static void killTree(ProcessHandle root) {
    root.descendants().forEach(ProcessHandle::destroyForcibly);
    root.destroyForcibly();
  }

  private static final class BoundedDrain implements Runnable {
    private final InputStream in;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    BoundedDrain(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buf = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          synchronized (kept) {
            int room = MAX_OUTPUT - kept.size();
            if (room > 0) {
              kept.write(buf, 0, Math.min(room, n));
            }
          }
        }
      } catch (IOException e) {
        // the pipe closed under us when the process was killed: keep what we have
      }
    }

    String text() {
      synchronized (kept) {
        return kept.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
