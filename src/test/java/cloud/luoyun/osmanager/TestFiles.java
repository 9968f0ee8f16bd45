package cloud.luoyun.osmanager;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Where the test vectors live (the controller session's frames, the config floppy: data kept in
 * the repository under {@code src/test/vectors}, so a clone needs nothing beside it), files of
 * any size to move around and their checksums, and removing what a test made outside
 * {@code @TempDir}.
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

  /**
   * Writes a file of {@code size} pseudo-random bytes, a MiB at a time (never the whole file in
   * memory); the same size gives the same bytes.
   */
  public static Path random(Path file, long size) throws IOException {
    Random random = new Random(size);
    byte[] block = new byte[1024 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= block.length) {
        random.nextBytes(block);
        out.write(block, 0, (int) Math.min(block.length, left));
      }
    }
    return file;
  }

  /** The file's SHA-256, in lower-case hex as {@code sha256sum} prints it. */
  public static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = new byte[1 << 16];
      for (int n; (n = in.read(b)) > 0; ) {
        digest.update(b, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
