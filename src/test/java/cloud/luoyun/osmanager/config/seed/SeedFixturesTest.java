package cloud.luoyun.osmanager.config.seed;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.config.seed.SeedVolume.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The producers' images kept in {@code src/test/resources/seeds/} (its README says how each was
 * made), read back against the files they were made from.
 */
class SeedFixturesTest {
  @TempDir Path tmp;

  static Path resource(String name) throws URISyntaxException {
    return Path.of(SeedFixturesTest.class.getResource("/seeds/" + name).toURI());
  }

  private Path gunzip(String name) throws Exception {
    Path out = tmp.resolve(name.replace(".gz", ""));
    try (InputStream in = new GZIPInputStream(Files.newInputStream(resource(name)))) {
      Files.copy(in, out);
    }
    return out;
  }

  /** Every file under {@code dir}, as a path relative to it with '/'. */
  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }

  @ParameterizedTest
  @CsvSource({
      "nocloud-proxmox.iso.gz,      ISO9660, cidata,   nocloud",
      "nocloud-localds.iso.gz,      ISO9660, cidata,   nocloud",
      "nocloud-localds-vfat.img.gz, VFAT,    cidata,   nocloud",
      "configdrive-nova.iso.gz,     ISO9660, config-2, configdrive"})
  void readsWhatTheProducerWasGiven(String image, Kind kind, String label, String from)
      throws Exception {
    Path tree = resource(from);
    try (SeedVolume v = SeedVolume.open(gunzip(image))) {
      assertThat(v.kind()).isEqualTo(kind);
      assertThat(v.label()).contains(label);
      List<String> files = files(tree);
      assertThat(files).isNotEmpty();
      for (String f : files) {
        assertThat(v.read(f, 64 << 10)).as(f).hasValue(Files.readAllBytes(tree.resolve(f)));
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"configdrive-nova.iso.gz", "nocloud-proxmox.iso.gz"})
  void listsFoldersAsTheProducerWroteThem(String image) throws Exception {
    try (SeedVolume v = SeedVolume.open(gunzip(image))) {
      if (image.startsWith("configdrive")) {
        assertThat(v.list("openstack")).containsExactly("2012-08-10", "content", "latest");
        assertThat(v.list("")).containsExactly("openstack");
      } else {
        assertThat(v.list("")).containsExactly("meta-data", "network-config", "user-data");
      }
    }
  }
}
