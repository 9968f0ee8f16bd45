package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.config.ConfigException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code osmanager} command. Exit status of every subcommand: 0 done; 1 failed while applying
 * or running; 2 bad input (bad option, unreadable or invalid config), with one line on stderr
 * naming what is wrong; 70 a long-running command ended by a fatal error (for the service manager
 * to restart it).
 */
@Command(name = "osmanager", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "The LuoYun instance agent: applies the cloud's config, keeps the instance registered "
        + "with the controller, serves its page and a web terminal.",
    subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_BAD_INPUT = 2;
  /** A daemon ended by a fatal error ({@code EX_SOFTWARE}); never 2, which systemd does not restart. */
  public static final int EXIT_FATAL = 70;

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /**
   * The subcommands, in the order --help lists them. Built on demand: picocli reflects over every
   * command it is given, and a boot-time run needs only one.
   */
  private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("configure", ConfigureCommand::new);
    COMMANDS.put("agent", AgentCommand::new);
    COMMANDS.put("web", WebCommand::new);
    COMMANDS.put("webssh", WebSshCommand::new);
    COMMANDS.put("run", RunCommand::new);
    COMMANDS.put("boot", BootCommand::new);
    COMMANDS.put("status", StatusCommand::new);
    COMMANDS.put("controller", ControllerCommand::new);
    COMMANDS.put("floppy", FloppyCommand::new);
    COMMANDS.put("install", InstallCommand::new);
    COMMANDS.put("uninstall", UninstallCommand::new);
    COMMANDS.put("demo", DemoCommand::new);
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
   * names one (the fast path at boot), every subcommand otherwise (help, errors).
   */
  static CommandLine commandLine(String first) {
    CommandLine cl = new CommandLine(new Main());
    if (first != null && COMMANDS.containsKey(first)) {
      cl.addSubcommand(first, COMMANDS.get(first).get());
    } else {
      COMMANDS.forEach((name, make) -> cl.addSubcommand(name, make.get()));
    }
    // Bad options are bad input: one line naming the problem, not the whole usage text.
    cl.setParameterExceptionHandler((e, args) -> {
      CommandLine cmd = e.getCommandLine();
      cmd.getErr().println(e.getMessage() + " (see: " + cmd.getCommandSpec().qualifiedName() + " --help)");
      return EXIT_BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ConfigException) {
        cmd.getErr().println(e.getMessage());
        return EXIT_BAD_INPUT;
      }
      cmd.getErr().println("osmanager " + cmd.getCommandName() + ": " + e);
      return EXIT_FAILED;
    });
    return cl;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"osmanager " + (v == null ? "dev" : v)};
    }
  }
}
