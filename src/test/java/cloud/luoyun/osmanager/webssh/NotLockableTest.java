package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.luoyun.osmanager.TestTls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nobody locks the owner out of the terminal or takes over their shell: pages that never log in
 * hold no session slot and go with their socket, an address may keep only a few waiting, a
 * socket that says nothing and a login that never comes time out, and a session token works only
 * from the address that opened the session. Clients come from several loopback addresses
 * (127.0.0.2 and on: loopback has all of 127/8) against a real sshd.
 */
class NotLockableTest {
  private static SshServerFixture sshd;
  @TempDir static Path dir;
  private final List<WebSocketClient> clients = new ArrayList<>();
  private final List<TerminalClient> pages = new ArrayList<>();
  private WebTerminal terminal;

  @BeforeAll
  static void startSshd() throws Exception {
    assumeTrue(SshServerFixture.available(), "needs root and openssh-server");
    sshd = new SshServerFixture(Path.of("target", "webssh-lock-sshd").toAbsolutePath());
  }

  @AfterAll
  static void stopSshd() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
  }

  @AfterEach
  void stop() throws Exception {
    pages.forEach(TerminalClient::close);
    if (terminal != null) {
      terminal.close();
    }
    for (WebSocketClient c : clients) {
      c.stop();
    }
  }

  private WebTerminalSettings settings() {
    return WebTerminalSettings.defaults(dir.resolve("state")).withBind(Optional.of("127.0.0.1"), 0)
        .withSsh("127.0.0.1", sshd.port).withSshHostKeys(sshd.dir);
  }

  private void start(WebTerminalSettings settings) throws Exception {
    terminal = new WebTerminal(settings);
    terminal.start();
  }

  /** A page in a browser at {@code address}. */
  private TerminalClient page(String address, String token) throws Exception {
    WebSocketClient ws = TestTls.webSocketClient(address);
    clients.add(ws);
    TerminalClient page = TerminalClient.open(ws, terminal.port(), token);
    pages.add(page);
    return page;
  }

  private void awaitSessions(int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (terminal.sessionCount() != count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(terminal.sessionCount()).isEqualTo(count);
  }

  /** Issue 11: 8 WebSockets that never logged in took all 8 sessions; the owner got close 1013. */
  @Test
  void eightPagesThatNeverLogInLockTheOwnerOutOfNothing() throws Exception {
    start(settings());
    for (int i = 2; i <= 9; i++) {
      page("127.0.0." + i, "").awaitText("login: ");
    }
    TerminalClient owner = page("127.0.0.1", "");
    owner.login(sshd.user, sshd.password);
    assertThat(terminal.shellCount()).isEqualTo(1);
  }

  /** Issue 11: the slots of pages that never logged in stayed taken 62 s after they went. */
  @Test
  void pagesThatNeverLoggedInLeaveNothingBehindWhenTheyGo() throws Exception {
    start(settings());
    List<TerminalClient> gone = new ArrayList<>();
    for (int i = 2; i <= 9; i++) {
      TerminalClient p = page("127.0.0." + i, "");
      p.awaitText("login: ");
      gone.add(p);
    }
    awaitSessions(8);
    gone.get(0).drop(); // a cut connection as well as closed ones
    gone.subList(1, 8).forEach(TerminalClient::close);
    awaitSessions(0); // long before the 60 s a logged-in session waits for its page
  }

  @Test
  void oneAddressMayHaveOnlyAFewPagesWaitingForALogin() throws Exception {
    start(settings());
    List<TerminalClient> waiting = new ArrayList<>();
    for (int i = 0; i < SessionRegistry.WAITING_PER_ADDRESS; i++) {
      TerminalClient p = page("127.0.0.2", "");
      p.awaitText("login: ");
      waiting.add(p);
    }
    WebSocketClient ws = TestTls.webSocketClient("127.0.0.2");
    clients.add(ws);
    // a client that sends nothing after its HELLO: a late ACK of Jetty's client may hit the closed
    // connection and turn the close code into 1006 (a browser sends nothing once closed)
    TerminalClient oneTooMany = TerminalClient.open(ws, terminal.port(), "", "https://127.0.0.1:" + terminal.port(),
        null, false);
    pages.add(oneTooMany);
    assertThat(oneTooMany.awaitClose()).isEqualTo(TerminalProtocol.CLOSE_TRY_LATER);
    assertThat(oneTooMany.text()).contains("Too many terminals from your address are waiting for a login (at most 4)")
        .doesNotContain("login: ");
    awaitSessions(SessionRegistry.WAITING_PER_ADDRESS); // its HELLO opened none
    page("127.0.0.3", "").awaitText("login: "); // another address is not affected
    waiting.get(0).close();
    awaitSessions(SessionRegistry.WAITING_PER_ADDRESS); // 3 of 127.0.0.2, 1 of 127.0.0.3
    page("127.0.0.2", "").awaitText("login: "); // one went: one may come
  }

  @Test
  void aPageWithAShellDoesNotCountAmongThoseWaiting() throws Exception {
    start(settings());
    for (int i = 0; i < SessionRegistry.WAITING_PER_ADDRESS; i++) {
      page("127.0.0.2", "").login(sshd.user, sshd.password);
    }
    page("127.0.0.2", "").awaitText("login: ");
  }

  @Test
  void aSocketThatNeverSaysHelloIsClosed() throws Exception {
    start(settings());
    try (SSLSocket s = (SSLSocket) TestTls.trustingAnyCertificate().getSocketFactory()
        .createSocket("127.0.0.1", terminal.port())) {
      s.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
      s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + terminal.port() + "\r\nOrigin: https://127.0.0.1:"
          + terminal.port() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String answer = readAll(s.getInputStream()); // until the server closes (or the 30 s time-out fails the test)
      assertThat(answer).startsWith("HTTP/1.1 101 ").contains("no HELLO");
    }
    assertThat(terminal.sessionCount()).isZero();
  }

  @Test
  void aPageThatDoesNotLogInInTimeIsClosed() throws Exception {
    start(settings().withLoginTimeout(Duration.ofSeconds(2)));
    TerminalClient page = page("127.0.0.1", "");
    page.awaitText("login: ");
    page.type(sshd.user); // typing does not keep it
    assertThat(page.awaitClose()).isEqualTo(TerminalProtocol.CLOSE_ENDED);
    assertThat(page.text()).contains("[no login within 2 s]");
    awaitSessions(0);
  }

  /** Issue 11: the token alone let a client from another address take over the shell and its screen. */
  @Test
  void aTokenFromAnotherAddressGetsAFreshLoginAndNotTheShell() throws Exception {
    start(settings());
    TerminalClient owner = page("127.0.0.1", "");
    owner.login(sshd.user, sshd.password);
    owner.type("echo OWNERS-SCREEN-$((6*7))\r");
    owner.awaitText("OWNERS-SCREEN-42");
    String token = owner.token();

    TerminalClient thief = page("127.0.0.2", token);
    thief.awaitText("login: ");
    assertThat(thief.text()).contains("opened from another address").doesNotContain("OWNERS-SCREEN");
    assertThat(thief.replays()).isZero();
    assertThat(thief.token()).isNotEqualTo(token);
    int mark = owner.mark();
    owner.type("echo STILL-MINE-$((6*7))\r");
    assertThat(owner.awaitText("STILL-MINE-42", mark)).doesNotContain("another window");
    assertThat(owner.isOpen()).isTrue();

    TerminalClient reload = page("127.0.0.1", token); // the owner's own reload still gets the shell back
    reload.awaitText("OWNERS-SCREEN-42");
    assertThat(reload.replays()).isEqualTo(1);
  }

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }
}
