package cloud.luoyun.osmanager.bench;

import cloud.luoyun.osmanager.controller.ControllerEvent;
import cloud.luoyun.osmanager.controller.DevController;
import cloud.luoyun.osmanager.controller.Instances;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark, not a test: the time from starting the installed launcher's {@code bin/osmanager
 * agent} to its registration (REGISTER answered) at a development controller in this JVM, on
 * loopback; each a cold start (a new JVM; the page cache is warm, as at a restart, not as at a
 * boot). Beside it, in the same rounds: a JVM hello world started with the launcher's own flags
 * (without osmanager's class-data archive; with the JDK's default one where it has one), the
 * floor of any Java program here; and the original C agent's 52 ms (measured on these machines,
 * TESTING.md). The trees take turns, so a busy moment of the shared machine hits both alike.
 *
 * <p>Usage (bench/startup.sh): {@code StartupBench RUNS deb=TREE tar=TREE}
 */
public final class StartupBench {
  private static final String KEY = "015e33a8-787d-457e-b84d-c2a101a816e0";
  private static final int TAG = 7;
  /** The original C agent: start to registered (TESTING.md, Baselines). */
  static final double C_AGENT_MS = 52;

  private StartupBench() {}

  public static void main(String[] args) throws Exception {
    int runs = Integer.parseInt(args[0]);
    List<Installed> trees = Installed.parse(List.of(args).subList(1, args.length));
    LinkedBlockingQueue<long[]> registrations = new LinkedBlockingQueue<>();
    Path logs = Files.createTempDirectory("osm-startup");
    try (DevController controller = new DevController(DevController.Options.loopback(Instances.of(Map.of(TAG, KEY))),
        e -> {
          if (e.kind() == ControllerEvent.Kind.REGISTERED) {
            registrations.add(new long[] {System.nanoTime()});
          }
        })) {
      int port = controller.start().getPort();
      Map<Installed, List<Double>> agent = new LinkedHashMap<>();
      Map<Installed, List<Double>> hello = new LinkedHashMap<>();
      Map<Installed, List<String>> helloArgv = new LinkedHashMap<>();
      for (Installed t : trees) {
        t.writeConfig(port, TAG, KEY, "{}");
        agent.put(t, new ArrayList<>());
        hello.put(t, new ArrayList<>());
        List<String> argv = new ArrayList<>(List.of(t.java().toString()));
        argv.addAll(t.launcherFlags());
        argv.addAll(List.of("-cp", Path.of("target/test-classes").toAbsolutePath().toString(), Hello.class.getName()));
        helloArgv.put(t, argv);
        System.out.println(t.label + ": " + t.launcher() + " agent; hello world: " + String.join(" ", argv));
      }
      for (int run = 0; run <= runs; run++) { // run 0 warms this JVM and the page cache; not counted
        for (Installed t : trees) {
          double a = registered(t, registrations, logs, run == 0);
          double h = helloWorld(helloArgv.get(t));
          if (run > 0) {
            agent.get(t).add(a);
            hello.get(t).add(h);
            System.out.printf("run %d %s: registered after %.0f ms; hello world %.0f ms%n", run, t.label, a, h);
          }
        }
      }
      List<Double> medians = new ArrayList<>();
      List<String> cells = new ArrayList<>();
      List<String> floors = new ArrayList<>();
      List<String> ratios = new ArrayList<>();
      for (Installed t : trees) {
        double m = Table.median(agent.get(t));
        double h = Table.median(hello.get(t));
        medians.add(m);
        cells.add(Table.f("%.0f ms", m));
        floors.add(Table.f("%s %.0f ms", t.label, h));
        ratios.add(Table.f("%s %.1f× hello, %.1f× C", t.label, m / h, m / C_AGENT_MS));
      }
      Table.row(Table.f("time to registered, `bin/osmanager agent`, cold (median of %d)", runs), cells.get(0),
          cells.size() > 1 ? cells.get(1) : "", "JVM hello world " + String.join(", ", floors)
              + Table.f("; C agent %.0f ms", C_AGENT_MS), String.join("; ", ratios), "≤ 300 / ≤ 150 ms",
          Table.holds(medians, 300, 150, false));
    } finally {
      cloud.luoyun.osmanager.TestFiles.deleteTree(logs);
    }
  }

  /** Milliseconds from starting the launcher to the controller's REGISTERED; then the agent is stopped. */
  private static double registered(Installed t, LinkedBlockingQueue<long[]> registrations, Path logs, boolean check)
      throws Exception {
    registrations.clear();
    Path log = logs.resolve(t.label + ".log");
    long start = System.nanoTime();
    Process p = t.command(log, "agent", "--home", t.home.toString()).start();
    try {
      long[] at = registrations.poll(30, TimeUnit.SECONDS);
      if (at == null) {
        throw new IllegalStateException(t.label + ": not registered within 30 s: " + Files.readString(log));
      }
      if (check && !t.mapsArchive(p.pid())) {
        throw new IllegalStateException(t.label + ": the agent does not map " + t.archive()
            + " (stale or missing: rerun with TREES_FRESH=1)");
      }
      return (at[0] - start) / 1e6;
    } finally {
      Installed.stop(p);
    }
  }

  private static double helloWorld(List<String> argv) throws Exception {
    long start = System.nanoTime();
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("hello world failed: " + argv);
    }
    return (System.nanoTime() - start) / 1e6;
  }
}
