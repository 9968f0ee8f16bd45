package cloud.luoyun.osmanager.config.seed;

import static cloud.luoyun.osmanager.config.seed.Producers.genisoimage;
import static cloud.luoyun.osmanager.config.seed.Producers.run;
import static cloud.luoyun.osmanager.config.seed.Producers.tree;
import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.config.seed.SeedVolume.Kind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Seed volumes made by the programs clouds make them with, read back byte for byte. */
@Timeout(120)
class SeedVolumeProducersTest {
  static final int LIMIT = 64 << 10;

  @TempDir Path tmp;

  /** Opens {@code source} and checks its kind, label (null: none) and every file's bytes. */
  static void assertHolds(Path source, Kind kind, String label, Map<String, byte[]> files)
      throws IOException {
    try (SeedVolume v = SeedVolume.open(source)) {
      assertThat(v.kind()).isEqualTo(kind);
      if (label == null) {
        assertThat(v.label()).isEmpty();
      } else {
        assertThat(v.label()).contains(label);
      }
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        assertThat(v.read(f.getKey(), LIMIT)).as(f.getKey()).hasValue(f.getValue());
      }
      assertThat(v.read("no-such-file", LIMIT)).isEmpty();
      assertThat(v.read("no-such-folder/meta-data", LIMIT)).isEmpty();
    }
  }

  static Iso9660.Names names(Path iso) throws IOException {
    try (SeedVolume v = SeedVolume.open(iso)) {
      return ((Iso9660) v).names();
    }
  }

  @Test
  void readsProxmoxsRockRidgeOnlyIso() throws Exception {
    Path dir = tree(tmp.resolve("seed"), Producers.noCloud());
    Path iso = genisoimage(tmp.resolve("pve.iso"), dir, "-quiet", "-iso-level", "3", "-R",
        "-V", "cidata");
    assertHolds(iso, Kind.ISO9660, "cidata", Producers.noCloud());
    assertThat(names(iso)).isEqualTo(Iso9660.Names.ROCK_RIDGE);
    try (SeedVolume v = SeedVolume.open(iso)) {
      assertThat(v.list("")).containsExactlyInAnyOrder("meta-data", "user-data", "network-config");
    }
  }

  @Test
  void readsRockRidgeNamesBeforeJolietOnes() throws Exception {
    Path dir = tree(tmp.resolve("seed"), Producers.noCloud());
    Path iso = genisoimage(tmp.resolve("seed.iso"), dir, "-quiet", "-J", "-r", "-V", "cidata");
    assertHolds(iso, Kind.ISO9660, "cidata", Producers.noCloud());
    assertThat(names(iso)).isEqualTo(Iso9660.Names.ROCK_RIDGE);
  }

  @Test
  void readsJolietNamesWithoutRockRidge() throws Exception {
    Path dir = tree(tmp.resolve("seed"), Producers.noCloud());
    Path iso = genisoimage(tmp.resolve("seed.iso"), dir, "-quiet", "-J", "-V", "cidata");
    assertHolds(iso, Kind.ISO9660, "cidata", Producers.noCloud());
    assertThat(names(iso)).isEqualTo(Iso9660.Names.JOLIET);
  }

  @Test
  void readsPrimaryNamesWithoutCaseVersionOrDashes() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>(Producers.noCloud());
    files.putAll(Producers.configDrive());
    Path dir = tree(tmp.resolve("seed"), files);
    Path iso = genisoimage(tmp.resolve("plain.iso"), dir, "-quiet", "-iso-level", "3",
        "-V", "CIDATA");
    assertHolds(iso, Kind.ISO9660, "CIDATA", files);
    assertThat(names(iso)).isEqualTo(Iso9660.Names.PRIMARY);
    try (SeedVolume v = SeedVolume.open(iso)) {
      assertThat(v.list("openstack")).containsExactlyInAnyOrder("2012_08_10", "latest", "content");
      assertThat(v.read("META_DATA", LIMIT)).hasValue(files.get("meta-data"));
    }
  }

  @Test
  void readsCloudLocaldsIso() throws Exception {
    Map<String, byte[]> files = Producers.noCloud();
    Path dir = tree(tmp.resolve("in"), files);
    run(dir, "cloud-localds", tmp.resolve("seed.iso").toString(), "user-data", "meta-data",
        "-N", "network-config");
    assertHolds(tmp.resolve("seed.iso"), Kind.ISO9660, "cidata", files);
  }

  @Test
  void readsCloudLocaldsVfat() throws Exception {
    Map<String, byte[]> files = Producers.noCloud();
    Path dir = tree(tmp.resolve("in"), files);
    run(dir, "cloud-localds", "-f", "vfat", tmp.resolve("seed.img").toString(), "user-data",
        "meta-data", "-N", "network-config");
    assertHolds(tmp.resolve("seed.img"), Kind.VFAT, "cidata", files);
    try (SeedVolume v = SeedVolume.open(tmp.resolve("seed.img"))) {
      assertThat(v.read("META-DATA", LIMIT)).as("vfat matches without case")
          .hasValue(files.get("meta-data"));
    }
  }

  @Test
  void readsNovaStyleConfigDrive() throws Exception {
    Map<String, byte[]> files = Producers.configDrive();
    Path dir = tree(tmp.resolve("drive"), files);
    Path iso = genisoimage(tmp.resolve("cd.iso"), dir, "-quiet", "-J", "-r", "-V", "config-2");
    assertHolds(iso, Kind.ISO9660, "config-2", files);
    try (SeedVolume v = SeedVolume.open(iso)) {
      assertThat(v.list("openstack/")).containsExactlyInAnyOrder("2012-08-10", "latest",
          "content");
      assertThat(v.list("openstack/latest")).containsExactlyInAnyOrder("meta_data.json",
          "network_data.json", "user_data");
      assertThat(v.list("no-such-folder")).isEmpty();
    }
  }

  @Test
  void readsXorrisosIso() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>(Producers.noCloud());
    files.putAll(Producers.configDrive());
    Path dir = tree(tmp.resolve("seed"), files);
    Path iso = tmp.resolve("x.iso");
    run(tmp, "xorriso", "-as", "mkisofs", "-quiet", "-J", "-R", "-V", "cidata",
        "-o", iso.toString(), dir.toString());
    assertHolds(iso, Kind.ISO9660, "cidata", files);
  }

  @Test
  void readsMkfsVfatWithNestedFoldersAndUpperCaseLabel() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>(Producers.noCloud());
    files.putAll(Producers.configDrive());
    Path img = Producers.vfat(tmp.resolve("c.img"), "CIDATA", 1024, files, tmp.resolve("in"));
    assertHolds(img, Kind.VFAT, "CIDATA", files);
    try (SeedVolume v = SeedVolume.open(img)) {
      assertThat(v.list("openstack")).containsExactlyInAnyOrder("2012-08-10", "latest",
          "content");
    }
  }

  @Test
  void readsLongNamesOnEveryKind() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    String longName = "n".repeat(100) + "-" + "é".repeat(20) + "-" + "x".repeat(99);
    files.put("a-folder-with-a-rather-long-name-indeed/" + longName, Producers.utf8("long\n"));
    files.put("meta-data", Producers.utf8("instance-id: x\n"));
    files.put("empty", new byte[0]);
    Path dir = tree(tmp.resolve("seed"), files);
    assertHolds(genisoimage(tmp.resolve("rr.iso"), dir, "-quiet", "-iso-level", "3", "-R",
        "-V", "cidata"), Kind.ISO9660, "cidata", files);
    assertHolds(genisoimage(tmp.resolve("jr.iso"), dir, "-quiet", "-J", "-joliet-long", "-r",
        "-V", "cidata"), Kind.ISO9660, "cidata", files);
    Path xorriso = tmp.resolve("x.iso");
    run(tmp, "xorriso", "-as", "mkisofs", "-quiet", "-R", "-V", "cidata", "-o",
        xorriso.toString(), dir.toString());
    assertHolds(xorriso, Kind.ISO9660, "cidata", files);
    Map<String, byte[]> fat = new LinkedHashMap<>(files);
    fat.remove("a-folder-with-a-rather-long-name-indeed/" + longName);
    fat.put("a-folder-with-a-rather-long-name-indeed/" + "n".repeat(200) + ".txt",
        Producers.utf8("long\n"));
    assertHolds(Producers.vfat(tmp.resolve("l.img"), "CIDATA", 256, fat, tmp.resolve("fat")),
        Kind.VFAT, "CIDATA", fat);
    assertHolds(dir, Kind.FOLDER, null, files);
  }
}
