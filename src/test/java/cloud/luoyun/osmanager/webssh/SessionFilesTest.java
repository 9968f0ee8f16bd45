package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The files part of a terminal session over a fake shell: one SFTP channel per login, opened when
 * first asked, closed when the shell ends, never handed out for a login that ended.
 */
class SessionFilesTest {
  private final List<Channel> opened = new ArrayList<>();
  private final SessionFiles files = new SessionFiles(Runnable::run);
  private final CountDownLatch entered = new CountDownLatch(1);

  /** A channel that knows whether it was closed. */
  private static final class Channel implements RemoteFiles {
    volatile boolean closed;

    @Override public String home() { return "/h"; }
    @Override public List<Entry> list(String folder) { return List.of(); }
    @Override public Entry stat(String path) { return null; }
    @Override public Upload create(String path) { throw new UnsupportedOperationException(); }
    @Override public void rename(String from, String to, boolean replace) { }
    @Override public void remove(String path) { }
    @Override public InputStream read(String path) { return InputStream.nullInputStream(); }
    @Override public void close() { closed = true; }
  }

  /** A shell whose openFiles() makes a new channel each time, after {@code gate} opens. */
  private ShellConnector.ShellLink shell(CountDownLatch gate) {
    FakeShellConnector.Shell shell = new FakeShellConnector.Shell(null);
    shell.files = () -> {
      entered.countDown();
      try {
        gate.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Channel c = new Channel();
      synchronized (opened) {
        opened.add(c);
      }
      return c;
    };
    return shell;
  }

  @Test
  void noOneLoggedInHasNoChannel() throws Exception {
    assertThat(files.open()).isNull();
    assertThat(files.user()).isNull();
    assertThat(files.isCurrent(null)).isFalse();
  }

  @Test
  void aLoginOpensOneChannelWhenFirstAskedAndClosesItWhenItsShellEnds() throws Exception {
    files.loggedIn(shell(new CountDownLatch(0)), "alice");
    assertThat(opened).isEmpty(); // nothing opened before the panel asks
    RemoteFiles first = files.open();
    assertThat(files.open()).isSameAs(first);
    assertThat(opened).hasSize(1);
    assertThat(files.isCurrent(first)).isTrue();
    assertThat(files.user()).isEqualTo("alice");

    files.ended();
    assertThat(((Channel) first).closed).isTrue();
    assertThat(files.isCurrent(first)).isFalse();
    assertThat(files.open()).isNull();

    files.loggedIn(shell(new CountDownLatch(0)), "bob");
    RemoteFiles second = files.open();
    assertThat(second).isNotSameAs(first);
    assertThat(files.isCurrent(first)).as("a ticket of alice's login is no good for bob's").isFalse();
  }

  @Test
  void aChannelThatOpensWhileItsShellEndsIsClosedAndNotHandedOut() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    files.loggedIn(shell(gate), "alice");
    RemoteFiles[] got = new RemoteFiles[1];
    Thread asking = new Thread(() -> {
      try {
        got[0] = files.open();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    asking.start();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    files.ended(); // while the channel is being opened
    gate.countDown();
    asking.join(10_000);
    assertThat(got[0]).isNull();
    assertThat(opened).hasSize(1);
    assertThat(opened.get(0).closed).isTrue();
  }

  @Test
  void aWatcherIsToldOfEachLoginItsEndAndTheCloseOnThePool() {
    List<Runnable> pool = new ArrayList<>();
    SessionFiles watched = new SessionFiles(pool::add);
    int[] told = new int[1];
    Runnable watcher = () -> told[0]++;
    watched.watch(watcher);

    watched.loggedIn(shell(new CountDownLatch(0)), "alice");
    assertThat(told[0]).as("not on the caller's thread, which holds the session's lock").isZero();
    assertThat(pool).hasSize(1);
    watched.ended();
    assertThat(watched.isClosed()).isFalse();
    watched.close();
    assertThat(watched.isClosed()).isTrue();
    pool.forEach(Runnable::run);
    assertThat(told[0]).isEqualTo(3);

    watched.unwatch(watcher);
    watched.loggedIn(shell(new CountDownLatch(0)), "bob");
    assertThat(pool).hasSize(3);
  }
}
