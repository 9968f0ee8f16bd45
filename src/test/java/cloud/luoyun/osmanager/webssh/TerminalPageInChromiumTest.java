package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.luoyun.osmanager.Chromium;
import cloud.luoyun.osmanager.PageContrast;
import cloud.luoyun.osmanager.TestTls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminal page as a person meets it in headless Chromium, at a desktop size and as a phone
 * (390x844, touch), in English and Chinese: the header with the host's name and the connection's
 * state, the key row on the phone and what its keys do at a real bash, the terminal's own words
 * and the shell's LANG in the browser's language. Reads what is on the screen; screenshots in
 * target/screenshots/ (webssh-*.png).
 */
class TerminalPageInChromiumTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String CHINESE = "zh-CN,zh;q=0.9";
  private static LocaleFixture chinese;
  private static SshServerFixture sshd;
  @TempDir
  static Path dir;

  private WebTerminal terminal;
  private Chromium browser;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(SshServerFixture.available() && Chromium.available() && LocaleFixture.available("zh_CN"),
        "needs root, openssh-server, chromium and glibc's locale sources");
    chinese = new LocaleFixture("zh_CN");
    sshd = new SshServerFixture(Path.of("target", "webssh-page-sshd").toAbsolutePath(), List.of("AcceptEnv=LANG LC_*"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
    if (chinese != null) {
      chinese.close();
    }
  }

  @BeforeEach
  void startTerminal() throws Exception {
    terminal = new WebTerminal(WebTerminalSettings.defaults(dir.resolve("state"))
        .withBind(Optional.of("127.0.0.1"), 0).withSsh("127.0.0.1", sshd.port).withSshHostKeys(sshd.dir));
    terminal.start();
  }

  @AfterEach
  void stopTerminal() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (terminal != null) {
      terminal.close();
    }
  }

  /** A browser with this screen and language, at the terminal's page (through {@code port}). */
  private void open(int width, int height, boolean phone, String acceptLanguage, int port) throws Exception {
    // the terminal's own certificate accepted, as its owner does after checking the fingerprint
    browser = new Chromium(Path.of("target", "chromium-profile-" + System.nanoTime()),
        List.of(Chromium.accepting(TestTls.servedCertificate("127.0.0.1", terminal.port()))));
    browser.emulateScreen(width, height, phone);
    browser.acceptLanguage(acceptLanguage);
    browser.navigate("https://127.0.0.1:" + port + "/");
  }

  private String header() throws Exception {
    return String.valueOf(browser.evaluate("document.getElementById('bar').innerText")).replace('\n', ' ');
  }

  private void awaitState(String words) throws Exception {
    browser.awaitTrue("document.getElementById('state-words').textContent === '" + words + "'", WAIT);
  }

  /** A finger on the key, as on a phone: touch start and end at the key's middle. */
  private void tap(String key) throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> at = (Map<String, Object>) browser.evaluate("(() => { const r = document.querySelector("
        + "'#keys [data-key=\"" + key + "\"]').getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()");
    browser.call("Input.dispatchTouchEvent", Map.of("type", "touchStart", "touchPoints", List.of(at)));
    browser.call("Input.dispatchTouchEvent", Map.of("type", "touchEnd", "touchPoints", List.of()));
  }

  private void logIn() throws Exception {
    browser.typeLine(sshd.user);
    browser.awaitText("assword:", WAIT);
    browser.typeLine(sshd.password);
    browser.typeLine("echo READY-$((40+2))");
    browser.awaitText("READY-42", WAIT);
  }

  private static String hostName() throws Exception {
    return Files.readString(StaticPages.KERNEL_HOSTNAME, StandardCharsets.US_ASCII).strip();
  }

  private double lowestContrast(String part) throws Exception {
    Object worst = browser.evaluate(PageContrast.lowest(part));
    assertThat(PageContrast.ratio(worst)).as("the least readable text in %s: %s", part, worst)
        .isGreaterThanOrEqualTo(4.5);
    return PageContrast.ratio(worst);
  }

  private int count(String needle) throws Exception {
    String text = browser.bodyText();
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void onADesktopTheHeaderNamesTheHostAndSaysConnectedAndNoKeyRowTakesRoom() throws Exception {
    open(1280, 800, false, "en-US,en;q=0.9", terminal.port());
    browser.awaitText("login:", WAIT);
    awaitState("Connected");
    assertThat(header()).isEqualTo(hostName() + " Files ● Connected");
    assertThat(browser.evaluate("document.title")).isEqualTo(hostName() + " — Terminal (Connected)");
    assertThat(browser.evaluate("getComputedStyle(document.getElementById('keys')).display")).isEqualTo("none");
    lowestContrast("#bar");
    logIn();
    browser.screenshot(SCREENSHOTS.resolve("webssh-desktop-en.png"));
  }

  @Test
  void onAPhoneInChineseTheKeyRowGivesEscCtrlTabAndArrowsToARealShell() throws Exception {
    open(390, 844, true, CHINESE, terminal.port());
    browser.awaitText("用户名：", WAIT);
    awaitState("已连接");
    assertThat(header()).isEqualTo(hostName() + " 文件 ● 已连接");
    // the row is shown, inside the screen, under the terminal
    assertThat(browser.evaluate("(() => { const r = document.getElementById('keys').getBoundingClientRect();"
        + " return r.height >= 44 && r.bottom <= window.innerHeight && r.width <= window.innerWidth; })()"))
        .isEqualTo(true);
    assertThat(browser.evaluate("[...document.querySelectorAll('#keys button')].map((b) => b.textContent).join(' ')"))
        .isEqualTo("Esc Ctrl Tab ← ↑ ↓ →");
    lowestContrast("#bar");
    lowestContrast("#keys");
    logIn();

    browser.insertText("ech");
    tap("tab"); // bash completes the command
    browser.typeLine(" TAB-$((6*7))");
    browser.awaitText("TAB-42", WAIT);
    assertThat(browser.evaluate("document.activeElement.classList.contains('xterm-helper-textarea')"))
        .as("a tap leaves the focus (and the phone's keyboard) in the terminal").isEqualTo(true);

    tap("up"); // the last command again
    browser.pressEnter();
    browser.awaitTrue("document.body.innerText.split('TAB-42').length - 1 >= 2", WAIT);

    browser.typeLine("sleep 300");
    tap("ctrl");
    assertThat(browser.evaluate("document.querySelector('[data-key=ctrl]').getAttribute('aria-pressed')"))
        .isEqualTo("true");
    browser.screenshot(SCREENSHOTS.resolve("webssh-phone-zh-ctrl.png"));
    browser.insertText("c"); // Ctrl, then c from the phone's keyboard: ^C
    browser.typeLine("echo CTRL-$((6*7))");
    browser.awaitText("CTRL-42", WAIT); // sleep was interrupted, not waited for
    assertThat(browser.evaluate("document.querySelector('[data-key=ctrl]').getAttribute('aria-pressed')"))
        .isEqualTo("false");

    browser.typeLine("true ARG");
    browser.insertText("echo ESC-");
    tap("esc");
    browser.insertText("."); // Esc . is bash's "last argument of the previous command"
    browser.typeLine("-$((6*7))");
    browser.awaitText("ESC-ARG-42", WAIT);

    browser.insertText("echo L=$LANG ");
    for (String c : List.of("你", "好")) { // an input method commits a character at a time
      browser.insertText(c);
      Thread.sleep(20);
    }
    browser.typeLine("$((6*7))");
    browser.awaitText("L=zh_CN.UTF-8 你好42", WAIT);
    browser.screenshot(SCREENSHOTS.resolve("webssh-phone-zh.png"));
  }

  @Test
  void aDroppedConnectionSaysReconnectingUntilItIsBackInTheSameShell() throws Exception {
    try (LinkCutter link = new LinkCutter(terminal.port())) {
      open(1280, 800, false, CHINESE, link.port());
      browser.awaitText("用户名：", WAIT);
      logIn();
      browser.typeLine("KEEP=$((6*7)); echo set");

      link.cut();
      awaitState("正在重新连接…");
      assertThat(header()).isEqualTo(hostName() + " 文件 ↻ 正在重新连接…");
      lowestContrast("#bar");
      browser.screenshot(SCREENSHOTS.resolve("webssh-reconnecting-zh.png"));

      link.mend();
      awaitState("已连接");
      browser.typeLine("echo \"KEPT-$KEEP\"");
      browser.awaitText("KEPT-42", WAIT);
    }
  }

  @Test
  void whenTheTerminalStopsTheHeaderSaysClosedAndTheTerminalSaysWhyInEnglish() throws Exception {
    open(1280, 800, false, "en", terminal.port());
    browser.awaitText("login:", WAIT);
    terminal.close();
    awaitState("Closed");
    assertThat(header()).isEqualTo(hostName() + " Files ✕ Closed");
    String screen = browser.awaitText("Press Enter to start a new session.", WAIT);
    assertThat(screen).contains("[the web terminal is stopping]");
    lowestContrast("#bar");
    assertThat(count("login:")).isEqualTo(1);
  }
}
