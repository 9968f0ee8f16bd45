package cloud.luoyun.osmanager.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in owner page as a person sees it in a real browser (headless Chromium, as installed
 * by .ci/run): the text on the screen, and a screenshot in target/screenshots/ to look at.
 */
class DefaultPageInChromiumTest {
  static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", ".")).resolve("target/screenshots");

  @TempDir
  Path dir;
  TestSite site;
  HeadlessChromium browser;

  @BeforeEach
  void start() throws Exception {
    Assumptions.assumeTrue(HeadlessChromium.available(), "chromium is not installed");
    site = new TestSite(dir.resolve("home")).start();
    browser = new HeadlessChromium(Files.createDirectories(dir.resolve("profile")), 1024, 768);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (site != null) {
      site.close();
    }
  }

  @Test
  void theOwnerSeesTheApplicationItsVersionsTheHostAndTheStatus() throws Exception {
    browser.navigate("http://127.0.0.1:" + site.server.port() + "/?cookie=" + TestSite.COOKIE);
    assertThat(browser.waitFor("document.readyState === 'complete' && !!document.getElementById('s-app')"
        + " && document.getElementById('s-app').textContent !== '\u2026'")).isTrue();
    String seen = (String) browser.evaluate("document.body.innerText");
    assertThat(seen).contains("OwnCloud", "Version 1.0 · OwnCloud 4.0.7", "owncloud.example.com", "14:07",
        "Open OwnCloud", "Web terminal");
    // the status panel was filled from /status.json?cookie=...: uptime is a number of minutes
    assertThat(seen).containsPattern("Up for\\s+\\d+ d \\d+ h \\d+ min");
    assertThat(seen).doesNotContain("$hostname", "$application");
    assertThat(browser.evaluate("document.querySelector('a.secondary').href"))
        .isEqualTo("http://owncloud.example.com:8001/");
    browser.screenshot(SCREENSHOTS.resolve("owner-page-en.png"));
    assertThat(Files.size(SCREENSHOTS.resolve("owner-page-en.png"))).isGreaterThan(1000);
  }

  @Test
  void aChineseBrowserGetsTheChinesePage() throws Exception {
    browser.acceptLanguage("zh-CN,zh;q=0.9");
    browser.navigate("http://127.0.0.1:" + site.server.port() + "/?cookie=" + TestSite.COOKIE);
    assertThat(browser.waitFor("document.readyState === 'complete' && !!document.getElementById('s-app')"
        + " && document.getElementById('s-app').textContent !== '\u2026'")).isTrue();
    String seen = (String) browser.evaluate("document.body.innerText");
    assertThat(seen).contains("欢迎使用落云 OwnCloud 虚拟应用", "版本：1.0", "owncloud.example.com", "14:07", "Web 终端登录");
    browser.screenshot(SCREENSHOTS.resolve("owner-page-zh.png"));
  }

  @Test
  void aVisitorSeesNoTerminalAndNoStatus() throws Exception {
    browser.navigate("http://127.0.0.1:" + site.server.port() + "/");
    assertThat(browser.waitFor("document.readyState === 'complete'")).isTrue();
    String seen = (String) browser.evaluate("document.body.innerText");
    assertThat(seen).contains("OwnCloud", "owncloud.example.com").doesNotContain("Web terminal", "Up for");
    browser.screenshot(SCREENSHOTS.resolve("public-page-en.png"));
  }
}
