package cloud.luoyun.osmanager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the test vectors live (the controller session's frames, the config floppy: data kept in
 * the repository under {@code src/test/vectors}, so a clone needs nothing beside it), and removing
 * what a test made outside {@code @TempDir}.
 */
public final class TestFiles {
  private static final Path VECTORS = Path.of("src/test/vectors").toAbsolutePath();

  private TestFiles() {}

  public static Path vector(String name) {
    return VECTORS.resolve(name);
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
