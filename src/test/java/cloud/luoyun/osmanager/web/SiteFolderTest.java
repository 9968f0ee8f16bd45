package cloud.luoyun.osmanager.web;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.web.SiteFolder.Lookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
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
  /** Looks at the disk at every lookup, so each case here sees the files as they are. */
  static final Recheck LOOK_EVERY_TIME = new Recheck(0, System::nanoTime);

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
    folder = new SiteFolder(www, LOOK_EVERY_TIME);
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
    SiteFolder missing = new SiteFolder(dir.resolve("nope"), LOOK_EVERY_TIME);
    assertThat(missing.hasIndex()).isFalse();
    assertThat(missing.lookup("/")).isInstanceOf(Lookup.NotFound.class);
    assertThat(missing.lookup("/../secret.txt")).isInstanceOf(Lookup.NotFound.class);
  }

  @Test
  void aLookupIsRememberedForASecondAndMadeAgainWhenAFileIsToBeRead() throws Exception {
    AtomicLong ticks = new AtomicLong();
    SiteFolder remembering = new SiteFolder(dir.resolve("www"), new Recheck(1_000_000_000L, ticks::get));
    assertFileAt(remembering.lookup("/a/b.html"), "www/a/b.html", false);
    assertFileAt(remembering.lookup("/a/b.html"), "www/a/b.html", true);

    Files.delete(dir.resolve("www/a/b.html"));
    Files.createSymbolicLink(dir.resolve("www/a/b.html"), Path.of("../../secret.txt"));
    ticks.addAndGet(999_999_999L);
    // within the second: what the path led to, marked as remembered; looked up now, the link out is refused
    assertFileAt(remembering.lookup("/a/b.html"), "www/a/b.html", true);
    assertThat(remembering.lookupNow("/a/b.html")).isInstanceOf(Lookup.NotFound.class);

    TestSite.write(dir.resolve("www/new.html"), "new");
    assertThat(remembering.lookup("/new.html")).isInstanceOf(Lookup.File.class); // never asked before
    ticks.addAndGet(1_000_000_000L);
    assertThat(remembering.lookup("/a/b.html")).isInstanceOf(Lookup.NotFound.class);
  }

  @Test
  void noMoreThanTheBoundOfLookupsIsRemembered() throws Exception {
    SiteFolder remembering = new SiteFolder(dir.resolve("www"), new Recheck(1_000_000_000L, () -> 0));
    for (int i = 0; i < SiteFolder.MAX_REMEMBERED * 3; i++) {
      assertThat(remembering.lookup("/missing-" + i)).isInstanceOf(Lookup.NotFound.class);
      assertThat(remembering.remembered()).isLessThanOrEqualTo(SiteFolder.MAX_REMEMBERED);
    }
    assertThat(remembering.lookup("/index.html")).isInstanceOf(Lookup.File.class);
  }

  private static void assertFileAt(Lookup lookup, String end, boolean recalled) {
    assertThat(lookup).isInstanceOfSatisfying(Lookup.File.class, f -> {
      assertThat(f.found().file()).endsWithRaw(Path.of(end));
      assertThat(f.recalled()).isEqualTo(recalled);
    });
  }

  private Path found(String path) {
    return folder.lookup(path) instanceof Lookup.File f ? f.found().file() : null;
  }
}
