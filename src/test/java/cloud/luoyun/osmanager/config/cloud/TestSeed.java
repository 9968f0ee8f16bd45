package cloud.luoyun.osmanager.config.cloud;

import cloud.luoyun.osmanager.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A seed's files in memory, for the mapping tests: loaded from a fixture folder under
 * {@code src/test/resources/cloud}, then changed file by file. Refuses a file over the caller's
 * limit as the volume readers do.
 */
final class TestSeed implements SeedFiles {
  private static final Path FIXTURES = Path.of("src/test/resources/cloud").toAbsolutePath();
  private final TreeMap<String, byte[]> files = new TreeMap<>();
  private final String name;

  private TestSeed(String name) {
    this.name = name;
  }

  /** The files of {@code src/test/resources/cloud/<fixture>}, by path relative to it. */
  static TestSeed fixture(String fixture) {
    return folder(FIXTURES.resolve(fixture));
  }

  /** The files below {@code top}, by path relative to it. */
  static TestSeed folder(Path top) {
    TestSeed s = new TestSeed(top.getFileName().toString());
    try (Stream<Path> walk = Files.walk(top)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        s.files.put(top.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (s.files.isEmpty()) {
      throw new IllegalArgumentException("no files in " + top);
    }
    return s;
  }

  static TestSeed of(Map<String, String> texts) {
    TestSeed s = new TestSeed("test seed");
    texts.forEach(s::put);
    return s;
  }

  TestSeed put(String path, String text) {
    files.put(path, text.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  TestSeed put(String path, byte[] bytes) {
    files.put(path, bytes);
    return this;
  }

  TestSeed remove(String pathPrefix) {
    files.keySet().removeIf(k -> k.startsWith(pathPrefix));
    return this;
  }

  String text(String path) {
    return new String(files.get(path), StandardCharsets.UTF_8);
  }

  @Override
  public Optional<byte[]> read(String path, int maxBytes) throws ConfigException {
    byte[] b = files.get(path);
    if (b != null && b.length > maxBytes) {
      throw new ConfigException(path, "larger than " + maxBytes + " bytes");
    }
    return Optional.ofNullable(b);
  }

  @Override
  public List<String> list(String dir) {
    String prefix = dir + "/";
    List<String> out = new ArrayList<>();
    for (String k : files.keySet()) {
      if (k.startsWith(prefix)) {
        String rest = k.substring(prefix.length());
        String first = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        if (!out.contains(first)) {
          out.add(first);
        }
      }
    }
    return out;
  }

  @Override
  public String name() {
    return name;
  }
}
