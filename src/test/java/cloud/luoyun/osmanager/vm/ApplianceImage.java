package cloud.luoyun.osmanager.vm;

import cloud.luoyun.osmanager.TestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Debian 12 appliance image made as an appliance builder makes one: Debian's own packages
 * (mmdebstrap), the project's .deb installed with dpkg in a chroot, the appliance's parts added,
 * then an ext4 disk image made from the tree ({@code mkfs.ext4 -d}: no loop mount needed). Debian's
 * generic kernel, not the cloud one: that has no floppy driver, and the config comes on a floppy.
 *
 * <p>What it leaves in its folder: the disk image, the kernel and the initrd (the rootfs tree and
 * the base tarball are removed once the disk is made). The base tarball can be kept between runs
 * in a cache folder the caller names; nothing else is cached.
 */
final class ApplianceImage {
  static final List<String> PACKAGES = List.of("systemd-sysv", "udev", "openssh-server", "openjdk-17-jre-headless",
      "iproute2", "ifupdown", "linux-image-amd64", "initramfs-tools", "kmod", "procps");
  private static final List<String> MMDEBSTRAP = List.of("mmdebstrap", "--mode=root", "--variant=minbase", "--format=tar",
      "--include=" + String.join(",", PACKAGES), "bookworm");
  private static final String DISK_SIZE = "3G";

  /** Adds the appliance builder's own parts to the tree, after the .deb is installed. */
  interface Parts {
    void addTo(Path rootfs) throws IOException;
  }

  final Path disk;
  final Path kernel;
  final Path initrd;
  /** The host keys the image was built with ({@link #keyOnly} lines): an instance must not keep them. */
  final List<String> builtHostKeys;
  /** How long mmdebstrap took, or empty when the cached tarball was used. */
  final Optional<Duration> baseBuild;

  private ApplianceImage(Path dir, List<String> builtHostKeys, Optional<Duration> baseBuild) {
    this.disk = dir.resolve("disk.img");
    this.kernel = dir.resolve("vmlinuz");
    this.initrd = dir.resolve("initrd.img");
    this.builtHostKeys = List.copyOf(builtHostKeys);
    this.baseBuild = baseBuild;
  }

  /**
   * @param dir an empty folder for the image's files
   * @param deb the project's package, installed with {@code dpkg -i}
   * @param cache where to keep the base tarball between runs, if anywhere
   */
  static ApplianceImage build(Path dir, Path deb, Optional<Path> cache, Parts parts) throws Exception {
    Files.createDirectories(dir);
    Optional<Duration> took = Optional.empty();
    Path tarball;
    if (cache.isPresent()) {
      Files.createDirectories(cache.get());
      tarball = cache.get().resolve("debian-bookworm-" + digest(MMDEBSTRAP) + ".tar");
      if (!Files.exists(tarball)) {
        Path partial = cache.get().resolve(tarball.getFileName() + ".partial");
        took = Optional.of(mmdebstrap(partial, dir));
        Files.move(partial, tarball, StandardCopyOption.ATOMIC_MOVE);
      }
    } else {
      tarball = dir.resolve("base.tar");
      took = Optional.of(mmdebstrap(tarball, dir));
    }
    Path rootfs = dir.resolve("rootfs");
    try {
      Files.createDirectories(rootfs);
      // numeric owners: the tarball's uids are the image's, not this machine's users of the same name
      Commands.run(Duration.ofMinutes(3), "tar", "--numeric-owner", "--xattrs", "--xattrs-include=*",
          "-xf", tarball.toString(), "-C", rootfs.toString());
      if (cache.isEmpty()) {
        Files.delete(tarball);
      }
      Files.writeString(rootfs.resolve("etc/fstab"), "/dev/vda / ext4 rw 0 1\n");
      // The system locale the Debian installer writes and minbase leaves out: without it pam_env
      // logs an error at every login (the web terminal's too), which a real image does not show.
      Files.writeString(rootfs.resolve("etc/default/locale"), "LANG=C.UTF-8\n");
      installPackage(rootfs, deb);
      parts.addTo(rootfs);
      List<String> hostKeys = hostKeys(rootfs.resolve("etc/ssh"));
      ApplianceImage image = new ApplianceImage(dir, hostKeys, took);
      Files.copy(only(rootfs.resolve("boot"), "vmlinuz-*"), image.kernel);
      Files.copy(only(rootfs.resolve("boot"), "initrd.img-*"), image.initrd);
      Commands.run(Duration.ofMinutes(3), "mkfs.ext4", "-q", "-F", "-d", rootfs.toString(), image.disk.toString(), DISK_SIZE);
      return image;
    } finally {
      TestFiles.deleteTree(rootfs);
    }
  }

  /**
   * Its temporary chroot (~1 GB) goes into {@code dir}, not /tmp: mmdebstrap killed at the bound
   * leaves it behind, and the test's folder is removed in any case. The bound allows for 2 cores
   * shared with other builds (12 minutes seen here at a load average of 25).
   */
  private static Duration mmdebstrap(Path out, Path dir) throws Exception {
    long start = System.nanoTime();
    List<String> argv = new ArrayList<>(MMDEBSTRAP);
    argv.add(out.toString());
    Commands.run(Duration.ofMinutes(15), null, Map.of("TMPDIR", dir.toString()), argv);
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /**
   * {@code dpkg -i} in a chroot, as an appliance builder does. The package's scripts run Java,
   * whose launcher finds its libraries through /proc/self/exe: the chroot gets a /proc of its own,
   * in a private mount and PID namespace, so the mount ends with the command and nothing is left
   * mounted inside the tree (which is deleted afterwards).
   */
  private static void installPackage(Path rootfs, Path deb) throws Exception {
    Path inside = rootfs.resolve("tmp").resolve(deb.getFileName());
    Files.copy(deb, inside);
    Commands.run(Duration.ofMinutes(3), "unshare", "--fork", "--pid", "--mount-proc=" + rootfs.resolve("proc"),
        "chroot", rootfs.toString(), "dpkg", "-i", "/tmp/" + deb.getFileName());
    Files.delete(inside);
  }

  static List<String> hostKeys(Path sshDir) throws IOException {
    List<String> keys = new ArrayList<>();
    try (DirectoryStream<Path> pubs = Files.newDirectoryStream(sshDir, "ssh_host_*_key.pub")) {
      for (Path p : pubs) {
        keys.add(keyOnly(Files.readString(p, StandardCharsets.US_ASCII)));
      }
    }
    return keys;
  }

  /** "ssh-ed25519 AAAA...": an OpenSSH public key line without its comment, to compare keys. */
  static String keyOnly(String line) {
    String[] fields = line.strip().split("\\s+");
    return fields.length >= 2 ? fields[0] + " " + fields[1] : line.strip();
  }

  private static Path only(Path dir, String glob) throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
      s.forEach(found::add);
    }
    if (found.size() != 1) {
      throw new IOException("expected one " + glob + " in " + dir + ", found " + found);
    }
    return found.get(0);
  }

  /** Names the cached tarball by what built it: a change of packages builds a new one. */
  private static String digest(List<String> argv) throws Exception {
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(String.join(" ", argv).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(hash, 0, 6);
  }
}
