package cloud.luoyun.osmanager;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared test material lives: {@code ../shared} beside the repository. */
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
}
