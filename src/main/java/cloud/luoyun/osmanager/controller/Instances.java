package cloud.luoyun.osmanager.controller;

import cloud.luoyun.osmanager.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The instances a development controller knows: lines of {@code tag key}; blank lines and lines
 * starting with '#' are skipped. Keys are kept as bytes and never printed.
 */
public final class Instances {
  private final Map<Integer, byte[]> keys;

  private Instances(Map<Integer, byte[]> keys) {
    this.keys = Collections.unmodifiableMap(keys);
  }

  public static Instances of(Map<Integer, String> tagToKey) {
    Map<Integer, byte[]> keys = new HashMap<>();
    tagToKey.forEach((tag, key) -> keys.put(tag, key.getBytes(StandardCharsets.UTF_8)));
    return new Instances(keys);
  }

  /** @throws ConfigException naming the file and line of a bad entry */
  public static Instances load(Path file) throws IOException, ConfigException {
    return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  static Instances parse(String name, List<String> lines) throws ConfigException {
    Map<Integer, byte[]> keys = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = name + ":" + (i + 1);
      String[] parts = line.split("\\s+");
      if (parts.length != 2) {
        throw new ConfigException(where, "expected \"tag key\"");
      }
      int tag;
      try {
        tag = Integer.parseInt(parts[0]);
      } catch (NumberFormatException e) {
        throw new ConfigException(where, "tag is not an int32: \"" + parts[0] + "\"");
      }
      if (keys.put(tag, parts[1].getBytes(StandardCharsets.UTF_8)) != null) {
        throw new ConfigException(where, "tag " + tag + " appears twice");
      }
    }
    return new Instances(keys);
  }

  /** The KEY of this tag, or null for an unknown tag. */
  byte[] key(int tag) {
    return keys.get(tag);
  }

  public int size() {
    return keys.size();
  }

  @Override
  public String toString() {
    return "Instances[" + keys.size() + " tags]";
  }
}
