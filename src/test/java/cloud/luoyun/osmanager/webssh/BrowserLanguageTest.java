package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.luoyun.osmanager.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminal speaks the browser's language (its {@code Accept-Language}, carried by the
 * WebSocket upgrade) and gives the login shell a {@code LANG} from it, as OpenSSH's
 * {@code SendEnv LANG} does: a real OpenSSH sshd with Debian's {@code AcceptEnv LANG LC_*}, a
 * Chinese locale on the host (made for the test when missing), real WebSockets.
 */
class BrowserLanguageTest {
  private static final String CHINESE = "zh-CN,zh;q=0.9,en;q=0.8";
  private static LocaleFixture chinese;
  private static SshServerFixture sshd;
  private static WebSocketClient ws;
  @TempDir
  static Path dir;

  private WebTerminal terminal;
  private final List<TerminalClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(SshServerFixture.available() && LocaleFixture.available("zh_CN"),
        "needs root, openssh-server and glibc's locale sources");
    chinese = new LocaleFixture("zh_CN");
    sshd = new SshServerFixture(Path.of("target", "webssh-language-sshd").toAbsolutePath(),
        List.of("AcceptEnv=LANG LC_*"));
    ws = TestTls.webSocketClient();
  }

  @AfterAll
  static void stop() throws Exception {
    if (ws != null) {
      ws.stop();
    }
    if (sshd != null) {
      sshd.close();
    }
    if (chinese != null) {
      chinese.close();
    }
  }

  @BeforeEach
  void startTerminal() throws Exception {
    terminal = start(sshd.port);
  }

  @AfterEach
  void stopTerminal() {
    clients.forEach(TerminalClient::close);
    if (terminal != null) {
      terminal.close();
    }
  }

  private static WebTerminal start(int sshPort) throws Exception {
    WebTerminal t = new WebTerminal(WebTerminalSettings.defaults(dir.resolve("state"))
        .withBind(Optional.of("127.0.0.1"), 0).withSsh("127.0.0.1", sshPort).withSshHostKeys(sshd.dir));
    t.start();
    return t;
  }

  private TerminalClient open(WebTerminal on, String acceptLanguage) throws Exception {
    TerminalClient client = TerminalClient.open(ws, on.port(), "", "https://127.0.0.1:" + on.port(), acceptLanguage);
    clients.add(client);
    return client;
  }

  /** Logs in (at whatever the prompts say) and returns the shell's LANG as the shell sees it. */
  private static String loginAndReadLang(TerminalClient page) throws Exception {
    page.awaitPattern(java.util.regex.Pattern.compile("login: |用户名："), 0);
    int mark = page.mark();
    page.type(sshd.user + "\r");
    page.awaitText("assword:", mark);
    mark = page.mark();
    page.type(sshd.password + "\r");
    page.type("echo \"LANG=[$LANG]-$((40+2))\"\r");
    return page.awaitPattern(java.util.regex.Pattern.compile("LANG=\\[([^\\]]*)\\]-42"), mark).group(1);
  }

  /**
   * As a person types (an input method commits one character at a time): one message a
   * character, a little apart, so that the shell reads them one by one and not as one paste.
   */
  private static void typeKeyByKey(TerminalClient page, String text) throws InterruptedException {
    for (int i = 0; i < text.length(); i = text.offsetByCodePoints(i, 1)) {
      page.type(text.substring(i, text.offsetByCodePoints(i, 1)));
      Thread.sleep(20);
    }
  }

  @Test
  void aChineseBrowserIsAskedForItsUserNameAndToldOfMistakesInChinese() throws Exception {
    TerminalClient page = open(terminal, CHINESE);
    page.awaitText("用户名：");
    int mark = page.mark();
    page.type("no such user!\r");
    assertThat(page.awaitText("用户名：", mark)).contains("用户名无效。");
  }

  @Test
  void aRefusedPasswordIsSaidInChinese() throws Exception {
    TerminalClient page = open(terminal, CHINESE);
    page.awaitText("用户名：");
    int mark = page.mark();
    page.type(sshd.user + "\r");
    page.awaitText("assword:", mark); // the sshd's own prompt (PAM's), in the host's language
    mark = page.mark();
    page.type("not-the-password\r");
    page.awaitText("登录被拒绝，请重试。", mark);
  }

  @Test
  void aBrowserThatAsksForNeitherLanguageOrForNoneIsSpokenToInEnglish() throws Exception {
    open(terminal, null).awaitText("login: ");
    open(terminal, "fr-FR,fr;q=0.9,en;q=0.5").awaitText("login: ");
    open(terminal, "de-DE").awaitText("login: ");
  }

  @Test
  void anSshServerThatCannotBeReachedIsSaidInChinese() throws Exception {
    int closed = SshServerFixture.freePort();
    try (WebTerminal nowhere = start(closed)) {
      TerminalClient page = open(nowhere, CHINESE);
      page.awaitText("用户名：");
      int mark = page.mark();
      page.type("somebody\r");
      assertThat(page.awaitText("用户名：", mark)).contains("无法连接到 SSH 服务器 127.0.0.1:" + closed + "：");
    }
  }

  @Test
  void theShellGetsTheBrowsersLanguageWhereTheHostHasItAndReadsTypedChinese() throws Exception {
    TerminalClient page = open(terminal, CHINESE);
    assertThat(loginAndReadLang(page)).isEqualTo("zh_CN.UTF-8");
    int mark = page.mark();
    // typed at bash's own prompt: in a locale-less shell readline would take these bytes for meta keys
    typeKeyByKey(page, "echo 你好$((6*7))\r");
    page.awaitText("你好42", mark);
  }

  @Test
  void aLanguageTheHostLacksGivesCUtf8WhichStillReadsTypedChinese() throws Exception {
    TerminalClient page = open(terminal, "tlh");
    assertThat(loginAndReadLang(page)).isEqualTo("C.UTF-8");
    int mark = page.mark();
    typeKeyByKey(page, "echo 世界$((6*7))\r");
    page.awaitText("世界42", mark);
  }

  @Test
  void anEnglishBrowserGetsAmericanEnglishWhereTheHostHasItElseCUtf8() throws Exception {
    String expected = HostLocales.system().utf8().contains("en_US") ? "en_US.UTF-8" : "C.UTF-8";
    assertThat(loginAndReadLang(open(terminal, "en-GB,en;q=0.9"))).isEqualTo(expected);
  }

  @Test
  void aHostileAcceptLanguageOnlyEverChoosesAmongTheHostsLocales() throws Exception {
    Path marker = dir.resolve("pwned");
    String hostile = "zh-CN$(touch " + marker + "), zh_CN.UTF-8';touch " + marker + ";', en-US;q=`id`";
    assertThat(loginAndReadLang(open(terminal, hostile))).isEqualTo("C.UTF-8");
    assertThat(Files.exists(marker)).isFalse();
  }
}
