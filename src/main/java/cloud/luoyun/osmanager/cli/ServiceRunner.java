package cloud.luoyun.osmanager.cli;

import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a long-lived service until the process is asked to stop (SIGTERM from systemd, SIGINT from
 * a terminal), then closes it and exits with status 0, which a service manager counts as a clean
 * stop (the JVM's own status after SIGTERM would be 143).
 */
final class ServiceRunner {
  private ServiceRunner() {}

  interface Start {
    void start() throws Exception;
  }

  /** Starts the service and blocks for good; the shutdown hook ends the process. */
  static int runUntilSignalled(String name, Start start, AutoCloseable service) throws Exception {
    start.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        service.close();
      } catch (Exception e) {
        LoggerFactory.getLogger(ServiceRunner.class).warn("{} did not close cleanly", name, e);
      }
      for (Handler h : Logger.getLogger("").getHandlers()) {
        h.flush();
      }
      System.out.flush();
      Runtime.getRuntime().halt(Main.EXIT_OK);
    }, "osm-shutdown"));
    new CountDownLatch(1).await();
    return Main.EXIT_OK;
  }
}
