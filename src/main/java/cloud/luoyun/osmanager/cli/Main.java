package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code osmanager} command. Exit status of every subcommand: 0 done; 1 failed while applying
 * or running; 2 bad input (bad option, unreadable or invalid config), with one line on stderr
 * naming what is wrong.
 */
@Command(name = "osmanager", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "The LuoYun instance agent: applies the cloud's config, keeps the instance registered "
        + "with the controller, serves its page and a web terminal.",
    subcommands = {CommandLine.HelpCommand.class, ConfigureCommand.class, AgentCommand.class, WebCommand.class,
        WebSshCommand.class, RunCommand.class, ControllerCommand.class, FloppyCommand.class, DemoCommand.class})
public final class Main implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_BAD_INPUT = 2;

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command tree with osmanager's error handling: a config error is one line and exit 2. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
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
