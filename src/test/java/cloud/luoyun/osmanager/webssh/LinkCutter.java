package cloud.luoyun.osmanager.webssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP link between a browser and a server on loopback that a test can cut and mend, as a
 * network does: {@link #cut()} drops every open connection without a close handshake and
 * refuses new ones; {@link #mend()} accepts again, on the same port. Byte for byte otherwise.
 */
final class LinkCutter implements AutoCloseable {
  private final int target;
  private final int port;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile ServerSocket listener;

  LinkCutter(int target) throws IOException {
    this.target = target;
    this.port = listen(0);
  }

  int port() {
    return port;
  }

  /** Drops every connection (RST, no WebSocket close) and stops accepting. */
  void cut() throws IOException {
    listener.close();
    for (Socket s : open) {
      if (!s.isClosed()) {
        s.setSoLinger(true, 0); // a reset, as when a route goes away: no FIN, no WebSocket close
        s.close();
      }
    }
    open.clear();
  }

  void mend() throws IOException {
    listen(port);
  }

  private int listen(int onPort) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
    listener = server;
    Thread accepter = new Thread(() -> accept(server), "link-cutter-accept");
    accepter.setDaemon(true);
    accepter.start();
    return server.getLocalPort();
  }

  private void accept(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket browser = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        open.add(browser);
        open.add(upstream);
        pump(browser, upstream);
        pump(upstream, browser);
      } catch (IOException e) {
        // closed by cut() or close()
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          out.write(buffer, 0, n);
        }
      } catch (IOException e) {
        // one side went away: so does the other
      }
      try {
        to.close();
      } catch (IOException e) {
        // already closed
      }
    }, "link-cutter-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
