package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.util.Processes;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link HostKeyFaultsTest} as {@code unshare --mount -- java ... FullDiskChild ROOT HOME
 * INI FREE OUT}, in a mount namespace of its own: puts a small tmpfs over ROOT/etc/ssh (gone with
 * the namespace, so nothing outlives the test), copies the old keys into it, fills it until only
 * FREE bytes are left, runs configure (printing its lines), then copies what etc/ssh holds
 * afterwards to OUT for the test to judge.
 */
public final class FullDiskChild {
  private FullDiskChild() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    Path sshDir = root.resolve("etc/ssh");
    long free = Long.parseLong(args[3]);
    Path out = Path.of(args[4]);
    Map<String, byte[]> old = new HashMap<>();
    Map<String, String> modes = new HashMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(sshDir, "ssh_host_*")) {
      for (Path f : files) {
        old.put(f.getFileName().toString(), Files.readAllBytes(f));
        modes.put(f.getFileName().toString(), ConfiguratorTest.mode(f));
      }
    }
    Processes.Result mount = Processes.run(List.of("mount", "-t", "tmpfs", "-o", "size=128k,mode=0755",
        "osm-full-disk", sshDir.toString()), Duration.ofSeconds(10));
    if (!mount.ok()) {
      throw new IllegalStateException("mount: " + mount.output());
    }
    for (Map.Entry<String, byte[]> e : old.entrySet()) {
      Path f = Files.write(sshDir.resolve(e.getKey()), e.getValue());
      Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString(modes.get(e.getKey())));
    }
    fill(sshDir.resolve(".filler"), free);
    System.out.println("free " + Files.getFileStore(sshDir).getUsableSpace());

    Report r = new Configurator(Configurator.Options.of(new Home(Path.of(args[1]))).withRoot(root)
        .withSource(Path.of(args[2]))).run(step -> System.out.println(step.line()));
    System.out.println("exit " + r.exitCode());

    Files.createDirectories(out);
    try (DirectoryStream<Path> left = Files.newDirectoryStream(sshDir)) {
      for (Path f : left) {
        if (f.getFileName().toString().equals(".filler")) {
          continue;
        }
        Path to = out.resolve(f.getFileName().toString());
        if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectory(to); // a temp folder left behind: its name is what the test looks at
        } else {
          Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
      }
    }
  }

  /** Writes zeros to {@code filler} until the file system has {@code free} bytes left (whole pages). */
  private static void fill(Path filler, long free) throws Exception {
    long room = Files.getFileStore(filler.getParent()).getUsableSpace() - free;
    try (var ch = Files.newByteChannel(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate(4096);
      for (long written = 0; written < room; written += 4096) {
        zeros.clear();
        ch.write(zeros);
      }
    }
  }
}
