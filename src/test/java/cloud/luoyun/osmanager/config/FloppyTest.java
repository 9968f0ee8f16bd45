package cloud.luoyun.osmanager.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.luoyun.osmanager.TestFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FloppyTest {
  static final LocalDateTime VECTOR_TIME = LocalDateTime.of(2012, 8, 2, 20, 14, 34);

  @TempDir Path tmp;

  static byte[] vectorImage() throws IOException {
    return Files.readAllBytes(TestFiles.vector("floppy-luoyun.img"));
  }

  static byte[] vectorIni() throws IOException {
    return Files.readAllBytes(TestFiles.vector("luoyun.ini"));
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  @Test
  void readsLuoyunIniFromTheComputeNodesTruncatedImage() throws IOException {
    byte[] ini = FloppyReader.read(TestFiles.vector("floppy-luoyun.img"));
    assertThat(ini).isEqualTo(vectorIni());
  }

  @Test
  void writesTheComputeNodesLayoutByteForByte() throws IOException {
    assertThat(FloppyWriter.image(vectorIni(), VECTOR_TIME)).isEqualTo(vectorImage());
  }

  @Property(tries = 200)
  void readsBackExactlyWhatItWrote(@ForAll @Size(min = 1, max = FloppyWriter.CAPACITY) byte[] ini)
      throws IOException {
    Path img = Files.createTempFile("osm-floppy", ".img");
    try {
      Files.write(img, FloppyWriter.image(ini, LocalDateTime.now()));
      assertThat(FloppyReader.read(img)).isEqualTo(ini);
    } finally {
      Files.delete(img);
    }
  }

  @Test
  void readsTheFullCapacityAndRefusesOneByteMore() throws IOException {
    byte[] full = new byte[FloppyWriter.CAPACITY];
    java.util.Arrays.fill(full, (byte) 'x');
    assertThat(FloppyReader.read(write("full.img", FloppyWriter.image(full, VECTOR_TIME))))
        .isEqualTo(full);
    assertThatThrownBy(() -> FloppyWriter.image(new byte[FloppyWriter.CAPACITY + 1], VECTOR_TIME))
        .hasMessageContaining("at most 3584");
  }

  /**
   * The compute node's image may end where luoyun.ini's data ends (the vector does), never
   * before: a byte the directory entry counts but the image lacks is refused, not read as NUL.
   * Cut: before luoyun.ini's last byte, after its first, before its data, in its directory entry,
   * in the second FAT, in the first.
   */
  @ParameterizedTest
  @ValueSource(ints = {26378, 0x6401, 0x6400, 0x2230, 0x1300, 0x300})
  void refusesAnImageThatEndsBeforeABytePartOfLuoyunIniOrItsTables(int length) throws IOException {
    byte[] img = vectorImage();
    assertThat(img).hasSize(26379);
    Path cut = write("cut.img", java.util.Arrays.copyOf(img, length));

    assertThatThrownBy(() -> FloppyReader.read(cut))
        .hasMessageStartingWith(cut + ": truncated: the image ends at byte " + length + ", ");
  }

  @Test
  void refusesAnEmptyLuoyunIni() {
    assertThatThrownBy(() -> FloppyWriter.image(new byte[0], VECTOR_TIME))
        .hasMessageContaining("empty");
  }

  @Test
  void takesAFileWithoutABootSectorAsThePlainIniText() throws IOException {
    assertThat(FloppyReader.read(write("luoyun.ini", vectorIni()))).isEqualTo(vectorIni());
  }

  @Test
  void refusesAPlainFileLargerThanAnyConfig() throws IOException {
    Path big = write("big.ini", new byte[FloppyReader.MAX_CONFIG_BYTES + 1]);
    assertThatThrownBy(() -> FloppyReader.read(big)).hasMessageContaining("larger than");
  }

  @Test
  void reportsAMissingSourceAsNoSuchFile() {
    assertThatThrownBy(() -> FloppyReader.read(tmp.resolve("fd9")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void refusesAVolumeWithoutLuoyunIni() throws IOException {
    byte[] img = vectorImage();
    img[0x2200] = (byte) 0xe5; // delete the long-name entry
    img[0x2220] = (byte) 0xe5; // and the short one
    assertThatThrownBy(() -> FloppyReader.read(write("other.img", img)))
        .hasMessageContaining("holds no luoyun.ini");
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS) // a hang here is the bug; never a timing assertion
  void refusesAClusterChainThatLoopsInsteadOfFollowingItForever() throws IOException {
    byte[] img = vectorImage();
    // FAT12 entry 9 sits in bytes 13..14 (high nibble of 13, all of 14): point it back to 3.
    for (int fat : new int[] {0x200, 0x1200}) {
      img[fat + 13] = (byte) ((img[fat + 13] & 0x0f) | 0x30);
      img[fat + 14] = 0x00;
    }
    assertThatThrownBy(() -> FloppyReader.read(write("loop.img", img)))
        .hasMessageContaining("loops");
  }

  @Test
  void refusesAFileSizeLargerThanAnyConfigWithoutAllocatingIt() throws IOException {
    byte[] img = vectorImage();
    ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN).putInt(0x2220 + 28, Integer.MAX_VALUE);
    // fat32-lib or our own limit refuses it; either way nothing of that size is allocated.
    assertThatThrownBy(() -> FloppyReader.read(write("huge.img", img)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void refusesABootSectorThatClaimsAGiantVolume() throws IOException {
    byte[] img = vectorImage();
    ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(0x13, (short) 0).putInt(0x20, 0x7fffffff);
    assertThatThrownBy(() -> FloppyReader.read(write("giant.img", img)))
        .hasMessageContaining("not a usable config floppy");
  }

  @Test
  void refusesABootSectorWithAnOddSectorSize() throws IOException {
    byte[] img = vectorImage();
    img[0x0b] = 0x01; // 513 bytes per sector
    assertThatThrownBy(() -> FloppyReader.read(write("odd.img", img)))
        .hasMessageContaining("bytes per sector");
  }

  @Test
  void readsFromABlockDeviceWhoseLengthJavaReportsAsZero() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/losetup")) || Files.isExecutable(Path.of("/sbin/losetup")),
        "losetup not installed");
    // A loop device shows whole 512-byte sectors, as a floppy drive does: pad the last one.
    byte[] img = vectorImage();
    Path padded = write("padded.img", java.util.Arrays.copyOf(img, (img.length + 511) / 512 * 512));
    String dev = run("losetup", "--find", "--show", padded.toString()).strip();
    try {
      assertThat(Files.size(Path.of(dev))).isZero();
      assertThat(FloppyReader.read(Path.of(dev))).isEqualTo(vectorIni());
    } finally {
      run("losetup", "-d", dev);
    }
  }

  @Test
  void mtoolsSeesTheSameFileInAWrittenImage() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/mtype")), "mtools not installed");
    byte[] ini = "TAG=9\nKEY=abc\n".getBytes(StandardCharsets.US_ASCII);
    Path img = write("m.img", FloppyWriter.image(ini, VECTOR_TIME));
    assertThat(run("mtype", "-i", img.toString(), "::luoyun.ini")).isEqualTo("TAG=9\nKEY=abc\n");
    assertThat(run("mdir", "-b", "-i", img.toString(), "::")).isEqualTo("::/luoyun.ini\n");
  }

  @Test
  void readsAFloppyMadeByOtherToolsA144MbFat12WithAnUpperCaseName() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/mformat")), "mtools not installed");
    Path img = tmp.resolve("mtools.img");
    Path ini = write("LUOYUN.INI", vectorIni());
    run("mformat", "-C", "-f", "1440", "-i", img.toString(), "::");
    run("mcopy", "-i", img.toString(), ini.toString(), "::LUOYUN.INI");

    assertThat(Files.size(img)).isEqualTo(1440 * 1024);
    assertThat(FloppyReader.read(img)).isEqualTo(vectorIni());
  }

  private static String run(String... argv) throws Exception {
    Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }
}
