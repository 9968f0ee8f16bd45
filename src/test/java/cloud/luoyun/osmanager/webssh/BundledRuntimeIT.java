package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.luoyun.osmanager.OsmProcess;
import cloud.luoyun.osmanager.TestTls;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball's own Java runtime (jlink, only the modules the pom names) runs the part that needs
 * the most of the JDK: a real login through the web terminal into a real sshd (key exchange,
 * host-key check, a shell), not just a start.
 */
class BundledRuntimeIT {
  private static final Path RUNTIME_JAVA = Path.of(System.getProperty("osm.target", "target"), "runtime/bin/java");
  private static final Path JAR = Path.of(System.getProperty("osm.jar", "target/osmanager.jar"));

  @TempDir Path tmp;

  @Test
  void aTerminalLoginOverTlsWorksOnTheBundledRuntime() throws Exception {
    assumeTrue(SshServerFixture.available(), "needs root and openssh-server");
    assertThat(RUNTIME_JAVA).isExecutable();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path home = Files.createDirectory(tmp.resolve("home"));
    try (SshServerFixture sshd = new SshServerFixture(tmp.resolve("sshd"));
        OsmProcess webssh = OsmProcess.startCommand(List.of(RUNTIME_JAVA.toString(), "-jar", JAR.toString(),
            "webssh", "--home", home.toString(), "--port", Integer.toString(port),
            "--ssh-port", Integer.toString(sshd.port), "--ssh-host-keys", sshd.dir.toString()))) {
      webssh.lines.await(l -> l.contains("web terminal on https://"), Duration.ofSeconds(30));
      WebSocketClient ws = TestTls.webSocketClient();
      try (TerminalClient client = TerminalClient.open(ws, port, "")) {
        client.login(sshd.user, sshd.password);
        int mark = client.mark();
        client.type("echo runtime-$((6*7))\r");
        client.awaitText("runtime-42", mark);
      } finally {
        ws.stop();
      }
      assertThat(webssh.lines.all()).noneMatch(l -> l.contains("NoClassDefFoundError") || l.contains("ClassNotFound"));
    }
  }
}
