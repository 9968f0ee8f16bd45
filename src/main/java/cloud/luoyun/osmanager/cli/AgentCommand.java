package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.agent.Agent;
import cloud.luoyun.osmanager.agent.AgentListener;
import cloud.luoyun.osmanager.agent.AgentSettings;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.util.Logging;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code osmanager agent}: the seed's pyosm. */
@Command(name = "agent", mixinStandardHelpOptions = true,
    description = {
        "Keeps this instance registered with the LuoYun controller (seed: pyosm): authenticates both ways, "
            + "registers, answers the controller's echo and query requests, and reports the application's "
            + "state from custom/scripts/status (exit 0 = serving). Reconnects with a jittered back-off; "
            + "when CLC_IP is empty or the controller stays unreachable, listens for its JOIN beacons.",
        "Reads conf/luoyun.conf; logs to stdout and log/osm.log. Runs until SIGTERM or SIGINT (exit 0)."})
final class AgentCommand implements Callable<Integer> {
  @Mixin HomeOption home;

  @Option(names = "--status-interval", paramLabel = "SEC", defaultValue = "60",
      description = "Seconds between runs of custom/scripts/status. Default: ${DEFAULT-VALUE}.")
  long statusInterval;

  @Option(names = "--status-timeout", paramLabel = "SEC", defaultValue = "30",
      description = "Time limit of one run of the status script; on expiry it is killed, with everything it "
          + "started, and the state is reported as unknown (2128). The script runs in a process group of its "
          + "own, which is killed when it exits too; its output is discarded. Default: ${DEFAULT-VALUE}.")
  long statusTimeout;

  @Option(names = {"-v", "--verbose"}, description = "Log debugging detail too.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    OptionCheck.seconds("--status-interval", statusInterval);
    OptionCheck.seconds("--status-timeout", statusTimeout);
    Home h = home.home();
    InstanceConfig config = home.loadConfig();
    Logging.configure(h.logDir(), "osm.log", verbose);
    Logger log = LoggerFactory.getLogger(AgentCommand.class);
    home.logWarnings(config, log);
    AgentSettings settings =
        AgentSettings.from(h, config, Duration.ofSeconds(statusInterval), Duration.ofSeconds(statusTimeout));
    log.info("agent starting: tag {}, controller {}", settings.tag(),
        settings.controller().map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).orElse("to be discovered"));
    Agent agent = new Agent(settings, AgentListener.NONE);
    return ServiceRunner.runUntilSignalled("agent", agent::start, agent);
  }
}
