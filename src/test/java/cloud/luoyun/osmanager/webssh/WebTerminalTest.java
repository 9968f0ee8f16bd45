package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.luoyun.osmanager.TestTls;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web terminal against a real OpenSSH sshd (its own host key, a throw-away user), spoken to
 * over real WebSockets as the page would. Which host keys it trusts: {@link HostKeyTrustTest}.
 */
class WebTerminalTest {
  private static SshServerFixture sshd;
  private static WebSocketClient ws;
  @TempDir
  static Path dir;

  private WebTerminal terminal;
  private final List<TerminalClient> clients = new ArrayList<>();

  @BeforeAll
  static void startSshd() throws Exception {
    assumeTrue(SshServerFixture.available(), "needs root and openssh-server");
    sshd = new SshServerFixture(Path.of("target", "webssh-test-sshd").toAbsolutePath());
    ws = TestTls.webSocketClient();
  }

  @AfterAll
  static void stopSshd() throws Exception {
    if (ws != null) {
      ws.stop();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  @BeforeEach
  void startTerminal() throws Exception {
    terminal = start(settings());
  }

  @AfterEach
  void stopTerminal() {
    clients.forEach(TerminalClient::close);
    if (terminal != null) {
      terminal.close();
    }
  }

  private WebTerminalSettings settings() {
    return settings(sshd);
  }

  /** The test's settings, logging into {@code server}. */
  private static WebTerminalSettings settings(SshServerFixture server) {
    return WebTerminalSettings.defaults(dir.resolve("state")).withBind(Optional.of("127.0.0.1"), 0)
        .withSsh("127.0.0.1", server.port).withSshHostKeys(server.dir);
  }

  private static WebTerminal start(WebTerminalSettings settings) throws Exception {
    WebTerminal t = new WebTerminal(settings);
    t.start();
    return t;
  }

  private TerminalClient open(String token) throws Exception {
    TerminalClient client = TerminalClient.open(ws, terminal.port(), token);
    clients.add(client);
    return client;
  }

  @Test
  void aUserLogsInAtTheTerminalsPromptsAndRunsACommand() throws Exception {
    TerminalClient page = open("");
    page.login(sshd.user, sshd.password);
    int mark = page.mark();
    page.type("whoami; echo TERM=$TERM; tty\r");
    String out = page.awaitText("/dev/pts/", mark);
    assertThat(out).contains(sshd.user).contains("TERM=xterm-256color");
  }

  @Test
  void aPageThatDoesNotKeepUpHoldsBackTheShellInsteadOfFillingMemory() throws Exception {
    TerminalClient page = open("");
    page.login(sshd.user, sshd.password);
    page.autoAck(false);
    int before = page.bytes();
    page.type("head -c 3000000 /dev/zero | tr '\\0' x | fold -w 99; echo FLOW-$((6*7))\r");
    // the server sends at most its window of un-ACKed output, then waits for the page
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      Thread.sleep(300);
      int now = page.bytes();
      if (now == last && now > before) {
        break; // no progress: held back
      }
      last = now;
    }
    Thread.sleep(300);
    int held = page.bytes() - before;
    assertThat(held).isPositive().isLessThanOrEqualTo(TerminalProtocol.WINDOW + 64 * 1024);
    assertThat(page.text()).doesNotContain("FLOW-42");
    page.autoAck(true); // the page catches up: the rest flows
    page.awaitText("FLOW-42", before);
    assertThat(page.bytes() - before).isGreaterThan(3_000_000);
  }

  @Test
  void anIdlePageStaysConnectedThanksToPings() throws Exception {
    terminal.close();
    WebTerminalSettings s = settings();
    // the WebSocket idle timeout is 4 ping intervals: without pings an idle socket would close
    terminal = start(s.withLimits(s.maxSessions(), s.idleTimeout(), s.gracePeriod(), Duration.ofMillis(250)));
    TerminalClient page = open("");
    page.awaitText("login: ");
    Thread.sleep(3000);
    assertThat(page.isOpen()).isTrue();
    int mark = page.mark();
    page.type("x");
    page.awaitText("x", mark);
  }

  @Test
  void aSessionWithoutInputIsLoggedOutAfterTheIdleTimeout() throws Exception {
    terminal.close();
    WebTerminalSettings s = settings();
    terminal = start(s.withLimits(s.maxSessions(), Duration.ofSeconds(2), s.gracePeriod(), s.pingInterval()));
    TerminalClient page = open("");
    page.login(sshd.user, sshd.password);
    assertThat(page.awaitClose()).isEqualTo(TerminalProtocol.CLOSE_ENDED);
    assertThat(page.text()).contains("[logged out: no input for 2 s]");
    assertThat(terminal.sessionCount()).isZero();
  }

  @Test
  void neitherThePasswordNorTypedInputReachesTheLog() throws Exception {
    java.util.List<String> logged = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    java.util.logging.Level level = root.getLevel();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        logged.add(new java.util.logging.SimpleFormatter().format(r));
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    capture.setLevel(java.util.logging.Level.ALL);
    // everything of ours, the libraries as verbose as util.Logging ever sets them (INFO): their
    // own debug output (FINE) dumps frames and is never switched on
    root.setLevel(java.util.logging.Level.ALL);
    java.util.logging.Logger jetty = java.util.logging.Logger.getLogger("org.eclipse.jetty");
    java.util.logging.Logger mina = java.util.logging.Logger.getLogger("org.apache.sshd");
    jetty.setLevel(java.util.logging.Level.INFO);
    mina.setLevel(java.util.logging.Level.INFO);
    root.addHandler(capture);
    try {
      TerminalClient page = open("");
      page.awaitText("login: ");
      page.type(sshd.user + "\r");
      page.awaitText("assword:");
      int mark = page.mark();
      page.type("Wrong-" + sshd.password + "\r");
      String refusal = page.awaitText("Permission denied", mark);
      page.awaitText("assword:", mark + refusal.indexOf("Permission denied"));
      mark = page.mark();
      page.type(sshd.password + "\r");
      page.type("echo SECRET-INPUT-$((1+1))\r");
      page.awaitText("SECRET-INPUT-2");
    } finally {
      root.removeHandler(capture);
      root.setLevel(level);
      jetty.setLevel(null);
      mina.setLevel(null);
    }
    assertThat(logged).isNotEmpty();
    assertThat(String.join("\n", logged)).doesNotContain(sshd.password).doesNotContain("SECRET-INPUT");
  }

  @Test
  void theLoginShellGetsNoWarningsPrintedIntoIt() throws Exception {
    TerminalClient page = open("");
    page.awaitText("login: ");
    page.type(sshd.user + "\r");
    page.awaitText("assword:");
    int mark = page.mark();
    page.type(sshd.password + "\r");
    page.type("echo READY-$((40+2))\r");
    String afterPassword = page.awaitText("READY-42", mark);
    assertThat(afterPassword).doesNotContainIgnoringCase("warning").doesNotContain("known hosts");
  }

  @Test
  void aWrongPasswordGivesNoShellAndTheUserMayTryAgain() throws Exception {
    TerminalClient page = open("");
    page.awaitText("login: ");
    page.type(sshd.user + "\r");
    page.awaitText("assword:");
    int mark = page.mark();
    page.type("not-the-password\r");
    String refusal = page.awaitText("Permission denied", mark);
    page.awaitText("assword:", mark + refusal.indexOf("Permission denied"));
    mark = page.mark();
    page.type(sshd.password + "\r");
    page.type("echo READY-$((40+2))\r");
    page.awaitText("READY-42", mark);
  }

  @Test
  void theDaemonUsersOwnSshConfigDoesNotMoveTheTerminal() throws Exception {
    // MINA reads the ssh config of the JVM's user (root here, as on an instance); write one only
    // where there is none, so that a person's own is never touched, and remove it after.
    Path config = Path.of(System.getProperty("user.home"), ".ssh", "config");
    assumeTrue(!Files.exists(config, LinkOption.NOFOLLOW_LINKS), "needs no " + config + " of a person's own");
    Path folder = config.getParent();
    boolean newFolder = !Files.isDirectory(folder);
    Files.createDirectories(folder);
    try {
      Files.writeString(config, "Host *\n  HostName 127.0.0.2\n  ProxyJump 127.0.0.2:1\n");
      TerminalClient page = open("");
      page.login(sshd.user, sshd.password);
      int mark = page.mark();
      page.type("echo SAME-HOST-$((40+2))\r");
      page.awaitText("SAME-HOST-42", mark);
    } finally {
      Files.deleteIfExists(config);
      if (newFolder) {
        Files.deleteIfExists(folder);
      }
    }
  }

  @Test
  void anSshdWithoutPasswordLoginsIsSaidSoNotGuessedAt() throws Exception {
    try (SshServerFixture keysOnly = new SshServerFixture(Path.of("target", "webssh-keys-only-sshd").toAbsolutePath(),
        List.of("PasswordAuthentication=no", "KbdInteractiveAuthentication=no"))) {
      terminal.close();
      terminal = start(settings(keysOnly));
      TerminalClient page = open("");
      page.awaitText("login: ");
      int mark = page.mark();
      page.type(keysOnly.user + "\r");
      String said = page.awaitText("login: ", mark + 1);
      assertThat(said).contains("Permission denied: the SSH server offers no password or keyboard-interactive login")
          .doesNotContain("assword:");
    }
  }

  @Test
  void aRefusedLoginReturnsToTheLoginPromptWithoutAShell() throws Exception {
    TerminalClient page = open("");
    page.awaitText("login: ");
    int mark = page.mark();
    page.type(sshd.user + "\r");
    page.awaitText("assword:", mark);
    page.type("\u0003"); // Ctrl-C gives up the login
    String after = page.awaitText("login: ", mark + 1);
    assertThat(after).doesNotContain("READY");
    mark = page.mark();
    page.type("echo NOSHELL-$((1+1))\r"); // read as a user name: no shell runs it
    String out = page.awaitText("login: ", mark);
    assertThat(out).doesNotContain("NOSHELL-2").contains("Invalid user name");
  }

  @Test
  void theTerminalSizeFollowsThePage() throws Exception {
    TerminalClient page = open("");
    page.login(sshd.user, sshd.password);
    page.resize(123, 37);
    Thread.sleep(200); // the resize travels beside the input; give it a head start
    int mark = page.mark();
    page.type("echo SIZE=$(stty size)\r");
    assertThat(page.awaitText("SIZE=37 123", mark)).contains("SIZE=37 123");
  }

  @Test
  void nonAsciiAndCjkTextRoundTrips() throws Exception {
    TerminalClient page = open("");
    page.login(sshd.user, sshd.password);
    // The test sshd passes no locale; a UTF-8 one makes bash's line editor take CJK as characters.
    page.type("exec env LC_ALL=C.UTF-8 bash --norc --noprofile\r");
    int mark = page.mark();
    // the shell counts the bytes it got (6 for 你好 in UTF-8) and prints the text back
    page.type("printf '%s' '你好' | wc -c; echo \"R$((1+1))=$(printf '%s' 'Grüße 世界')=R\"\r");
    String out = page.awaitText("R2=", mark);
    out = page.awaitText("=R\r\n", mark + out.indexOf("R2="));
    assertThat(out).startsWith("R2=Grüße 世界=R");
    assertThat(page.text().substring(mark).replace("\r", "")).contains("6\nR2=Grüße 世界=R");
  }

  @Test
  void aWebSocketFromAnotherOriginIsRefused() {
    assertThatThrownBy(() -> TerminalClient.open(ws, terminal.port(), "", "http://evil.example"))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(UpgradeException.class)
        .satisfies(e -> assertThat(((UpgradeException) e).getResponseStatusCode()).isEqualTo(403));
    assertThatThrownBy(() -> TerminalClient.open(ws, terminal.port(), "", "http://127.0.0.1:1"))
        .cause().isInstanceOf(UpgradeException.class);
    assertThat(terminal.sessionCount()).isZero();
  }

  @Test
  void noMoreThanTheAllowedNumberOfShellsOpenAndAFreedOneIsTakenAgain() throws Exception {
    terminal.close();
    WebTerminalSettings s = settings();
    terminal = start(s.withLimits(2, s.idleTimeout(), s.gracePeriod(), s.pingInterval()));
    TerminalClient first = open("");
    first.login(sshd.user, sshd.password);
    open("").login(sshd.user, sshd.password);
    TerminalClient third = open("");
    third.awaitText("login: ");
    int mark = third.mark();
    third.type(sshd.user + "\r");
    assertThat(third.awaitText("login: ", mark)).contains("Too many terminal sessions are open (at most 2)")
        .doesNotContain("assword");
    assertThat(third.isOpen()).as("it stays at the prompt").isTrue();
    assertThat(terminal.shellCount()).isEqualTo(2);

    first.type("exit\r");
    first.awaitText("Press Enter to log in again");
    mark = third.mark();
    third.type(sshd.user + "\r");
    third.awaitText("assword:", mark);
    third.type(sshd.password + "\r");
    third.type("echo THIRD-$((1+2))\r");
    third.awaitText("THIRD-3", mark);
  }

  @Test
  void pagesWaitingAtTheirPasswordPromptsHoldBackNoOtherLogin() throws Exception {
    terminal.close();
    WebTerminalSettings s = settings();
    // each prompt holds one of the SSH client's threads while it waits for its answer: three
    // prompts, as many as a fixed pool of maxSessions + 2 would have threads, and a login beside
    // them (four pages from one address: the most it may have waiting)
    terminal = start(s.withLimits(1, s.idleTimeout(), s.gracePeriod(), s.pingInterval()));
    for (int i = 0; i < SessionRegistry.WAITING_PER_ADDRESS - 1; i++) {
      TerminalClient waiting = open("");
      waiting.awaitText("login: ");
      waiting.type(sshd.user + "\r");
      waiting.awaitText("assword:");
    }
    TerminalClient page = open("");
    page.login(sshd.user, sshd.password);
    int mark = page.mark();
    page.type("echo BESIDE-$((2+3))\r");
    assertThat(page.awaitText("BESIDE-5", mark)).contains("BESIDE-5");
    assertThat(terminal.shellCount()).isEqualTo(1);
  }

  @Test
  void aDroppedSocketReattachesToTheSameShell() throws Exception {
    TerminalClient page = open("");
    page.login(sshd.user, sshd.password);
    int mark = page.mark();
    page.type("OSMW_MARK=kept-$((6*7)); echo PID=$$.\r");
    String pid = page.awaitPattern(java.util.regex.Pattern.compile("PID=(\\d+)\\."), mark).group(1);
    String token = page.token();
    page.drop();

    TerminalClient again = open(token);
    assertThat(again.token()).isEqualTo(token);
    again.awaitText("PID="); // the screen comes back from the replay buffer
    assertThat(again.replays()).isEqualTo(1);
    mark = again.mark();
    again.type("echo \"$OSMW_MARK PID=$$.\"\r");
    assertThat(again.awaitText("kept-42 PID=", mark)).contains("kept-42 PID=" + pid + ".");
  }

  @Test
  void aSessionWhosePageDoesNotComeBackEndsAfterTheGracePeriod() throws Exception {
    terminal.close();
    WebTerminalSettings s = settings();
    terminal = start(s.withLimits(s.maxSessions(), s.idleTimeout(), Duration.ofSeconds(1), s.pingInterval()));
    TerminalClient page = open("");
    page.login(sshd.user, sshd.password);
    String token = page.token();
    page.drop();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (terminal.sessionCount() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(terminal.sessionCount()).isZero();
    TerminalClient later = open(token);
    later.awaitText("[the previous terminal session has ended]");
    later.awaitText("login: ");
    assertThat(later.token()).isNotEqualTo(token);
  }

  @Test
  void whenTheShellExitsTheTerminalSaysSoAndOffersANewLogin() throws Exception {
    TerminalClient page = open("");
    page.login(sshd.user, sshd.password);
    int mark = page.mark();
    page.type("exit 3\r");
    page.awaitText("Press Enter to log in again", mark);
    assertThat(page.text().substring(mark)).contains("status 3");
    mark = page.mark();
    page.type("\r");
    page.awaitText("login: ", mark);
  }
}
