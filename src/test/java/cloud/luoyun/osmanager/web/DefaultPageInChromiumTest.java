package cloud.luoyun.osmanager.web;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.Chromium;
import cloud.luoyun.osmanager.PageContrast;
import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.http.TlsIdentity;
import cloud.luoyun.osmanager.web.AgentStatusSource.AgentStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in pages as a person sees them in a real browser (headless Chromium, as installed by
 * .ci/run), at a desktop and a phone width, in English and Chinese: the text on the screen, the
 * contrast of every piece of text as the browser computed its colours, the status changing in
 * place; screenshots in target/screenshots/ to look at.
 */
class DefaultPageInChromiumTest {
  static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", ".")).resolve("target/screenshots");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CHINESE = "zh-CN,zh;q=0.9";
  private static final String FILLED = "document.readyState === 'complete' && !!document.getElementById('s-app')"
      + " && document.getElementById('s-app').textContent !== '\u2026'";

  @TempDir
  Path dir;
  TestSite site;
  Chromium browser;
  TlsIdentity terminalCertificate;
  final AtomicReference<AgentStatus> agent = new AtomicReference<>(AgentStatus.of(true, OptionalInt.of(2000)));

  @BeforeEach
  void start() throws Exception {
    Assumptions.assumeTrue(Chromium.available(), "chromium is not installed");
    site = new TestSite(dir.resolve("home")).start(agent::get, HostAddresses.system());
    // the web terminal's own certificate, as the terminal makes it: the owner's page shows its fingerprint
    Files.createDirectories(site.home.stateDir());
    terminalCertificate = TlsIdentity.selfSigned("LuoYun instance 42", List.of(), List.of(), Instant.now(),
        Instant.now().plusSeconds(3600), new SecureRandom());
    terminalCertificate.write(site.home.terminalCertificate(), site.home.stateDir().resolve(Home.TERMINAL_KEY));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (site != null) {
        site.close();
      }
    }
  }

  private void open(int width, int height, String acceptLanguage, String target) throws Exception {
    browser = new Chromium(dir.resolve("profile"));
    browser.emulateScreen(width, height, width < 500);
    if (acceptLanguage != null) {
      browser.acceptLanguage(acceptLanguage);
    }
    browser.navigate("http://127.0.0.1:" + site.server.port() + target);
  }

  private void openOwnerPage(int width, int height, String acceptLanguage) throws Exception {
    open(width, height, acceptLanguage, "/?cookie=" + TestSite.COOKIE);
    browser.awaitTrue(FILLED, WAIT);
  }

  private void lowestContrast() throws Exception {
    Object worst = browser.evaluate(PageContrast.lowest("body"));
    assertThat(PageContrast.ratio(worst)).as("the least readable text: %s", worst).isGreaterThanOrEqualTo(4.5);
  }

  @Test
  void theOwnerSeesTheApplicationItsVersionsTheHostAndTheStatus() throws Exception {
    openOwnerPage(1280, 800, null);
    String seen = browser.bodyText();
    assertThat(seen).contains("OwnCloud", "Version 1.0 · OwnCloud 4.0.7", "owncloud.example.com", "14:07",
        "Open OwnCloud", "Web terminal", "Registered with the cloud");
    // the status panel was filled from /status.json?cookie=...: uptime is a number of minutes
    assertThat(seen).containsPattern("Up for\\s+\\d+ d \\d+ h \\d+ min");
    assertThat(seen).doesNotContain("$hostname", "$application");
    assertThat(browser.evaluate("document.querySelector('a.secondary').href"))
        .isEqualTo("https://owncloud.example.com:8001/");
    assertThat(seen).contains("When your browser warns about the web terminal's certificate, go on only if its "
        + "SHA-256 fingerprint is " + terminalCertificate.fingerprint() + ".");
    browser.screenshot(SCREENSHOTS.resolve("owner-page-en.png"));
    assertThat(Files.size(SCREENSHOTS.resolve("owner-page-en.png"))).isGreaterThan(1000);
  }

  @Test
  void aRunningApplicationIsAGreenBadgeWithATickAndTheWordRunning() throws Exception {
    openOwnerPage(1280, 800, null);
    assertThat(browser.evaluate("document.getElementById('s-app').innerText")).isEqualTo("\u2713Running");
    assertThat(browser.evaluate("getComputedStyle(document.getElementById('s-app')).backgroundColor"))
        .isEqualTo("rgb(220, 252, 231)");
  }

  @Test
  void aDownApplicationIsSaidInWordsWithASignAndInRedAndTheStatusChangesWithoutReloadingThePage()
      throws Exception {
    openOwnerPage(1280, 800, null);
    assertThat(browser.bodyText()).contains("Running");
    assertThat(browser.evaluate("document.querySelector('meta[http-equiv=refresh]')")).isNull();
    browser.evaluate("window.osmSameDocument = true");

    agent.set(AgentStatus.of(false, OptionalInt.of(2001)));
    browser.awaitTrue("document.getElementById('s-app').innerText.includes('Not ready')", WAIT);

    assertThat(browser.evaluate("window.osmSameDocument")).as("the page was not reloaded").isEqualTo(true);
    assertThat(browser.evaluate("document.getElementById('s-app').innerText"))
        .isEqualTo("\u2715Not ready (status script exit 1)");
    assertThat(browser.evaluate("getComputedStyle(document.getElementById('s-app')).backgroundColor"))
        .isEqualTo("rgb(254, 226, 226)");
    assertThat(browser.evaluate("document.getElementById('s-agent').innerText")).isEqualTo("!Not registered");
    lowestContrast();
    browser.screenshot(SCREENSHOTS.resolve("owner-page-en-application-down.png"));
  }

  @Test
  void everyTextOnBothPagesInBothLanguagesHasAContrastOfAtLeastFourAndAHalf() throws Exception {
    agent.set(AgentStatus.of(false, OptionalInt.of(2003)));
    for (String language : new String[] {"en", CHINESE}) {
      openOwnerPage(1280, 800, language);
      lowestContrast();
      browser.close();
      open(1280, 800, language, "/");
      browser.awaitTrue("document.readyState === 'complete'", WAIT);
      lowestContrast();
      browser.close();
      browser = null;
    }
  }

  @Test
  void aChineseBrowserGetsThePageAllInChinese() throws Exception {
    agent.set(AgentStatus.of(true, OptionalInt.of(2001)));
    openOwnerPage(1280, 800, CHINESE);
    browser.awaitTrue("document.getElementById('s-note').textContent.startsWith('最近更新')", WAIT);
    String seen = browser.bodyText();
    assertThat(seen).contains("欢迎使用落云 OwnCloud 虚拟应用", "版本：1.0", "owncloud.example.com", "14:07",
        "网页终端", "未就绪（状态脚本返回 1）", "已在云平台注册");
    assertThat(seen).containsPattern("运行时间\\s+\\d+ 天 \\d+ 小时 \\d+ 分钟");
    // apart from the names of the application and the host, the unit MiB and the certificate's
    // fingerprint: not a Latin letter
    assertThat(seen).contains("SHA-256 指纹", terminalCertificate.fingerprint());
    String rest = seen.replace("OwnCloud", "").replace("owncloud.example.com", "").replace("MiB", "")
        .replace("SHA-256", "").replace(terminalCertificate.fingerprint(), ""); // and the certificate's identity
    assertThat(rest).doesNotContainPattern("[A-Za-z]");
    browser.screenshot(SCREENSHOTS.resolve("owner-page-zh.png"));
  }

  @Test
  void onAPhoneThePageFitsTheScreenInBothLanguages() throws Exception {
    agent.set(AgentStatus.of(true, OptionalInt.of(2001)));
    for (String language : List.of("en", "zh")) {
      openOwnerPage(390, 844, language.equals("zh") ? CHINESE : "en");
      assertThat(browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))
          .as("no sideways scrolling (%s)", language).isEqualTo(true);
      assertThat(browser.bodyText()).contains(language.equals("zh") ? "未就绪" : "Not ready");
      lowestContrast();
      browser.screenshot(SCREENSHOTS.resolve("owner-page-" + language + "-phone.png"));
      browser.close();
      browser = null;
    }
  }

  @Test
  void aVisitorSeesNoTerminalAndNoStatus() throws Exception {
    open(1280, 800, null, "/");
    browser.awaitTrue("document.readyState === 'complete'", WAIT);
    String seen = browser.bodyText();
    assertThat(seen).contains("OwnCloud", "owncloud.example.com", "14:07").doesNotContain("Web terminal", "Up for",
        terminalCertificate.fingerprint());
    browser.screenshot(SCREENSHOTS.resolve("public-page-en.png"));
  }
}
