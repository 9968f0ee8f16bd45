package cloud.luoyun.osmanager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What a person meets at the command line: the command list, versions, suggestions for typos. */
class CommandLineHelpTest {
  private static final List<String> COMMANDS = List.of("configure", "agent", "web", "webssh", "run", "boot", "status",
      "controller", "floppy", "install", "uninstall", "demo");
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    CommandLine cl = Main.commandLine(args.length > 0 ? args[0] : null);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void bareOsmanagerListsEveryCommandWithAOneLineSummary() {
    assertThat(run()).isZero();

    List<String> lines = out.toString().lines().toList();
    for (String command : COMMANDS) {
      assertThat(lines).as(command).anyMatch(l -> l.matches("  " + command + " +\\S.*\\."));
    }
    // one line each: no summary wraps onto an indented continuation line
    assertThat(lines.subList(lines.indexOf("Commands:") + 1, lines.size())).allMatch(l -> l.matches("  \\S.*"));
  }

  @Test
  void helpListsTheSameCommands() {
    assertThat(run("--help")).isZero();

    for (String command : COMMANDS) {
      assertThat(out.toString()).contains("\n  " + command + " ");
    }
  }

  @Test
  void everyCommandPrintsTheVersionWithDashVAndDashDashVersion() {
    for (String command : COMMANDS) {
      for (String flag : List.of("-V", "--version")) {
        out.getBuffer().setLength(0);
        assertThat(run(command, flag)).as(command + " " + flag).isZero();
        assertThat(out.toString()).as(command + " " + flag).startsWith("osmanager ");
      }
    }
  }

  @Test
  void everyLongRunningCommandLogsDebuggingDetailWithDashV() {
    for (String command : List.of("agent", "web", "webssh", "run", "boot")) {
      out.getBuffer().setLength(0);
      assertThat(run(command, "--help")).isZero();
      assertThat(out.toString()).as(command).contains("-v, --verbose");
    }
  }

  @Test
  void aMistypedCommandGetsASuggestion() {
    assertThat(run("ruN")).isEqualTo(2);

    assertThat(err.toString()).contains("'ruN'").contains("Did you mean: osmanager run");
  }

  @Test
  void aMistypedOptionGetsASuggestion() {
    assertThat(run("status", "--jsno")).isEqualTo(2);

    assertThat(err.toString()).contains("Unknown option: '--jsno'").contains("Did you mean: --json?");
  }
}
