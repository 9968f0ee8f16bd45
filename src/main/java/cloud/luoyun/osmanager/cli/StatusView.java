package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.agent.ControllerState;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.configure.Outcome;
import cloud.luoyun.osmanager.configure.RunRecord;
import cloud.luoyun.osmanager.configure.StepResult;
import cloud.luoyun.osmanager.util.Errors;
import cloud.luoyun.osmanager.util.ExitStatus;
import cloud.luoyun.osmanager.util.HumanTime;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code osmanager status} says, read once from {@code state/daemon.json} (the daemon's) and
 * {@code state/configure.json} (the last configure run's), with the daemon's ports tried: whether
 * it runs, whether it is healthy (registered with the controller, every port accepting
 * connections, the last configure clean), and every problem in words. A daemon that is gone
 * claims nothing: no registration, no application status, no ports. Not thread-safe; cheap to
 * make again.
 */
final class StatusView {
  /** A port that takes longer than this to accept a connection on this very host does not listen. */
  static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
  private static final String LABEL = "%-14s";

  private final Home home;
  private final Instant now;
  private final Optional<DaemonState> daemon;
  private final boolean running;
  private final Optional<RunRecord> configure;
  private final Optional<String> configureUnreadable;
  private final Map<String, Boolean> listening = new LinkedHashMap<>();

  private StatusView(Home home, Instant now, Optional<DaemonState> daemon, Optional<RunRecord> configure,
      Optional<String> configureUnreadable) {
    this.home = home;
    this.now = now;
    this.daemon = daemon;
    this.running = daemon.map(StatusView::isRunning).orElse(false);
    this.configure = configure;
    this.configureUnreadable = configureUnreadable;
    if (running) {
      ports().forEach((part, port) -> listening.put(part, accepts(port)));
    }
  }

  /** @throws IOException when daemon.json cannot be read: then nothing can be told */
  static StatusView read(Home home) throws IOException {
    Optional<DaemonState> daemon = DaemonState.read(DaemonStatus.file(home));
    Optional<RunRecord> configure = Optional.empty();
    Optional<String> unreadable = Optional.empty();
    Path record = home.stateDir().resolve(RunRecord.FILE);
    try {
      configure = RunRecord.read(record);
    } catch (IOException e) {
      unreadable = Optional.of("cannot read " + record + ": " + Errors.reason(e));
    }
    return new StatusView(home, Instant.now(), daemon, configure, unreadable);
  }

  boolean running() {
    return running;
  }

  boolean registered() {
    return running && controller().map(ControllerState::registered).orElse(false);
  }

  /** A daemon whose instance has a controller (a LuoYun config); the others only serve. */
  private boolean hasController() {
    return daemon.flatMap(DaemonState::controller).isPresent();
  }

  /** Each thing that needs an operator, in words; empty when all is well. */
  List<String> problems() {
    List<String> p = new ArrayList<>();
    if (running && hasController() && !registered()) {
      p.add("not registered with the controller" + controller().flatMap(ControllerState::trouble).map(t -> ": " + t)
          .orElse(""));
    }
    ports().forEach((part, at) -> {
      if (running && !listening.getOrDefault(part, false)) {
        p.add(part + " does not accept connections on port " + at.getPort());
      }
    });
    configure.ifPresent(c -> {
      if (c.refused().isPresent()) {
        p.add("configure refused the config from " + c.source() + ": " + c.refused().get());
      } else if (c.exitStatus() != 0) {
        p.add("configure: failed: " + String.join(", ", failedSteps(c)));
      }
    });
    configureUnreadable.ifPresent(p::add);
    return p;
  }

  /** 0 running and healthy, 150 running but degraded, 3 not running (LSB). */
  int exitStatus() {
    if (!running) {
      return ExitStatus.NOT_RUNNING;
    }
    return problems().isEmpty() ? ExitStatus.OK : ExitStatus.DEGRADED;
  }

  private String health() {
    return !running ? "not running" : problems().isEmpty() ? "healthy" : "degraded";
  }

  // ---------------------------------------------------------------------------------------------
  // for people

  void print(PrintWriter out) {
    if (daemon.isEmpty()) {
      out.println("no osmanager daemon has run with home " + home.dir());
    } else if (!running) {
      out.println("osmanager " + shown(daemon.get().command()) + " is not running (last started "
          + time(daemon.get().startedAt()) + ")");
    } else {
      printDaemon(out);
    }
    printConfigure(out);
    if (running && !problems().isEmpty()) {
      problems().forEach(p -> line(out, "degraded:", p));
    }
  }

  private void printDaemon(PrintWriter out) {
    DaemonState d = daemon.orElseThrow();
    out.println("osmanager " + shown(d.command()) + " (pid " + d.pid() + ") running since "
        + time(d.startedAt()) + ": " + health());
    Optional<ControllerState> controller = controller();
    if (controller.isEmpty()) {
      line(out, "controller:", "no controller (config from " + d.config().orElse("an unknown source") + ")");
    } else {
      ControllerState c = controller.get();
      String at = c.controller().map(StatusView::shown).orElse("the controller");
      if (c.registered()) {
        line(out, "controller:", "registered with " + at + " since " + time(c.registeredSince()));
      } else {
        line(out, "controller:", "not registered" + c.trouble().map(t -> ": " + shown(t)).orElse("")
            + c.troubleSince().map(t -> " (since " + time(Optional.of(t)) + ")").orElse(""));
      }
      if (c.lastReport().isPresent()) {
        int r = c.lastReport().getAsInt();
        line(out, "last report:", r + " (" + meaning(r) + ") at " + time(c.lastReportAt()));
      }
      line(out, "application:", d.application().isPresent()
          ? d.application().getAsInt() + " (" + meaning(d.application().getAsInt()) + ")" : "not probed yet");
    }
    Map<String, InetSocketAddress> ports = ports();
    for (String part : List.of(Daemon.PAGE_SERVER, Daemon.WEB_TERMINAL)) {
      InetSocketAddress p = ports.get(part);
      line(out, part + ":", p == null ? "disabled by the instance config"
          : "port " + p.getPort() + (listening.get(part) ? ", listening" : ", NOT accepting connections"));
    }
  }

  private void printConfigure(PrintWriter out) {
    configureUnreadable.ifPresent(u -> line(out, "configure:", u));
    if (configure.isEmpty()) {
      if (configureUnreadable.isEmpty()) {
        line(out, "configure:", "no run recorded under " + home.dir());
      }
      return;
    }
    RunRecord c = configure.get();
    String outcome = c.refused().map(r -> "refused the config: " + shown(r) + " (nothing of it applied)")
        .orElse(c.exitStatus() == 0 ? "all steps good" : "failed: " + String.join(", ", failedSteps(c)));
    line(out, "configure:", HumanTime.at(c.at(), now) + ", from " + shown(c.source()) + ": exit status "
        + c.exitStatus() + ", " + outcome);
    line(out, "config:", shown(c.configFile()) + c.origin().config().map(k -> " (" + k + ")").orElse("")
        + c.configChangedAt().map(t -> ", changed " + HumanTime.at(t, now)).orElse(", none"));
    c.origin().others().forEach(o -> line(out, "not used:", o));
    if (!c.origin().notApplied().isEmpty()) {
      line(out, "not applied:", String.join(", ", c.origin().notApplied()) + " (OS Manager does not apply these keys)");
    }
    for (StepResult s : c.steps()) {
      out.println("  " + shown(s.line()));
    }
  }

  private static void line(PrintWriter out, String label, String text) {
    out.println(String.format(LABEL, label) + shown(text));
  }

  // ---------------------------------------------------------------------------------------------
  // for programs

  /** The view as JSON values ({@code status --json}); times in ISO 8601 with the offset. */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("running", running);
    m.put("health", health());
    m.put("exitStatus", exitStatus());
    m.put("problems", problems());
    daemon.ifPresent(d -> {
      Map<String, Object> about = new LinkedHashMap<>();
      about.put("command", d.command());
      String started = d.startedAt().map(HumanTime::iso).orElse(null);
      if (running) {
        about.put("pid", d.pid());
        about.put("startedAt", started);
      } else {
        about.put("lastStartedAt", started);
      }
      d.config().ifPresent(c -> about.put("config", c));
      m.put("daemon", about);
    });
    if (running) {
      controller().ifPresent(c -> m.put("controller", DaemonState.toMap(c))); // absent: no controller
      OptionalInt app = daemon.get().application();
      if (app.isPresent()) {
        m.put("application", Map.of("status", app.getAsInt(), "meaning", meaning(app.getAsInt())));
      }
      Map<String, Object> ports = new LinkedHashMap<>();
      ports().forEach((part, at) -> {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("port", at.getPort());
        p.put("listening", listening.get(part));
        ports.put(part.equals(Daemon.PAGE_SERVER) ? "pageServer" : "webTerminal", p);
      });
      m.put("ports", ports);
    }
    configure.ifPresent(c -> m.put("configure", c.toMap()));
    return m;
  }

  // ---------------------------------------------------------------------------------------------

  /** The pid is alive and is the process that wrote the file (not a later one given the same pid). */
  private static boolean isRunning(DaemonState state) {
    Optional<ProcessHandle> p = state.pid() > 0 ? ProcessHandle.of(state.pid()) : Optional.empty();
    if (p.isEmpty() || !p.get().isAlive() || state.startedAt().isEmpty()) {
      return false;
    }
    Optional<Instant> start = p.get().info().startInstant();
    return start.isEmpty() || !start.get().isAfter(state.startedAt().get().plusSeconds(60));
  }

  private Optional<ControllerState> controller() {
    return daemon.flatMap(DaemonState::controller);
  }

  /** The daemon's ports by part; the terminal's is absent when the config disables it. */
  private Map<String, InetSocketAddress> ports() {
    Map<String, InetSocketAddress> m = new LinkedHashMap<>();
    daemon.ifPresent(d -> {
      d.pages().flatMap(StatusView::knock).ifPresent(a -> m.put(Daemon.PAGE_SERVER, a));
      d.terminal().flatMap(StatusView::knock).ifPresent(a -> m.put(Daemon.WEB_TERMINAL, a));
    });
    return m;
  }

  /**
   * Where to knock: the loopback address for a port on all addresses, else its own. Only a
   * literal address is used (never a name to look up).
   */
  private static Optional<InetSocketAddress> knock(DaemonState.Listener l) {
    if (l.port() < 1 || l.port() > 65535) {
      return Optional.empty();
    }
    String address = l.address().matches("[0-9A-Fa-f.:]{2,45}") ? l.address() : "0.0.0.0";
    try {
      InetAddress a = InetAddress.getByName(address); // a literal: no lookup
      return Optional.of(new InetSocketAddress(a.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : a,
          l.port()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static boolean accepts(InetSocketAddress at) {
    try (Socket s = new Socket()) {
      s.connect(at, (int) PROBE_TIMEOUT.toMillis());
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static List<String> failedSteps(RunRecord c) {
    List<String> failed = c.steps().stream().filter(s -> s.outcome() == Outcome.FAILED).map(StepResult::step).toList();
    return failed.isEmpty() ? List.of("a step") : failed;
  }

  static String meaning(int status) {
    if (status == 2000) {
      return "serving";
    }
    return status == 2128 ? "unknown: no status script, or it hung"
        : "running, not ready: status script exit " + (status - 2000);
  }

  private String time(Optional<Instant> t) {
    return t.map(at -> HumanTime.at(at, now)).orElse("an unknown time");
  }

  /**
   * Text from a file for a terminal: what the daemon and configure wrote carries text that came
   * from elsewhere (a controller's words, a script's output), and a control character in it could
   * move the cursor or retitle the window.
   */
  static String shown(Object o) {
    String s = String.valueOf(o);
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }
}
