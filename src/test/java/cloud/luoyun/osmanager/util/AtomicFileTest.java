package cloud.luoyun.osmanager.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
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
}
