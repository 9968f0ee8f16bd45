package cloud.luoyun.osmanager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.luoyun.osmanager.TestTls;
import cloud.luoyun.osmanager.http.TlsIdentity;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebSshCommandTest {
  @TempDir
  Path home;

  private void writeConfig(String json) throws Exception {
    Files.createDirectories(home.resolve("conf"));
    Files.writeString(home.resolve("conf/luoyun.conf"),
        "CLC_IP=192.168.1.11\nTAG=7\nKEY=015e33a8-787d-457e-b84d-c2a101a816e0\nJSON=" + json + "\n");
  }

  @Test
  void aConfigThatDisablesTheTerminalMakesItExitAtOnceWithoutListening() throws Exception {
    writeConfig("{\"webssh\": {\"status\": \"disable\", \"port\": 8001}}");
    InProcess r = InProcess.run("webssh", "--home", home.toString(), "--port", "1");
    assertThat(r.exitStatus()).isZero();
    assertThat(r.out()).contains("web terminal disabled by the instance config");
  }

  @Test
  void aBadConfigIsOneLineNamingTheFieldAndExitStatusTwo() throws Exception {
    writeConfig("{\"webssh\": {\"status\": \"enable\", \"port\": 70000}}");
    InProcess r = InProcess.run("webssh", "--home", home.toString());
    assertThat(r.exitStatus()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("port");
  }

  @Test
  void aPortOutOfRangeIsRefusedWithOneLine() {
    InProcess r = InProcess.run("webssh", "--home", home.toString(), "--port", "65536");
    assertThat(r.exitStatus()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("--port: 65536 is out of range (expected: 0..65535)");
  }

  @Test
  void anUnknownFilesModeIsRefusedWithOneLineNamingTheWords() {
    InProcess r = InProcess.run("webssh", "--home", home.toString(), "--files", "yes");
    assertThat(r.exitStatus()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("--files: 'yes' is not one of on, off, download, upload");
  }

  @Test
  void anEmptyHostKeyFolderIsRefusedWithOneLine() {
    InProcess r = InProcess.run("webssh", "--home", home.toString(), "--ssh-host-keys", "");
    assertThat(r.exitStatus()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("--ssh-host-keys: empty");
  }

  @Test
  void helpNamesEveryOption() {
    InProcess r = InProcess.run("webssh", "--help");
    assertThat(r.exitStatus()).isZero();
    assertThat(r.out()).contains("--home", "--port", "--bind", "--tls-cert", "--tls-key", "--ssh-host", "--ssh-port",
        "--ssh-host-keys", "--max-sessions", "--files");
  }

  @Test
  void anAddressThatIsNotOneIsRefusedWithOneLine() {
    InProcess r = InProcess.run("webssh", "--home", home.toString(), "--bind", "300.1.1.1");
    assertThat(r.exitStatus()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("--bind: not an address of this host: \"300.1.1.1\"");
  }

  @Test
  void theOperatorsCertificateNeedsItsKeyAndOnlyItsKey() throws Exception {
    TlsIdentity one = TlsIdentity.selfSigned("one", List.of(), List.of(), Instant.now(), Instant.now().plusSeconds(60),
        new SecureRandom());
    TlsIdentity two = TlsIdentity.selfSigned("two", List.of(), List.of(), Instant.now(), Instant.now().plusSeconds(60),
        new SecureRandom());
    one.write(home.resolve("one.crt"), home.resolve("one.key"));
    two.write(home.resolve("two.crt"), home.resolve("two.key"));
    InProcess alone = InProcess.run("webssh", "--home", home.toString(), "--tls-cert", home.resolve("one.crt").toString());
    assertThat(alone.exitStatus()).isEqualTo(2);
    assertThat(alone.err().strip()).startsWith("--tls-key: needed with --tls-cert").doesNotContain("\n");
    InProcess mismatched = InProcess.run("webssh", "--home", home.toString(), "--tls-cert", home.resolve("one.crt").toString(),
        "--tls-key", home.resolve("two.key").toString());
    assertThat(mismatched.exitStatus()).isEqualTo(2);
    assertThat(mismatched.err().strip()).isEqualTo("--tls-cert: " + home.resolve("two.key")
        + ": not the private key of the certificate in " + home.resolve("one.crt"));
  }

  /**
   * The SSH library is loaded by the first login, not at start, not by serving the page, not by
   * a page connecting. Watched in a separate JVM with -verbose:class.
   */
  @Test
  void theSshLibraryLoadsOnlyWhenTheFirstLoginStarts() throws Exception {
    int port;
    int closedPort;
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = a.getLocalPort();
      closedPort = b.getLocalPort(); // nothing listens there once closed: the login fails fast
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(List.of(java.toString(), "-verbose:class", "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "webssh", "--home", home.toString(),
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--ssh-port", Integer.toString(closedPort)))
        .redirectErrorStream(true).start();
    StringBuffer output = new StringBuffer();
    Thread drain = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          output.append(line).append('\n');
        }
      } catch (Exception e) {
        // the process ended
      }
    });
    drain.start();
    try {
      awaitOutput(output, "web terminal on https://127.0.0.1:" + port + "/ (certificate SHA-256 ");
      assertThat(output).contains("running with the defaults");
      try (Socket elsewhere = new Socket()) { // --bind: on that address only (loopback has all of 127/8)
        assertThatThrownBy(() -> elsewhere.connect(new InetSocketAddress("127.0.0.2", port), 2000))
            .isInstanceOf(ConnectException.class);
      }
      HttpClient http = TestTls.httpClient();
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("terminal.js");
      assertThat(output.toString()).as("the page needs no WebSocket machinery")
          .doesNotContain("org.eclipse.jetty.websocket");

      org.eclipse.jetty.websocket.client.WebSocketClient ws = TestTls.webSocketClient();
      try {
        var client = cloud.luoyun.osmanager.webssh.WebSshTestAccess.open(ws, port);
        client.awaitText("login: ");
        assertThat(output.toString()).doesNotContain("org.apache.sshd").doesNotContain("net.i2p");
        client.type("someone\r");
        client.awaitText("Cannot reach the SSH server");
      } finally {
        ws.stop();
      }
      assertThat(output.toString()).contains("org.apache.sshd.client.SshClient");
    } finally {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      drain.join(5000);
    }
  }

  private static void awaitOutput(StringBuffer output, String needle) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (output.indexOf(needle) < 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no \"" + needle + "\" in:\n" + tail(output));
      }
      Thread.sleep(50);
    }
  }

  private static String tail(StringBuffer s) {
    return s.substring(Math.max(0, s.length() - 3000));
  }
}
