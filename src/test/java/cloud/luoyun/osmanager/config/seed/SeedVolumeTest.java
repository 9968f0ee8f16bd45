package cloud.luoyun.osmanager.config.seed;

import static cloud.luoyun.osmanager.config.seed.Producers.genisoimage;
import static cloud.luoyun.osmanager.config.seed.Producers.tree;
import static cloud.luoyun.osmanager.config.seed.Producers.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.luoyun.osmanager.TestFiles;
import cloud.luoyun.osmanager.config.FloppyWriter;
import cloud.luoyun.osmanager.config.seed.SeedVolume.Kind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every kind of volume promises: paths that stay inside, limits, links not followed. */
@Timeout(60)
class SeedVolumeTest {
  static final int LIMIT = 64 << 10;

  @TempDir Path tmp;

  @Test
  void opensLuoyunsFloppyAsAFatVolumeAndLeavesTheDecisionToTheCaller() throws Exception {
    byte[] ini = utf8("[config]\nTAG=1\n");
    Path img = tmp.resolve("floppy.img");
    Files.write(img, FloppyWriter.image(ini, LocalDateTime.of(2012, 8, 2, 20, 14, 34)));
    try (SeedVolume v = SeedVolume.open(img)) {
      assertThat(v.kind()).isEqualTo(Kind.VFAT);
      assertThat(v.read("luoyun.ini", LIMIT)).hasValue(ini);
      assertThat(v.read("meta-data", LIMIT)).isEmpty();
    }
  }

  @Test
  void readsLuoyunIniFromTheComputeNodesTruncatedFloppy() throws Exception {
    try (SeedVolume v = SeedVolume.open(TestFiles.vector("floppy-luoyun.img"))) {
      assertThat(v.kind()).isEqualTo(Kind.VFAT);
      assertThat(v.read("luoyun.ini", LIMIT))
          .hasValue(Files.readAllBytes(TestFiles.vector("luoyun.ini")));
    }
  }

  @Test
  void opensAFolderAsAFolderWhateverItIsCalled() throws Exception {
    Path dir = tree(tmp.resolve("seed.iso"), Producers.noCloud());
    try (SeedVolume v = SeedVolume.open(dir)) {
      assertThat(v.kind()).isEqualTo(Kind.FOLDER);
      assertThat(v.label()).isEmpty();
      assertThat(v.list("")).containsExactlyInAnyOrder("meta-data", "user-data",
          "network-config");
      assertThat(v.source()).isEqualTo(dir);
    }
  }

  @Test
  void aMissingSourceIsNoSuchFile() {
    assertThatThrownBy(() -> SeedVolume.open(tmp.resolve("absent")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/meta-data", "../meta-data", "openstack/../meta-data", "a//b", "./x",
      "a\\b", "1/2/3/4/5/6/7/8/9"})
  void refusesPathsThatCouldLeaveTheVolume(String path) throws Exception {
    Path dir = tree(tmp.resolve("seed"), Producers.noCloud());
    Path iso = genisoimage(tmp.resolve("s.iso"), dir, "-quiet", "-J", "-r", "-V", "cidata");
    for (Path source : new Path[] {dir, iso}) {
      try (SeedVolume v = SeedVolume.open(source)) {
        assertThatThrownBy(() -> v.read(path, LIMIT)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(path);
        assertThatThrownBy(() -> v.list(path)).isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @Test
  void aFileOverTheLimitIsRefusedOnEveryKind() throws Exception {
    Map<String, byte[]> files = Map.of("user-data", new byte[LIMIT + 1]);
    Path dir = tree(tmp.resolve("seed"), files);
    Path iso = genisoimage(tmp.resolve("s.iso"), dir, "-quiet", "-J", "-r", "-V", "cidata");
    Path fat = Producers.vfat(tmp.resolve("s.img"), "CIDATA", 512, files, tmp.resolve("fat"));
    for (Path source : new Path[] {dir, iso, fat}) {
      try (SeedVolume v = SeedVolume.open(source)) {
        assertThatThrownBy(() -> v.read("user-data", LIMIT))
            .isInstanceOf(SeedFormatException.class)
            .hasMessage(source + ": user-data: larger than 65536 bytes");
        assertThat(v.read("user-data", LIMIT + 1)).hasValue(new byte[LIMIT + 1]);
      }
    }
  }

  @Test
  void aFolderIsNotAFileAndAFileIsNotAFolder() throws Exception {
    Path dir = tree(tmp.resolve("seed"), Producers.configDrive());
    Path iso = genisoimage(tmp.resolve("s.iso"), dir, "-quiet", "-J", "-r", "-V", "config-2");
    Path fat = Producers.vfat(tmp.resolve("s.img"), "CONFIG-2", 512, Producers.configDrive(),
        tmp.resolve("fat"));
    for (Path source : new Path[] {dir, iso, fat}) {
      try (SeedVolume v = SeedVolume.open(source)) {
        assertThatThrownBy(() -> v.read("openstack/latest", LIMIT))
            .isInstanceOf(SeedFormatException.class).hasMessageContaining("openstack/latest: ");
        assertThatThrownBy(() -> v.list("openstack/latest/user_data"))
            .isInstanceOf(SeedFormatException.class)
            .hasMessageContaining("openstack/latest/user_data: ");
        assertThat(v.read("openstack/latest/user_data/x", LIMIT)).isEmpty();
      }
    }
  }

  @Test
  void aFolderVolumeFollowsNoLinkOutOfTheFolder() throws Exception {
    Path outside = tree(tmp.resolve("outside"), Map.of("secret", utf8("no\n")));
    Path dir = tree(tmp.resolve("seed"), Producers.noCloud());
    Files.createSymbolicLink(dir.resolve("vendor-data"), outside.resolve("secret"));
    Files.createSymbolicLink(dir.resolve("openstack"), outside);
    try (SeedVolume v = SeedVolume.open(dir)) {
      assertThatThrownBy(() -> v.read("vendor-data", LIMIT))
          .isInstanceOf(SeedFormatException.class)
          .hasMessage(dir + ": vendor-data: vendor-data is a symbolic link (not followed)");
      assertThatThrownBy(() -> v.read("openstack/secret", LIMIT))
          .hasMessage(dir + ": openstack/secret: openstack is a symbolic link (not followed)");
      assertThatThrownBy(() -> v.list("openstack"))
          .hasMessageContaining("openstack is a symbolic link");
    }
  }

  @Test
  void aFolderVolumeReadsNoFifo() throws Exception {
    Path dir = tree(tmp.resolve("seed"), Producers.noCloud());
    Producers.run(dir, "mkfifo", "user-data.fifo");
    try (SeedVolume v = SeedVolume.open(dir)) {
      assertThatThrownBy(() -> v.read("user-data.fifo", LIMIT))
          .isInstanceOf(SeedFormatException.class)
          .hasMessage(dir + ": user-data.fifo: not a regular file");
    }
  }

  @Test
  void aFolderVolumeMayItselfBeALink() throws Exception {
    Path dir = tree(tmp.resolve("seed"), Producers.noCloud());
    Path link = Files.createSymbolicLink(tmp.resolve("link"), dir);
    try (SeedVolume v = SeedVolume.open(link)) {
      assertThat(v.read("meta-data", LIMIT)).hasValue(Producers.noCloud().get("meta-data"));
    }
  }

  @Test
  void aVfatFileLongerThanItsClustersIsRefused() throws Exception {
    Map<String, byte[]> files = Map.of("meta-data", utf8("instance-id: x\n"));
    Path img = Producers.vfat(tmp.resolve("s.img"), "CIDATA", 256, files, tmp.resolve("in"));
    byte[] bytes = Files.readAllBytes(img);
    int entry = indexOf(bytes, "META-D~1   ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(entry + 28, 60000);
    Files.write(img, bytes);
    try (SeedVolume v = SeedVolume.open(img)) {
      assertThatThrownBy(() -> v.read("meta-data", LIMIT))
          .isInstanceOf(java.io.IOException.class)
          .hasMessage(img + ": meta-data: entry (60000) is larger than associated cluster chain"
              + " (2048)");
    }
  }

  @Test
  void aVfatFolderThatIsItsParentIsRefused() throws Exception {
    Map<String, byte[]> files = Map.of("d/e/meta-data", utf8("instance-id: x\n"));
    Path img = Producers.vfat(tmp.resolve("s.img"), "CIDATA", 256, files, tmp.resolve("in"));
    byte[] bytes = Files.readAllBytes(img);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int d = indexOf(bytes, folderEntry("D"));
    int e = indexOf(bytes, folderEntry("E"));
    short cluster = b.getShort(d + 26);
    b.putShort(e + 26, cluster);
    Files.write(img, bytes);
    try (SeedVolume v = SeedVolume.open(img)) {
      assertThatThrownBy(() -> v.read("d/e/meta-data", LIMIT))
          .isInstanceOf(SeedFormatException.class)
          .hasMessage(img + ": d/e: folder at cluster " + cluster
              + " is itself or its ancestor (a loop)");
    }
  }

  @Test
  void aVfatFolderOverOneMebibyteIsRefusedBeforeItIsRead() throws Exception {
    Map<String, byte[]> files = Map.of("d/meta-data", utf8("instance-id: x\n"));
    Path img = Producers.vfat(tmp.resolve("s.img"), "CIDATA", 4096, files, tmp.resolve("in"));
    byte[] bytes = Files.readAllBytes(img);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int clusterBytes = (b.getShort(0x0b) & 0xffff) * (b.get(0x0d) & 0xff);
    int fat = (b.getShort(0x0e) & 0xffff) * (b.getShort(0x0b) & 0xffff);
    boolean fat12 = new String(bytes, 0x36, 5, java.nio.charset.StandardCharsets.US_ASCII)
        .equals("FAT12");
    int first = b.getShort(indexOf(bytes, folderEntry("D")) + 26) & 0xffff;
    // d's chain runs on through free clusters from 100, one more than 1 MiB holds
    int count = (1 << 20) / clusterBytes + 1;
    int fatBytes = (b.getShort(0x16) & 0xffff) * (b.getShort(0x0b) & 0xffff);
    for (int copy : new int[] {fat, fat + fatBytes}) { // fat32-lib wants the two FATs alike
      setFat(bytes, copy, fat12, first, 100);
      for (int c = 100; c < 100 + count; c++) {
        setFat(bytes, copy, fat12, c, c == 100 + count - 1 ? 0xfff8 : c + 1);
      }
    }
    Files.write(img, bytes);
    try (SeedVolume v = SeedVolume.open(img)) {
      assertThatThrownBy(() -> v.read("d/meta-data", LIMIT))
          .isInstanceOf(SeedFormatException.class)
          .hasMessage(img + ": d: a folder of more than 1048576 bytes");
      assertThatThrownBy(() -> v.list("d"))
          .hasMessage(img + ": d: a folder of more than 1048576 bytes");
    }
  }

  private static void setFat(byte[] image, int fat, boolean fat12, int cluster, int next) {
    if (!fat12) {
      image[fat + cluster * 2] = (byte) next;
      image[fat + cluster * 2 + 1] = (byte) (next >>> 8);
      return;
    }
    int i = fat + cluster * 3 / 2;
    int v = (image[i] & 0xff) | (image[i + 1] & 0xff) << 8;
    v = (cluster & 1) == 0 ? (v & 0xf000) | (next & 0xfff) : (v & 0x000f) | (next & 0xfff) << 4;
    image[i] = (byte) v;
    image[i + 1] = (byte) (v >>> 8);
  }

  /** A short-name entry's name and attribute byte, for a folder. */
  private static byte[] folderEntry(String name) {
    byte[] e = new byte[12];
    java.util.Arrays.fill(e, (byte) ' ');
    System.arraycopy(utf8(name), 0, e, 0, name.length());
    e[11] = 0x10;
    return e;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
