package cloud.luoyun.osmanager.web;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.TestFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Nothing outside the view's folder is ever served: a corpus of known traversal tricks, then
 * random mixtures of them. Secrets wait outside the public folder (beside it, above it, in the
 * owner's folder, behind symbolic links that point out); every attempt must get a 4xx and no byte
 * of any secret.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TraversalTest {
  static final String OUTSIDE = "SECRET-OUTSIDE-" + UUID.randomUUID();
  static final String OWNER_ONLY = "SECRET-OWNER-" + UUID.randomUUID();
  static final String ABOVE_HOME = "SECRET-ABOVE-" + UUID.randomUUID();

  static Path dir;
  static TestSite site;

  @BeforeAll
  @BeforeContainer
  static void layout() throws Exception {
    if (site != null) {
      return;
    }
    dir = Files.createTempDirectory("osm-web-traversal");
    Path home = dir.resolve("home");
    site = new TestSite(home);
    site.publicPage("index.html", "public $application");
    site.publicPage("sub/page.html", "sub page");
    site.ownerPage("index.html", "owner $application");
    site.ownerPage("owner-secret.html", OWNER_ONLY);
    TestSite.write(home.resolve("secret.txt"), OUTSIDE);
    TestSite.write(home.resolve("custom/www/secret.txt"), OUTSIDE);
    TestSite.write(dir.resolve("secret.txt"), ABOVE_HOME);
    Path pub = site.home.wwwNoCookie();
    Files.createSymbolicLink(pub.resolve("link-out.txt"), Path.of("../../../secret.txt"));
    Files.createSymbolicLink(pub.resolve("abs-link.txt"), home.resolve("secret.txt").toAbsolutePath());
    Files.createSymbolicLink(pub.resolve("dir-out"), home.toAbsolutePath());
    Files.createSymbolicLink(pub.resolve("to-owner.html"), Path.of("../withcookie/owner-secret.html"));
    Files.createSymbolicLink(pub.resolve("sub/up"), Path.of("../../"));
    Files.createSymbolicLink(pub.resolve("passwd"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(pub.resolve("loop"), Path.of("loop"));
    // a link that stays inside the folder is fine: the control that proves links are followed
    Files.createSymbolicLink(pub.resolve("inside-link.html"), Path.of("sub/page.html"));
    site.start();
  }

  @AfterAll
  @AfterContainer
  static void cleanUp() throws Exception {
    if (site == null) {
      return;
    }
    site.close();
    site = null;
    TestFiles.deleteTree(dir);
  }

  static List<String> attempts() {
    List<String> a = new ArrayList<>(List.of(
        "/../secret.txt",
        "/../../secret.txt",
        "/../../../secret.txt",
        "/sub/../../secret.txt",
        "/./../secret.txt",
        "//../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%2e./secret.txt",
        "/..%2fsecret.txt",
        "/..%2F..%2Fsecret.txt",
        "/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/..%252f..%252fsecret.txt",
        "/%25252e%25252e/secret.txt",
        "/..\\secret.txt",
        "/..\\..\\secret.txt",
        "/..%5csecret.txt",
        "/..%5C..%5Csecret.txt",
        "/%5c..%5c..%5csecret.txt",
        "/..%255csecret.txt",
        "/secret.txt%00.html",
        "/index.html%00",
        "/..%00/secret.txt",
        "/%00/../secret.txt",
        "/..;/secret.txt",
        "/..;/..;/secret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/%c0%ae%c0%ae%c0%afsecret.txt",
        "/%e0%80%ae%e0%80%ae/secret.txt",
        "/..%c0%afsecret.txt",
        "/..%c1%9csecret.txt",
        "/%u002e%u002e/secret.txt",
        "/....//secret.txt",
        "/.../secret.txt",
        "/link-out.txt",
        "/abs-link.txt",
        "/dir-out/secret.txt",
        "/dir-out/custom/www/withcookie/owner-secret.html",
        "/to-owner.html",
        "/sub/up/secret.txt",
        "/sub/up/withcookie/owner-secret.html",
        "/passwd",
        "/loop",
        "/../withcookie/owner-secret.html",
        "/%2e%2e/withcookie/owner-secret.html",
        "/..%2fwithcookie%2fowner-secret.html",
        "/withcookie/owner-secret.html",
        "/index.html/../../secret.txt",
        "/sub/page.html/../../../secret.txt",
        "../secret.txt",
        "secret.txt",
        "http://127.0.0.1/../secret.txt",
        "/%2fetc%2fpasswd",
        "//etc/passwd",
        "/file:///etc/passwd",
        "/..",
        "/%2e",
        "/%2e%2e",
        "/sub/..%2f..%2f..%2fsecret.txt"));
    return a;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attempts")
  void aTraversalAttemptGetsA4xxAndNoSecret(String target) throws Exception {
    assertRefused(site.get(target), target, false);
    // the owner's view has the same walls
    String owner = target + (target.contains("?") ? "&" : "?") + "cookie=" + TestSite.COOKIE;
    assertRefused(site.get(owner), owner, true);
  }

  @Test
  void theCorpusIsLargeAndTheControlsPass() throws Exception {
    assertThat(attempts()).hasSizeGreaterThanOrEqualTo(20);
    // controls: the same server does serve what is inside, also through an inside link
    assertThat(site.get("/").text()).isEqualTo("public OwnCloud");
    assertThat(site.get("/sub/page.html").text()).isEqualTo("sub page");
    assertThat(site.get("/sub/../sub/page.html").text()).isEqualTo("sub page");
    assertThat(site.get("/inside-link.html").text()).isEqualTo("sub page");
    assertThat(site.get("/owner-secret.html?cookie=" + TestSite.COOKIE).text()).isEqualTo(OWNER_ONLY);
  }

  @Property(tries = 300)
  void noMixtureOfTraversalTricksLeaksASecret(@ForAll("tricks") List<String> parts) throws Exception {
    String target = "/" + String.join("", parts);
    RawHttp.Response r = site.get(target);
    assertNoSecret(r, target, false);
    // a mixture may well be a harmless path inside the folder: then it is one of its pages
    if (r.status() == 200) {
      assertThat(r.text()).as(target).isIn("public OwnCloud", "sub page");
    } else if (r.status() != 301) {
      assertThat(r.status()).as(target + " -> " + r).isBetween(400, 499);
    }
  }

  @Provide
  Arbitrary<List<String>> tricks() {
    return Arbitraries.of("..", "/", "%2e", "%2E", "%2f", "%2F", "%25", "%252e", "%252f", "\\", "%5c",
        "%00", ";", ".", "secret.txt", "withcookie/", "owner-secret.html", "dir-out/", "sub/", "up/",
        "link-out.txt", "%c0%ae", "%c0%af", "?", "#", "%3f", "//").list().ofMinSize(1).ofMaxSize(12);
  }

  private static void assertRefused(RawHttp.Response r, String target, boolean owner) {
    assertNoSecret(r, target, owner);
    assertThat(r.status()).as(target + " -> " + r).isBetween(400, 499);
  }

  private static void assertNoSecret(RawHttp.Response r, String target, boolean owner) {
    String body = new String(r.body(), StandardCharsets.ISO_8859_1);
    assertThat(body).as(target).doesNotContain(OUTSIDE, ABOVE_HOME, "root:x:0:0");
    if (!owner) {
      assertThat(body).as(target).doesNotContain(OWNER_ONLY);
    }
  }
}
