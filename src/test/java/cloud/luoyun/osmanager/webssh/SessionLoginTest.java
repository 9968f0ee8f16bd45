package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.luoyun.osmanager.webssh.FakeShellConnector.Login;
import cloud.luoyun.osmanager.webssh.FakeShellConnector.Shell;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The login part of a session over a fake SSH server ({@link FakeShellConnector}) that the test
 * plays: what the page's screen shows at each step, what reaches the server, and what the
 * failed-login limiter is told. Everything runs on the test's thread (the executor runs a task
 * at once), so each step is exact.
 */
class SessionLoginTest {
  private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();
  private final Object lock = new Object();
  private final FakeShellConnector server = new FakeShellConnector();
  private final LoginLimiter limiter = new LoginLimiter(new LoginLimiter.Rate(2, Duration.ofMinutes(1)),
      new LoginLimiter.Rate(100, Duration.ofSeconds(1)), 16, () -> 0L);
  private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
  private final List<String> admitted = new ArrayList<>();
  private boolean slotFree = true;
  private SessionRegistry registry;
  private ShellStream stream;
  private SessionLogin login;

  @TempDir
  Path dir;

  /** A login part at its first prompt, for a page in {@code language} of 100x30. */
  private void start(TerminalLanguage language) {
    // an sshd on another host: the shell's LANG is C.UTF-8 without asking this host's locales
    WebTerminalSettings settings = WebTerminalSettings.defaults(dir).withSsh("192.0.2.1", 22);
    registry = new SessionRegistry(settings, limiter, () -> server, Runnable::run, (task, delay) -> { }, () -> 0L);
    stream = new ShellStream(lock, 4096, () -> 0L, (task, delay) -> { }, reason -> { });
    login = new SessionLogin(lock, "abcdef", CLIENT, registry, stream, (user, shell) -> {
      if (!slotFree) {
        return false;
      }
      admitted.add(user);
      stream.shellOpened(shell);
      return true;
    });
    synchronized (lock) {
      stream.attach(this::draw, language, language == TerminalLanguage.ZH ? "zh-CN,zh;q=0.9" : "en");
      stream.resize(100, 30);
      login.start();
    }
  }

  private void draw(ByteBuffer message) {
    ByteBuffer b = message.duplicate();
    if (b.get() == TerminalProtocol.OUTPUT) {
      screen.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
    }
  }

  /** What the screen shows since the last call. */
  private String screen() {
    String text = screen.toString(StandardCharsets.UTF_8);
    screen.reset();
    return text;
  }

  private void type(String text) {
    synchronized (lock) {
      login.input(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aUserNameStartsALoginWithThePagesSize() throws Exception {
    start(TerminalLanguage.EN);
    assertThat(screen()).isEqualTo("login: ");
    type("alice\r");
    assertThat(screen()).isEqualTo("alice\r\n");
    Login l = server.nextLogin();
    assertThat(l.user).isEqualTo("alice");
    assertThat(l.cols).isEqualTo(100);
    assertThat(l.rows).isEqualTo(30);
    assertThat(l.lang).isEqualTo(ShellLocale.FALLBACK);
    assertThat(login.phase()).isEqualTo(SessionLogin.Phase.AUTHENTICATING);

    l.prompter.ask(Message.of(Phrase.PASSWORD_PROMPT, "alice"), false);
    type("s3cret\r");
    assertThat(screen()).as("the password is not echoed").isEqualTo("alice's password: \r\n");
    assertThat(l.prompter.awaitAnswer(1, TimeUnit.SECONDS)).isEqualTo("s3cret");

    type("ls\r"); // typed before the shell opened: for the shell, not echoed by us
    Shell shell = l.opens();
    assertThat(admitted).containsExactly("alice");
    assertThat(shell.writes()).containsExactly("ls\r");
    assertThat(screen()).isEmpty();
    assertThat(login.phase()).isEqualTo(SessionLogin.Phase.OFF);
  }

  @Test
  void aWrongPasswordIsAskedForAgainAndCountsAgainstTheAddress() throws Exception {
    start(TerminalLanguage.EN);
    type("alice\r");
    Login l = server.nextLogin();
    screen();
    l.prompter.ask("Password: ", false);
    type("wrong\r");
    assertThat(l.prompter.awaitAnswer(1, TimeUnit.SECONDS)).isEqualTo("wrong");
    assertThat(l.prompter.attemptFailed()).as("one failure of two allowed").isTrue();
    l.prompter.ask("Password: ", false);
    type("wrong again\r");
    assertThat(l.prompter.awaitAnswer(1, TimeUnit.SECONDS)).isEqualTo("wrong again");
    assertThat(l.prompter.attemptFailed()).as("the address's budget is spent").isFalse();
    assertThat(screen()).isEqualTo("Password: \r\nPermission denied, please try again.\r\n"
        + "Password: \r\nPermission denied, please try again.\r\n");

    l.fails(Message.of(Phrase.PERMISSION_DENIED), true);
    assertThat(screen()).isEqualTo("\r\nPermission denied.\r\n\r\nlogin: ");
    assertThat(login.phase()).isEqualTo(SessionLogin.Phase.USER);

    // at once again: the limiter (2 failures, one forgiven a minute) has counted three, the
    // refused login too, and says wait; the server is not asked
    type("alice\r");
    assertThat(screen()).isEqualTo("alice\r\nToo many failed logins from your address; try again in 120 s.\r\nlogin: ");
    assertThat(server.hasLogin()).isFalse();
  }

  @Test
  void ctrlCAtThePasswordPromptGivesTheLoginUp() throws Exception {
    start(TerminalLanguage.EN);
    type("alice\r");
    Login l = server.nextLogin();
    l.prompter.ask("Password: ", false);
    type("half\u0003");
    assertThatThrownBy(() -> l.prompter.awaitAnswer(1, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
    screen();
    l.fails(Message.of(Phrase.LOGIN_CANCELLED), false);
    assertThat(screen()).isEqualTo("\r\nLogin cancelled.\r\n\r\nlogin: ");
    assertThat(limiter.waitBeforeLogin(CLIENT).isZero()).as("a cancel is no failed password").isTrue();
  }

  @Test
  void ctrlCAtTheLoginPromptAsksAgain() {
    start(TerminalLanguage.EN);
    screen();
    type("ali\u0003");
    assertThat(screen()).isEqualTo("ali^C\r\nlogin: ");
    assertThat(server.hasLogin()).isFalse();
  }

  @Test
  void aRefusedHostKeyIsSaidAsTheClientWordsItAndIsNoFailedPassword() throws Exception {
    start(TerminalLanguage.EN);
    type("alice\r");
    Login l = server.nextLogin();
    screen();
    l.fails(Message.of(Phrase.HOST_KEY_NOT_OURS, "127.0.0.1:22", "SHA256:abc", "/etc/ssh"), false);
    assertThat(screen()).isEqualTo("\r\nThe SSH server at 127.0.0.1:22 presented the host key SHA256:abc, which is not one"
        + " of this host's keys in /etc/ssh. Someone may be impersonating the sshd. Refusing to log in.\r\n\r\nlogin: ");
    assertThat(limiter.waitBeforeLogin(CLIENT).isZero()).isTrue();
    type("alice\r");
    server.nextLogin(); // and one may try again at once
  }

  @Test
  void aChinesePageIsPromptedAndRefusedInChinese() throws Exception {
    start(TerminalLanguage.ZH);
    assertThat(screen()).isEqualTo("用户名：");
    type("bob\r");
    Login l = server.nextLogin();
    l.prompter.ask(Message.of(Phrase.PASSWORD_PROMPT, "bob"), false);
    assertThat(screen()).isEqualTo("bob\r\nbob 的密码：");
    l.prompter.attemptFailed();
    assertThat(screen()).isEqualTo("登录被拒绝，请重试。\r\n");
    l.fails(Message.of(Phrase.HOST_KEY_UNKNOWN_KIND), false);
    assertThat(screen()).isEqualTo("\r\nSSH 服务器出示了未知类型的主机密钥，拒绝登录。\r\n\r\n用户名：");
  }

  @Test
  void anInvalidUserNameIsRefusedWithoutAskingTheServer() {
    start(TerminalLanguage.EN);
    screen();
    type("-oProxyCommand=x\r");
    assertThat(screen()).isEqualTo("-oProxyCommand=x\r\nInvalid user name.\r\nlogin: ");
    type("\r");
    assertThat(screen()).as("an empty line asks again").isEqualTo("\r\nlogin: ");
    assertThat(server.hasLogin()).isFalse();
  }

  @Test
  void theServersTextCannotRewriteTheScreen() throws Exception {
    start(TerminalLanguage.EN);
    type("alice\r");
    Login l = server.nextLogin();
    screen();
    l.prompter.show("Welcome\u001b[2J\nto the host\n");
    assertThat(screen()).isEqualTo("Welcome[2J\r\nto the host\r\n");
  }

  @Test
  void aShellWithoutAFreeSlotIsClosedAndSaidSo() throws Exception {
    start(TerminalLanguage.EN);
    type("alice\r");
    Login l = server.nextLogin();
    screen();
    slotFree = false;
    Shell shell = l.opens();
    assertThat(shell.closed).isTrue();
    assertThat(screen()).isEqualTo("\r\nToo many terminal sessions are open (at most 8). Try again later.\r\n\r\nlogin: ");
    assertThat(stream.shell()).isNull();
  }

  @Test
  void aLoginThatSucceedsAfterTheSessionClosedIsClosedAndAWaitingPromptGivesUp() throws Exception {
    start(TerminalLanguage.EN);
    type("alice\r");
    Login l = server.nextLogin();
    l.prompter.ask("Password: ", false);
    synchronized (lock) {
      login.stop();
    }
    assertThatThrownBy(() -> l.prompter.awaitAnswer(1, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
    Shell shell = l.opens();
    assertThat(shell.closed).isTrue();
    assertThat(admitted).isEmpty();
  }
}
