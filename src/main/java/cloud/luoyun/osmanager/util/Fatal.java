package cloud.luoyun.osmanager.util;

import org.slf4j.Logger;

/**
 * The one rule for errors a process must not try to survive, and the one way to report them.
 *
 * <p>Fatal: a {@link VirtualMachineError} other than {@link StackOverflowError} (out of memory,
 * an internal error of the JVM): after one, no part can be trusted to work, so the process ends
 * and the service manager starts a clean one. A stack overflow is the one thread's (a deep
 * recursion in one request) and leaves the rest sound.
 *
 * <p>Reporting hands the error to the default uncaught-exception handler, which the daemon's
 * runner installs (it ends the process); code that catches everything (a scheduled task, an
 * accept loop) calls {@link #escalateIfFatal} first, so that nothing fatal is swallowed; a task
 * for a scheduled executor is wrapped in {@link #guarded}.
 */
public final class Fatal {
  private Fatal() {}

  public static boolean isFatal(Throwable t) {
    return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
  }

  /** Reports {@code t} as the current thread's death when it is fatal; returns whether it was. */
  public static boolean escalateIfFatal(Throwable t) {
    if (!isFatal(t)) {
      return false;
    }
    report(t);
    return true;
  }

  /**
   * {@code task} made safe for a scheduled executor, which would keep what it throws in a future
   * nobody reads and, for a periodic task, silently cancel the schedule: a part half-dead. An
   * exception is logged and the schedule goes on; an error is reported as the thread's death (the
   * daemon ends).
   */
  public static Runnable guarded(Logger log, String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("{} failed", what, e); // a part's task failed: a bug; the schedule goes on
      } catch (Error e) {
        report(e);
      }
    };
  }

  /** Reports {@code t} to the default uncaught-exception handler, as if this thread died of it. */
  public static void report(Throwable t) {
    Thread.UncaughtExceptionHandler handler = Thread.getDefaultUncaughtExceptionHandler();
    if (handler != null) {
      handler.uncaughtException(Thread.currentThread(), t);
    }
  }
}
