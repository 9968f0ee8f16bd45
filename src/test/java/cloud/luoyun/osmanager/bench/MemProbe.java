package cloud.luoyun.osmanager.bench;

import cloud.luoyun.osmanager.TestFiles;
import cloud.luoyun.osmanager.controller.ControllerEvent;
import cloud.luoyun.osmanager.controller.DevController;
import cloud.luoyun.osmanager.controller.Instances;
import cloud.luoyun.osmanager.webssh.SshServerFixture;
import cloud.luoyun.osmanager.webssh.WebSshBench;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark tool, not a test: where the daemon's memory goes, phase by phase: settled, one
 * terminal session logged in, after wrk -t2 -c32 on the page (as {@link DaemonBench} runs them,
 * without the idle window and the original's servers). Per phase: RSS and threads by name,
 * smaps_rollup, RSS by mapping (the class-data archive, libjvm, anonymous by size), and the JVM's
 * own view through jcmd: GC.heap_info, and the NMT summary (against the settled baseline) when the
 * flags enable it. As root (a throw-away sshd user).
 *
 * <p>Usage (bench/memory.sh): {@code MemProbe deb=TREE tar=TREE}, with
 * {@code -Dprobe.jcmd=PATH} (jcmd), {@code -Dprobe.noWrk=true} (no burst),
 * {@code -Dprobe.gc=true} (live-object histograms, settled and with the session, to
 * target/bench-results/histo-*.txt; then GC.run), {@code -Dprobe.shell=true} (the terminal's echo and
 * bulk output on the session). OSMANAGER_JAVA_OPTS passes to the daemon, e.g.
 * {@code -XX:NativeMemoryTracking=summary}.
 */
public final class MemProbe {
  private static final String KEY = "015e33a8-787d-457e-b84d-c2a101a816e0";
  private static final int TAG = 7;
  private static final int SETTLE_S = Integer.getInteger("bench.settle", 10);
  private static final String JCMD = System.getProperty("probe.jcmd");
  private static final boolean WRK = !Boolean.getBoolean("probe.noWrk");

  private MemProbe() {}

  public static void main(String[] args) throws Exception {
    List<Installed> trees = Installed.parse(List.of(args));
    Path work = Files.createTempDirectory("osm-mem-probe");
    LinkedBlockingQueue<ControllerEvent> events = new LinkedBlockingQueue<>();
    try (DevController controller = new DevController(DevController.Options.loopback(Instances.of(Map.of(TAG, KEY))),
        events::add);
        SshServerFixture sshd = new SshServerFixture(work.resolve("sshd"))) {
      int controllerPort = controller.start().getPort();
      Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
      for (Installed t : trees) {
        t.writeConfig(controllerPort, TAG, KEY, "{\"cookie\": \"x\"}");
        for (String folder : List.of("custom/www/nocookie", "custom/www/withcookie")) {
          Files.createDirectories(t.home.resolve(folder));
          Files.writeString(t.home.resolve(folder).resolve("index.html"),
              "<html><body><h1>$application on $hostname</h1>" + "<p>filler text</p>\n".repeat(200)
                  + "</body></html>\n");
        }
        events.clear();
        int web = SshServerFixture.freePort();
        int term = SshServerFixture.freePort();
        String[] run = t.runArguments(web, term, sshd.port, sshd.dir);
        Path firstLog = work.resolve(t.label + "-first-run.log");
        t.firstStart(firstLog, run, () -> DaemonBench.await(events, ControllerEvent.Kind.REPORT, firstLog));
        events.clear();
        Path log = work.resolve(t.label + "-run.log");
        Process daemon = t.command(log, run).start();
        try {
          DaemonBench.await(events, ControllerEvent.Kind.REPORT, log);
          long pid = daemon.pid();
          System.out.printf("== %s pid %d maps archive: %s%n", t.label, pid, t.mapsArchive(pid));
          Thread.sleep(SETTLE_S * 1000L);
          jcmd(pid, "VM.native_memory", "baseline");
          if (Boolean.getBoolean("probe.gc")) {
            Files.writeString(Path.of("target/bench-results/histo-" + t.label + "-settled.txt"),
                jcmd(pid, "GC.class_histogram"));
          }
          phase(t.label + " settled", pid, false);
          try (WebSshBench.Ours session = DaemonBench.loggedIn(term, sshd)) {
            Thread.sleep(2000);
            phase(t.label + " session", pid, true);
            if (Boolean.getBoolean("probe.gc")) {
              Files.writeString(Path.of("target/bench-results/histo-" + t.label + "-session.txt"),
                  jcmd(pid, "GC.class_histogram"));
              jcmd(pid, "GC.run");
              Thread.sleep(1000);
              phase(t.label + " session after GC.run", pid, true);
            }
            if (WRK) {
              System.out.printf("   wrk %.0f req/s%n", DaemonBench.wrk("http://127.0.0.1:" + web + "/"));
              Thread.sleep(2000);
              phase(t.label + " burst", pid, true);
            }
            if (Boolean.getBoolean("probe.shell")) {
              System.out.println("   terminal " + WebSshBench.measureShell("osmanager " + t.label, session));
              System.out.printf("-- %s after the terminal: RSS %s, %d threads%n", t.label, Table.mib(Proc.rssKib(pid)),
                  Proc.threads(pid));
            }
          }
        } finally {
          Installed.stop(daemon);
        }
      }
    } finally {
      TestFiles.deleteTree(work);
    }
  }

  private static void phase(String name, long pid, boolean diff) throws Exception {
    System.out.printf("-- %s: RSS %s, %d threads%n", name, Table.mib(Proc.rssKib(pid)), Proc.threads(pid));
    System.out.println("   threads " + Proc.threadNames(pid));
    System.out.println("   rollup " + rollup(pid));
    System.out.println("   smaps " + smaps(pid));
    if (diff) {
      String d = jcmd(pid, "VM.native_memory", "summary.diff");
      System.out.println(indent(d));
    } else {
      System.out.println(indent(jcmd(pid, "VM.native_memory", "summary")));
    }
    System.out.println(indent(jcmd(pid, "GC.heap_info")));
  }

  private static String rollup(long pid) throws Exception {
    StringBuilder b = new StringBuilder();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 3 && List.of("Rss:", "Pss:", "Shared_Clean:", "Private_Clean:", "Private_Dirty:", "Anonymous:")
          .contains(f[0])) {
        b.append(f[0]).append(' ').append(String.format("%.1fM ", Long.parseLong(f[1]) / 1024.0));
      }
    }
    return b.toString();
  }

  /** RSS per mapping kind: the archive, libjvm, other files, anonymous (by size class). */
  private static String smaps(long pid) throws Exception {
    Map<String, Long> kib = new TreeMap<>();
    String kind = null;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
      if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
        String[] f = line.trim().split("\\s+");
        String file = f.length >= 6 ? f[5] : "";
        if (file.endsWith(".jsa")) {
          kind = "archive";
        } else if (file.contains("libjvm")) {
          kind = "libjvm";
        } else if (file.endsWith("/modules")) {
          kind = "modules";
        } else if (file.endsWith(".jar")) {
          kind = "jar";
        } else if (file.startsWith("/")) {
          kind = "otherfile";
        } else if (file.equals("[heap]")) {
          kind = "brk-heap";
        } else if (file.startsWith("[stack")) {
          kind = "stack";
        } else if (file.isEmpty()) {
          long[] r = range(f[0]);
          long size = (r[1] - r[0]) / 1024;
          kind = size >= 60 * 1024 ? "anon>=60M" : size >= 1024 ? "anon1-60M" : "anon<1M";
        } else {
          kind = file;
        }
      } else if (line.startsWith("Rss:") && kind != null) {
        long v = Long.parseLong(line.trim().split("\\s+")[1]);
        kib.merge(kind, v, Long::sum);
      }
    }
    StringBuilder b = new StringBuilder();
    kib.forEach((k, v) -> b.append(k).append('=').append(String.format("%.1fM ", v / 1024.0)));
    return b.toString();
  }

  private static long[] range(String r) {
    String[] p = r.split("-");
    return new long[] {Long.parseUnsignedLong(p[0], 16), Long.parseUnsignedLong(p[1], 16)};
  }

  private static String jcmd(long pid, String... command) throws Exception {
    if (JCMD == null) {
      return "";
    }
    List<String> argv = new ArrayList<>(List.of(JCMD, Long.toString(pid)));
    argv.addAll(List.of(command));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  private static String indent(String s) {
    StringBuilder b = new StringBuilder();
    for (String line : s.split("\n")) {
      if (!line.isBlank() && !line.contains("(mmap:") && !line.contains("(malloc=") || line.contains("Total")
          || line.trim().startsWith("-")) {
        b.append("   | ").append(line).append('\n');
      }
    }
    return b.toString();
  }
}
