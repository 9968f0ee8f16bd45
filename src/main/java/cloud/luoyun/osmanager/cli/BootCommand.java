package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.agent.AgentListener;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.configure.Configurator;
import cloud.luoyun.osmanager.configure.Report;
import cloud.luoyun.osmanager.http.JettyDefaults;
import cloud.luoyun.osmanager.util.ExitStatus;
import cloud.luoyun.osmanager.util.Logging;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code osmanager boot}: {@code configure}, then {@code run}, in one JVM — one start-up cost at
 * boot instead of two. A config the floppy brings that is invalid is not applied (configure says
 * why); the daemon then runs on the conf/luoyun.conf already in place, so an instance whose owner
 * mistyped a field stays reachable and registered.
 */
@Command(name = "boot", mixinStandardHelpOptions = true,
    description = {
        "Does what 'osmanager configure' and then 'osmanager run' do, in one process: applies the config "
            + "the cloud handed over, then runs the agent, the page server and the web terminal.",
        "When the floppy's config is invalid, nothing of it is applied and the daemon runs on the "
            + "conf/luoyun.conf already in place; without a usable config at all it exits with status 2. "
            + "Runs until SIGTERM or SIGINT (exit 0)."})
final class BootCommand implements Callable<Integer> {
  @Mixin HomeOption home;

  @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
      description = "Prefix of every system path configure touches. Default: ${DEFAULT-VALUE}.")
  Path root;

  @Option(names = "--source", paramLabel = "PATH", defaultValue = "/dev/fd0",
      description = "Where the config is, as 'osmanager configure --source' takes it. Default: ${DEFAULT-VALUE}.")
  Path source;

  @Mixin SourcesOption sources;

  @Mixin DaemonOptions daemonOptions;

  @Override
  public Integer call() throws Exception {
    JettyDefaults.prepare(); // before any Jetty class loads
    daemonOptions.validate();
    Home h = home.home();
    Logging.configure(h.logDir(), "osm.log", daemonOptions.verbose);
    Logger log = LoggerFactory.getLogger(BootCommand.class);
    Report report = new Configurator(sources.applyTo(Configurator.Options.of(h).withRoot(root).withSource(source)))
        .run(step -> { }); // the Configurator logs each step's line itself
    report.badInput().ifPresent(m -> log.warn("config from {} refused, not applied: {}", source, m));
    if (report.exitCode() == ExitStatus.FAILED) {
      log.warn("configure: a step failed (see the lines above); starting the daemon all the same");
    }

    Daemon.Config config = home.loadDaemonConfig(); // no usable config at all: one line, exit 2
    home.logWarnings(config, log);
    Daemon daemon = new Daemon(h, config, AgentListener.NONE, daemonOptions.statusInterval(), "boot");
    return ServiceRunner.runUntilSignalled("osmanager boot",
        () -> daemon.start(daemonOptions.pagesAddress(), daemonOptions.terminal(), log), daemon);
  }
}
