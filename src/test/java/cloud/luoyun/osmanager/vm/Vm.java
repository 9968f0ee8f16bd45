package cloud.luoyun.osmanager.vm;

import cloud.luoyun.osmanager.util.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One QEMU virtual machine started as a LuoYun compute node starts an instance: the image's
 * kernel booted directly, the disk on virtio, the config floppy (or, as other clouds start one,
 * a NoCloud seed on the CD-ROM drive), one virtio NIC with the config's MAC on QEMU's user network. {@code restrict=on}: nothing leaves this machine; the guest reaches
 * only the controller (guestfwd 10.0.2.100:1369 to a loopback port, through socat) and this
 * machine reaches the guest's 8080, 8001 and 22 through loopback ports. The serial console is
 * kept in a file and watched with arrival times. {@code -no-reboot}: a reboot in the guest ends
 * QEMU; boot again with a new {@link Vm} on the same disk. Closing kills QEMU and its socat
 * children.
 */
final class Vm implements AutoCloseable {
  /** The loopback ports on this machine forwarded to the guest's page server, web terminal and sshd. */
  record Ports(int web, int webssh, int ssh) {
    static Ports free() throws IOException {
      return new Ports(freePort(), freePort(), freePort());
    }
  }

  /** The volume that carries the instance's config, attached as its producer attaches it. */
  record Medium(String kind, Path file) {
    /** LuoYun's config floppy, on the floppy controller (the guest's /dev/fd0). */
    static Medium floppy(Path file) {
      return new Medium("floppy", file);
    }

    /** An ISO seed on the IDE CD-ROM drive, as {@code -cdrom} (the guest's /dev/sr0), as Proxmox and libvirt attach it. */
    static Medium cdrom(Path file) {
      return new Medium("cdrom", file);
    }

    List<String> qemuArgs() {
      return kind.equals("floppy")
          ? List.of("-drive", "file=" + file + ",format=raw,if=floppy")
          : List.of("-cdrom", file.toString());
    }

    @Override
    public String toString() {
      return kind + " " + file.getFileName();
    }
  }

  private static List<String> accelerator;

  final String name;
  final Ports ports;
  final Path consoleLog;
  final Path qemuLog;
  /** System.nanoTime() when QEMU was started: the figures count from here. */
  final long poweredOn;
  private final int controllerPort;
  private final Process qemu;
  private final StringBuilder console = new StringBuilder();
  /** Pairs of (console length after a chunk, nanoTime it arrived), to tell when a text appeared. */
  private final List<long[]> arrivals = new ArrayList<>();

  private Vm(String name, Ports ports, int controllerPort, Path dir, List<String> argv) throws IOException {
    this.name = name;
    this.ports = ports;
    this.controllerPort = controllerPort;
    this.consoleLog = dir.resolve(name + "-console.log");
    this.qemuLog = dir.resolve(name + "-qemu.log");
    ProcessBuilder pb = new ProcessBuilder(argv).redirectError(qemuLog.toFile());
    poweredOn = System.nanoTime();
    qemu = pb.start();
    Thread reader = new Thread(this::readConsole, "vm-console-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  static Vm powerOn(String name, Path dir, ApplianceImage image, Medium config, String mac, int controllerPort)
      throws Exception {
    Ports ports = Ports.free();
    List<String> argv = new ArrayList<>(List.of("qemu-system-x86_64"));
    argv.addAll(accelerator(image.kernel, dir));
    argv.addAll(List.of("-nographic", "-no-reboot", "-monitor", "none", "-serial", "stdio",
        "-kernel", image.kernel.toString(), "-initrd", image.initrd.toString(),
        "-append", "console=ttyS0 root=/dev/vda rw",
        "-drive", "file=" + image.disk + ",format=raw,if=virtio"));
    argv.addAll(config.qemuArgs());
    argv.addAll(List.of("-device", "virtio-net-pci,netdev=n0,mac=" + mac,
        "-netdev", "user,id=n0,restrict=on"
            + ",guestfwd=tcp:" + Instance.CONTROLLER_IP + ":" + Instance.CONTROLLER_PORT
            + "-cmd:socat - TCP:127.0.0.1:" + controllerPort
            + ",hostfwd=tcp:127.0.0.1:" + ports.web() + "-:8080"
            + ",hostfwd=tcp:127.0.0.1:" + ports.webssh() + "-:8001"
            + ",hostfwd=tcp:127.0.0.1:" + ports.ssh() + "-:22"));
    return new Vm(name, ports, controllerPort, dir, argv);
  }

  /**
   * KVM when it really runs a guest, else TCG on two threads. On some machines /dev/kvm opens but
   * guests hang in the BIOS; so KVM must boot the image's kernel to its "no root" panic (which
   * {@code panic=-1} and {@code -no-reboot} turn into QEMU's exit) within a few seconds. Decided once.
   */
  static synchronized List<String> accelerator(Path kernel, Path dir) throws Exception {
    if (accelerator == null) {
      boolean kvm = kvmRunsAGuest(kernel, dir);
      accelerator = kvm
          ? List.of("-accel", "kvm", "-cpu", "host", "-smp", "2", "-m", "1024")
          : List.of("-accel", "tcg,thread=multi", "-cpu", "max", "-smp", "2", "-m", "1024");
      System.out.println("[vm] accelerator: " + (kvm ? "kvm" : "tcg (KVM did not boot a kernel within 10 s)"));
    }
    return accelerator;
  }

  private static boolean kvmRunsAGuest(Path kernel, Path dir) throws Exception {
    Path kvm = Path.of("/dev/kvm");
    if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
      return false;
    }
    Path log = dir.resolve("kvm-probe.log");
    try {
      Processes.Result r = Processes.run(List.of("qemu-system-x86_64", "-accel", "kvm", "-m", "256", "-nographic",
          "-no-reboot", "-monitor", "none", "-net", "none", "-serial", "file:" + log,
          "-kernel", kernel.toString(), "-append", "console=ttyS0 panic=-1"), Duration.ofSeconds(10));
      return r.ok() && Files.readString(log, StandardCharsets.ISO_8859_1).contains("Kernel panic");
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private void readConsole() {
    byte[] buf = new byte[8192];
    try (InputStream in = qemu.getInputStream(); OutputStream file = Files.newOutputStream(consoleLog)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        file.write(buf, 0, n);
        file.flush();
        synchronized (this) {
          console.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
          arrivals.add(new long[] {console.length(), System.nanoTime()});
          notifyAll();
        }
      }
    } catch (IOException e) {
      // QEMU ended
    }
  }

  /**
   * Waits until the serial console shows text; returns how long after power-on it appeared.
   *
   * @throws AssertionError with the console's end when it does not appear in time or QEMU ends
   */
  synchronized Duration awaitConsole(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int at;
    while ((at = console.indexOf(text)) < 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !qemu.isAlive()) {
        throw new AssertionError(name + ": the console never showed \"" + text + "\""
            + (qemu.isAlive() ? " in " + timeout.toSeconds() + " s" : " (QEMU exited)") + "; it ends with:\n"
            + consoleTail(3000));
      }
      wait(Math.max(1, Math.min(left / 1_000_000, 500)));
    }
    for (long[] a : arrivals) {
      if (a[0] > at) {
        return Duration.ofNanos(a[1] - poweredOn);
      }
    }
    throw new IllegalStateException("text without an arrival");
  }

  synchronized String consoleTail(int chars) {
    return Commands.tail(console.toString(), chars);
  }

  String qemuMessages() throws IOException {
    return Files.exists(qemuLog) ? Files.readString(qemuLog) : "";
  }

  boolean isRunning() {
    return qemu.isAlive();
  }

  /** Waits for QEMU to end by itself (the guest powered off or rebooted); false when it did not. */
  boolean awaitExit(Duration timeout) throws InterruptedException {
    return qemu.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  Duration sincePowerOn(long nanoTime) {
    return Duration.ofNanos(nanoTime - poweredOn);
  }

  /**
   * Kills QEMU (if still running) and the socat processes it started for guest connections to
   * the controller. A socat whose QEMU already ended is no longer its descendant; it is found by
   * the controller port only this VM's socats name.
   */
  @Override
  public void close() throws InterruptedException {
    Processes.killTree(qemu.toHandle());
    String target = "TCP:127.0.0.1:" + controllerPort;
    ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/socat")).orElse(false))
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(target)).orElse(false))
        .forEach(ProcessHandle::destroyForcibly);
    if (!qemu.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + ": QEMU (pid " + qemu.pid() + ") survived SIGKILL for 10 s");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
