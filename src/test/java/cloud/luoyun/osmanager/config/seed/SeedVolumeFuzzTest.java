package cloud.luoyun.osmanager.config.seed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The fixtures with bytes overwritten where their structures are (the ISOs' descriptors, path
 * tables and folders up to sector 36; the vfat's boot sector, FATs and top folder): whatever
 * they become, opening, listing and reading end in bytes or an {@link IOException}, never an
 * unchecked exception, a hang or an allocation by a length read from the image.
 */
class SeedVolumeFuzzTest {
  private static final List<String> PATHS = List.of("meta-data", "user-data", "network-config",
      "openstack/latest/meta_data.json", "openstack/2012-08-10/user_data",
      "openstack/content/0000");

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = new GZIPInputStream(
        SeedVolumeFuzzTest.class.getResourceAsStream("/seeds/" + name))) {
      return in.readAllBytes();
    }
  }

  /** Opens the image, lists every folder and reads every file it may hold. */
  static void readEverything(byte[] image) throws Exception {
    Path p = Files.createTempFile("osm-seed-fuzz", ".img");
    try {
      Files.write(p, image);
      try (SeedVolume v = SeedVolume.open(p)) {
        v.label();
        for (String dir : List.of("", "openstack", "openstack/latest")) {
          tolerate(() -> v.list(dir));
        }
        for (String path : PATHS) {
          tolerate(() -> v.read(path, 64 << 10));
        }
      } catch (IOException expected) {
        assertThat(expected.getMessage()).startsWith(p.toString()).doesNotContain("\n");
      }
    } finally {
      Files.delete(p);
    }
  }

  interface Io {
    Object run() throws IOException;
  }

  private static void tolerate(Io call) {
    try {
      call.run();
    } catch (IOException expected) {
      assertThat(expected.getMessage()).doesNotContain("\n");
    }
  }

  /** Overwrites the bytes at {@code offsets} (within the image) with {@code values}. */
  private static byte[] patched(byte[] image, List<Integer> offsets, List<Byte> values) {
    byte[] b = image.clone();
    for (int i = 0; i < offsets.size(); i++) {
      b[offsets.get(i) % b.length] = values.get(i % values.size());
    }
    return b;
  }

  @Property(tries = 300)
  void aDamagedIsoEndsInBytesOrAnIoException(
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 32768, max = 73727) Integer> offsets,
      @ForAll @Size(min = 1, max = 8) List<Byte> values,
      @ForAll boolean configDrive) throws Exception {
    byte[] iso = fixture(configDrive ? "configdrive-nova.iso.gz" : "nocloud-proxmox.iso.gz");
    readEverything(patched(iso, offsets, values));
  }

  @Property(tries = 300)
  void aDamagedVfatEndsInBytesOrAnIoException(
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 8191) Integer> offsets,
      @ForAll @Size(min = 1, max = 8) List<Byte> values) throws Exception {
    readEverything(patched(fixture("nocloud-localds-vfat.img.gz"), offsets, values));
  }
}
