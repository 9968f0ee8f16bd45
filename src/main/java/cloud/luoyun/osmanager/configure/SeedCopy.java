package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.cloud.SeedFiles;
import cloud.luoyun.osmanager.config.seed.SeedVolume;
import cloud.luoyun.osmanager.util.AtomicFile;
import cloud.luoyun.osmanager.util.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files configure read from another cloud's volume, remembered while they are read and kept
 * in {@code conf/nocloud} or {@code conf/configdrive} ({@link Home#seedCopy}): the instance's
 * config as it arrived, for an operator to look at and for the boots without the volume. The
 * folder is 0700 and every file 0600 (user-data may hold passwords). The copy is replaced whole:
 * written beside, fsynced, then renamed into place, so a cut leaves the old copy or the new one.
 */
final class SeedCopy implements SeedFiles {
  private final SeedVolume volume;
  private final String name;
  private final Map<String, byte[]> read = new LinkedHashMap<>();

  SeedCopy(SeedVolume volume, String name) {
    this.volume = volume;
    this.name = name;
  }

  @Override
  public Optional<byte[]> read(String path, int maxBytes) throws IOException, ConfigException {
    Optional<byte[]> bytes = volume.read(path, maxBytes);
    bytes.ifPresent(b -> read.put(path, b));
    return bytes;
  }

  @Override
  public List<String> list(String dir) throws IOException {
    return volume.list(dir);
  }

  @Override
  public String name() {
    return name;
  }

  /** True when {@code home}'s copy for {@code source} holds exactly the files read. */
  boolean sameAs(Home home, InstanceSpec.Source source) throws IOException {
    Path dir = home.seedCopy(source);
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var walk = Files.walk(dir)) {
      if (walk.filter(Files::isRegularFile).count() != read.size()) {
        return false;
      }
    }
    for (Map.Entry<String, byte[]> e : read.entrySet()) {
      Path f = dir.resolve(e.getKey());
      if (!Files.isRegularFile(f) || !Arrays.equals(Files.readAllBytes(f), e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** Replaces {@code home}'s copy for {@code source} with the files read. */
  void store(Home home, InstanceSpec.Source source) throws IOException {
    Path dir = home.seedCopy(source);
    Path conf = dir.getParent();
    Files.createDirectories(conf);
    Path fresh = conf.resolve("." + source.id() + ".new");
    Path old = conf.resolve("." + source.id() + ".old");
    FileTrees.delete(fresh);
    FileTrees.delete(old);
    Files.createDirectory(fresh, PosixFilePermissions.asFileAttribute(SysFiles.RWX_OWNER));
    for (Map.Entry<String, byte[]> e : read.entrySet()) {
      Path f = fresh.resolve(e.getKey());
      Files.createDirectories(f.getParent(), PosixFilePermissions.asFileAttribute(SysFiles.RWX_OWNER));
      AtomicFile.write(f, e.getValue(), SysFiles.RW_OWNER);
    }
    AtomicFile.fsyncDirectory(fresh);
    if (Files.exists(dir)) {
      Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
    AtomicFile.fsyncDirectory(conf);
    FileTrees.delete(old);
  }
}
