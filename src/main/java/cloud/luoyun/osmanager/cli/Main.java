package cloud.luoyun.osmanager.cli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
@Command(name = "osmanager", mixinStandardHelpOptions = true, version = "osmanager 0.1.0",
    description = "The LuoYun instance agent.")
public final class Main implements Runnable {
  public void run() { new CommandLine(this).usage(System.out); }
  public static void main(String[] args) { System.exit(new CommandLine(new Main()).execute(args)); }
}
