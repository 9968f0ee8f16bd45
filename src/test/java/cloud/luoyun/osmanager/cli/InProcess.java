package cloud.luoyun.osmanager.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** {@code osmanager ARGS} run in this JVM, as {@link Main} runs it: its exit status and what it printed. */
record InProcess(int exitStatus, String out, String err) {
  static InProcess run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new InProcess(exit, out.toString(), err.toString());
  }
}
