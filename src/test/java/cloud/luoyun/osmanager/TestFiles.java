package cloud.luoyun.osmanager;

import java.nio.file.Path;

/** Where tests find the shared vectors: system property osm.shared.dir, set by surefire. */
public final class TestFiles {
  private TestFiles() {}

  public static Path shared() {
    String dir = System.getProperty("osm.shared.dir");
    return Path.of(dir != null ? dir : "../shared");
  }
}
