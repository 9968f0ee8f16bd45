package cloud.luoyun.osmanager.bench;

import cloud.luoyun.osmanager.TestFiles;
import cloud.luoyun.osmanager.controller.ControllerEvent;
import cloud.luoyun.osmanager.controller.DevController;
import cloud.luoyun.osmanager.controller.Instances;
import cloud.luoyun.osmanager.webssh.SshServerFixture;
import cloud.luoyun.osmanager.webssh.WebSshBench;
import cloud.luoyun.osmanager.webssh.WebSshBench.Figures;
import cloud.luoyun.osmanager.webssh.WebSshBench.Receiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Benchmark, not a test: the daemon as an instance runs it, {@code bin/osmanager run} from each
 * installed tree (agent, page server, web terminal in one JVM), registered with a development
 * controller in this JVM and logging into a real sshd with a throw-away user. One daemon at a
 * time, each through the same phases:
 * <ol>
 *   <li>settled: its RSS and threads once it has reported and rested {@code bench.settle} seconds;
 *   <li>idle: CPU time and wake-ups per thread over {@code bench.idle} seconds (the status timer
 *       runs once in 60 s);
 *   <li>one terminal session open (logged in at the shell prompt): RSS and threads;
 *   <li>a page-load burst: wrk -t2 -c32 on the templated page (after a warm-up), requests/s, then
 *       RSS and threads with the session still open;
 *   <li>the terminal on that session: echo latency and bulk output, then RSS again.
 * </ol>
 * Beside them, in the same run, what the original ran as: shellinaboxd (its processes, and the ssh
 * client a session adds) and {@code python3 -m http.server} (settled, idle over the same window, with
 * a session, after the same wrk); nginx serving the same bytes (the bytes our page server sent).
 * Settled, with the session and after the burst, also the anonymous part of each RSS (RssAnon),
 * for ours and the original's: RSS counts mapped files' pages too (libjvm.so, the class-data
 * archive's clean pages), which the kernel may share and drop.
 *
 * <p>Usage (bench/daemon.sh; as root): {@code DaemonBench deb=TREE tar=TREE}
 */
public final class DaemonBench {
  private static final String KEY = "015e33a8-787d-457e-b84d-c2a101a816e0";
  private static final String COOKIE = "5c1d0a4e8b7f6a3d2c1b0a9f8e7d6c5b4a392817";
  private static final int TAG = 7;
  private static final int SETTLE_S = Integer.getInteger("bench.settle", 10);
  private static final int IDLE_S = Integer.getInteger("bench.idle", 60);
  private static final String WRK_WARMUP = System.getProperty("bench.warmup", "5s");
  private static final String WRK_DURATION = System.getProperty("bench.duration", "10s");
  /**
   * Threads whose wake-ups an idle daemon is allowed: the agent's status timer and liveness check,
   * its session, the status script's reaper. Any other thread may wake as the status run's
   * consequence (a GC, reference handling, C1 compiling what it ran), but not as a poller: on
   * average once a second or more over the idle window. The JIT's compiler threads are listed,
   * not judged: they wake for each compile task the status run brings (tens, after a run), and also
   * every 5 s by HotSpot's own timed wait for a task (compileBroker's CompileQueue::get; no flag
   * changes it), 12 a minute, which is the JVM's, not ours.
   */
  static final Set<String> ALLOWED_WAKERS = Set.of("osm-agent-statu", "osm-agent", "process reaper");

  /** What one daemon measured. */
  record Daemon(long settledKib, long settledThreads, double idleCpuMs, long idleChildCpuMs,
      Map<String, Long> wakeUps, long sessionKib, long sessionThreads, double pagesPerS, long burstKib,
      long burstThreads, Figures terminal, long terminalKib, long terminalThreads, Anon anon) {}

  /** Anonymous resident memory (RssAnon) in KiB, settled, with the session open and after the burst. */
  record Anon(long settledKib, long sessionKib, long burstKib) {
    String text() {
      return Table.mib(settledKib) + " / " + Table.mib(sessionKib) + " / " + Table.mib(burstKib);
    }
  }

  /** What the original's servers measured: shellinaboxd (its process tree) plus python3 http.server. */
  record Baseline(long sibKib, long sibThreads, long pyKib, long pyThreads, double idleCpuMs, long sibSessionKib,
      long sibSessionThreads, double pythonPerS, long pyBurstKib, double nginxPerS, Figures terminal, Anon anon) {}

  private DaemonBench() {}

  public static void main(String[] args) throws Exception {
    List<Installed> trees = Installed.parse(List.of(args));
    Path work = Files.createTempDirectory("osm-daemon-bench");
    LinkedBlockingQueue<ControllerEvent> events = new LinkedBlockingQueue<>();
    List<Process> others = new ArrayList<>();
    try (DevController controller = new DevController(DevController.Options.loopback(Instances.of(Map.of(TAG, KEY))),
        events::add);
        SshServerFixture sshd = new SshServerFixture(work.resolve("sshd"))) {
      int controllerPort = controller.start().getPort();
      Path www = work.resolve("www");
      Files.createDirectories(www);
      Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(www, PosixFilePermissions.fromString("rwxr-xr-x"));

      // the original's servers, settled before the first daemon's idle window and measured in it
      int pyPort = SshServerFixture.freePort();
      int sibPort = SshServerFixture.freePort();
      Process python = start(others, work.resolve("python.log"), "/usr/bin/python3", "-m", "http.server", "--bind",
          "127.0.0.1", "--directory", www.toString(), Integer.toString(pyPort));
      Process sib = start(others, work.resolve("shellinabox.log"), "/usr/bin/shellinaboxd", "-t", "-p",
          Integer.toString(sibPort), "--localhost-only", "--no-beep", "--disable-ssl-menu", "-s",
          "/:root:root:/:ssh -p " + sshd.port + " -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
              + "-o LogLevel=ERROR " + sshd.user + "@127.0.0.1");

      Map<Installed, Daemon> results = new LinkedHashMap<>();
      Baseline baseline = null;
      for (Installed t : trees) {
        t.writeConfig(controllerPort, TAG, KEY, "{\"cookie\": \"" + COOKIE + "\"}");
        writePage(t.home);
        events.clear();
        int web = SshServerFixture.freePort();
        int term = SshServerFixture.freePort();
        String[] run = t.runArguments(web, term, sshd.port, sshd.dir);
        Path firstLog = work.resolve(t.label + "-first-run.log");
        boolean first = results.isEmpty();
        t.firstStart(firstLog, run, () -> {
          await(events, ControllerEvent.Kind.REPORT, firstLog);
          if (first) {
            warmUpTheClient(term, sshd);
          }
        });
        events.clear();
        Path log = work.resolve(t.label + "-run.log");
        Process daemon = t.command(log, run).start();
        try {
          await(events, ControllerEvent.Kind.REPORT, log);
          if (!t.mapsArchive(daemon.pid())) {
            throw new IllegalStateException(t.label + ": the daemon does not map " + t.archive());
          }
          long pid = daemon.pid();
          Thread.sleep(SETTLE_S * 1000L);
          long settledKib = Proc.rssKib(pid);
          long settledAnon = Proc.anonKib(pid);
          long settledThreads = Proc.threads(pid);
          System.out.printf("%s settled: %s, %d threads %s%n", t.label, Table.mib(settledKib), settledThreads,
              Proc.threadNames(pid));
          if (baseline == null) {
            Files.write(www.resolve("index.html"), page(web)); // the same bytes for python and nginx
          }

          // idle: ours, and (first time round) the original's servers over the same seconds
          List<Long> sibPids = Proc.tree(sib.toHandle());
          long sibKib = Proc.rssKib(sibPids);
          long originalAnon = originalAnonKib(sibPids, python);
          long sibThreads = Proc.threads(sibPids);
          long pyKib = Proc.rssKib(python.pid());
          long pyThreads = Proc.threads(python.pid());
          Proc.ThreadTimes before = Proc.threadTimes(pid);
          long child0 = Proc.childCpuTicks(pid);
          long others0 = Proc.cpuTicks(python.pid()) + sibPids.stream().mapToLong(Proc::cpuTicks).sum();
          Thread.sleep(IDLE_S * 1000L);
          Proc.ThreadTimes after = Proc.threadTimes(pid);
          // per thread, in nanoseconds (the process's own ticks are 10 ms coarse)
          double idleCpuMs = Proc.cpuNanos(before, after) / 1e6;
          long childMs = (Proc.childCpuTicks(pid) - child0) * 1000L / Proc.TICKS_PER_SECOND;
          double othersMs = (Proc.cpuTicks(python.pid()) + sibPids.stream().mapToLong(Proc::cpuTicks).sum() - others0)
              * 1000.0 / Proc.TICKS_PER_SECOND;
          Map<String, Long> woke = Proc.wakeUps(before, after);
          System.out.printf("%s idle %d s: CPU %.0f ms (+%d ms in the status script), wake-ups %s%n", t.label, IDLE_S,
              idleCpuMs, childMs, woke);

          // one terminal session, logged in, at the prompt
          try (WebSshBench.Ours session = loggedIn(term, sshd)) {
            long sessionKib = Proc.rssKib(pid);
            long sessionAnon = Proc.anonKib(pid);
            long sessionThreads = Proc.threads(pid);
            System.out.printf("%s with a session: %s, %d threads %s%n", t.label, Table.mib(sessionKib), sessionThreads,
                Proc.threadNames(pid));

            double pagesPerS = wrk("http://127.0.0.1:" + web + "/");
            Thread.sleep(2000);
            long burstKib = Proc.rssKib(pid);
            long burstAnon = Proc.anonKib(pid);
            long burstThreads = Proc.threads(pid);
            System.out.printf("%s pages: %.0f req/s; then %s, %d threads %s%n", t.label, pagesPerS,
                Table.mib(burstKib), burstThreads, Proc.threadNames(pid));

            Figures terminal = WebSshBench.measureShell("osmanager " + t.label, session);
            long terminalKib = Proc.rssKib(pid);
            long terminalThreads = Proc.threads(pid);
            results.put(t, new Daemon(settledKib, settledThreads, idleCpuMs, childMs, woke, sessionKib, sessionThreads,
                pagesPerS, burstKib, burstThreads, terminal, terminalKib, terminalThreads,
                new Anon(settledAnon, sessionAnon, burstAnon)));
          }

          if (baseline == null) {
            baseline = baseline(sib, sibPort, python, pyPort, www, work, others, sshd, sibKib, sibThreads, pyKib,
                pyThreads, othersMs, originalAnon);
          }
        } finally {
          Installed.stop(daemon);
        }
      }
      rows(trees, results, baseline);
    } finally {
      for (Process p : others) {
        p.descendants().forEach(ProcessHandle::destroy);
        Installed.stop(p);
      }
      TestFiles.deleteTree(work);
    }
  }

  private static Baseline baseline(Process sib, int sibPort, Process python, int pyPort, Path www, Path work,
      List<Process> others, SshServerFixture sshd, long sibKib, long sibThreads, long pyKib, long pyThreads,
      double idleCpuMs, long originalAnon) throws Exception {
    try (WebSshBench.ShellInABox session = new WebSshBench.ShellInABox(sibPort)) {
      logIn(session, sshd.password);
      List<Long> pids = Proc.tree(sib.toHandle());
      long sessionKib = Proc.rssKib(pids);
      long sessionAnon = originalAnonKib(pids, python);
      long sessionThreads = Proc.threads(pids);
      System.out.printf("shellinaboxd with a session: %s in %d processes%n", Table.mib(sessionKib), pids.size());
      double pythonPerS = wrk("http://127.0.0.1:" + pyPort + "/");
      Thread.sleep(2000);
      long pyBurstKib = Proc.rssKib(python.pid());
      long burstAnon = originalAnonKib(pids, python);
      int nginxPort = SshServerFixture.freePort();
      Path conf = work.resolve("nginx.conf");
      Files.writeString(conf, "worker_processes auto;\npid " + work.resolve("nginx.pid") + ";\nerror_log "
          + work.resolve("nginx-error.log") + ";\nevents { worker_connections 1024; }\nhttp {\n  default_type text/html;\n"
          + "  access_log " + work.resolve("nginx-access.log") + ";\n  server { listen 127.0.0.1:" + nginxPort
          + "; root " + www + "; }\n}\n");
      Process nginx = start(others, work.resolve("nginx.log"), "/usr/sbin/nginx", "-p", work.toString(), "-c",
          conf.toString(), "-g", "daemon off;");
      awaitHttp(nginxPort);
      double nginxPerS = wrk("http://127.0.0.1:" + nginxPort + "/");
      System.out.printf("python3 http.server %.0f req/s (then %s); nginx %.0f req/s%n", pythonPerS,
          Table.mib(pyBurstKib), nginxPerS);
      Figures terminal = WebSshBench.measureShell("shellinabox", session);
      return new Baseline(sibKib, sibThreads, pyKib, pyThreads, idleCpuMs, sessionKib, sessionThreads, pythonPerS,
          pyBurstKib, nginxPerS, terminal, new Anon(originalAnon, sessionAnon, burstAnon));
    }
  }

  /** The original's anonymous memory: shellinaboxd's processes (these pids) and python3 http.server. */
  private static long originalAnonKib(List<Long> sibPids, Process python) {
    return Proc.anonKib(sibPids) + Proc.anonKib(python.pid());
  }

  private static void rows(List<Installed> trees, Map<Installed, Daemon> r, Baseline b) {
    List<Daemon> d = trees.stream().map(r::get).toList();
    String original = Table.f("shellinaboxd %s (%d) + python3 http.server %s (%d)", Table.mib(b.sibKib()),
        b.sibThreads(), Table.mib(b.pyKib()), b.pyThreads());
    long originalKib = b.sibKib() + b.pyKib();
    Table.row(Table.f("daemon RSS, settled, all three parts (threads)"), mem(d.get(0).settledKib(),
            d.get(0).settledThreads()), mem(d.get(1).settledKib(), d.get(1).settledThreads()), original,
        ratio(d, Daemon::settledKib, originalKib, "the original's"), "≤ 48 / ≤ 40 MB",
        Table.holds(mib(d, Daemon::settledKib), 48, 40, false));
    long originalSession = b.sibSessionKib() + b.pyKib();
    Table.row("RSS with one terminal session open", mem(d.get(0).sessionKib(), d.get(0).sessionThreads()),
        mem(d.get(1).sessionKib(), d.get(1).sessionThreads()),
        Table.f("shellinaboxd with a session (its ssh client too) %s + python %s", Table.mib(b.sibSessionKib()),
            Table.mib(b.pyKib())), ratio(d, Daemon::sessionKib, originalSession, "the original's"), "≤ 64 / ≤ 52 MB",
        Table.holds(mib(d, Daemon::sessionKib), 64, 52, false));
    long originalBurst = b.sibSessionKib() + b.pyBurstKib();
    Table.row("RSS, session open, after the page-load burst (wrk -c32)", mem(d.get(0).burstKib(),
            d.get(0).burstThreads()), mem(d.get(1).burstKib(), d.get(1).burstThreads()),
        Table.f("shellinaboxd %s + python after its wrk %s", Table.mib(b.sibSessionKib()), Table.mib(b.pyBurstKib())),
        ratio(d, Daemon::burstKib, originalBurst, "the original's"), "≤ 64 / ≤ 52 MB",
        Table.holds(mib(d, Daemon::burstKib), 64, 52, false));
    Table.row("of these, anonymous memory (RssAnon: RSS less mapped files' pages): settled / session / burst",
        d.get(0).anon().text(), d.get(1).anon().text(), "shellinaboxd + python3 http.server " + b.anon().text(),
        d.stream().map(x -> Table.f("%.1f× settled", x.anon().settledKib() / (double) b.anon().settledKib()))
            .collect(Collectors.joining("; ")), "—", "—");
    Table.row("RSS after the terminal's bulk output too", mem(d.get(0).terminalKib(), d.get(0).terminalThreads()),
        mem(d.get(1).terminalKib(), d.get(1).terminalThreads()), "", "", "(≤ 64 / ≤ 52 MB)",
        Table.holds(mib(d, Daemon::terminalKib), 64, 52, false));
    List<Double> percent = d.stream().map(x -> x.idleCpuMs() / (IDLE_S * 10.0)).toList();
    boolean onlyAllowed = d.stream().allMatch(x -> x.wakeUps().entrySet().stream()
        .allMatch(e -> ALLOWED_WAKERS.contains(e.getKey()) || e.getKey().startsWith("C1 Compiler")
            || e.getKey().startsWith("C2 Compiler") || e.getValue() < IDLE_S));
    Table.row(Table.f("idle: CPU over %d s; threads that woke (times; a poller: ≥ 1/s)", IDLE_S), idle(d.get(0)), idle(d.get(1)),
        Table.f("shellinaboxd + python3 http.server %.0f ms (%.3f %%)", b.idleCpuMs(), b.idleCpuMs() / (IDLE_S * 10.0)),
        "", "no poller but the status timer and the liveness check / < 0.1 %",
        (onlyAllowed ? "must: yes" : "must: **NO**") + ", aim: " + (percent.stream().allMatch(p -> p < 0.1) ? "yes" : "no"));
    List<Double> pages = d.stream().map(Daemon::pagesPerS).toList();
    Table.row("pages: wrk -t2 -c32, templated 4 KB page", Table.f("%.0f req/s", pages.get(0)),
        Table.f("%.0f req/s", pages.get(1)), Table.f("python3 http.server %.0f, nginx %.0f req/s (same bytes)",
            b.pythonPerS(), b.nginxPerS()),
        pages.stream().map(p -> Table.f("%.1f× python, %.2f× nginx", p / b.pythonPerS(), p / b.nginxPerS()))
            .collect(Collectors.joining("; ")), "≥ 10× python / ≥ 0.5× nginx",
        holds(pages.stream().allMatch(p -> p >= 10 * b.pythonPerS()),
            pages.stream().allMatch(p -> p >= 0.5 * b.nginxPerS())));
    Figures s = b.terminal();
    Table.row("terminal: keystroke echo, median / p90", echo(d.get(0).terminal()), echo(d.get(1).terminal()),
        "shellinabox " + echo(s), d.stream().map(x -> Table.f("%.2f× shellinabox's median", x.terminal().medianMs()
            / s.medianMs())).collect(Collectors.joining("; ")), "≤ 1.5 ms / ≤ shellinabox",
        holds(d.stream().allMatch(x -> x.terminal().medianMs() <= 1.5),
            d.stream().allMatch(x -> x.terminal().medianMs() <= s.medianMs() && x.terminal().p90Ms() <= s.p90Ms())));
    Table.row(Table.f("terminal: bulk output (%d MB, best of 3)", Integer.getInteger("bench.bulkBytes", 20_000_000)
            / 1_000_000), Table.f("%.1f MB/s", d.get(0).terminal().mbPerS()),
        Table.f("%.1f MB/s", d.get(1).terminal().mbPerS()), Table.f("shellinabox %.1f MB/s", s.mbPerS()),
        d.stream().map(x -> Table.f("%.2f×", x.terminal().mbPerS() / s.mbPerS())).collect(Collectors.joining("; ")),
        "≥ 15 MB/s / ≥ shellinabox", holds(d.stream().allMatch(x -> x.terminal().mbPerS() >= 15),
            d.stream().allMatch(x -> x.terminal().mbPerS() >= s.mbPerS())));
  }

  private static String holds(boolean must, boolean aim) {
    return (must ? "must: yes" : "must: **NO**") + ", aim: " + (aim ? "yes" : "no");
  }

  private static String mem(long kib, long threads) {
    return Table.mib(kib) + " (" + threads + ")";
  }

  private static String echo(Figures f) {
    return Table.f("%.2f / %.2f ms", f.medianMs(), f.p90Ms());
  }

  private static String idle(Daemon x) {
    return Table.f("%.0f ms (%.3f %%); %s", x.idleCpuMs(), x.idleCpuMs() / (IDLE_S * 10.0), x.wakeUps().entrySet()
        .stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
  }

  private static List<Double> mib(List<Daemon> d, java.util.function.ToLongFunction<Daemon> kib) {
    return d.stream().map(x -> kib.applyAsLong(x) / 1024.0).toList();
  }

  private static String ratio(List<Daemon> d, java.util.function.ToLongFunction<Daemon> kib, long theirs, String what) {
    return d.stream().map(x -> Table.f("%.1f×", kib.applyAsLong(x) / (double) theirs)).collect(Collectors.joining("; "))
        + " " + what;
  }

  /**
   * This bench's own terminal client JIT-compiled on the first tree's first start, which is not
   * measured: else that tree's echo paid for the client's warm-up (2026-12-02: the .deb measured
   * first had 2.13 ms to the tarball's 1.42; the tarball measured first, 1.81 to the .deb's 1.67).
   */
  private static void warmUpTheClient(int term, SshServerFixture sshd) throws Exception {
    try (WebSshBench.Ours session = loggedIn(term, sshd)) {
      WebSshBench.measureShell("(the client's warm-up, not a figure)", session);
    }
  }

  /** A session of the web terminal on this port, logged in as the sshd's user, at the prompt. */
  static WebSshBench.Ours loggedIn(int term, SshServerFixture sshd) throws Exception {
    WebSshBench.Ours session = WebSshBench.Ours.connect(term);
    try {
      session.await("login: ", Duration.ofSeconds(30));
      session.type(sshd.user + "\r");
      logIn(session, sshd.password);
      return session;
    } catch (Exception e) {
      session.close();
      throw e;
    }
  }

  /** At the terminal's password prompt: logs in and waits for the shell's prompt. */
  private static void logIn(Receiver t, String password) throws Exception {
    t.await("assword:", Duration.ofSeconds(60));
    t.mark();
    t.type(password + "\r");
    t.await("$ ", Duration.ofSeconds(60));
  }

  /** Requests per second of wrk -t2 -c32 after a warm-up run. */
  static double wrk(String url) throws Exception {
    run(List.of("wrk", "-t2", "-c32", "-d" + WRK_WARMUP, url));
    String out = run(List.of("wrk", "-t2", "-c32", "-d" + WRK_DURATION, url));
    for (String line : out.split("\n")) {
      if (line.startsWith("Requests/sec:")) {
        return Double.parseDouble(line.substring("Requests/sec:".length()).trim());
      }
    }
    throw new IllegalStateException("wrk said: " + out);
  }

  private static String run(List<String> argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(argv + " failed: " + out);
    }
    return out;
  }

  private static Process start(List<Process> started, Path log, String... argv) throws IOException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    started.add(p);
    return p;
  }

  static void await(LinkedBlockingQueue<ControllerEvent> events, ControllerEvent.Kind kind, Path log)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      ControllerEvent e = events.poll(1, TimeUnit.SECONDS);
      if (e != null && e.kind() == kind) {
        return;
      }
    }
    throw new IllegalStateException("no " + kind + " within 60 s: " + Files.readString(log));
  }

  private static void awaitHttp(int port) throws Exception {
    for (int i = 0; i < 100; i++) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("nothing listens on " + port);
  }

  /** The bytes our page server sends for the templated page, as python and nginx will send them. */
  private static byte[] page(int port) throws Exception {
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("the page answered " + r.statusCode());
    }
    return r.body();
  }

  /** An appliance's ~4 KB page with the five placeholders (bench/web.sh's). */
  private static void writePage(Path home) throws IOException {
    StringBuilder b = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>$application on "
        + "$hostname</title></head><body>\n<h1>Welcome to $application</h1><p>Version $version1, $application "
        + "$version2, time $curtime.</p>\n");
    for (int i = 1; i <= 55; i++) {
      b.append("<p>Paragraph ").append(i).append(" of filler text so the page weighs about four kilobytes.</p>\n");
    }
    b.append("<p><a href=\"http://$hostname\">Open</a></p></body></html>\n");
    for (String folder : List.of("custom/www/nocookie", "custom/www/withcookie")) {
      Files.createDirectories(home.resolve(folder));
      Files.writeString(home.resolve(folder).resolve("index.html"), b);
    }
    Files.createDirectories(home.resolve("build"));
    Files.writeString(home.resolve("build/VERSION"), "Version: 1.0\nOwnCloud: 4.0.7\n");
  }
}
