package cloud.luoyun.osmanager.webssh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH sshd on a free loopback port, with its own host key and a throw-away user with a
 * password; everything is removed by {@link #close()} (the user with its home, the process). Its
 * folder is laid out as /etc/ssh is (the key is {@code ssh_host_ed25519_key}), so it serves as
 * the terminal's host-key directory. Not thread-safe.
 * Needs root and openssh-server (as in CI); {@link #available()} says whether this machine can.
 */
public final class SshServerFixture implements AutoCloseable {
  public final String user;
  public final String password;
  public final int port;
  public final Path dir;
  private final List<String> extraOptions;
  private Process sshd;
  private boolean userCreated;

  static boolean available() {
    return Files.isExecutable(Path.of("/usr/sbin/sshd")) && Files.isExecutable(Path.of("/usr/sbin/useradd"))
        && "root".equals(System.getProperty("user.name"));
  }

  public SshServerFixture(Path dir) throws Exception {
    this(dir, List.of());
  }

  /** @param extraOptions more {@code -o} options for sshd, e.g. {@code MaxAuthTries=2}; they win over the fixture's own */
  SshServerFixture(Path dir, List<String> extraOptions) throws Exception {
    this.dir = dir;
    this.extraOptions = List.copyOf(extraOptions);
    SecureRandom random = new SecureRandom();
    this.user = "osmw" + Integer.toString(random.nextInt(1 << 30), 36);
    this.password = "Pw-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    Process started = null;
    try {
      run(List.of("useradd", "-m", "-s", "/bin/bash", user), null);
      userCreated = true;
      run(List.of("chpasswd"), user + ":" + password + "\n");
      Files.createDirectories(dir);
      Files.deleteIfExists(dir.resolve("sshd.log")); // each start appends: this fixture's starts only
      newHostKey();
      Files.createDirectories(Path.of("/run/sshd"));
      int chosen = 0;
      for (int attempt = 0; attempt < 5 && started == null; attempt++) {
        chosen = freePort();
        started = startSshd(chosen);
      }
      if (started == null) {
        throw new IOException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
      }
      this.sshd = started;
      this.port = chosen;
    } catch (Exception | Error e) {
      if (userCreated) {
        removeUser();
      }
      throw e;
    }
  }

  /** The host key, named as sshd's own in /etc/ssh: {@link #dir} is a host-key directory. */
  Path hostKey() {
    return dir.resolve("ssh_host_ed25519_key");
  }

  Path hostPublicKey() {
    return dir.resolve("ssh_host_ed25519_key.pub");
  }

  /**
   * What {@code osmanager configure} does to a cloned image: a new host key in the directory, and
   * the sshd restarted with it (on the same port; its open connections end, as at a reboot).
   */
  void regenerateHostKey() throws Exception {
    stopSshd();
    newHostKey();
    Process started = null;
    for (int attempt = 0; attempt < 5 && started == null; attempt++) {
      started = startSshd(port);
    }
    if (started == null) {
      throw new IOException("sshd did not restart on port " + port + ": " + Files.readString(dir.resolve("sshd.log")));
    }
    sshd = started;
  }

  private void newHostKey() throws IOException, InterruptedException {
    Files.deleteIfExists(hostKey());
    Files.deleteIfExists(hostPublicKey());
    run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey().toString()), null);
  }

  /** The listening sshd (its sessions are descendants): for the benchmarks' CPU figures. */
  public ProcessHandle process() {
    return sshd.toHandle();
  }

  /** The listening sshd on that port, or null when it did not come up. */
  private Process startSshd(int onPort) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("/usr/sbin/sshd", "-D", "-e", "-f", "/dev/null"));
    for (String option : extraOptions) { // first: sshd keeps the first value it is given for a keyword
      argv.add("-o");
      argv.add(option);
    }
    argv.addAll(List.of("-o", "ListenAddress=127.0.0.1", "-p", Integer.toString(onPort), "-h", hostKey().toString(),
        "-o", "PidFile=" + dir.resolve("sshd.pid"), "-o", "UsePAM=yes", "-o", "PasswordAuthentication=yes",
        "-o", "KbdInteractiveAuthentication=yes", "-o", "PrintMotd=no", "-o", "PrintLastLog=no"));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sshd.log").toFile())).start();
    if (awaitListening(onPort, p)) {
      return p;
    }
    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    return null;
  }

  private static boolean awaitListening(int port, Process p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && p.isAlive()) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return true;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    return false;
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String run(List<String> argv, String stdin) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(argv + " timed out");
    }
    if (p.exitValue() != 0) {
      throw new IOException(argv.get(0) + " exited " + p.exitValue() + ": " + output.trim());
    }
    return output;
  }

  private void removeUser() {
    try {
      run(List.of("userdel", "-r", user), null);
    } catch (IOException e) {
      if (!e.getMessage().contains("mail spool")) {
        System.err.println("cleanup: " + e.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      stopSshd();
    } finally {
      removeUser();
    }
  }

  private void stopSshd() throws InterruptedException {
    // The per-connection sshd processes and the shells under them outlive the listener: end
    // them (by process id, all descendants of the sshd started here) so the user can go.
    List<ProcessHandle> children = sshd.descendants().toList();
    children.forEach(ProcessHandle::destroy);
    for (ProcessHandle child : children) {
      try {
        child.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        child.destroyForcibly();
      }
    }
    sshd.destroy();
    if (!sshd.waitFor(5, TimeUnit.SECONDS)) {
      sshd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  static Duration timeout() {
    return Duration.ofSeconds(20);
  }
}
