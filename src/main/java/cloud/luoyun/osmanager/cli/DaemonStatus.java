package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.agent.AgentEvent;
import cloud.luoyun.osmanager.agent.AgentListener;
import cloud.luoyun.osmanager.agent.ControllerState;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.util.AtomicFile;
import cloud.luoyun.osmanager.util.Errors;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code state/daemon.json} ({@link DaemonState}) true for {@code osmanager status} while the
 * daemon runs: rewritten atomically when an agent event changes what it says (never for echo and
 * query traffic), so a reader never sees half a file. Holds no secret. Thread-safe.
 */
final class DaemonStatus implements AgentListener {
  private static final Logger log = LoggerFactory.getLogger(DaemonStatus.class);

  private final Path file;
  private final String command;
  private final Instant startedAt = Instant.now();
  private String config;
  private Supplier<Optional<ControllerState>> controller;
  private Supplier<OptionalInt> applicationStatus = OptionalInt::empty;
  private InetSocketAddress pages;
  private InetSocketAddress terminal;
  private DaemonState written;
  private boolean failed;

  DaemonStatus(Home home, String command) {
    this.file = file(home);
    this.command = command;
  }

  static Path file(Home home) {
    return home.stateDir().resolve(DaemonState.FILE);
  }

  /**
   * @param config where the config came from ({@code luoyun}, {@code nocloud}, ...)
   * @param controller what the agent knows of its controller; empty when there is none
   * @param terminal where the web terminal listens, or null when the config disables it
   */
  synchronized void started(String config, Supplier<Optional<ControllerState>> controller,
      Supplier<OptionalInt> applicationStatus, InetSocketAddress pages, InetSocketAddress terminal) {
    this.config = config;
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

  private void write() {
    DaemonState state = new DaemonState(command, ProcessHandle.current().pid(), Optional.of(startedAt),
        Optional.of(config), Optional.of(listener(pages)), Optional.ofNullable(terminal).map(DaemonStatus::listener),
        controller.get(), applicationStatus.get());
    if (state.equals(written)) {
      return; // a retry that changed nothing
    }
    try {
      Files.createDirectories(file.getParent());
      AtomicFile.write(file, JSON.std.asBytes(state.toMap()), PosixFilePermissions.fromString("rw-r--r--"));
      written = state;
    } catch (IOException e) {
      if (!failed) { // once: a read-only state/ must not flood the log
        failed = true;
        log.error("cannot write {} ({}); 'osmanager status' will not know this daemon", file, Errors.reason(e));
      }
    }
  }

  private static DaemonState.Listener listener(InetSocketAddress at) {
    return new DaemonState.Listener(at.getAddress() == null ? "0.0.0.0" : at.getAddress().getHostAddress(),
        at.getPort());
  }
}
