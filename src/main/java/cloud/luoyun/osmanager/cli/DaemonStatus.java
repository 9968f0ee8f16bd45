package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.util.Errors;
import cloud.luoyun.osmanager.agent.AgentEvent;
import cloud.luoyun.osmanager.agent.AgentListener;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.util.AtomicFile;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the running daemon is doing, kept in {@code state/daemon.json} for {@code osmanager
 * status}: pid, start time, ports, whether the agent is registered, the application's status and
 * the agent's last event. Rewritten atomically on each agent event that changes something (not on
 * echo and query traffic), so a reader never sees half a file. Holds no secret.
 * Thread-safe.
 */
final class DaemonStatus implements AgentListener {
  static final String FILE = "daemon.json";
  private static final Logger log = LoggerFactory.getLogger(DaemonStatus.class);

  private final Path file;
  private final String command;
  private final long startedAt = System.currentTimeMillis();
  private BooleanSupplier registered = () -> false;
  private Supplier<OptionalInt> applicationStatus = OptionalInt::empty;
  private int pagesPort = -1;
  private int terminalPort = -1;
  private String lastEvent = "";
  private long lastEventAt;
  private boolean warned;

  DaemonStatus(Home home, String command) {
    this.file = home.stateDir().resolve(FILE);
    this.command = command;
  }

  static Path file(Home home) {
    return home.stateDir().resolve(FILE);
  }

  synchronized void started(BooleanSupplier registered, Supplier<OptionalInt> applicationStatus, int pagesPort,
      int terminalPort) {
    this.registered = registered;
    this.applicationStatus = applicationStatus;
    this.pagesPort = pagesPort;
    this.terminalPort = terminalPort;
    write();
  }

  @Override
  public synchronized void onEvent(AgentEvent event) {
    if (event.kind().isRoutine()) {
      return; // echo and query traffic, either way: nothing changed
    }
    lastEvent = event.line();
    lastEventAt = System.currentTimeMillis();
    write();
  }

  private void write() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", command);
    m.put("pid", ProcessHandle.current().pid());
    m.put("startedAt", startedAt);
    m.put("pagesPort", pagesPort);
    m.put("terminalPort", terminalPort);
    m.put("registered", registered.getAsBoolean());
    OptionalInt status = applicationStatus.get();
    m.put("applicationStatus", status.isPresent() ? status.getAsInt() : null);
    m.put("lastEvent", lastEvent);
    m.put("lastEventAt", lastEventAt);
    try {
      Files.createDirectories(file.getParent());
      AtomicFile.write(file, JSON.std.asBytes(m), PosixFilePermissions.fromString("rw-r--r--"));
    } catch (IOException e) {
      if (!warned) { // once: a read-only state/ must not flood the log
        warned = true;
        log.error("cannot write {} ({}); 'osmanager status' will not know this daemon", file, Errors.reason(e));
      }
    }
  }
}
