package cloud.luoyun.osmanager.http;

import cloud.luoyun.osmanager.util.Fatal;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.IO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jetty connector whose accept loop never gives up while the server runs: a failure to accept
 * (too many open files, a socket reset before it was accepted, even an out-of-memory error the
 * JVM survived) is logged once per streak and waited out with a back-off of
 * {@value #FIRST_PAUSE_MILLIS} ms doubling to {@value #MAX_PAUSE_MILLIS} ms, and accepting
 * resumes by itself. A fatal error is reported ({@link Fatal}), and so is the one thing it cannot
 * mend, a listening socket closed under it: a daemon that silently lost its port is half-dead, and
 * the service manager's restart is the cure.
 *
 * <p>Why not Jetty's own: with accepting done on the selector (no acceptor thread), a failure to
 * register the listening socket closes it for good, as seen after a heap exhaustion ("Unable to
 * register OP_ACCEPT ... ServerSocketChannelImpl[closed]"), and an accept that keeps failing spins
 * the selector, logging a warning with a stack trace per attempt. So: one acceptor thread
 * (blocking accept), and this failure policy. An accepted socket whose set-up fails is closed, not
 * leaked.
 *
 * <p>{@link #accept} and {@link #handleAcceptFailure} run on the one acceptor thread.
 */
final class ResilientConnector extends ServerConnector {
  private static final Logger LOG = LoggerFactory.getLogger(ResilientConnector.class);
  static final long FIRST_PAUSE_MILLIS = 100;
  static final long MAX_PAUSE_MILLIS = 1000;

  private int failures; // acceptor thread only: failures since the last accepted connection

  ResilientConnector(Server server, ConnectionFactory... factories) {
    super(server, 1, 1, factories);
    // The failure path must not need to load a class: out of file descriptors, loading one from
    // a class folder fails (seen in tests), and out of memory it may too. Load it now.
    Fatal.isFatal(null);
  }

  @Override
  public void accept(int acceptorId) throws IOException {
    ServerSocketChannel listening = (ServerSocketChannel) getTransport();
    if (listening == null || !listening.isOpen()) {
      throw new ClosedChannelException();
    }
    SocketChannel channel = listening.accept();
    try {
      channel.configureBlocking(false);
      configure(channel.socket());
      getSelectorManager().accept(channel);
    } catch (IOException | RuntimeException | Error e) {
      IO.close(channel);
      throw e;
    }
    if (failures > 0) {
      LOG.info("port {}: accepting connections again after {} failure(s)", getLocalPort(), failures);
      failures = 0;
    }
  }

  /** True while the server runs: the loop goes on after the pause, whatever happens here. */
  @Override
  protected boolean handleAcceptFailure(Throwable failure) {
    if (!isRunning()) {
      return false; // stopping: the socket was closed on purpose
    }
    try {
      if (!isOpen() && !Fatal.isFatal(failure)) {
        Fatal.report(new IllegalStateException("port " + getPort() + ": the listening socket was closed", failure));
        return false;
      }
      failures++;
      if (!Fatal.escalateIfFatal(failure)) {
        log(failure);
      }
    } catch (Throwable t) {
      // even this may fail (no memory, a full disk): the loop must not
    }
    pause(Math.min(MAX_PAUSE_MILLIS, FIRST_PAUSE_MILLIS << Math.min(Math.max(failures - 1, 0), 10)));
    return isRunning();
  }

  private void log(Throwable failure) {
    if (failures == 1) {
      LOG.warn("port {}: cannot accept a connection ({}); trying again", getLocalPort(), failure.toString());
    } else {
      LOG.debug("port {}: accept failure {} in a row: {}", getLocalPort(), failures, failure.toString());
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      // Jetty interrupts its acceptors when stopping, and the loop then sees it is not running.
      // The flag stays cleared: left set, the next accept would close the listening socket.
    }
  }
}
