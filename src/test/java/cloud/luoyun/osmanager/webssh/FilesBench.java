package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.Chromium;
import cloud.luoyun.osmanager.TestFiles;
import cloud.luoyun.osmanager.TestTls;
import cloud.luoyun.osmanager.bench.Installed;
import cloud.luoyun.osmanager.bench.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Files panel's figures (issue 24 §9): a 200 MB upload and download through the page in
 * headless Chromium driving the real UI, beside {@code scp} and {@code sftp} to the same sshd in
 * the same run; the daemon's RSS with a session open, during each transfer and after; keystroke
 * echo (page to page, measured in the page at its WebSocket: INPUT sent to the OUTPUT that echoes
 * it) before and during an upload. The daemon is {@code osmanager webssh} started by the launcher
 * of bench/lib.sh's .deb tree, so with the flags and the class-data archive an instance gives it
 * (the .deb's column of bench/all.sh's table). Prints rows of that table, the figures beside the
 * issue's targets; asserts nothing.
 *
 * <pre>bench/files.sh [-Dbench.mb=200]   (FilesBench deb=TREE)</pre>
 */
public final class FilesBench {
  private static final long MB = 1024 * 1024;
  private static final long SIZE = Long.getLong("bench.mb", 200) * MB;
  private static final Duration WAIT = Duration.ofMinutes(5);
  /** A transfer's wait: 5 minutes, plus a minute for each 500 MB past the first (a 2 GB run). */
  private static final Duration TRANSFER_WAIT = WAIT.plusMinutes(Long.getLong("bench.mb", 200) / 500);
  private static final String ECHO_HOOK = "(() => { window.__echo = []; let sentAt = 0; const send = WebSocket.prototype.send;"
      + " WebSocket.prototype.send = function (data) {"
      + "   if (data instanceof Uint8Array && data[0] === 0 && data.length === 2 && data[1] === 0x61) {"
      + "     sentAt = performance.now();"
      + "     if (!this.__hooked) { this.__hooked = true; this.addEventListener('message', (e) => {"
      + "       const d = new Uint8Array(e.data); if (sentAt && d[0] === 0 && d.includes(0x61)) {"
      + "         window.__echo.push(performance.now() - sentAt); sentAt = 0; } }); } }"
      + "   return send.call(this, data); }; })()";

  private FilesBench() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of("target", "bench-files").toAbsolutePath();
    Files.createDirectories(work);
    Path file = work.resolve("payload.bin");
    Installed tree = Installed.parse(List.of(args)).get(0);
    try (SshServerFixture sshd = new SshServerFixture(work.resolve("sshd"),
        List.of("Subsystem=sftp /usr/lib/openssh/sftp-server"))) {
      TestFiles.random(file, SIZE);
      Path home = Path.of(SshServerFixture.run(List.of("getent", "passwd", sshd.user), null).split(":")[5]);
      int port = SshServerFixture.freePort();
      // as an instance runs it: the tree's launcher, its flags and its class-data archive
      Process daemon = tree.command(work.resolve("daemon.log"), "webssh", "--home", work.resolve("home").toString(),
          "--bind", "127.0.0.1", "--port", Integer.toString(port), "--ssh-port", Integer.toString(sshd.port),
          "--ssh-host-keys", sshd.dir.toString()).start();
      awaitListening(daemon, port);
      Path downloads = Files.createDirectories(work.resolve("downloads"));
      try (Chromium browser = new Chromium(work.resolve("chromium-" + System.nanoTime()),
          List.of(Chromium.accepting(TestTls.servedCertificate("127.0.0.1", port))))) {
        long idle = Proc.rssKib(daemon.pid());
        browser.navigate("https://127.0.0.1:" + port + "/");
        browser.awaitText("login:", WAIT);
        browser.typeLine(sshd.user);
        browser.awaitText("assword:", WAIT);
        browser.typeLine(sshd.password);
        browser.typeLine("stty -icanon; cat > /dev/null");
        Thread.sleep(1000);
        FilesPanel panel = new FilesPanel(browser, WAIT);
        panel.open();
        panel.awaitFolder(home.toString());
        browser.evaluate(ECHO_HOOK);
        long open = Proc.rssKib(daemon.pid());
        double[] quiet = echoes(browser, 40, null);

        // upload by the picker, timed from the pick to "done"; echo and RSS meanwhile
        double[] cpu0 = cpu(daemon.toHandle(), browser.process(), sshd.process());
        long started = System.nanoTime();
        panel.pick(file);
        long[] peak = {open};
        long pageBefore = Proc.rssKib(Proc.tree(browser.process()));
        long[] pagePeak = {pageBefore};
        long[][] quarters = new long[4][]; // daemon and browser RSS when a quarter, half... of the bytes were written
        Runnable sample = () -> {
          long daemonRss = Proc.rssKib(daemon.pid());
          long browserRss = Proc.rssKib(Proc.tree(browser.process()));
          peak[0] = Math.max(peak[0], daemonRss);
          pagePeak[0] = Math.max(pagePeak[0], browserRss);
          try {
            Object done = browser.evaluate("document.querySelector('#files-transfers li progress').value");
            int q = (int) Math.floor(((Number) done).doubleValue() * 4) - 1;
            if (q >= 0 && q < 4 && quarters[q] == null) {
              quarters[q] = new long[] {daemonRss, browserRss};
            }
          } catch (Exception e) {
            // the row is not there yet
          }
        };
        double[] busy = echoes(browser, 40, sample);
        String state; // memory sampled all the way, not just while the keys are typed
        while ((state = String.valueOf(browser.evaluate("document.querySelector('#files-transfers li').dataset.state")))
            .equals("waiting") || state.equals("running")) {
          if (System.nanoTime() - started > TRANSFER_WAIT.toNanos()) {
            throw new IllegalStateException("the upload did not finish in " + TRANSFER_WAIT);
          }
          sample.run();
          Thread.sleep(200);
        }
        if (!state.equals("done")) {
          throw new IllegalStateException("the upload ended " + state + ": " + panel.lastTransferText());
        }
        double up = seconds(started);
        long pageAfter = Proc.rssKib(Proc.tree(browser.process()));
        @SuppressWarnings("unchecked")
        Map<String, Object> heap = browser.call("Runtime.getHeapUsage", Map.of());
        double jsHeapMib = ((Number) heap.get("usedSize")).doubleValue() / (1 << 20);
        double[] cpuUp = minus(cpu(daemon.toHandle(), browser.process(), sshd.process()), cpu0);
        long upPeak = peak[0];
        long afterUp = Proc.rssKib(daemon.pid());
        if (quarters[3] == null) {
          quarters[3] = new long[] {afterUp, pageAfter}; // "done" came before a sample saw the bar full
        }

        // download through Chromium's download manager, timed until the file is whole
        browser.downloadInto(downloads);
        panel.refresh();
        panel.awaitListing("payload.bin");
        cpu0 = cpu(daemon.toHandle(), browser.process(), sshd.process());
        started = System.nanoTime();
        panel.download("payload.bin");
        Path got = downloads.resolve("payload.bin");
        long downPeak = afterUp;
        while (!(Files.exists(got) && Files.size(got) == SIZE) && System.nanoTime() - started < TRANSFER_WAIT.toNanos()) {
          downPeak = Math.max(downPeak, Proc.rssKib(daemon.pid()));
          Thread.sleep(100);
        }
        double down = seconds(started);
        double[] cpuDown = minus(cpu(daemon.toHandle(), browser.process(), sshd.process()), cpu0);
        Thread.sleep(3000);
        long after = Proc.rssKib(daemon.pid());

        // scp and sftp to the same sshd, as the same user, with a key
        Path key = work.resolve("id_ed25519");
        Files.deleteIfExists(key);
        Files.deleteIfExists(work.resolve("id_ed25519.pub"));
        SshServerFixture.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()), null);
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Files.copy(work.resolve("id_ed25519.pub"), ssh.resolve("authorized_keys"));
        SshServerFixture.run(List.of("chown", "-R", sshd.user + ":", ssh.toString()), null);
        List<String> opts = List.of("-i", key.toString(), "-o", "StrictHostKeyChecking=no", "-o",
            "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR");
        String target = sshd.user + "@127.0.0.1";
        double scpUp = timed(concat(List.of("scp", "-q", "-P", Integer.toString(sshd.port)), opts,
            List.of(file.toString(), target + ":scp.bin")), null);
        double scpDown = timed(concat(List.of("scp", "-q", "-P", Integer.toString(sshd.port)), opts,
            List.of(target + ":scp.bin", work.resolve("scp-back.bin").toString())), null);
        double sftpUp = timed(concat(List.of("sftp", "-q", "-P", Integer.toString(sshd.port), "-b", "-"), opts,
            List.of(target)), "put " + file + " sftp.bin\n");
        double sftpDown = timed(concat(List.of("sftp", "-q", "-P", Integer.toString(sshd.port), "-b", "-"), opts,
            List.of(target)), "get sftp.bin " + work.resolve("sftp-back.bin") + "\n");

        double mb = SIZE / (double) MB;
        System.out.println(); // after Maven's colour codes: each row starts its line
        // rows in bench/all.sh's table: figure | .deb (Debian's Java) | tarball | beside it | ratio | must / aim | holds
        double upRate = mb / up;
        double downRate = mb / down;
        double growth = (Math.max(upPeak, downPeak) - open) / 1024.0;
        System.out.printf(Locale.ROOT, "| files: %d MB upload through the page, MB/s | %.1f | | sftp %.1f, scp %.1f |"
            + " %.2fx sftp | >= 20 / >= 0.5x sftp | %s |%n", SIZE / MB, upRate, mb / sftpUp, mb / scpUp,
            upRate / (mb / sftpUp), holds(upRate >= 20, upRate >= mb / sftpUp / 2));
        System.out.printf(Locale.ROOT, "| files: %d MB download through the page, MB/s | %.1f | | sftp %.1f, scp %.1f |"
            + " %.2fx sftp | >= 20 / >= 0.5x sftp | %s |%n", SIZE / MB, downRate, mb / sftpDown, mb / scpDown,
            downRate / (mb / sftpDown), holds(downRate >= 20, downRate >= mb / sftpDown / 2));
        System.out.printf(Locale.ROOT, "| files: daemon RSS growth over a session open while %d MB go each way, MiB |"
            + " %.1f (idle %.1f, session %.1f, upload peak %.1f, download peak %.1f, 3 s after %.1f) | | | |"
            + " <= 24 / <= 12 | %s |%n", SIZE / MB, growth, idle / 1024.0, open / 1024.0, upPeak / 1024.0,
            downPeak / 1024.0, after / 1024.0, holds(growth <= 24, growth <= 12));
        System.out.printf(Locale.ROOT, "| files: keystroke echo during an upload, median (p90) ms | %.1f (%.1f) | |"
            + " quiet: %.1f (%.1f) | | <= 50 / <= 10 | %s |%n", busy[0], busy[1], quiet[0], quiet[1],
            holds(busy[0] <= 50, busy[0] <= 10));
        System.out.printf(Locale.ROOT, "| files: the browser's RSS (all its processes) while %d MB go up, MiB |"
            + " %.1f before, %.1f peak, %.1f after; the page's JS heap after: %.1f | | | | flat | |%n", SIZE / MB,
            pageBefore / 1024.0, pagePeak[0] / 1024.0, pageAfter / 1024.0, jsHeapMib);
        System.out.printf(Locale.ROOT, "| files: RSS daemon / browser at 1/4, 1/2, 3/4 and all of the upload written, MiB |"
            + " %s | | | | flat | |%n", Arrays.stream(quarters).map(q -> q == null ? "-"
            : String.format(Locale.ROOT, "%.1f / %.1f", q[0] / 1024.0, q[1] / 1024.0)).collect(java.util.stream.Collectors.joining(", ")));
        System.out.printf(Locale.ROOT, "| files: CPU seconds per 100 MB through the page, daemon / browser / sshd |"
            + " up %.2f / %.2f / %.2f, down %.2f / %.2f / %.2f | | | | | |%n", per100(cpuUp[0], mb), per100(cpuUp[1], mb),
            per100(cpuUp[2], mb), per100(cpuDown[0], mb), per100(cpuDown[1], mb), per100(cpuDown[2], mb));
        System.out.printf(Locale.ROOT, "# files: load average %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf(Locale.ROOT, "# files: the daemon ran from %s (class-data archive %s), with %s%n", tree.home,
            tree.mapsArchive(daemon.pid()) ? "mapped" : "NOT mapped", String.join(" ", tree.launcherFlags()));
      } finally {
        Installed.stop(daemon);
      }
    } finally {
      try (var all = Files.walk(work)) {
        for (Path p : all.sorted(java.util.Comparator.reverseOrder()).filter(p -> p.toString().endsWith(".bin"))
            .toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static String holds(boolean must, boolean aim) {
    return aim ? "aim" : must ? "must" : "no";
  }

  /** {@code n} keystrokes 50 ms apart; median and 90th percentile of their echo, in ms. */
  private static double[] echoes(Chromium browser, int n, Runnable meanwhile) throws Exception {
    browser.evaluate("window.__echo = []");
    for (int i = 0; i < n; i++) {
      browser.insertText("a");
      if (meanwhile != null) {
        meanwhile.run();
      }
      Thread.sleep(50);
    }
    Thread.sleep(500);
    @SuppressWarnings("unchecked")
    List<Number> got = (List<Number>) browser.evaluate("window.__echo");
    double[] sorted = got.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    if (sorted.length == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return new double[] {sorted[sorted.length / 2], sorted[(int) Math.min(sorted.length - 1, sorted.length * 0.9)]};
  }

  private static double timed(List<String> argv, String stdin) throws Exception {
    long started = System.nanoTime();
    SshServerFixture.run(argv, stdin);
    return seconds(started);
  }

  /** Until the daemon accepts connections on {@code port} (a minute at most). */
  private static void awaitListening(Process daemon, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (System.nanoTime() < deadline && daemon.isAlive()) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("the daemon did not listen on " + port + ": see target/bench-files/daemon.log");
  }

  /** CPU seconds so far of the daemon, the browser's processes and the sshd with its sessions. */
  private static double[] cpu(ProcessHandle... roots) {
    return Arrays.stream(roots).mapToDouble(Proc::cpuSeconds).toArray();
  }

  private static double[] minus(double[] a, double[] b) {
    double[] d = new double[a.length];
    Arrays.setAll(d, i -> a[i] - b[i]);
    return d;
  }

  private static double per100(double cpuSeconds, double mb) {
    return cpuSeconds * 100 / mb;
  }

  private static double seconds(long started) {
    return (System.nanoTime() - started) / 1e9;
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> p : parts) {
      all.addAll(p);
    }
    return all;
  }
}
