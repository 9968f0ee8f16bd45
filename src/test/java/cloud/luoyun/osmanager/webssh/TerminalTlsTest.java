package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.luoyun.osmanager.LogCapture;
import cloud.luoyun.osmanager.TestTls;
import cloud.luoyun.osmanager.http.TlsIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminal over TLS: its own certificate per instance (or the operator's), plain HTTP on the
 * same port redirected, nothing of a login readable on the wire, and only its own Host names.
 */
class TerminalTlsTest {
  private static final WebTerminalSettings.Instance TAG_42 =
      new WebTerminalSettings.Instance(OptionalInt.of(42), List.of("app.example.com", "10.0.0.5"));
  @TempDir Path dir;
  private WebTerminal terminal;

  @AfterEach
  void stop() {
    if (terminal != null) {
      terminal.close();
    }
  }

  private WebTerminalSettings settings(WebTerminalSettings.Instance instance) {
    return WebTerminalSettings.defaults(dir.resolve("state")).withBind(Optional.of("127.0.0.1"), 0)
        .withInstance(instance);
  }

  private WebTerminal start(WebTerminalSettings settings) throws Exception {
    if (terminal != null) {
      terminal.close();
    }
    terminal = new WebTerminal(settings);
    terminal.start();
    return terminal;
  }

  private Path stateCert() {
    return TerminalCertificate.certFile(dir.resolve("state"));
  }

  /** The journal of the VM test had "No Server set for StaticPages" from Jetty at every start. */
  @Test
  void theTerminalStartsWithoutAWarningFromJetty() throws Exception {
    try (LogCapture jetty = LogCapture.of(org.eclipse.jetty.server.Handler.Abstract.class)) {
      start(settings(TAG_42));
      assertThat(jetty.warnings()).isEmpty();
    }
  }

  @Test
  void plainHttpIsRedirectedToHttpsOnTheSameHostPortAndPath() throws Exception {
    start(settings(TAG_42));
    int port = terminal.port();
    String answer = plain(port, "GET /terminal.js?v=1 HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 301 ").contains("Location: https://127.0.0.1:" + port + "/terminal.js?v=1\r\n")
        .doesNotContainIgnoringCase("Strict-Transport-Security");
    // as through a port forward (QEMU's hostfwd, a NAT): the browser's host and port, not ours
    assertThat(plain(port, "GET / HTTP/1.1\r\nHost: localhost:18001\r\n\r\n"))
        .contains("Location: https://localhost:18001/\r\n");
    assertThat(plain(port, "GET / HTTP/1.1\r\nHost: app.example.com\r\n\r\n"))
        .contains("Location: https://app.example.com:80/\r\n"); // TLS is on the port the browser used
  }

  @Test
  void aWebSocketIsNeverOpenedInPlainHttp() throws Exception {
    start(settings(TAG_42));
    int port = terminal.port();
    String answer = plain(port, "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: http://127.0.0.1:" + port
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 301 ").doesNotContain("HTTP/1.1 101")
        .doesNotContainIgnoringCase("Sec-WebSocket-Accept"); // not "101" alone: the Location's port may hold it
    assertThat(terminal.sessionCount()).isZero();
  }

  /** Issue 11: Host and Origin both naming a foreign host passed (DNS rebinding). */
  @Test
  void aForeignHostIsMisdirectedEvenWithItsOwnOrigin() throws Exception {
    start(settings(TAG_42));
    int port = terminal.port();
    String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n";
    assertThat(overTls(port, "GET /ws HTTP/1.1\r\nHost: rebind.example:" + port + "\r\nOrigin: https://rebind.example:"
        + port + "\r\n" + upgrade)).startsWith("HTTP/1.1 421 ");
    assertThat(overTls(port, "GET / HTTP/1.1\r\nHost: rebind.example:" + port + "\r\n\r\n")).startsWith("HTTP/1.1 421 ");
    assertThat(plain(port, "GET / HTTP/1.1\r\nHost: rebind.example:" + port + "\r\n\r\n"))
        .as("never redirected elsewhere").startsWith("HTTP/1.1 421 ").doesNotContain("Location");
    assertThat(overTls(port, "GET /ws HTTP/1.1\r\nHost: app.example.com:" + port + "\r\nOrigin: http://app.example.com:"
        + port + "\r\n" + upgrade)).as("an http:// origin for the https:// page").startsWith("HTTP/1.1 403 ");
    assertThat(overTls(port, "GET /ws HTTP/1.1\r\nHost: app.example.com:" + port + "\r\nOrigin: https://app.example.com:"
        + port + "\r\n" + upgrade)).startsWith("HTTP/1.1 101 ");
  }

  @Test
  void theTerminalServesACertificateOfItsOwnMadeForThisInstance() throws Exception {
    start(settings(TAG_42));
    TlsIdentity own = TlsIdentity.read(stateCert(), TerminalCertificate.keyFile(dir.resolve("state")));
    X509Certificate served = servedCertificate(terminal.port());
    assertThat(TlsIdentity.fingerprint(served)).isEqualTo(own.fingerprint()).isEqualTo(terminal.fingerprint().get());
    assertThat(own.hasSubject("LuoYun instance 42")).isTrue();
    assertThat(terminal.selfSigned()).isTrue();
    assertThat(served.getSubjectAlternativeNames()).extracting(n -> n.get(1).toString())
        .contains("localhost", "app.example.com", "127.0.0.1", "10.0.0.5");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        TerminalCertificate.keyFile(dir.resolve("state"))))).isEqualTo("rw-------");
    // a browser that trusts it finds the address it used in it
    try (SSLSocket s = handshake(TestTls.trusting(served), terminal.port(), true)) {
      assertThat(s.getSession().getPeerCertificates()[0]).isEqualTo(served);
    }
  }

  @Test
  void aRestartKeepsTheCertificateAndANewInstanceGetsANewOne() throws Exception {
    String first = start(settings(TAG_42)).fingerprint().get();
    assertThat(start(settings(TAG_42)).fingerprint()).hasValue(first);
    String clone = start(settings(new WebTerminalSettings.Instance(OptionalInt.of(43), List.of()))).fingerprint().get();
    assertThat(clone).isNotEqualTo(first);
    assertThat(TlsIdentity.fingerprint(servedCertificate(terminal.port()))).isEqualTo(clone);
    assertThat(TlsIdentity.readChain(stateCert()).get(0).getSubjectX500Principal().getName())
        .isEqualTo("CN=LuoYun instance 43");
  }

  /**
   * Issue 9: reading the pair loads ~500 of the JDK's classes. A restart that finds the stamp of
   * the last check agreeing announces the fingerprint and reads the pair at the first TLS
   * connection; any other byte in a file, or another stamp, and it is checked at start again.
   */
  @Test
  void aRestartTakesTheStampsWordAndReadsTheCertificateAtTheFirstTlsConnection() throws Exception {
    String first = start(settings(TAG_42)).fingerprint().get();
    assertThat(terminal.certificateRead()).as("none yet: made at start").isTrue();
    Path stamp = TerminalCertificate.stampFile(dir.resolve("state"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stamp))).isEqualTo("rw-------");

    start(settings(TAG_42));
    assertThat(terminal.fingerprint()).hasValue(first);
    assertThat(terminal.certificateRead()).isFalse();
    assertThat(plain(terminal.port(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")).startsWith("HTTP/1.1 301 ");
    assertThat(terminal.certificateRead()).as("plain HTTP needs no certificate").isFalse();
    FileTime stamped = Files.getLastModifiedTime(stamp);
    Thread.sleep(20); // a rewrite would show a later time
    assertThat(TlsIdentity.fingerprint(servedCertificate(terminal.port()))).isEqualTo(first);
    assertThat(terminal.certificateRead()).isTrue();
    assertThat(Files.getLastModifiedTime(stamp)).as("the same stamp is not written again").isEqualTo(stamped);

    Files.writeString(stateCert(), Files.readString(stateCert()) + "\n"); // the same certificate, other bytes
    start(settings(TAG_42));
    assertThat(terminal.certificateRead()).as("the stamp no longer matches: checked at start").isTrue();
    assertThat(terminal.fingerprint()).hasValue(first);

    Files.writeString(stamp, "subject=LuoYun instance 42\nnonsense\n");
    start(settings(TAG_42));
    assertThat(terminal.certificateRead()).as("an unreadable stamp vouches for nothing").isTrue();
    assertThat(terminal.fingerprint()).hasValue(first);

    start(settings(new WebTerminalSettings.Instance(OptionalInt.of(43), List.of())));
    assertThat(terminal.fingerprint()).as("another instance: a stamp for 42 vouches for nothing").get()
        .isNotEqualTo(first);
  }

  /** The stamp only saves work: where it cannot be written, the pair is checked at every start and served. */
  @Test
  void aStampThatCannotBeWrittenStopsNothing() throws Exception {
    Path stamp = Files.createDirectories(TerminalCertificate.stampFile(dir.resolve("state"))); // a folder in its place
    Files.writeString(stamp.resolve("x"), "not empty: neither written nor removed");
    String first = start(settings(TAG_42)).fingerprint().get();
    assertThat(TlsIdentity.fingerprint(servedCertificate(terminal.port()))).isEqualTo(first);
    start(settings(TAG_42));
    assertThat(terminal.certificateRead()).as("no stamp: checked at start").isTrue();
    assertThat(TlsIdentity.fingerprint(servedCertificate(terminal.port()))).isEqualTo(first);
  }

  @Test
  void aKeyThatDoesNotMatchItsCertificateAfterAPowerCutIsMadeAgain() throws Exception {
    String first = start(settings(TAG_42)).fingerprint().get();
    terminal.close();
    Path state = dir.resolve("state");
    TlsIdentity other = TlsIdentity.selfSigned("x", List.of(), List.of(), Instant.now(),
        Instant.now().plusSeconds(3600), new SecureRandom());
    other.write(dir.resolve("unused.crt"), TerminalCertificate.keyFile(state)); // the new key written, not its certificate
    String again = start(settings(TAG_42)).fingerprint().get();
    assertThat(again).isNotEqualTo(first);
    assertThat(TlsIdentity.fingerprint(servedCertificate(terminal.port()))).isEqualTo(again);
  }

  @Test
  void aCertificateOfItsOwnIsRenewedAMonthBeforeItExpires() throws Exception {
    WebTerminalSettings s = settings(TAG_42);
    Instant now = Instant.parse("2027-01-01T00:00:00Z");
    TlsIdentity made = TerminalCertificate.choose(s, Clock.fixed(now, ZoneOffset.UTC));
    assertThat(TerminalCertificate.choose(s, Clock.fixed(now.plus(Duration.ofDays(700)), ZoneOffset.UTC))
        .fingerprint()).isEqualTo(made.fingerprint());
    Instant late = made.certificate().getNotAfter().toInstant().minus(Duration.ofDays(29));
    assertThat(TerminalCertificate.choose(s, Clock.fixed(late, ZoneOffset.UTC)).fingerprint())
        .isNotEqualTo(made.fingerprint());
  }

  @Test
  void anOperatorsCertificateIsServedAndTheTerminalsOwnRemoved() throws Exception {
    start(settings(TAG_42));
    assertThat(Files.exists(stateCert())).isTrue();
    TlsIdentity operators = TlsIdentity.selfSigned("term.example.com", List.of("term.example.com"),
        List.of(InetAddress.getLoopbackAddress()), Instant.now(), Instant.now().plusSeconds(86400), new SecureRandom());
    start(settings(TAG_42).withTls(Optional.of(operators)));
    assertThat(TlsIdentity.fingerprint(servedCertificate(terminal.port()))).isEqualTo(operators.fingerprint());
    assertThat(terminal.fingerprint()).hasValue(operators.fingerprint());
    assertThat(stateCert()).doesNotExist();
    assertThat(TerminalCertificate.keyFile(dir.resolve("state"))).doesNotExist();
  }

  /** Issue 11: a login captured on loopback showed the password and the session token. */
  @Test
  void aLoginOnTheWireShowsNeitherTheNameNorThePasswordNorTheToken() throws Exception {
    assumeTrue(SshServerFixture.available(), "needs root and openssh-server");
    try (SshServerFixture sshd = new SshServerFixture(Path.of("target", "webssh-tls-sshd").toAbsolutePath())) {
      start(settings(TAG_42).withSsh("127.0.0.1", sshd.port).withSshHostKeys(sshd.dir));
      WebSocketClient ws = TestTls.webSocketClient();
      try (WireRecorder wire = new WireRecorder(terminal.port());
          TerminalClient page = TerminalClient.open(ws, wire.port(), "", "https://127.0.0.1:" + wire.port())) {
        page.login(sshd.user, sshd.password);
        String token = page.token();
        String seen = wire.seen();
        assertThat(seen).isNotEmpty().doesNotContain(token).doesNotContain(sshd.user).doesNotContain(sshd.password)
            .doesNotContain("READY-42").doesNotContain("Upgrade").doesNotContain("login:");
        assertThat(seen.charAt(0)).as("a TLS handshake record").isEqualTo((char) 0x16);
      } finally {
        ws.stop();
      }
    }
  }

  private static String plain(int port, String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return exchange(s, request);
    }
  }

  private static String overTls(int port, String request) throws Exception {
    try (SSLSocket s = handshake(TestTls.trustingAnyCertificate(), port, false)) {
      return exchange(s, request);
    }
  }

  /** Sends a request and reads the response's head (a 101 keeps the connection open). */
  private static String exchange(Socket s, String request) throws IOException {
    s.setSoTimeout(10_000);
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    StringBuilder head = new StringBuilder();
    for (int b; (b = s.getInputStream().read()) >= 0; ) {
      head.append((char) b);
      if (head.indexOf("\r\n\r\n") >= 0) {
        break;
      }
    }
    return head.toString();
  }

  private static SSLSocket handshake(SSLContext context, int port, boolean checkAddress) throws Exception {
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    if (checkAddress) {
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
    }
    s.startHandshake();
    return s;
  }

  private static X509Certificate servedCertificate(int port) throws Exception {
    return TestTls.servedCertificate("127.0.0.1", port);
  }

  @Test
  void aClientThatTrustsAnotherCertificateIsRefusedTheHandshake() throws Exception {
    start(settings(TAG_42));
    TlsIdentity other = TlsIdentity.selfSigned("LuoYun instance 42", List.of("localhost"),
        List.of(InetAddress.getLoopbackAddress()), Instant.now(), Instant.now().plusSeconds(3600), new SecureRandom());
    assertThatThrownBy(() -> handshake(TestTls.trusting(other.certificate()), terminal.port(), true).close())
        .isInstanceOf(SSLHandshakeException.class);
  }
}
