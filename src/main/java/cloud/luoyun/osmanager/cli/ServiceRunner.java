package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.util.ExitStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import org.slf4j.LoggerFactory;

/**
 * The one way osmanager's long-running commands ({@code agent}, {@code web}, {@code webssh},
 * {@code run}, {@code boot}) run and end, and so the one shutdown path:
 * <ul>
 *   <li>asked to stop (SIGTERM from the service manager, SIGINT from a terminal): the service is
 *       closed and the process exits with status 0, a clean stop (the JVM's own would be 143);</li>
 *   <li>a fatal error: a thread that dies of something it did not handle (a part's own thread, an
 *       error a part reported through {@link cloud.luoyun.osmanager.util.Fatal}) is logged, the
 *       service closed the same way, and the process exits with {@link Main#ExitStatus.FATAL}, for the
 *       service manager to start a clean one: a daemon that lost a part must not run on half-dead;</li>
 *   <li>either way within {@link #STOP_DEADLINE}: a close that hangs (a part stuck after a fault)
 *       is cut short.</li>
 * </ul>
 * Start and stop are logged, the stop with its signal: {@code osmanager run stopping on SIGTERM},
 * written before the shutdown hooks start (the JDK's own hook resets the logging at the same time
 * as ours run). The signals are taken over from the JVM only to learn their names; they end the
 * process as the JVM's own handlers would, through the same hooks.
 * Out of memory, the launcher's {@code -XX:+ExitOnOutOfMemoryError} ends the JVM before any of
 * this, with status 3.
 */
final class ServiceRunner {
  /** From the signal to the end of the process, at most (the service manager allows 10 s). */
  static final Duration STOP_DEADLINE = Duration.ofMillis(1900);

  private static volatile String serviceName = "osmanager";
  private static volatile int exitStatus = ExitStatus.OK;
  private static volatile boolean stopping;
  private static volatile boolean failed;
  private static final List<String> STOP_SIGNALS = List.of("TERM", "INT", "HUP");

  private ServiceRunner() {}

  interface Start {
    void start() throws Exception;
  }

  /**
   * Starts the service and blocks for good; the shutdown hooks end the process. A thread that dies
   * while it starts ends the process already (status {@link Main#ExitStatus.FATAL}).
   */
  static int runUntilSignalled(String name, Start start, AutoCloseable service) throws Exception {
    serviceName = name;
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(ServiceRunner::died);
    try {
      start.start();
    } catch (Exception | Error e) {
      Thread.setDefaultUncaughtExceptionHandler(before); // did not start: nothing of ours runs
      throw e;
    }
    // Two hooks, which the JVM runs at the same time: one closes the service, one cuts it short.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(service), "osm-shutdown"));
    Runtime.getRuntime().addShutdownHook(new Thread(ServiceRunner::deadline, "osm-shutdown-deadline"));
    nameStopSignals();
    String version = Main.class.getPackage().getImplementationVersion();
    LoggerFactory.getLogger(ServiceRunner.class).info("{} started (osmanager {}, pid {})", name,
        version == null ? "dev" : version, ProcessHandle.current().pid());
    new CountDownLatch(1).await();
    return ExitStatus.OK;
  }

  /**
   * Takes SIGTERM, SIGINT and SIGHUP over from the JVM to remember which one came; each then ends
   * the process as the JVM's handler would, by {@link System#exit} and so the shutdown hooks. Where
   * the JVM refuses (run with {@code -Xrs}, say), its own handlers stay, and the stop is logged
   * without the signal's name.
   */
  private static void nameStopSignals() {
    for (String name : STOP_SIGNALS) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
          LoggerFactory.getLogger(ServiceRunner.class).info("{} stopping on SIG{}", serviceName, signal.getName());
          System.exit(ExitStatus.OK); // the hook ends it with exitStatus: 0, or 70 after a fatal error
        });
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        LoggerFactory.getLogger(ServiceRunner.class).debug("SIG{} stays the JVM's: {}", name, e.getMessage());
      }
    }
  }

  /** The default uncaught-exception handler: a thread died of {@code e}; the process ends. */
  static void died(Thread thread, Throwable e) {
    if (stopping || failed) {
      return; // already ending: the first reason is the one that counts
    }
    failed = true;
    exitStatus = ExitStatus.FATAL;
    try {
      LoggerFactory.getLogger(ServiceRunner.class).error("fatal: thread {} died of {}; {} ends for the service "
          + "manager to restart it", thread.getName(), e, serviceName, e);
    } catch (Throwable logFailure) {
      // nothing more to do: the exit status says it
    }
    try {
      // not on the dying thread: closing the service may wait for it to end
      new Thread(() -> System.exit(ExitStatus.FATAL), "osm-fatal-exit").start();
    } catch (Throwable noThread) {
      Runtime.getRuntime().halt(ExitStatus.FATAL);
    }
  }

  private static void stop(AutoCloseable service) {
    stopping = true;
    try {
      service.close();
    } catch (Exception e) {
      LoggerFactory.getLogger(ServiceRunner.class).warn("{} did not close cleanly", serviceName, e);
    }
    halt();
  }

  private static void deadline() {
    try {
      Thread.sleep(STOP_DEADLINE.toMillis());
      LoggerFactory.getLogger(ServiceRunner.class).warn("{} did not stop within {} ms; ending it now", serviceName,
          STOP_DEADLINE.toMillis());
    } catch (Throwable e) {
      // end it all the same
    }
    halt();
  }

  private static void halt() {
    try {
      for (Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
        h.flush();
      }
      System.out.flush();
    } catch (Throwable e) {
      // the exit status is what matters now
    }
    Runtime.getRuntime().halt(exitStatus);
  }
}
