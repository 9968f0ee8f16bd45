package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.agent.AgentListener;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.http.JettyDefaults;
import cloud.luoyun.osmanager.util.Logging;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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

  @Mixin DaemonOptions daemonOptions;

  @Override
  public Integer call() throws Exception {
    JettyDefaults.prepare(); // before any Jetty class loads
    daemonOptions.validate();
    Home h = home.home();
    Daemon.Config config = home.loadDaemonConfig();
    Logging.configure(h.logDir(), "osm.log", daemonOptions.verbose);
    Logger log = LoggerFactory.getLogger(RunCommand.class);
    home.logWarnings(config, log);

    Daemon daemon = new Daemon(h, config, AgentListener.NONE, daemonOptions.statusInterval(), "run");
    return ServiceRunner.runUntilSignalled("osmanager run",
        () -> daemon.start(daemonOptions.pagesAddress(), daemonOptions.terminal(), log), daemon);
  }
}
