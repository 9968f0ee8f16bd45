package cloud.luoyun.osmanager.util;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs programs with argument lists — never through a shell, so no config value is ever parsed as
 * shell syntax.
 *
 * <p>{@link #run}: with a time limit; on expiry the whole process tree is killed (descendants
 * first, so a script's children do not outlive it) and the result says {@code timedOut}. Output
 * (stdout and stderr merged) is kept up to {@link #MAX_OUTPUT} bytes; the rest is drained and
 * dropped so a chatty program never blocks on a full pipe nor grows our memory.
 *
 * <p>{@link #startInOwnGroup} and {@link #killGroup}: for a program run again and again by a daemon
 * (the status script), which must leave nothing behind: no pipe, no thread, no process.
 */
public final class Processes {
  public static final int MAX_OUTPUT = 64 * 1024;
  /** util-linux's setsid(1), which Debian always has (util-linux is essential). */
  private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));
  private static final Path PROC = Path.of("/proc");
  /** Rounds of a group kill: a member may fork while the round before kills it. */
  private static final int KILL_ROUNDS = 20;

  private Processes() {}

  /**
   * Starts {@code argv} as the leader of a session and process group of its own, so that
   * {@link #killGroup} can later end it and everything it started, also what outlives it (a
   * {@code sleep 100000 &} holding its output open). Through setsid(1), as an argument list:
   * {@code setsid --wait -- argv...} (a child of the JVM is never a group leader, so setsid
   * does not fork: the process's pid is the group's id). Without setsid, the program runs in our
   * group, and only its tree can be killed.
   *
   * <p>Standard input is {@code /dev/null}, output and errors are discarded: the caller holds no
   * pipe, and needs no thread to drain one.
   */
  public static Process startInOwnGroup(List<String> argv) throws IOException {
    List<String> command = new ArrayList<>();
    Optional<Path> setsid = SETSID.stream().filter(Files::isExecutable).findFirst();
    setsid.ifPresent(p -> command.addAll(List.of(p.toString(), "--wait", "--")));
    command.addAll(argv);
    return new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  /**
   * SIGKILL to every live process of process group {@code pgid}, again until none is left (or
   * after {@value #KILL_ROUNDS} rounds): found in {@code /proc}, each killed through a handle taken
   * before its group is read, so that a pid reused meanwhile is never hit. Our own group and
   * init's are refused. Processes that made a session of their own (a daemon's double fork)
   * have left the group and are not found.
   */
  public static void killGroup(long pgid) {
    if (pgid <= 1 || pgid == ownGroup()) {
      throw new IllegalArgumentException("not a group to kill: " + pgid);
    }
    for (int round = 0; round < KILL_ROUNDS && killMembers(pgid) > 0; round++) {
      Thread.onSpinWait();
    }
  }

  /** Kills the live members of the group found now; returns how many. */
  private static int killMembers(long pgid) {
    int killed = 0;
    try (DirectoryStream<Path> all = Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
      for (Path dir : all) {
        long pid = Long.parseLong(dir.getFileName().toString());
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isPresent() && group(dir).orElse(-1L) == pgid) {
          handle.get().destroyForcibly(); // checks the start time: a reused pid is left alone
          killed++;
        }
      }
    } catch (IOException e) {
      return 0; // no /proc: nothing to find
    }
    return killed;
  }

  /** The process group in {@code /proc/PID/stat}; empty when gone or a zombie (already dead). */
  private static Optional<Long> group(Path procDir) {
    String stat;
    try {
      stat = Files.readString(procDir.resolve("stat"), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return Optional.empty();
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so from the last ')'
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4);
    if (f.length < 4 || f[0].equals("Z") || f[0].equals("X")) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(f[2]));
  }

  /**
   * Whether process {@code pid} is running: it exists and is not a zombie (a process that has
   * died and waits to be reaped, which {@link ProcessHandle#isAlive} counts as alive; where init
   * reaps late, a killed process stays one for a while). Without {@code /proc}, as ProcessHandle says.
   */
  public static boolean isRunning(long pid) {
    if (!Files.isDirectory(PROC)) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
    return group(PROC.resolve(Long.toString(pid))).isPresent();
  }

  private static long ownGroup() {
    return group(PROC.resolve("self")).orElse(-1L);
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
  }

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
