package cloud.luoyun.osmanager.agent;

import cloud.luoyun.osmanager.agent.wire.OsmProtocol;
import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the appliance's {@code custom/scripts/status} (no shell, with a time limit) and turns its
 * result into a REPORT value (SPEC §4.3): {@code 2000 + exit code} for exit codes 0..127,
 * {@code 2128} when the state is unknown: no script, not executable, killed, timed out.
 *
 * <p>A run leaves nothing behind: the script runs in a process group of its own
 * ({@link Processes#startInOwnGroup}), with no pipe to us (its output is discarded), and the whole
 * group is killed when the script exits or its time is up, so a child it left running (a
 * {@code sleep 100000 &} holding its output open) goes with it. Nothing waits for it either: the
 * JDK's reaper notices the exit, and the result is handed to the timer's thread, so a hung script
 * never holds up what else runs there (the agent's ECHO checks).
 *
 * <p>Thread-safe. Never runs two copies at once: asked while a run is under way, it answers with
 * that run's result.
 */
final class StatusProbe implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusProbe.class);
  private final Path script;
  private final Duration timeout;
  private final ScheduledExecutorService timer;
  private Run current; // guarded by this: the run under way, null when none
  private boolean missingLogged; // guarded by this
  /** A run hung or could not start, and was warned of: later ones are not, until one answers. */
  private boolean failureLogged; // guarded by this
  private boolean closed; // guarded by this

  /** One run of the script; its fields are guarded by the probe. */
  private static final class Run {
    final Process process;
    final CompletableFuture<Integer> result = new CompletableFuture<>();
    ScheduledFuture<?> deadline;
    boolean timedOut;

    Run(Process process) {
      this.process = process;
    }
  }

  /**
   * @param timer where the time limit waits and results are completed (the agent's status thread)
   */
  StatusProbe(Path script, Duration timeout, ScheduledExecutorService timer) {
    this.script = script;
    this.timeout = timeout;
    this.timer = timer;
  }

  /**
   * Starts a run unless one is under way; never blocks. The result completes on the timer's
   * thread (at once, on the caller's, when there is no script to run).
   */
  synchronized CompletableFuture<Integer> run() {
    if (current != null) {
      return current.result;
    }
    if (closed) {
      return CompletableFuture.completedFuture(OsmProtocol.REPORT_UNKNOWN);
    }
    if (!Files.isRegularFile(script) || !Files.isExecutable(script)) {
      if (!missingLogged) {
        log.warn("status script {} is missing or not executable; reporting {} (unknown)", script,
            OsmProtocol.REPORT_UNKNOWN);
        missingLogged = true;
      }
      return CompletableFuture.completedFuture(OsmProtocol.REPORT_UNKNOWN);
    }
    missingLogged = false;
    Process process;
    try {
      process = Processes.startInOwnGroup(List.of(script.toString()));
    } catch (IOException e) {
      failed("status script {} could not run: {}; reporting {}", script, e.getMessage(), OsmProtocol.REPORT_UNKNOWN);
      return CompletableFuture.completedFuture(OsmProtocol.REPORT_UNKNOWN);
    }
    Run run = new Run(process);
    current = run;
    run.deadline = timer.schedule(() -> expire(run), timeout.toMillis(), TimeUnit.MILLISECONDS);
    process.onExit().whenComplete((p, e) -> onTimer(() -> finish(run)));
    return run.result;
  }

  /** The time is up: the group is killed, and the exit that follows finishes the run. */
  private synchronized void expire(Run run) {
    if (current != run) {
      return;
    }
    run.timedOut = true;
    failed("status script {} ran longer than {} s and was killed; reporting {}", script, timeout.toSeconds(),
        OsmProtocol.REPORT_UNKNOWN);
    kill(run);
  }

  /** The script has exited: whatever it left in its group goes too; then the result. */
  private void finish(Run run) {
    int report;
    synchronized (this) {
      if (current != run) {
        return;
      }
      current = null;
      run.deadline.cancel(false);
      kill(run);
      report = run.timedOut ? OsmProtocol.REPORT_UNKNOWN : toReport(run.process.exitValue());
      if (!run.timedOut && failureLogged) {
        failureLogged = false;
        log.info("status script {} answers again: exit status {}", script, run.process.exitValue());
      }
    }
    run.result.complete(report);
  }

  /** A warning for the first run that hangs or cannot start; the runs after it, every minute, at debug. */
  private void failed(String format, Object... args) {
    if (failureLogged) {
      log.debug(format, args);
    } else {
      failureLogged = true;
      log.warn(format, args);
    }
  }

  private static void kill(Run run) {
    Processes.killTree(run.process.toHandle()); // while it lives; in our group without setsid
    Processes.killGroup(run.process.pid());
  }

  private void onTimer(Runnable task) {
    try {
      timer.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // the timer has stopped (closing): clean up here
    }
  }

  /** Kills a run under way, group and all; its result is unknown. Later runs report unknown. */
  @Override
  public void close() {
    Run run;
    synchronized (this) {
      closed = true;
      run = current;
      current = null;
      if (run != null) {
        run.deadline.cancel(false);
        kill(run);
      }
    }
    if (run != null) {
      run.result.complete(OsmProtocol.REPORT_UNKNOWN);
    }
  }

  /** 0..127 → 2000 + code; anything else (a signal, 128+N from the JVM) is unknown. */
  static int toReport(int exitCode) {
    return exitCode >= 0 && exitCode <= 127 ? OsmProtocol.REPORT_RUNNING + exitCode : OsmProtocol.REPORT_UNKNOWN;
  }
}
