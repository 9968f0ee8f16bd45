package cloud.luoyun.osmanager.bench;

import cloud.luoyun.osmanager.TestFiles;
import cloud.luoyun.osmanager.controller.ControllerEvent;
import cloud.luoyun.osmanager.controller.DevController;
import cloud.luoyun.osmanager.controller.Instances;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark, not a test: the time from starting {@code java [FLAGS] -jar target/osmanager.jar agent}
 * to its registration at an in-process development controller on loopback, and the agent's RSS
 * once it has reported. Prints each run and the median.
 *
 * <p>Run with bench/agent-startup.sh, or: {@code java -cp target/osmanager.jar:target/test-classes
 * cloud.luoyun.osmanager.bench.AgentStartupBench RUNS [JVM flags...]}
 */
public final class AgentStartupBench {
  private static final String KEY = "015e33a8-787d-457e-b84d-c2a101a816e0";

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    List<String> flags = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : List.of();
    Path jar = Path.of("target/osmanager.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      System.err.println("build the jar first: mvn -B -q package -DskipTests");
      System.exit(2);
    }
    LinkedBlockingQueue<ControllerEvent> events = new LinkedBlockingQueue<>();
    Path home = Files.createTempDirectory("osm-bench");
    try (DevController controller = new DevController(
        DevController.Options.loopback(Instances.of(Map.of(7, KEY))), events::add)) {
      InetSocketAddress address = controller.start();
      writeHome(home, address.getPort());
      List<Long> millis = new ArrayList<>();
      List<Long> rssKb = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        events.clear();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.addAll(List.of("-jar", jar.toString(), "agent", "--home", home.toString()));
        long start = System.nanoTime();
        Process agent = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
          await(events, ControllerEvent.Kind.REGISTERED);
          long registered = System.nanoTime() - start;
          await(events, ControllerEvent.Kind.REPORT);
          Thread.sleep(500); // settle: the first status run and its threads are done
          long rss = rssKb(agent.pid());
          millis.add(TimeUnit.NANOSECONDS.toMillis(registered));
          rssKb.add(rss);
          System.out.printf("run %d: registered after %d ms, RSS %d MiB%n", run, millis.get(millis.size() - 1),
              rss / 1024);
        } finally {
          agent.destroy();
          agent.waitFor(5, TimeUnit.SECONDS);
          agent.destroyForcibly();
        }
      }
      System.out.printf("flags: %s%nmedian of %d runs: registered after %d ms (min %d, max %d), RSS %d MiB%n",
          flags.isEmpty() ? "(none)" : String.join(" ", flags), runs, median(millis), Collections.min(millis),
          Collections.max(millis), median(rssKb) / 1024);
    } finally {
      TestFiles.deleteTree(home);
    }
  }

  private static void await(LinkedBlockingQueue<ControllerEvent> events, ControllerEvent.Kind kind)
      throws InterruptedException {
    while (true) {
      ControllerEvent e = events.poll(30, TimeUnit.SECONDS);
      if (e == null) {
        throw new IllegalStateException("no " + kind + " event within 30 s");
      }
      if (e.kind() == kind) {
        return;
      }
    }
  }

  private static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static void writeHome(Path home, int port) throws IOException {
    Files.createDirectories(home.resolve("conf"));
    Files.createDirectories(home.resolve("custom/scripts"));
    Files.writeString(home.resolve("conf/luoyun.conf"), "CLC_IP=127.0.0.1\nCLC_PORT=" + port
        + "\nCLC_MCAST_IP=228.0.0.1\nCLC_MCAST_PORT=1369\nTAG=7\nKEY=" + KEY + "\nJSON={}\n");
    Path script = home.resolve("custom/scripts/status");
    Files.writeString(script, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private AgentStartupBench() {}
}
