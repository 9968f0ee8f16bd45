package cloud.luoyun.osmanager.webssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP relay on loopback that keeps every byte it passes, both ways, as a capture on the wire
 * would: what an eavesdropper between browser and terminal sees.
 */
final class WireRecorder implements AutoCloseable {
  private final ServerSocket listener;
  private final int target;
  private final ByteArrayOutputStream seen = new ByteArrayOutputStream(); // guarded by itself

  WireRecorder(int target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    Thread accepter = new Thread(this::accept, "wire-recorder-accept");
    accepter.setDaemon(true);
    accepter.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Everything seen so far, one byte per char. */
  String seen() {
    synchronized (seen) {
      return seen.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket browser = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
        relay(browser, server);
        relay(server, browser);
      } catch (IOException e) {
        // closed
      }
    }
  }

  private void relay(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          synchronized (seen) {
            seen.write(buffer, 0, n);
          }
          out.write(buffer, 0, n);
        }
      } catch (IOException e) {
        // one side went away
      }
      try {
        to.close();
      } catch (IOException e) {
        // already closed
      }
    }, "wire-recorder-relay");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
