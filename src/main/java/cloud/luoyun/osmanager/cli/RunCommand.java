package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.agent.AgentListener;
import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.util.JettyDefaults;
import cloud.luoyun.osmanager.util.Logging;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code osmanager run}: the long-running daemon of an instance — the agent, the page server and
 * (unless the config disables it) the web terminal in one JVM, the two web parts on one Jetty
 * server and thread pool. One process instead of three is most of the memory a small VM saves.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {
        "Runs the instance's daemon: the agent (as 'osmanager agent'), the page server (as 'osmanager web', "
            + "port 8080) and the web terminal (as 'osmanager webssh', port from the config or 8001; not "
            + "started when the config says \"webssh\": {\"status\": \"disable\"}) in one process, sharing "
            + "one HTTP server and thread pool. The page's status.json shows the agent's live state.",
        "Reads conf/luoyun.conf; logs to stdout and log/osm.log (pages: log/web.log). Runs until SIGTERM or "
            + "SIGINT (exit 0)."})
final class RunCommand implements Callable<Integer> {
  @Mixin HomeOption home;

  @Option(names = "--status-interval", paramLabel = "SEC", defaultValue = "60",
      description = "Seconds between runs of custom/scripts/status. Default: ${DEFAULT-VALUE}.")
  long statusInterval;

  @Option(names = "--web-port", paramLabel = "N", defaultValue = "8080",
      description = "Port of the instance's page (0: any free port). Default: ${DEFAULT-VALUE}.")
  int webPort;

  @Option(names = "--webssh-port", paramLabel = "N",
      description = "Port of the web terminal (0: any free port). Default: webssh.port from the config, else 8001.")
  Integer websshPort;

  @Option(names = "--ssh-port", paramLabel = "N", defaultValue = "22",
      description = "Port of this instance's sshd, which the web terminal logs into. Default: ${DEFAULT-VALUE}.")
  int sshPort;

  @Option(names = {"-v", "--verbose"}, description = "Log debugging detail too.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    JettyDefaults.prepare(); // before any Jetty class loads
    checkPort("--web-port", webPort, 0);
    if (websshPort != null) {
      checkPort("--webssh-port", websshPort, 0);
    }
    checkPort("--ssh-port", sshPort, 1);
    if (statusInterval < 1) {
      throw new ConfigException("--status-interval", "must be at least 1 second: " + statusInterval);
    }
    Home h = home.home();
    InstanceConfig config = home.loadConfig();
    Logging.configure(h.logDir(), "osm.log", verbose);
    Logger log = LoggerFactory.getLogger(RunCommand.class);
    home.logWarnings(config, log);

    Daemon daemon = new Daemon(h, config, AgentListener.NONE, Duration.ofSeconds(statusInterval));
    return ServiceRunner.runUntilSignalled("osmanager run",
        () -> daemon.start(new InetSocketAddress(webPort), websshPort, sshPort, log), daemon);
  }

  private static void checkPort(String option, int port, int min) throws ConfigException {
    if (port < min || port > 65535) {
      throw new ConfigException(option, port + " is out of range (expected: " + min + "..65535)");
    }
  }
}
