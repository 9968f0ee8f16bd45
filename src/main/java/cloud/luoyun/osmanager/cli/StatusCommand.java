package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.util.Errors;
import cloud.luoyun.osmanager.util.ExitStatus;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code osmanager status}: what the daemon ({@code run}, {@code boot} or {@code demo}) under a home
 * is doing and what the last configure did ({@link StatusView}); {@code --wait} until the daemon
 * is registered with its controller. Exit status as an init script's status action (LSB): 0
 * running and healthy, 3 not running, 4 unknown; and 150 running but degraded.
 */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Says what the daemon ('osmanager run' or 'boot') under the home is doing: since when it runs, the "
            + "controller it is registered with and since when (or what keeps it from registering, and since "
            + "when), its last report, the application's status, its ports and whether they accept connections; "
            + "and what the last configure (or boot) did, step by step, with the config's source and time.",
        "Read from state/daemon.json, which the daemon keeps up to date, and state/configure.json; the ports "
            + "are tried on this host.",
        "Exit status (LSB, as an init script's status action): 0 running and healthy; 150 running but degraded "
            + "(not registered, a port not accepting connections, or the last configure refused the config or "
            + "had a step fail: each is said); 3 not running (or never ran under this home); 4 the state cannot "
            + "be read; 2 a bad option."})
final class StatusCommand implements Callable<Integer> {
  /** How often --wait reads the daemon's state file again. */
  private static final Duration POLL = Duration.ofMillis(250);

  @Spec CommandSpec spec;

  @Mixin HomeOption home;

  @Option(names = "--json", description = "Print one JSON object (running, health, exitStatus, problems, daemon, "
      + "controller, application, ports, configure); times in ISO 8601 with the offset. A daemon that is not "
      + "running claims nothing: no controller, application or ports.")
  boolean json;

  @Option(names = "--wait", description = "Wait until the daemon runs and is registered with its controller "
      + "(for image tests and scripts), then say as without it.")
  boolean await;

  @Option(names = "--timeout", paramLabel = "SEC", defaultValue = "120",
      description = "With --wait: give up after SEC seconds (0: never), and say what there is. Default: ${DEFAULT-VALUE}.")
  long timeout;

  @Override
  public Integer call() throws Exception {
    if (timeout < 0) {
      throw new ConfigException("--timeout", "must be 0 or more seconds: " + timeout);
    }
    if (!await && spec.commandLine().getParseResult().hasMatchedOption("--timeout")) {
      throw new ConfigException("--timeout", "only with --wait");
    }
    Home h = home.home();
    StatusView view;
    try {
      view = await ? waitForRegistration(h) : StatusView.read(h);
    } catch (IOException e) {
      spec.commandLine().getErr().println("osmanager status: cannot tell: " + DaemonStatus.file(h) + ": "
          + Errors.reason(e).lines().findFirst().orElse("")); // a JSON parser's message spans lines
      return ExitStatus.UNKNOWN;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(JSON.std.asString(view.toMap()));
    } else {
      view.print(out);
    }
    out.flush();
    return view.exitStatus();
  }

  /** Reads the state again and again until the daemon is registered or the time is up. */
  private StatusView waitForRegistration(Home h) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
    while (true) {
      StatusView view = StatusView.read(h);
      if (view.registered() || (timeout > 0 && System.nanoTime() - deadline >= 0)) {
        return view;
      }
      Thread.sleep(POLL.toMillis());
    }
  }
}
