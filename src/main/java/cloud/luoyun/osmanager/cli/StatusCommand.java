package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.util.Errors;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code osmanager status}: what the daemon ({@code run}, {@code boot} or {@code demo}) under a home
 * is doing, read from the {@code state/daemon.json} it keeps. Exit status as an init script's
 * status action: 0 running, 3 not running.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {
        "Says what the daemon ('osmanager run' or 'boot') under the home is doing: whether it runs, since when, "
            + "whether the agent is registered with the controller, the application's status, the ports, and "
            + "the agent's last event. Read from state/daemon.json, which the daemon keeps up to date.",
        "Exit status: 0 running; 3 not running (or never ran under this home); 2 the state file is unreadable."})
final class StatusCommand implements Callable<Integer> {
  static final int EXIT_NOT_RUNNING = 3;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @Spec CommandSpec spec;

  @Mixin HomeOption home;

  @Option(names = "--json", description = "Print the state as one JSON object (with \"running\": true|false).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Home h = home.home();
    Path file = DaemonStatus.file(h);
    Map<String, Object> state;
    try (InputStream in = Files.newInputStream(file)) {
      Object parsed = JSON.std.anyFrom(in.readNBytes(64 * 1024));
      if (!(parsed instanceof Map<?, ?> m)) {
        throw new ConfigException(file.toString(), "not a JSON object");
      }
      state = new LinkedHashMap<>();
      m.forEach((k, v) -> state.put(String.valueOf(k), v));
    } catch (NoSuchFileException e) {
      if (json) {
        out.println("{\"running\":false}");
      } else {
        out.println("no osmanager daemon has run with home " + h.dir());
      }
      return EXIT_NOT_RUNNING;
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "unreadable: " + Errors.reason(e));
    }
    boolean running = isRunning(state);
    if (!running) {
      // what the file says the daemon did, it no longer does (it may have died without a word)
      state.put("registered", false);
      state.put("applicationStatus", null);
    }
    if (json) {
      state.put("running", running);
      out.println(JSON.std.asString(state));
      return running ? Main.EXIT_OK : EXIT_NOT_RUNNING;
    }
    long started = number(state, "startedAt");
    String since = TIME.format(Instant.ofEpochMilli(started));
    if (!running) {
      out.println("osmanager " + state.get("command") + " is not running (last started " + since + ")");
      return EXIT_NOT_RUNNING;
    }
    Duration up = Duration.ofMillis(Math.max(0, System.currentTimeMillis() - started));
    out.printf("osmanager %s (pid %d) running since %s (up %dd %dh %dm)%n", state.get("command"), number(state, "pid"),
        since, up.toDays(), up.toHoursPart(), up.toMinutesPart());
    out.println("controller:   " + (Boolean.TRUE.equals(state.get("registered")) ? "registered" : "not registered"));
    Object app = state.get("applicationStatus");
    out.println("application:  " + (app instanceof Number n ? n + " (" + describe(n.intValue()) + ")" : "not probed yet"));
    out.println("page server:  port " + number(state, "pagesPort"));
    long terminal = number(state, "terminalPort");
    out.println("web terminal: " + (terminal > 0 ? "port " + terminal : "disabled"));
    long at = number(state, "lastEventAt");
    if (at > 0) {
      out.println("last event:   " + TIME.format(Instant.ofEpochMilli(at)) + " " + state.get("lastEvent"));
    }
    return Main.EXIT_OK;
  }

  /** The pid is alive and is the process that wrote the file (not a later one given the same pid). */
  private static boolean isRunning(Map<String, Object> state) {
    Optional<ProcessHandle> p = ProcessHandle.of(number(state, "pid"));
    if (p.isEmpty() || !p.get().isAlive()) {
      return false;
    }
    Optional<Instant> start = p.get().info().startInstant();
    long written = number(state, "startedAt");
    return start.isEmpty() || start.get().toEpochMilli() <= written + 60_000;
  }

  private static String describe(int status) {
    if (status == 2000) {
      return "serving";
    }
    return status == 2128 ? "unknown: no status script, or it hung" : "running, not ready: status script exit "
        + (status - 2000);
  }

  private static long number(Map<String, Object> state, String key) {
    return state.get(key) instanceof Number n ? n.longValue() : -1;
  }
}
