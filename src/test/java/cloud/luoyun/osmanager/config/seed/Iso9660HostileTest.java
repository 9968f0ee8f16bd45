package cloud.luoyun.osmanager.config.seed;

import static cloud.luoyun.osmanager.config.seed.HandMadeIso.SECTOR;
import static cloud.luoyun.osmanager.config.seed.HandMadeIso.ce;
import static cloud.luoyun.osmanager.config.seed.HandMadeIso.le32;
import static cloud.luoyun.osmanager.config.seed.HandMadeIso.nm;
import static cloud.luoyun.osmanager.config.seed.HandMadeIso.record;
import static cloud.luoyun.osmanager.config.seed.Producers.genisoimage;
import static cloud.luoyun.osmanager.config.seed.Producers.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images a producer made, then broken byte by byte, and images made by hand: each is refused
 * with one line naming the volume and the file or field, quickly, and without allocating by a
 * length the image gives.
 */
@Timeout(60)
class Iso9660HostileTest {
  static final int LIMIT = 64 << 10;

  @TempDir Path tmp;

  /** A Rock Ridge config drive: the primary records hold the extents that get patched. */
  private byte[] configDrive() throws Exception {
    Path dir = tree(tmp.resolve("drive"), Producers.configDrive());
    tree(dir, Producers.noCloud());
    return Files.readAllBytes(genisoimage(tmp.resolve("cd.iso"), dir, "-quiet", "-iso-level",
        "3", "-R", "-V", "config-2"));
  }

  /** Where the primary directory record named {@code name} (e.g. "OPENSTACK") starts. */
  static int recordOf(byte[] iso, String name) {
    return recordOf(iso, name, 0);
  }

  /** The same, for the first record at or after byte {@code from}. */
  static int recordOf(byte[] iso, String name, long from) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    for (int i = (int) from + 33; i + n.length <= iso.length; i++) {
      int r = i - 33; // a record has volume sequence number 1, both-endian, at 28
      if ((iso[i - 1] & 0xff) == n.length && (iso[r] & 0xff) >= 33 + n.length
          && iso[r + 28] == 1 && iso[r + 31] == 1
          && Arrays.equals(iso, i, i + n.length, n, 0, n.length)) {
        return r;
      }
    }
    throw new AssertionError("no record " + name);
  }

  static long extentOf(byte[] iso, int record) {
    return (iso[record + 2] & 0xffL) | (iso[record + 3] & 0xffL) << 8
        | (iso[record + 4] & 0xffL) << 16 | (iso[record + 5] & 0xffL) << 24;
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  /**
   * Opens {@code image} and reads {@code path}, expecting one line naming the volume (then the
   * record where the walk found the fault).
   */
  private AbstractThrowableAssert<?, ?> assertReadRefused(byte[] image, String path, int limit)
      throws IOException {
    Path iso = write("broken.iso", image);
    return assertRefused(() -> {
      try (SeedVolume v = SeedVolume.open(iso)) {
        v.read(path, limit);
      }
    }).hasMessageStartingWith(iso + ": ");
  }

  private static AbstractThrowableAssert<?, ?> assertRefused(ThrowingCallable call) {
    return assertThatThrownBy(call).isInstanceOf(SeedFormatException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void refusesAFileWhoseExtentIsBeyondTheImage() throws Exception {
    byte[] iso = configDrive();
    le32(iso, recordOf(iso, "META_DATA.;1") + 2, 0x00ffffff);
    assertReadRefused(iso, "meta-data", LIMIT)
        .hasMessageContaining(": meta-data: extent at block 16777215 of "
            + Producers.noCloud().get("meta-data").length + " bytes is beyond the image's end");
  }

  @Test
  void refusesAFileLargerThanTheLimitWithoutReadingIt() throws Exception {
    byte[] iso = configDrive();
    le32(iso, recordOf(iso, "META_DATA.;1") + 10, 0xfffffff0L);
    assertReadRefused(iso, "meta-data", LIMIT)
        .hasMessage(tmp.resolve("broken.iso") + ": meta-data: larger than 65536 bytes");
    le32(iso, recordOf(iso, "META_DATA.;1") + 10, 0x7ff00000L);
    assertReadRefused(iso, "meta-data", Integer.MAX_VALUE)
        .hasMessageContaining("beyond the image's end");
  }

  @Test
  void refusesAFolderThatIsTheTopFolder() throws Exception {
    byte[] iso = configDrive();
    long top = extentOf(iso, 16 * SECTOR + 156);
    le32(iso, recordOf(iso, "OPENSTACK") + 2, top);
    assertReadRefused(iso, "openstack/latest/meta_data.json", LIMIT)
        .hasMessageContaining("openstack: folder at block " + top)
        .hasMessageContaining("a loop");
  }

  @Test
  void refusesAFolderThatIsItsParent() throws Exception {
    byte[] iso = configDrive();
    long openstack = extentOf(iso, recordOf(iso, "OPENSTACK"));
    le32(iso, recordOf(iso, "LATEST", openstack * SECTOR) + 2, openstack);
    assertReadRefused(iso, "openstack/latest/meta_data.json", LIMIT)
        .hasMessageContaining("openstack/latest: folder at block " + openstack);
    Path broken = tmp.resolve("broken.iso");
    assertRefused(() -> {
      try (SeedVolume v = SeedVolume.open(broken)) {
        v.list("openstack/latest/2012-08-10");
      }
    }).hasMessageContaining("a loop");
  }

  @Test
  void refusesARecordWhoseLengthIsTooShort() throws Exception {
    byte[] iso = configDrive();
    iso[recordOf(iso, "USER_DATA.;1")] = 20;
    assertReadRefused(iso, "user-data", LIMIT)
        .hasMessageContaining(": top folder: record at byte ").hasMessageContaining("length 20");
  }

  @Test
  void refusesAnImageCutShort() throws Exception {
    byte[] iso = configDrive();
    long data = extentOf(iso, recordOf(iso, "META_DATA.;1"));
    assertReadRefused(Arrays.copyOf(iso, (int) data * SECTOR + 10), "meta-data", LIMIT)
        .hasMessageContaining("beyond the image's end");
    Path cut = write("cut.iso", Arrays.copyOf(iso, 16 * SECTOR + 100));
    assertRefused(() -> SeedVolume.open(cut).close())
        .hasMessageStartingWith(cut + ": volume descriptor 0: truncated image");
  }

  @Test
  void refusesATopFolderBeyondTheImage() throws Exception {
    byte[] iso = configDrive();
    le32(iso, 16 * SECTOR + 156 + 10, 0x7fffffffL);
    Path big = write("big.iso", iso);
    assertRefused(() -> SeedVolume.open(big).close())
        .hasMessageContaining("top folder: extent at block");
  }

  @Test
  void refusesWhatIsNeitherAnIsoNorAFatVolume() throws Exception {
    Path junk = write("junk.img", new byte[40000]);
    assertRefused(() -> SeedVolume.open(junk).close())
        .hasMessageStartingWith(junk + ": neither an ISO9660 image");
  }

  @Test
  void readsARockRidgeNameContinuedInAContinuationArea() throws Exception {
    HandMadeIso iso = new HandMadeIso(24)
        .addToTop(record("A.;1", 21, 5, false, nm(1, "a".repeat(150)), ce(20, 100, 60)))
        .put(20 * SECTOR + 100, nm(0, "b".repeat(50)))
        .put(21 * SECTOR, "hello".getBytes(StandardCharsets.US_ASCII));
    try (SeedVolume v = SeedVolume.open(write("ok.iso", iso.bytes()))) {
      assertThat(v.list("")).containsExactly("a".repeat(150) + "b".repeat(50));
      assertThat(v.read("a".repeat(150) + "b".repeat(50), LIMIT))
          .hasValue("hello".getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Test
  void refusesARockRidgeNameOver255Bytes() throws Exception {
    HandMadeIso iso = new HandMadeIso(24)
        .addToTop(record("A.;1", 21, 5, false, nm(1, "a".repeat(150)), ce(20, 0, 200)))
        .put(20 * SECTOR, nm(0, "b".repeat(120)));
    Path p = write("long.iso", iso.bytes());
    assertRefused(() -> {
      try (SeedVolume v = SeedVolume.open(p)) {
        v.read("meta-data", LIMIT);
      }
    }).hasMessage(p + ": top folder: a Rock Ridge name longer than 255 bytes");
  }

  @Test
  void refusesContinuationAreasThatLoop() throws Exception {
    HandMadeIso iso = new HandMadeIso(24)
        .addToTop(record("A.;1", 21, 5, false, nm(1, "a"), ce(20, 0, 28)))
        .put(20 * SECTOR, ce(20, 0, 28));
    Path p = write("ce.iso", iso.bytes());
    assertRefused(() -> {
      try (SeedVolume v = SeedVolume.open(p)) {
        v.list("");
      }
    }).hasMessageContaining("more than 16 Rock Ridge continuation areas");
  }

  @Test
  void refusesAContinuationAreaBeyondTheImage() throws Exception {
    HandMadeIso iso = new HandMadeIso(24)
        .addToTop(record("A.;1", 21, 5, false, nm(0, "a"), ce(1 << 20, 0, 28)));
    Path p = write("ce.iso", iso.bytes());
    assertRefused(() -> {
      try (SeedVolume v = SeedVolume.open(p)) {
        v.read("a", LIMIT);
      }
    }).hasMessageContaining("continuation area at byte " + (1L << 20) * SECTOR
        + " is beyond the image's end");
  }

  /** A folder of {@code sectors} sectors, each full of 38-byte file records. */
  private Path manyEntries(int sectors) throws IOException {
    HandMadeIso iso = new HandMadeIso(19 + sectors + 1);
    int folder = 19;
    byte[] entry = record("F.;1", 0, 0, false);
    byte[] sector = new byte[SECTOR];
    for (int at = 0; at + entry.length <= SECTOR; at += entry.length) {
      System.arraycopy(entry, 0, sector, at, entry.length);
    }
    for (int s = 0; s < sectors; s++) {
      iso.put((folder + s) * SECTOR, sector);
    }
    iso.addToTop(record("D", folder, sectors * SECTOR, true, nm(0, "d")));
    return write("many.iso", iso.bytes());
  }

  @Test
  void refusesAFolderWithTooManyEntries() throws Exception {
    Path p = manyEntries(400); // 53 entries a sector: 21200
    assertRefused(() -> {
      try (SeedVolume v = SeedVolume.open(p)) {
        v.list("d");
      }
    }).hasMessage(p + ": d: more than 4096 entries");
  }

  @Test
  void refusesAFolderOverOneMebibyte() throws Exception {
    Path p = manyEntries(800);
    assertRefused(() -> {
      try (SeedVolume v = SeedVolume.open(p)) {
        v.read("d/f", LIMIT);
      }
    }).hasMessage(p + ": d: a folder of 1638400 bytes (limit: 1048576)");
  }

  @Test
  void refusesAnEntryNamedDotDot() throws Exception {
    HandMadeIso iso = new HandMadeIso(24).addToTop(record("A.;1", 21, 5, false, nm(0, "..")));
    Path p = write("dots.iso", iso.bytes());
    assertRefused(() -> {
      try (SeedVolume v = SeedVolume.open(p)) {
        v.list("");
      }
    }).hasMessage(p + ": top folder: an entry named \"..\"");
  }
}
