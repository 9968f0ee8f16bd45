package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Runs commands for real and remembers each argument list; fakes a failing {@code modprobe}. */
final class RecordingRunner implements CommandRunner {
  final List<List<String>> commands = new CopyOnWriteArrayList<>();

  @Override
  public Processes.Result run(List<String> argv, Duration timeout, Map<String, String> extraEnv)
      throws IOException, InterruptedException {
    commands.add(List.copyOf(argv));
    if (argv.get(0).equals("modprobe")) {
      return new Processes.Result(1, false, "modprobe: faked by the test");
    }
    return Processes.run(argv, timeout, extraEnv, null);
  }

  /** Commands that change something: everything but {@code ip ... -j ... show}. */
  List<List<String>> changing() {
    return commands.stream().filter(c -> !(c.get(0).equals("ip") && c.contains("-j"))).toList();
  }
}
