package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.TestFiles;
import cloud.luoyun.osmanager.config.Home;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small image tree for {@code --root}, like Debian 12 as far as configure looks: etc/ with
 * shadow, resolv.conf, sshd_config (including sshd_config.d), an ifupdown interfaces file that
 * sources interfaces.d, networking.service enabled (systemd wants links), the units of ifupdown,
 * ssh and systemd-networkd installed; and a home beside it.
 */
final class ImageTree {
  /** Day 20000 after 1970-01-01: what the fixed clock makes the shadow's "last change" field. */
  static final Clock CLOCK = Clock.fixed(Instant.parse("2024-10-04T12:00:00Z"), ZoneOffset.UTC);
  static final String DAY = "20000";
  /** Other entries, one with a non-UTF-8 byte in its GECOS-free fields, which must survive as bytes. */
  static final byte[] SHADOW_REST = concat("daemon:*:19000:0:99999:7:::\n".getBytes(StandardCharsets.US_ASCII),
      new byte[] {'o', 'p', 0x1f, (byte) 0xe9, ':', '!', ':', '1', ':', ':', ':', ':', ':', ':', '\n'});
  static final String SHADOW_ROOT = "root:*:19000:0:99999:7:::\n";
  static final int SHADOW_GID = 42;
  /** Debian 12's sshd_config, the lines that matter here. */
  static final String SSHD_CONFIG = "Include /etc/ssh/sshd_config.d/*.conf\n\n#PermitRootLogin prohibit-password\n"
      + "#PasswordAuthentication yes\nKbdInteractiveAuthentication no\nUsePAM yes\nX11Forwarding yes\n"
      + "PrintMotd no\n";
  static final String UNIT_DIR = "usr/lib/systemd/system";

  final Path root;
  final Home home;

  ImageTree(Path dir) throws IOException {
    root = dir.resolve("img");
    home = new Home(dir.resolve("LuoYun"));
    Files.createDirectories(root.resolve("etc/ssh"));
    Files.createDirectories(root.resolve("etc/network"));
    Files.createDirectories(root.resolve("root"));
    Files.createDirectories(home.stateDir()); // as install lays it out
    Path shadow = root.resolve("etc/shadow");
    Files.write(shadow, concat(SHADOW_ROOT.getBytes(StandardCharsets.US_ASCII), SHADOW_REST));
    Files.setPosixFilePermissions(shadow, PosixFilePermissions.fromString("rw-r-----"));
    Files.setAttribute(shadow, "unix:gid", SHADOW_GID); // root:shadow, as on Debian
    Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
    Files.writeString(root.resolve("etc/resolv.conf"), "nameserver 192.0.2.53\nsearch example.org\n");
    Files.writeString(root.resolve("etc/network/interfaces"), "auto lo\niface lo inet loopback\n"
        + "source /etc/network/interfaces.d/*\n");
    Files.createDirectories(root.resolve("etc/ssh/sshd_config.d"));
    Files.writeString(root.resolve("etc/ssh/sshd_config"), SSHD_CONFIG);
    for (String unit : new String[] {"networking.service", "ssh.service", "systemd-networkd.service"}) {
      installUnit(unit);
    }
    enable("networking.service", "multi-user.target", "network-online.target");
  }

  void installUnit(String unit) throws IOException {
    Files.createDirectories(root.resolve(UNIT_DIR));
    Files.writeString(root.resolve(UNIT_DIR).resolve(unit), "[Unit]\nDescription=" + unit + "\n");
  }

  /** Links the unit from each target's wants folder as systemctl enable does (absolute, into the image). */
  void enable(String unit, String... targets) throws IOException {
    for (String t : targets) {
      Path wants = root.resolve("etc/systemd/system/" + t + ".wants");
      Files.createDirectories(wants);
      Files.createSymbolicLink(wants.resolve(unit), Path.of("/" + UNIT_DIR + "/" + unit));
    }
  }

  /** Removes the unit's wants links, as systemctl disable does. */
  void disable(String unit) throws IOException {
    try (var dirs = Files.newDirectoryStream(root.resolve("etc/systemd/system"), "*.wants")) {
      for (Path d : dirs) {
        Files.deleteIfExists(d.resolve(unit));
      }
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  Path sys(String rel) {
    return root.resolve(rel);
  }

  Configurator.Options options(Path source, Netns ns) {
    return Configurator.Options.of(home).withRoot(root).withSource(source).withNetns(ns.name);
  }

  static Path vectorFloppy() {
    return TestFiles.vector("floppy-luoyun.img");
  }

  static String vectorIni() throws IOException {
    return Files.readString(TestFiles.vector("luoyun.ini"), StandardCharsets.UTF_8);
  }

  /**
   * Every file and folder under the tree and home: path → inode, mtime, mode, content hash. Equal
   * snapshots mean nothing was written, replaced or re-moded, but for the record each run leaves
   * of itself ({@code state/configure.json}, and so the time of {@code state/}).
   */
  Map<String, String> snapshot() throws IOException {
    Map<String, String> out = new TreeMap<>();
    Path record = home.stateDir().resolve(RunRecord.FILE);
    for (Path top : new Path[] {root, home.dir()}) {
      Files.walkFileTree(top, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
          if (!f.equals(record)) {
            out.put(f.toString(), describe(f, a) + " " + hash(f));
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
          out.put(d + "/", d.equals(home.stateDir()) ? "the state folder" : describe(d, a));
          return FileVisitResult.CONTINUE;
        }
      });
    }
    return out;
  }

  private static String describe(Path p, BasicFileAttributes a) throws IOException {
    return a.fileKey() + " " + a.lastModifiedTime().toMillis() + " "
        + PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  private static String hash(Path f) throws IOException {
    if (Files.isSymbolicLink(f)) {
      return "-> " + Files.readSymbolicLink(f);
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
