package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.luoyun.osmanager.webssh.ShellConnector.LoginException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MinaShellConnectorTest {
  @TempDir Path dir;

  /**
   * A loopback port whose accept queue is full answers no SYN: a connect to it hangs as one to a
   * host that is down does (checked first, so the test cannot pass for another reason).
   */
  @Test
  void aConnectThatHangsEndsTheLoginWithinTheConnectTimeout() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    List<Socket> queued = new ArrayList<>();
    try (ServerSocket neverAccepts = new ServerSocket(0, 1, loopback)) {
      InetSocketAddress address = new InetSocketAddress(loopback, neverAccepts.getLocalPort());
      boolean hangs = false;
      for (int i = 0; i < 8 && !hangs; i++) {
        Socket s = new Socket();
        queued.add(s);
        try {
          s.connect(address, 300);
        } catch (SocketTimeoutException e) {
          hangs = true;
        }
      }
      assertThat(hangs).as("a connect to the full queue hangs").isTrue();

      WebTerminalSettings settings = WebTerminalSettings.defaults(dir.resolve("state"))
          .withSsh("127.0.0.1", address.getPort()).withSshHostKeys(dir.resolve("no-keys"));
      try (MinaShellConnector connector = new MinaShellConnector(settings, Duration.ofSeconds(1))) {
        CompletableFuture<ShellConnector.ShellLink> login = connector.open("nobody", null, 80, 24, null, null);
        Throwable failure = null;
        try {
          login.get(20, TimeUnit.SECONDS); // a TimeoutException here fails the test
        } catch (ExecutionException e) {
          failure = e.getCause();
        }

        assertThat(failure).isInstanceOf(LoginException.class);
        assertThat(((LoginException) failure).text().toString())
            .startsWith("Cannot reach the SSH server at 127.0.0.1:" + address.getPort() + ": ")
            .contains("time-out"); // MINA's connect timeout, not the OS's minutes of SYN retries
      }
    } finally {
      for (Socket s : queued) {
        s.close();
      }
    }
  }
}
