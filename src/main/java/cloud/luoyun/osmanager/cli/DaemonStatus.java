package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.agent.AgentEvent;
import cloud.luoyun.osmanager.agent.AgentListener;
import cloud.luoyun.osmanager.agent.ControllerState;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.util.AtomicFile;
import cloud.luoyun.osmanager.util.Errors;
import cloud.luoyun.osmanager.util.HumanTime;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the running daemon is doing, kept in {@code state/daemon.json} for {@code osmanager
 * status}: its pid and start, its ports and addresses, what the agent knows of its controller
 * (address, registered since, the last report and when, or what keeps it from registering and
 * since when) and the application's status; times in ISO 8601 with the offset.
 * <pre>
 * {"command": "run", "pid": 4242, "startedAt": "2026-11-25T18:58:21+08:00",
 *  "pages": {"address": "0.0.0.0", "port": 8080}, "terminal": {"address": "0.0.0.0", "port": 8001},
 *  "controller": {"address": "10.0.0.1:1369", "registered": true, "registeredSince": "...",
 *                 "lastReport": 2000, "lastReportAt": "..."},
 *  "application": 2000}
 * </pre>
 * {@code terminal} is absent when the config disables it, and so is every value not known yet.
 * Rewritten atomically when an agent event changes what it says (never for echo and query
 * traffic), so a reader never sees half a file. Holds no secret. Thread-safe.
 */
final class DaemonStatus implements AgentListener {
  static final String FILE = "daemon.json";
  /** Larger is not ours: read no more of it. */
  private static final int MAX_BYTES = 64 * 1024;
  private static final Logger log = LoggerFactory.getLogger(DaemonStatus.class);

  private final Path file;
  private final String command;
  private final Instant startedAt = Instant.now();
  private Supplier<ControllerState> controller;
  private Supplier<OptionalInt> applicationStatus = OptionalInt::empty;
  private InetSocketAddress pages;
  private InetSocketAddress terminal;
  private Map<String, Object> written;
  private boolean failed;

  DaemonStatus(Home home, String command) {
    this.file = file(home);
    this.command = command;
  }

  static Path file(Home home) {
    return home.stateDir().resolve(FILE);
  }

  /**
   * @param terminal where the web terminal listens, or null when the config disables it
   */
  synchronized void started(Supplier<ControllerState> controller, Supplier<OptionalInt> applicationStatus,
      InetSocketAddress pages, InetSocketAddress terminal) {
    this.controller = controller;
    this.applicationStatus = applicationStatus;
    this.pages = pages;
    this.terminal = terminal;
    write();
  }

  @Override
  public synchronized void onEvent(AgentEvent event) {
    if (controller != null && !event.kind().isRoutine()) {
      write();
    }
  }

  /**
   * What {@code file} says, as JSON values; empty when no daemon ever wrote it.
   *
   * @throws IOException when it cannot be read or is not a JSON object
   */
  static Optional<Map<String, Object>> read(Path file) throws IOException {
    Object parsed;
    try (InputStream in = Files.newInputStream(file)) {
      parsed = JSON.std.anyFrom(in.readNBytes(MAX_BYTES));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (!(parsed instanceof Map<?, ?> m)) {
      throw new IOException("not a JSON object");
    }
    Map<String, Object> state = new LinkedHashMap<>();
    m.forEach((k, v) -> state.put(String.valueOf(k), v));
    return Optional.of(state);
  }

  private void write() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", command);
    m.put("pid", ProcessHandle.current().pid());
    m.put("startedAt", HumanTime.iso(startedAt));
    m.put("pages", listener(pages));
    if (terminal != null) {
      m.put("terminal", listener(terminal));
    }
    m.put("controller", controller(controller.get()));
    OptionalInt app = applicationStatus.get();
    app.ifPresent(a -> m.put("application", a));
    if (m.equals(written)) {
      return; // a retry that changed nothing
    }
    try {
      Files.createDirectories(file.getParent());
      AtomicFile.write(file, JSON.std.asBytes(m), PosixFilePermissions.fromString("rw-r--r--"));
      written = m;
    } catch (IOException e) {
      if (!failed) { // once: a read-only state/ must not flood the log
        failed = true;
        log.error("cannot write {} ({}); 'osmanager status' will not know this daemon", file, Errors.reason(e));
      }
    }
  }

  private static Map<String, Object> listener(InetSocketAddress at) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("address", at.getAddress() == null ? "0.0.0.0" : at.getAddress().getHostAddress());
    m.put("port", at.getPort());
    return m;
  }

  private static Map<String, Object> controller(ControllerState c) {
    Map<String, Object> m = new LinkedHashMap<>();
    c.controller().ifPresent(a -> m.put("address", a));
    m.put("registered", c.registered());
    c.registeredSince().ifPresent(t -> m.put("registeredSince", HumanTime.iso(t)));
    c.lastReport().ifPresent(r -> m.put("lastReport", r));
    c.lastReportAt().ifPresent(t -> m.put("lastReportAt", HumanTime.iso(t)));
    c.troubleSince().ifPresent(t -> m.put("troubleSince", HumanTime.iso(t)));
    c.trouble().ifPresent(t -> m.put("trouble", t));
    return m;
  }
}
