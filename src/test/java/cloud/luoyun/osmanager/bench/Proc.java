package cloud.luoyun.osmanager.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What /proc says of a process (Linux): memory, threads, CPU time, and which threads woke up. For
 * the benchmarks, and for the tests that print or check a process's RSS and threads.
 */
public final class Proc {
  /** Clock ticks per second of /proc/PID/stat (USER_HZ: 100 on Linux). */
  static final int TICKS_PER_SECOND = 100;

  private Proc() {}

  /** Resident set size in KiB; 0 when the process is gone. */
  public static long rssKib(long pid) {
    return statusField(pid, "VmRSS:");
  }

  /**
   * Its anonymous resident memory in KiB (RssAnon): what is its own, where RSS also counts the
   * pages of mapped files it has not written (libjvm.so, the runtime's modules, the class-data
   * archive's unpatched pages), which the page cache holds and may drop; 0 when the process is gone.
   */
  public static long anonKib(long pid) {
    return statusField(pid, "RssAnon:");
  }

  /** Threads of the process; 0 when it is gone. */
  public static long threads(long pid) {
    return statusField(pid, "Threads:");
  }

  /** The sum of RSS over processes, in KiB (a server of several processes). */
  public static long rssKib(List<Long> pids) {
    return pids.stream().mapToLong(Proc::rssKib).sum();
  }

  static long anonKib(List<Long> pids) {
    return pids.stream().mapToLong(Proc::anonKib).sum();
  }

  static long threads(List<Long> pids) {
    return pids.stream().mapToLong(Proc::threads).sum();
  }

  /** The process and all its descendants, by pid. */
  public static List<Long> tree(ProcessHandle root) {
    List<Long> pids = new ArrayList<>(List.of(root.pid()));
    root.descendants().forEach(h -> pids.add(h.pid()));
    return pids;
  }

  private static long statusField(long pid, String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.substring(name.length()).replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      return 0; // gone
    }
    return 0;
  }

  /**
   * CPU seconds of a process and its descendants so far, with what its ended children used (those
   * it has waited for: an sshd's finished sessions).
   */
  public static double cpuSeconds(ProcessHandle root) {
    return (tree(root).stream().mapToLong(Proc::cpuTicks).sum() + childCpuTicks(root.pid())) / (double) TICKS_PER_SECOND;
  }

  /** CPU time of the process itself (all its threads, living and ended), in ticks. */
  static long cpuTicks(long pid) {
    String[] f = statFields(pid);
    return f == null ? 0 : Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** CPU time of its children that it has waited for (the status script), in ticks. */
  static long childCpuTicks(long pid) {
    String[] f = statFields(pid);
    return f == null ? 0 : Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }

  /** Fields of /proc/PID/stat after the command name: f[0] is the state (field 3). */
  private static String[] statFields(long pid) {
    try {
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return s.substring(s.lastIndexOf(')') + 2).split(" ");
    } catch (IOException e) {
      return null;
    }
  }

  /** Context switches and CPU nanoseconds per thread, keyed by thread id. */
  record ThreadTimes(Map<String, String> names, Map<String, long[]> counts) {}

  static ThreadTimes threadTimes(long pid) throws IOException {
    Map<String, String> names = new TreeMap<>();
    Map<String, long[]> counts = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks) {
        try {
          long switches = 0;
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
              switches += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
          }
          long nanos = Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
          String id = task.getFileName().toString();
          names.put(id, Files.readString(task.resolve("comm")).trim());
          counts.put(id, new long[] {switches, nanos});
        } catch (NoSuchFileException e) {
          // the thread ended meanwhile
        }
      }
    }
    return new ThreadTimes(names, counts);
  }

  /** How many threads of each name, e.g. {@code http=4, sshd-SshClient=3}: names end at a digit or a dash. */
  static Map<String, Long> threadNames(long pid) throws IOException {
    Map<String, Long> names = new TreeMap<>();
    threadTimes(pid).names().values().forEach(n -> names.merge(n.replaceAll("[-#]?\\d+.*$", ""), 1L, Long::sum));
    return names;
  }

  /** CPU nanoseconds of all threads living at {@code after}, since {@code before}. */
  static long cpuNanos(ThreadTimes before, ThreadTimes after) {
    long sum = 0;
    for (Map.Entry<String, long[]> e : after.counts().entrySet()) {
      sum += e.getValue()[1] - before.counts().getOrDefault(e.getKey(), new long[2])[1];
    }
    return sum;
  }

  /**
   * Wake-ups (context switches) per thread name between two snapshots, the threads that never
   * woke left out; a thread that started in between counts from zero.
   */
  static Map<String, Long> wakeUps(ThreadTimes before, ThreadTimes after) {
    Map<String, Long> byName = new LinkedHashMap<>();
    after.counts().forEach((id, now) -> {
      long[] then = before.counts().getOrDefault(id, new long[2]);
      long woke = now[0] - then[0];
      if (woke > 0) {
        byName.merge(after.names().get(id), woke, Long::sum);
      }
    });
    return byName;
  }
}
