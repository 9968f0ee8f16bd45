package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.UpgradeRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input flow control at the socket: keystrokes are read on at once, while their write into the
 * SSH channel is still under way; a paste above {@link TerminalSocket#INPUT_AHEAD} holds back the
 * next message until the shell has taken it. A fake shell (its writes complete when the test says)
 * and a fake Jetty session (it counts demands).
 */
class InputFlowTest {
  @TempDir Path dir;

  /** The shell: it keeps what is written and the callbacks that say it was. */
  private final List<byte[]> written = new ArrayList<>();
  private final List<Runnable> pendingDone = new ArrayList<>();
  private final AtomicInteger demands = new AtomicInteger();

  private final ShellConnector.ShellLink link = new ShellConnector.ShellLink() {
    @Override
    public void requestOutput() {
    }

    @Override
    public void write(byte[] bytes, Runnable done) {
      written.add(bytes);
      pendingDone.add(done);
    }

    @Override
    public void resize(int cols, int rows) {
    }

    @Override
    public void close() {
    }
  };

  private final ShellConnector connector = new ShellConnector() {
    @Override
    public CompletableFuture<ShellLink> open(String user, Prompter prompter, int cols, int rows, String lang,
        ShellListener listener) {
      return CompletableFuture.completedFuture(link);
    }

    @Override
    public void close() {
    }
  };

  private Session session() {
    UpgradeRequest upgrade = (UpgradeRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {UpgradeRequest.class}, (proxy, method, args) -> null);
    return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "demand" -> {
            demands.incrementAndGet();
            yield null;
          }
          case "isOpen" -> true;
          case "getUpgradeRequest" -> upgrade;
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          case "toString" -> "fake session";
          default -> null;
        });
  }

  /** A socket whose page has logged in: its session has a shell. */
  private TerminalSocket loggedIn() throws Exception {
    WebTerminalSettings settings = WebTerminalSettings.defaults(dir.resolve("state"));
    LoginLimiter limiter = new LoginLimiter(new LoginLimiter.Rate(5, Duration.ofSeconds(30)),
        new LoginLimiter.Rate(10, Duration.ofSeconds(10)), 16, System::nanoTime);
    SessionRegistry registry = new SessionRegistry(settings, limiter, () -> connector, Runnable::run,
        (task, delay) -> { }, System::nanoTime);
    TerminalSocket socket = new TerminalSocket(registry, InetAddress.getLoopbackAddress());
    socket.onWebSocketOpen(session());
    socket.onWebSocketBinary(TerminalProtocol.hello(80, 24, ""), Callback.NOOP);
    socket.onWebSocketBinary(TerminalProtocol.input("someone\r".getBytes(StandardCharsets.US_ASCII)),
        Callback.NOOP);
    assertThat(socket.session().state()).isEqualTo(TerminalSession.State.SHELL);
    return socket;
  }

  @Test
  void keystrokesAreReadOnBeforeTheShellHasTakenThem() throws Exception {
    TerminalSocket socket = loggedIn();
    int before = demands.get();

    socket.onWebSocketBinary(TerminalProtocol.input(new byte[] {'x'}), Callback.NOOP);
    socket.onWebSocketBinary(TerminalProtocol.input(new byte[] {0x7f}), Callback.NOOP);

    assertThat(written).hasSize(2);
    assertThat(pendingDone).hasSize(2); // neither write is confirmed yet
    assertThat(demands.get()).isEqualTo(before + 2);
    pendingDone.forEach(Runnable::run);
    assertThat(demands.get()).isEqualTo(before + 2); // no second demand for a message already read on
  }

  @Test
  void aPasteHoldsBackThePageUntilTheShellHasTakenIt() throws Exception {
    TerminalSocket socket = loggedIn();
    int before = demands.get();

    socket.onWebSocketBinary(TerminalProtocol.input(new byte[TerminalSocket.INPUT_AHEAD + 1]), Callback.NOOP);

    assertThat(written).hasSize(1);
    assertThat(demands.get()).isEqualTo(before); // the next message waits
    pendingDone.get(0).run();
    assertThat(demands.get()).isEqualTo(before + 1);
  }

  @Test
  void keystrokesBehindAPasteWaitForIt() throws Exception {
    TerminalSocket socket = loggedIn();
    int before = demands.get();

    socket.onWebSocketBinary(TerminalProtocol.input(new byte[TerminalSocket.INPUT_AHEAD - 1]), Callback.NOOP);
    assertThat(demands.get()).isEqualTo(before + 1); // within the allowance
    socket.onWebSocketBinary(TerminalProtocol.input(new byte[] {'x', 'y'}), Callback.NOOP);
    assertThat(demands.get()).isEqualTo(before + 1); // above it now: held back

    pendingDone.get(0).run(); // the first is written: back within the allowance
    assertThat(demands.get()).isEqualTo(before + 2);
    pendingDone.get(1).run();
    assertThat(demands.get()).isEqualTo(before + 2);
  }
}
