package cloud.luoyun.osmanager.web;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.web.SiteFolder.Lookup;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The file lookup on its own, given paths as if Jetty had decoded them, so that its walls hold
 * even if the HTTP layer in front of it let something through.
 */
class SiteFolderTest {
  @TempDir
  Path dir;
  SiteFolder folder;

  @BeforeEach
  void layout() throws Exception {
    Path www = dir.resolve("www");
    TestSite.write(www.resolve("index.html"), "index");
    TestSite.write(www.resolve("a/b.html"), "b");
    TestSite.write(dir.resolve("secret.txt"), "secret");
    Files.createSymbolicLink(www.resolve("out"), Path.of("../secret.txt"));
    Files.createSymbolicLink(www.resolve("outdir"), dir);
    Files.createSymbolicLink(www.resolve("in.html"), Path.of("a/b.html"));
    folder = new SiteFolder(www);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/../secret.txt", "/a/../../secret.txt", "/..", "/.", "/./index.html",
      "/..\\secret.txt", "/a\\..\\..\\secret.txt", "/%2e%2e/secret.txt", "/%252e%252e/secret.txt",
      "/secret.txt\u0000", "/index.html\u0000.png", "/\u0000", "/out", "/outdir/secret.txt",
      "/outdir/", "/outdir", "/.hidden", "/a/.hidden", "", "index.html", "/a\nb", "/\u0085",
      "/\ufffd\ufffd/secret.txt", "/index.html/..", "/index.html/x"})
  void aPathThatLeavesTheFolderOrLooksLikeATrickIsNotFound(String path) {
    assertThat(folder.lookup(path)).isInstanceOf(Lookup.NotFound.class);
  }

  @Test
  void pathsInsideTheFolderAreFoundAlsoThroughInsideLinks() throws Exception {
    assertThat(found("/")).endsWith(Path.of("www/index.html"));
    assertThat(found("/index.html")).endsWith(Path.of("www/index.html"));
    assertThat(found("//a//b.html")).endsWith(Path.of("www/a/b.html"));
    assertThat(found("/a/")).isNull(); // a directory without index.html: no listing
    assertThat(found("/in.html")).endsWith(Path.of("www/a/b.html"));
    assertThat(folder.lookup("/a")).isInstanceOf(Lookup.AddSlash.class);
  }

  @Test
  void aMissingFolderFindsNothing() {
    SiteFolder missing = new SiteFolder(dir.resolve("nope"));
    assertThat(missing.hasIndex()).isFalse();
    assertThat(missing.lookup("/")).isInstanceOf(Lookup.NotFound.class);
    assertThat(missing.lookup("/../secret.txt")).isInstanceOf(Lookup.NotFound.class);
  }

  private Path found(String path) {
    return folder.lookup(path) instanceof Lookup.File f ? f.found().file() : null;
  }
}
