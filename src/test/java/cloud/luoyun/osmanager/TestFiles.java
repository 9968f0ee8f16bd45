package cloud.luoyun.osmanager;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared test vectors live (system property {@code osm.shared.dir}, set by surefire). */
public final class TestFiles {
  private TestFiles() {}

  public static Path shared() {
    String dir = System.getProperty("osm.shared.dir", "../shared");
    Path p = Path.of(dir).toAbsolutePath().normalize();
    if (!Files.isDirectory(p.resolve("vectors"))) {
      throw new IllegalStateException("no vectors/ under " + p + " (set -Dosm.shared.dir)");
    }
    return p;
  }

  public static Path vector(String name) {
    return shared().resolve("vectors").resolve(name);
  }
}
