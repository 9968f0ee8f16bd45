package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.util.Errors;
import cloud.luoyun.osmanager.util.ExitStatus;
import cloud.luoyun.osmanager.util.Logging;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * The {@code osmanager} command. Exit status of every subcommand: 0 done; 1 failed while applying
 * or running; 2 bad input (bad option, unreadable or invalid config), with one line on stderr
 * naming what is wrong; 70 a long-running command ended by a fatal error (for the service manager
 * to restart it).
 */
@Command(name = "osmanager", versionProvider = Main.Version.class,
    description = "The LuoYun instance agent: applies the cloud's config, keeps the instance registered "
        + "with the controller, serves its page and a web terminal. 'osmanager COMMAND --help' tells more.")
public final class Main implements Runnable {

  @Spec CommandSpec spec;

  /** Bare {@code osmanager}: the usage, with every command. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private record Entry(Supplier<Object> make, String summary) {}

  /**
   * The subcommands, in the order --help lists them, each with the one line that list shows.
   * Built on demand: picocli reflects over every command it is given, and a boot-time run needs
   * only one.
   */
  private static final Map<String, Entry> COMMANDS = new LinkedHashMap<>();

  private static void command(String name, Supplier<Object> make, String summary) {
    COMMANDS.put(name, new Entry(make, summary));
  }

  static {
    command("configure", ConfigureCommand::new, "Apply the cloud's config (floppy, NoCloud, ConfigDrive) here.");
    command("agent", AgentCommand::new, "Keep the instance registered with the controller.");
    command("web", WebCommand::new, "Serve the instance's own page (port 8080).");
    command("webssh", WebSshCommand::new, "Serve a terminal in the browser (port 8001).");
    command("run", RunCommand::new, "The daemon: agent, page and terminal in one process.");
    command("boot", BootCommand::new, "configure, then run, in one process.");
    command("status", StatusCommand::new, "Say what the daemon and the last configure did.");
    command("controller", ControllerCommand::new, "A development controller, for tests and image builders.");
    command("floppy", FloppyCommand::new, "Write a config floppy image, as a compute node does.");
    command("install", InstallCommand::new, "Put OS Manager into this system or an image tree.");
    command("uninstall", UninstallCommand::new, "Take OS Manager out again (custom/, conf/, build/ stay).");
    command("demo", DemoCommand::new, "An instance's whole life on this machine, in a temp folder.");
  }

  public static void main(String[] args) {
    System.exit(commandLine(args.length > 0 ? args[0] : null).execute(args));
  }

  /** The whole command tree with osmanager's error handling. */
  public static CommandLine commandLine() {
    return commandLine(null);
  }

  /**
   * The command tree for a run whose first argument is {@code first}: only that subcommand when it
   * names one (the fast path at boot: each subcommand has its own --help and --version), else every
   * subcommand, {@code help} and osmanager's own --help and --version (help, errors). Each part
   * picocli is given costs start-up time: the two of help alone about 25 ms of a ~400 ms configure.
   */
  static CommandLine commandLine(String first) {
    CommandLine cl = new CommandLine(new Main());
    if (first != null && COMMANDS.containsKey(first)) {
      add(cl, first, COMMANDS.get(first));
    } else {
      cl.getCommandSpec().mixinStandardHelpOptions(true);
      cl.addSubcommand("help", new CommandLine.HelpCommand());
      COMMANDS.forEach((name, entry) -> add(cl, name, entry));
    }
    // Bad options are bad input: one line naming the problem (and what was probably meant), not
    // the whole usage text.
    cl.setParameterExceptionHandler((e, args) -> {
      CommandLine cmd = e.getCommandLine();
      PrintWriter err = cmd.getErr();
      err.println(e.getMessage() + " (see: " + cmd.getCommandSpec().qualifiedName() + " --help)");
      if (e instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
        err.println("Did you mean: " + String.join(" or ", u.getSuggestions().stream()
            .map(hint -> hint.startsWith("-") ? hint : cmd.getCommandSpec().qualifiedName() + " " + hint).toList())
            + "?");
      }
      return ExitStatus.BAD_INPUT;
    });
    // Under systemd the line carries its priority: refused input is a warning, a failure an error.
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ConfigException) {
        cmd.getErr().println(Logging.line(Level.WARNING, e.getMessage()));
        return ExitStatus.BAD_INPUT;
      }
      cmd.getErr().println(Logging.line(Level.SEVERE, "osmanager " + cmd.getCommandName() + ": " + Errors.describe(e)));
      return ExitStatus.FAILED;
    });
    return cl;
  }

  /** A subcommand with its one-line summary (the list's line, and its own help's first) and the version. */
  private static void add(CommandLine cl, String name, Entry entry) {
    CommandLine sub = new CommandLine(entry.make().get());
    sub.getCommandSpec().usageMessage().header(entry.summary());
    sub.getCommandSpec().versionProvider(new Version());
    cl.addSubcommand(name, sub);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"osmanager " + (v == null ? "dev" : v)};
    }
  }
}
