package cloud.luoyun.osmanager;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load for tests and benchmarks, on loopback only: a crawl (every path once, over a few keep-alive
 * connections) and a flood (as {@code wrk -c N}: N keep-alive connections, each sending its next
 * request when the answer to the last has come, reconnecting when the server closes). Counts
 * answers by status; never measures time for an assertion.
 */
public final class HttpLoad {
  private HttpLoad() {}

  /** Answers by status (0: the connection failed or closed before an answer). */
  public record Tally(Map<Integer, Long> byStatus) {
    public long count(int status) {
      return byStatus.getOrDefault(status, 0L);
    }

    public long total() {
      return byStatus.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public String toString() {
      return byStatus.toString();
    }
  }

  /** GETs every path once, over {@code connections} keep-alive connections in parallel. */
  public static Tally crawl(int port, List<String> paths, int connections) throws InterruptedException {
    Map<Integer, Long> tally = new TreeMap<>();
    AtomicInteger next = new AtomicInteger();
    Thread[] workers = new Thread[connections];
    for (int w = 0; w < connections; w++) {
      workers[w] = new Thread(() -> {
        Socket s = null;
        InputStream in = null;
        for (int i; (i = next.getAndIncrement()) < paths.size(); ) {
          int status;
          try {
            if (s == null) {
              s = new Socket(InetAddress.getLoopbackAddress(), port);
              s.setSoTimeout(30_000);
              in = new BufferedInputStream(s.getInputStream());
            }
            status = exchange(s, in, paths.get(i));
          } catch (IOException e) {
            status = 0;
            close(s);
            s = null;
          }
          synchronized (tally) {
            tally.merge(status, 1L, Long::sum);
          }
        }
        close(s);
      }, "http-load-crawl-" + w);
      workers[w].start();
    }
    for (Thread t : workers) {
      t.join();
    }
    return new Tally(tally);
  }

  /** One keep-alive request and its whole answer (read from the connection's one stream); returns the status. */
  private static int exchange(Socket s, InputStream in, String path) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String head = readHead(in);
    int status = Integer.parseInt(head.substring(9, 12));
    long length = contentLength(head);
    for (long left = length; left > 0; ) {
      long n = in.skip(left);
      if (n <= 0) {
        if (in.read() < 0) {
          throw new IOException("closed in the body");
        }
        n = 1;
      }
      left -= n;
    }
    return status;
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed before an answer");
      }
      head.write(c);
      matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static long contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Long.parseLong(line.substring(15).trim());
      }
    }
    return 0;
  }

  private static void close(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // done with it
      }
    }
  }

  /**
   * {@code connections} keep-alive connections asking for {@code path} for {@code duration}, one
   * selector thread: as {@code wrk -c connections}. Connections the server does not accept yet
   * wait in the kernel's backlog (or for SYN retries) like wrk's.
   */
  public static Tally flood(int port, String path, int connections, Duration duration) throws IOException {
    byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    Map<Integer, Long> tally = new TreeMap<>();
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < connections; i++) {
        open(selector, target, request);
      }
      long end = System.nanoTime() + duration.toNanos();
      while (System.nanoTime() < end) {
        selector.select(100);
        for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
          SelectionKey key = it.next();
          it.remove();
          Conn c = (Conn) key.attachment();
          if (!c.step(key, tally)) {
            key.cancel();
            closeQuietly(key.channel());
            open(selector, target, request);
          }
        }
      }
      for (SelectionKey key : selector.keys()) {
        closeQuietly(key.channel());
      }
    }
    return new Tally(tally);
  }

  private static void open(Selector selector, InetSocketAddress target, byte[] request) throws IOException {
    SocketChannel ch = SocketChannel.open();
    ch.configureBlocking(false);
    try {
      ch.connect(target);
    } catch (IOException e) {
      closeQuietly(ch);
      return; // out of local ports or descriptors for a moment: one fewer connection
    }
    ch.register(selector, SelectionKey.OP_CONNECT, new Conn(request));
  }

  private static void closeQuietly(java.nio.channels.Channel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // done with it
    }
  }

  /** One flood connection: connect, then request and answer in turn. Selector thread only. */
  private static final class Conn {
    private final ByteBuffer request;
    private final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    private final StringBuilder head = new StringBuilder();
    private long bodyLeft = -1; // -1: reading the head
    private int status;

    Conn(byte[] request) {
      this.request = ByteBuffer.wrap(request);
    }

    /** Moves on as far as it can; false when the connection is done for (closed or failed). */
    boolean step(SelectionKey key, Map<Integer, Long> tally) {
      SocketChannel ch = (SocketChannel) key.channel();
      try {
        if (key.isConnectable()) {
          ch.finishConnect();
          key.interestOps(SelectionKey.OP_WRITE);
          return true;
        }
        if (key.isWritable()) {
          ch.write(request);
          if (!request.hasRemaining()) {
            key.interestOps(SelectionKey.OP_READ);
          }
          return true;
        }
        in.clear();
        int n = ch.read(in);
        if (n < 0) {
          tally.merge(0, 1L, Long::sum); // closed before (or instead of) an answer
          return false;
        }
        in.flip();
        consume(key, tally);
        return true;
      } catch (IOException e) {
        tally.merge(0, 1L, Long::sum);
        return false;
      }
    }

    private void consume(SelectionKey key, Map<Integer, Long> tally) {
      while (in.hasRemaining()) {
        if (bodyLeft < 0) {
          head.append((char) (in.get() & 0xff));
          int h = head.length();
          if (h >= 4 && head.charAt(h - 1) == '\n' && head.charAt(h - 2) == '\r' && head.charAt(h - 3) == '\n'
              && head.charAt(h - 4) == '\r') {
            status = Integer.parseInt(head.substring(9, 12));
            bodyLeft = contentLength(head.toString());
            head.setLength(0);
          }
        } else {
          int skip = (int) Math.min(bodyLeft, in.remaining());
          in.position(in.position() + skip);
          bodyLeft -= skip;
        }
        if (bodyLeft == 0) {
          tally.merge(status, 1L, Long::sum);
          bodyLeft = -1;
          request.rewind();
          key.interestOps(SelectionKey.OP_WRITE);
        }
      }
    }
  }
}
