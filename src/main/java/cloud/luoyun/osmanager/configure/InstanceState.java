package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.InstanceSpec.Source;
import cloud.luoyun.osmanager.util.AtomicFile;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which instance this system was last configured as: the source and its instance id, kept in
 * {@code state/}. A spec with another source or id is a new instance, which gets the per-instance
 * work (new SSH host keys, a new terminal certificate, and for NoCloud and ConfigDrive the
 * accounts, as cloud-init does); the same one is a reboot.
 *
 * <p>Two files, one of which is there: a LuoYun instance is recorded as release 0.2.0 recorded
 * it, its TAG in decimal in {@value #TAG_FILE}, so that an instance upgraded from 0.2.0 is not a
 * new instance (and one downgraded is not either); any other source in {@value #FILE} as JSON
 * ({@code {"source": "nocloud", "instanceId": "...", "names": ["web1", "10.0.2.15"]}}: an instance id
 * is the source's string, any characters; the names are the host name and static addresses the
 * source gave, which the web terminal answers to). Recording one removes the other. Read: {@value #FILE} when it is there, else
 * {@value #TAG_FILE}, else none (a first boot). A file that cannot be read as ours counts as none:
 * the instance is taken as new, which costs new host keys, never keeps an image's.
 */
final class InstanceState {
  /** 0.2.0's file: the last TAG applied, in decimal, and a newline. */
  static final String TAG_FILE = "applied-tag";
  static final String FILE = "applied-instance.json";
  /** Larger is not ours. */
  private static final int MAX_BYTES = 64 * 1024;

  /** An instance as recorded: its source and id. */
  record Applied(Source source, String instanceId) {
    static Applied of(InstanceSpec spec) {
      return new Applied(spec.source(), spec.instanceId());
    }

    /** "TAG 7" for LuoYun (as 0.2.0's lines say it), "nocloud instance-id i-1" for the others. */
    String label() {
      return source == Source.LUOYUN ? "TAG " + instanceId : source.id() + " instance-id " + instanceId;
    }
  }

  private InstanceState() {}

  /** The instance last recorded under {@code stateDir}, if any. */
  static Optional<Applied> read(Path stateDir) throws IOException {
    Optional<String> json = readSmall(stateDir.resolve(FILE));
    if (json.isPresent()) {
      try {
        Map<String, Object> m = JSON.std.mapFrom(json.get());
        Object source = m.get("source");
        Object id = m.get("instanceId");
        for (Source s : Source.values()) {
          if (s.id().equals(source) && id instanceof String text) {
            return Optional.of(new Applied(s, text));
          }
        }
      } catch (IOException e) {
        // not ours (or cut by hand): none, so the instance is new
      }
      return Optional.empty();
    }
    return readSmall(stateDir.resolve(TAG_FILE)).map(String::strip).filter(t -> !t.isEmpty())
        .map(t -> new Applied(Source.LUOYUN, t));
  }

  /**
   * Records {@code spec}'s instance as applied, atomically, and removes the other file. Mode 0644:
   * an instance id is no secret.
   */
  static void record(Path stateDir, InstanceSpec spec) throws IOException {
    Files.createDirectories(stateDir);
    if (spec.source() == Source.LUOYUN) {
      AtomicFile.write(stateDir.resolve(TAG_FILE), (spec.instanceId() + "\n").getBytes(StandardCharsets.US_ASCII),
          SysFiles.PUBLIC_FILE);
      Files.deleteIfExists(stateDir.resolve(FILE));
    } else {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("source", spec.source().id());
      m.put("instanceId", spec.instanceId());
      m.put("names", names(spec));
      AtomicFile.write(stateDir.resolve(FILE), JSON.std.asBytes(m), SysFiles.PUBLIC_FILE);
      Files.deleteIfExists(stateDir.resolve(TAG_FILE));
    }
    AtomicFile.fsyncDirectory(stateDir);
  }

  /** The host name and static addresses of a spec from another source than LuoYun: its certificate's and terminal's names. */
  static List<String> names(InstanceSpec spec) {
    List<String> names = new ArrayList<>();
    spec.hostname().ifPresent(h -> {
      names.add(h.shortName());
      h.fqdn().ifPresent(names::add);
    });
    spec.network().ifPresent(n -> n.nics().forEach(nic -> nic.addresses()
        .forEach(a -> names.add(Addresses.text(a.address())))));
    return names;
  }

  /** The names recorded for the instance under {@code stateDir} by a source other than LuoYun; empty when none. */
  static List<String> names(Path stateDir) {
    try {
      Optional<String> json = readSmall(stateDir.resolve(FILE));
      if (json.isPresent() && JSON.std.mapFrom(json.get()).get("names") instanceof List<?> list) {
        return list.stream().filter(String.class::isInstance).map(String.class::cast).limit(64).toList();
      }
    } catch (IOException e) {
      // not ours: no names
    }
    return List.of();
  }

  private static Optional<String> readSmall(Path file) throws IOException {
    if (Files.isSymbolicLink(file)) {
      return Optional.empty(); // state/ is osmanager's own; a link there is not
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] b = in.readNBytes(MAX_BYTES + 1);
      return b.length > MAX_BYTES ? Optional.empty() : Optional.of(new String(b, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }
}
