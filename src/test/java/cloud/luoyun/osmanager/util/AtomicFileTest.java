package cloud.luoyun.osmanager.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
  @TempDir Path dir;

  @Test
  void aNewFileGetsTheRequestedMode() throws Exception {
    Path f = dir.resolve("luoyun.conf");

    AtomicFile.write(f, "TAG=1\n".getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-------"));

    assertThat(Files.readString(f)).isEqualTo("TAG=1\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
  }

  @Test
  void anExistingFileKeepsItsModeWhenReplaced() throws Exception {
    Path shadow = dir.resolve("shadow");
    Files.writeString(shadow, "old");
    Files.setPosixFilePermissions(shadow, PosixFilePermissions.fromString("rw-r-----"));

    AtomicFile.write(shadow, "new".getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-rw-rw-"));

    assertThat(Files.readString(shadow)).isEqualTo("new");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shadow))).isEqualTo("rw-r-----");
  }

  @Test
  void noTempFileIsLeftBehind() throws Exception {
    Path f = dir.resolve("resolv.conf");

    AtomicFile.write(f, new byte[] {1, 2, 3}, Set.of());

    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(f);
    }
  }

  @Test
  void writeIfChangedLeavesAnEqualFileUntouched() throws Exception {
    Path f = dir.resolve("authorized_keys");
    Files.writeString(f, "same\n");
    Object inode = Files.getAttribute(f, "unix:ino");

    boolean written = AtomicFile.writeIfChanged(f, "same\n".getBytes(StandardCharsets.UTF_8), Set.of());

    assertThat(written).isFalse();
    assertThat(Files.getAttribute(f, "unix:ino")).isEqualTo(inode);
    assertThat(AtomicFile.writeIfChanged(f, "other\n".getBytes(StandardCharsets.UTF_8), Set.of())).isTrue();
    assertThat(Files.readString(f)).isEqualTo("other\n");
  }

  @Test
  void aSymlinkIsNotReplaced() throws Exception {
    Path real = dir.resolve("real");
    Files.writeString(real, "keep");
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);

    assertThatThrownBy(() -> AtomicFile.write(link, new byte[] {1}, Set.of())).hasMessageContaining("symbolic link");
    assertThat(Files.readString(real)).isEqualTo("keep");
    assertThat(Files.isSymbolicLink(link)).isTrue();
  }

  /** Writes {@code args[0]} again and again with 4 MiB, until killed: a daemon caught mid-write. */
  public static final class Writer {
    public static void main(String[] args) throws Exception {
      byte[] content = new byte[4 << 20];
      for (;;) {
        AtomicFile.write(Path.of(args[0]), content, PosixFilePermissions.fromString("rw-r--r--"));
      }
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS) // a hang is the bug; never a timing assertion
  void aTempFileLeftByAWriterKilledMidWriteIsRemovedByTheNextWrite() throws Exception {
    Path f = dir.resolve("daemon.json");
    List<Path> left = List.of();
    for (int attempt = 0; attempt < 20 && left.isEmpty(); attempt++) {
      Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), Writer.class.getName(), f.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      try {
        while (temps(f).isEmpty() && writer.isAlive()) {
          Thread.sleep(1);
        }
      } finally {
        writer.destroyForcibly(); // SIGKILL: no finally block of the writer runs
        writer.waitFor();
      }
      left = temps(f);
    }
    assertThat(left).as("a temp file left by the killed writer").isNotEmpty();

    AtomicFile.write(f, "{}".getBytes(StandardCharsets.US_ASCII), Set.of());

    assertThat(temps(f)).isEmpty();
    assertThat(f).hasContent("{}");
  }

  @Test
  void aTempOfTheNamingBeforeThePidWasInItIsRemovedToo() throws Exception {
    Path f = dir.resolve("daemon.json");
    Path old = Files.writeString(dir.resolve(".daemon.json.osm-1f3a9c0d5e7b2468"), "{\"half\":");
    Path shorter = Files.writeString(dir.resolve(".daemon.json.osm-3a9c0d5e7b2468"), "{\"half\":"); // leading zeros

    AtomicFile.write(f, "{}".getBytes(StandardCharsets.US_ASCII), Set.of());

    assertThat(old).doesNotExist();
    assertThat(shorter).doesNotExist();
  }

  @Test
  void aTempOfAWriterStillAliveAndFilesNotOfOurNamingAreLeftAlone() throws Exception {
    Path f = dir.resolve("daemon.json");
    Process alive = new ProcessBuilder("sleep", "60").start();
    try {
      Path theirs = Files.writeString(dir.resolve(".daemon.json.osm-" + alive.pid() + "-1f3a9c0d5e7b2468"), "{");
      Path other = Files.writeString(dir.resolve(".daemon.json.osm-backup"), "mine");
      Path otherFile = Files.writeString(dir.resolve(".resolv.conf.osm-1f3a9c0d5e7b2468"), "not this target's");

      AtomicFile.write(f, "{}".getBytes(StandardCharsets.US_ASCII), Set.of());

      assertThat(theirs).exists();
      assertThat(other).exists();
      assertThat(otherFile).exists();
    } finally {
      alive.destroyForcibly();
    }
  }

  @Test
  void writersOfOneFileInOneProcessNeverRemoveEachOthersTempFiles() throws Exception {
    Path f = dir.resolve("daemon.json");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        byte[] content = ("{\"writer\":" + t + "}").getBytes(StandardCharsets.US_ASCII);
        writers.add(pool.submit(() -> {
          for (int i = 0; i < 200; i++) {
            AtomicFile.write(f, content, Set.of());
          }
          return null;
        }));
      }
      for (Future<?> w : writers) {
        w.get(60, TimeUnit.SECONDS); // a removed temp would fail its rename here
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(temps(f)).isEmpty();
  }

  private List<Path> temps(Path target) throws Exception {
    try (Stream<Path> all = Files.list(target.getParent())) {
      return all.filter(p -> p.getFileName().toString().startsWith("." + target.getFileName() + ".osm-")).toList();
    }
  }
}
