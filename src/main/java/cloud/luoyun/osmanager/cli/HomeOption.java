package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.InstanceConfig;
import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.util.Errors;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import picocli.CommandLine.Option;

/** {@code --home DIR}, shared by every subcommand that works on an install layout. */
final class HomeOption {
  @Option(names = "--home", paramLabel = "DIR", defaultValue = "/LuoYun",
      description = "Top directory of the install layout (conf/ log/ custom/ build/). Default: ${DEFAULT-VALUE}.")
  Path dir;

  Home home() {
    return new Home(dir);
  }

  /** Loads {@code conf/luoyun.conf}; a missing or unreadable file is bad input (exit 2) too. */
  InstanceConfig loadConfig() throws ConfigException {
    Home h = home();
    try {
      return h.loadConfig();
    } catch (NoSuchFileException e) {
      throw new ConfigException(h.conf().toString(), "no such file; 'osmanager configure' stores it there from the "
          + "config floppy (or give --home)");
    } catch (IOException e) {
      throw new ConfigException(h.conf().toString(), "cannot read: " + Errors.reason(e));
    }
  }

  /**
   * The config the daemon runs on: LuoYun's {@code conf/luoyun.conf} (with a controller to register
   * with), else none when configure applied another cloud's volume ({@link Home#seedCopy}); with
   * neither, bad input (exit 2) as {@link #loadConfig} says.
   */
  Daemon.Config loadDaemonConfig() throws ConfigException {
    Optional<InstanceSpec.Source> source = home().configSource();
    if (source.isPresent() && source.get() != InstanceSpec.Source.LUOYUN) {
      return new Daemon.Config(source.get(), Optional.empty());
    }
    return new Daemon.Config(InstanceSpec.Source.LUOYUN, Optional.of(loadConfig()));
  }

  /** Logs what the config parser noticed but accepted (unknown keys). */
  void logWarnings(Daemon.Config config, Logger log) {
    config.luoyun().ifPresent(c -> logWarnings(c, log));
  }

  void logWarnings(InstanceConfig config, Logger log) {
    config.warnings().forEach(w -> log.warn("{}: {}", home().conf(), w));
  }
}
