package cloud.luoyun.osmanager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the shared test material lives ({@code ../shared} beside the repository), and removing
 * what a test made outside {@code @TempDir}.
 */
public final class TestFiles {
  private TestFiles() {}

  public static Path shared() {
    String prop = System.getProperty("osm.shared.dir");
    for (Path p : new Path[] {prop == null ? null : Path.of(prop), Path.of("../shared"), Path.of("/work/shared")}) {
      if (p != null && Files.isDirectory(p.resolve("vectors"))) {
        return p.toAbsolutePath().normalize();
      }
    }
    throw new IllegalStateException("shared/ with vectors/ not found (set -Dosm.shared.dir)");
  }

  public static Path vector(String name) {
    return shared().resolve("vectors").resolve(name);
  }

  /**
   * Deletes a folder and everything below it, deepest first; symbolic links are removed, never
   * followed. A missing folder is fine. Tries every entry, then throws the first failure (with the
   * others suppressed), so a clean-up never hides what it could not remove.
   */
  public static void deleteTree(Path top) throws IOException {
    List<Path> all;
    try (Stream<Path> walk = Files.walk(top)) {
      all = walk.sorted(Comparator.reverseOrder()).toList();
    } catch (NoSuchFileException e) {
      return;
    }
    IOException first = null;
    for (Path p : all) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
