package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.bench.Proc;
import com.fasterxml.jackson.jr.ob.JSON;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Side by side against the same real sshd: our web terminal (the built jar, its own JVM with the
 * small-VM flags) and Debian's shellinaboxd (running ssh to that sshd). Measures keystroke echo
 * latency (a key typed at the shell prompt until its echo arrives; median and p99) and bulk
 * output throughput (MB/s of terminal output delivered to the client). Prints figures and ratios.
 * Run with bench/webssh.sh (as root: it creates a throw-away user).
 */
public final class WebSshBench {
  private static final int KEYSTROKES = Integer.getInteger("bench.keys", 400);
  private static final int BULK_BYTES = Integer.getInteger("bench.bulkBytes", 20_000_000);
  private static final String DONE = "DONE-" + 42;
  /**
   * The bulk output: lines of x (default), or with -Dbench.bulkText=true real English text (the
   * licences, over and over), which compresses like terminal output does: a browser's WebSocket
   * compresses every message (permessage-deflate), and runs of x cost it next to nothing.
   */
  private static final String BULK_COMMAND = Boolean.getBoolean("bench.bulkText")
      ? "while cat /usr/share/common-licenses/*; do :; done | head -c " + BULK_BYTES
      : "head -c " + BULK_BYTES + " /dev/zero | tr '\\0' x | fold -w 99";

  /** One terminal client under test. */
  public interface Terminal extends AutoCloseable {
    void type(String s) throws Exception;

    /** Blocks until {@code needle} appears in output received after the last {@link #mark()}. */
    void await(String needle, Duration timeout) throws Exception;

    void mark();

    /** Nanos when output first arrived after the mark; 0 if none yet. */
    long firstOutputAfterMark();

    long bytesReceived();
  }

  /** Output bookkeeping shared by both clients: a rolling window, byte count, arrival time. */
  public abstract static class Receiver implements Terminal {
    private final StringBuilder window = new StringBuilder();
    private long bytes;
    private long messages;
    private long firstAfterMark;

    synchronized void received(String text, int byteCount) {
      if (firstAfterMark == 0) {
        firstAfterMark = System.nanoTime();
      }
      bytes += byteCount;
      messages++;
      window.append(text);
      if (window.length() > 65536) {
        window.delete(0, window.length() - 4096);
      }
      notifyAll();
    }

    @Override
    public synchronized void mark() {
      window.setLength(0);
      firstAfterMark = 0;
    }

    @Override
    public synchronized long firstOutputAfterMark() {
      return firstAfterMark;
    }

    @Override
    public synchronized long bytesReceived() {
      return bytes;
    }

    synchronized long messages() {
      return messages;
    }

    @Override
    public synchronized void await(String needle, Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (window.indexOf(needle) < 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("no \"" + needle + "\"; saw: " + window);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }

    synchronized void awaitFirstOutput(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (firstAfterMark == 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("no echo");
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }

  /**
   * Ours: the page's WebSocket protocol, ACKing as the page does (once per 16 KiB drawn). A
   * minimal blocking client of its own (TCP_NODELAY, typed keys written straight from the
   * caller's thread, one reader thread), so the figures measure the server and not a client
   * library's thread hand-offs: the same shape as the plain-SSH client below (MINA's reading
   * thread hands output to the waiting caller).
   */
  public static final class Ours extends Receiver {
    private final java.net.Socket socket;
    private final java.io.OutputStream out;
    private final Object writeLock = new Object();
    private final java.util.Random masks = new java.util.Random();
    private volatile boolean open = true;

    private Ours(int port) throws Exception {
      // over TLS, as a browser must: the terminal speaks nothing else
      socket = cloud.luoyun.osmanager.TestTls.trustingAnyCertificate().getSocketFactory().createSocket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      out = socket.getOutputStream();
      java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 65536);
      String key = java.util.Base64.getEncoder().encodeToString(new byte[16]);
      out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: https://127.0.0.1:" + port
          + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
          + "\r\nSec-WebSocket-Version: 13\r\n"
          // what browsers offer; -Dbench.deflate=false offers nothing
          + (Boolean.parseBoolean(System.getProperty("bench.deflate", "true"))
              ? "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" : "")
          + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      StringBuilder head = new StringBuilder();
      while (head.indexOf("\r\n\r\n") < 0) {
        int b = in.read();
        if (b < 0) {
          throw new IllegalStateException("no upgrade: " + head);
        }
        head.append((char) b);
      }
      if (!head.toString().startsWith("HTTP/1.1 101")) {
        throw new IllegalStateException("no upgrade: " + head);
      }
      if (Boolean.getBoolean("bench.verbose")) {
        System.out.println("  upgrade response: " + head.toString().trim().replace("\r\n", " | "));
      }
      Thread reader = new Thread(() -> read(in), "bench-ws-reader");
      reader.setDaemon(true);
      reader.start();
      send(TerminalProtocol.hello(100, 30, ""));
    }

    public static Ours connect(int port) throws Exception {
      return new Ours(port);
    }

    private void read(java.io.InputStream in) {
      java.io.DataInputStream data = new java.io.DataInputStream(in);
      byte[] payload = new byte[64 * 1024];
      java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream(64 * 1024);
      java.util.zip.Inflater inflater = new java.util.zip.Inflater(true); // one per connection: context takeover
      byte[] inflated = new byte[64 * 1024];
      boolean compressed = false;
      long drawn = 0; // output bytes since the last ACK
      try {
        while (open) {
          int b0 = data.readUnsignedByte();
          int b1 = data.readUnsignedByte();
          long length = b1 & 0x7f;
          if (length == 126) {
            length = data.readUnsignedShort();
          } else if (length == 127) {
            length = data.readLong();
          }
          if (length > 1 << 20) {
            throw new IllegalStateException("frame of " + length + " bytes");
          }
          if (payload.length < length) {
            payload = new byte[(int) length];
          }
          data.readFully(payload, 0, (int) length);
          int opcode = b0 & 0x0f;
          if (opcode == 0x8) {
            return;
          }
          if (opcode == 0x9) {
            send(0xA, ByteBuffer.wrap(payload, 0, (int) length));
            continue;
          }
          if (opcode == 0x2) {
            message.reset();
            compressed = (b0 & 0x40) != 0;
          } else if (opcode != 0x0) {
            continue;
          }
          message.write(payload, 0, (int) length);
          if ((b0 & 0x80) == 0) {
            continue; // more fragments follow
          }
          byte[] body = message.toByteArray();
          int size = body.length;
          if (compressed) { // permessage-deflate (RFC 7692): the message plus 00 00 ff ff
            byte[] tail = {0, 0, (byte) 0xff, (byte) 0xff};
            byte[] input = new byte[body.length + 4];
            System.arraycopy(body, 0, input, 0, body.length);
            System.arraycopy(tail, 0, input, body.length, 4);
            inflater.setInput(input);
            size = 0;
            while (true) {
              if (size == inflated.length) {
                inflated = java.util.Arrays.copyOf(inflated, size * 2);
              }
              int got = inflater.inflate(inflated, size, inflated.length - size);
              size += got;
              if (got == 0 && (inflater.needsInput() || inflater.finished())) {
                break;
              }
            }
            body = inflated;
          }
          if (size < 1) {
            continue;
          }
          byte type = body[0];
          int n = size - 1;
          if (type != TerminalProtocol.SESSION) {
            received(new String(body, 1, n, StandardCharsets.UTF_8), n);
            drawn += n;
            if (drawn >= TerminalProtocol.ACK_EVERY) { // as the page does (terminal.js): one ACK per 16 KiB drawn
              send(TerminalProtocol.ack(drawn));
              drawn = 0;
            }
          }
        }
      } catch (Exception e) {
        if (open) {
          System.err.println("bench WebSocket client: " + e);
        }
      }
    }

    private void send(ByteBuffer message) throws java.io.IOException {
      send(0x2, message);
    }

    private void send(int opcode, ByteBuffer message) throws java.io.IOException {
      int n = message.remaining();
      java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream(n + 14);
      frame.write(0x80 | opcode);
      if (n < 126) {
        frame.write(0x80 | n);
      } else if (n < 65536) {
        frame.write(0x80 | 126);
        frame.write(n >>> 8);
        frame.write(n);
      } else {
        throw new IllegalArgumentException("message too long");
      }
      byte[] mask = new byte[4];
      masks.nextBytes(mask);
      frame.write(mask, 0, 4);
      for (int i = 0; i < n; i++) {
        frame.write(message.get(message.position() + i) ^ mask[i & 3]);
      }
      synchronized (writeLock) {
        frame.writeTo(out);
        out.flush();
      }
    }

    @Override
    public void type(String s) throws java.io.IOException {
      send(TerminalProtocol.input(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void close() throws java.io.IOException {
      open = false;
      socket.close();
    }
  }

  /** shellinabox: its AJAX protocol, a long poll for output and a POST per key press. */
  public static final class ShellInABox extends Receiver {
    private final ThreadLocal<HttpConnection> connections = ThreadLocal.withInitial(HttpConnection::new);
    private final List<java.net.Socket> all = new ArrayList<>();
    private final URI uri;
    private volatile String session;
    private volatile boolean open = true;
    private final Thread poller;

    public ShellInABox(int port) throws Exception {
      uri = URI.create("http://127.0.0.1:" + port + "/");
      Map<String, Object> first = post("width=100&height=30&rooturl=" + URLEncoder.encode(uri.toString(),
          StandardCharsets.UTF_8));
      session = (String) first.get("session");
      deliver(first);
      poller = new Thread(this::poll, "shellinabox-poll");
      poller.setDaemon(true);
      poller.start();
    }

    private void poll() {
      while (open) {
        try {
          deliver(post("width=100&height=30&session=" + URLEncoder.encode(session, StandardCharsets.UTF_8)));
        } catch (Exception e) {
          if (open) {
            System.err.println("shellinabox poll: " + e);
          }
          return;
        }
      }
    }

    private void deliver(Map<String, Object> response) {
      Object data = response.get("data");
      if (data instanceof String s && !s.isEmpty()) {
        received(s, s.getBytes(StandardCharsets.UTF_8).length);
      }
    }

    private Map<String, Object> post(String body) throws Exception {
      String r = send(body);
      return r.isBlank() ? Map.of() : JSON.std.mapFrom(r);
    }

    private String send(String body) throws Exception {
      HttpConnection c = connections.get();
      try {
        return c.post(body);
      } catch (java.io.IOException e) {
        c.close();
        if (!open) {
          throw e;
        }
        return c.post(body); // the server closed a kept-alive connection: once more on a new one
      }
    }

    /**
     * A blocking keep-alive HTTP/1.1 connection with TCP_NODELAY, one per thread (the long poll
     * and the key presses each have one): like the WebSocket client, no client library's thread
     * hand-offs are counted against the server.
     */
    private final class HttpConnection {
      private java.net.Socket socket;
      private java.io.DataInputStream in;

      String post(String body) throws java.io.IOException {
        if (socket == null || socket.isClosed()) {
          socket = new java.net.Socket(uri.getHost(), uri.getPort());
          socket.setTcpNoDelay(true);
          in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 65536));
          synchronized (all) {
            all.add(socket);
          }
        }
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
            + "\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\nContent-Length: "
            + content.length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
        String status = line();
        if (!status.startsWith("HTTP/1.1 200") && !status.startsWith("HTTP/1.0 200")) {
          throw new IllegalStateException("shellinabox answered " + status);
        }
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = status.startsWith("HTTP/1.0");
        for (String header = line(); !header.isEmpty(); header = line()) {
          String h = header.toLowerCase(Locale.ROOT);
          if (h.startsWith("content-length:")) {
            length = Long.parseLong(h.substring(15).trim());
          } else if (h.startsWith("transfer-encoding:") && h.contains("chunked")) {
            chunked = true;
          } else if (h.startsWith("connection:")) {
            closeAfter = h.contains("close");
          }
        }
        java.io.ByteArrayOutputStream response = new java.io.ByteArrayOutputStream();
        if (chunked) {
          for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
              size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
            response.write(in.readNBytes(size));
            line();
          }
          while (!line().isEmpty()) {
            // trailers
          }
        } else if (length >= 0) {
          response.write(in.readNBytes((int) length));
        } else {
          response.write(in.readAllBytes());
          closeAfter = true;
        }
        if (closeAfter) {
          close();
        }
        return response.toString(StandardCharsets.UTF_8);
      }

      private String line() throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
          if (c < 0) {
            throw new java.io.EOFException("connection closed");
          }
          if (c != '\r') {
            b.append((char) c);
          }
        }
        return b.toString();
      }

      void close() {
        try {
          if (socket != null) {
            socket.close();
          }
        } catch (java.io.IOException e) {
          // closing anyway
        }
        socket = null;
      }
    }

    @Override
    public void type(String s) throws Exception {
      String keys = HexFormat.of().withUpperCase().formatHex(s.getBytes(StandardCharsets.UTF_8));
      send("width=100&height=30&session=" + URLEncoder.encode(session, StandardCharsets.UTF_8) + "&keys=" + keys);
    }

    @Override
    public void close() {
      open = false;
      synchronized (all) {
        for (java.net.Socket socket : all) {
          try {
            socket.close();
          } catch (java.io.IOException e) {
            // closing anyway
          }
        }
      }
    }
  }

  /** Echo latency (median, p90, p99 in ms) and bulk output (MB/s). */
  public record Figures(double medianMs, double p90Ms, double p99Ms, double mbPerS) {}

  /** Logs in at the terminal's password prompt, then {@link #measureShell}. */
  public static Figures measure(String name, Receiver t, String user, String password) throws Exception {
    Duration wait = Duration.ofSeconds(60);
    t.await("assword:", wait);
    t.mark();
    t.type(password + "\r");
    // the shell's prompt first: ssh (under shellinabox) flushes input typed before the login ends
    t.await("$ ", wait);
    return measureShell(name, t);
  }

  public static Figures measureShell(String name, Receiver t) throws Exception {
    Duration wait = Duration.ofSeconds(60);
    t.mark();
    t.type("export PS1='$ '; stty -ixon; echo READY-$((40+2))\r");
    t.await("READY-42", wait);
    Thread.sleep(300);
    // warm-up then measured keystrokes: 'x' then backspace, each echoed by the shell's line editor
    List<Long> samples = new ArrayList<>();
    for (int i = 0; i < KEYSTROKES + 50; i++) {
      String key = i % 2 == 0 ? "x" : "\u007f";
      t.mark();
      long sent = System.nanoTime();
      t.type(key);
      t.awaitFirstOutput(Duration.ofSeconds(10));
      long latency = t.firstOutputAfterMark() - sent;
      if (i >= 50) {
        samples.add(latency);
      }
      Thread.sleep(5); // let the echo finish before the next key
    }
    long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
    double median = sorted[sorted.length / 2] / 1e6;
    double p90 = sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.90) - 1)] / 1e6;
    double p99 = sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6;

    // bulk output, best of three runs (the machine is shared: the best run shows what the code can do)
    double best = 0;
    double bestMb = 0;
    double bestSeconds = 0;
    for (int run = 0; run < 3; run++) {
      t.type("\u0015clear\r");
      Thread.sleep(300);
      t.mark();
      long before = t.bytesReceived();
      long messagesBefore = t.messages();
      long start = System.nanoTime();
      t.type(BULK_COMMAND + "; echo DONE-$((6*7))\r");
      t.await(DONE, Duration.ofMinutes(5));
      double seconds = (System.nanoTime() - start) / 1e9;
      double mb = (t.bytesReceived() - before) / 1e6;
      if (Boolean.getBoolean("bench.verbose")) {
        System.out.printf(Locale.ROOT, "  %s run %d: %.2f MB/s, %d messages of %.0f bytes on average%n", name, run,
            mb / seconds, t.messages() - messagesBefore, (t.bytesReceived() - before) * 1.0 / (t.messages() - messagesBefore));
      }
      if (mb / seconds > best) {
        best = mb / seconds;
        bestMb = mb;
        bestSeconds = seconds;
      }
    }
    double mb = bestMb;
    double seconds = bestSeconds;
    System.out.printf(Locale.ROOT, "%-12s echo median %6.3f ms  p90 %6.3f ms  p99 %6.3f ms  (%d keys)   output (best of 3) %7.2f MB/s (%.1f MB in %.2f s)%n",
        name, median, p90, p99, samples.size(), mb / seconds, mb, seconds);
    return new Figures(median, p90, p99, mb / seconds);
  }

  /** The same measurements straight on the SSH shell channel (MINA in this JVM). */
  static Figures direct(SshServerFixture sshd, Path work) throws Exception {
    WebTerminalSettings settings = WebTerminalSettings.defaults(work.resolve("direct-state"))
        .withSsh("127.0.0.1", sshd.port).withSshHostKeys(sshd.dir);
    final class Direct extends Receiver implements ShellConnector.ShellListener {
      volatile ShellConnector.ShellLink link;

      @Override
      public void output(byte[] bytes, int offset, int length) {
        received(new String(bytes, offset, length, StandardCharsets.UTF_8), length);
        link.requestOutput();
      }

      @Override
      public void ended(Message reason) {
      }

      @Override
      public void type(String s) {
        link.write(s.getBytes(StandardCharsets.UTF_8), () -> { });
      }

      @Override
      public void close() {
        link.close();
      }
    }
    ShellConnector.Prompter password = new ShellConnector.Prompter() {
      @Override
      public void show(String text) {
      }

      @Override
      public void ask(String prompt, boolean echo) {
      }

      @Override
      public void ask(Message prompt, boolean echo) {
      }

      @Override
      public String awaitAnswer(long timeout, TimeUnit unit) {
        return sshd.password;
      }

      @Override
      public boolean attemptFailed() {
        return false;
      }
    };
    try (MinaShellConnector connector = new MinaShellConnector(settings)) {
      Direct d = new Direct();
      d.link = connector.open(sshd.user, password, 100, 30, null, d).get(30, TimeUnit.SECONDS);
      try (d) {
        d.link.requestOutput();
        return measureShell("plain SSH", d);
      }
    }
  }

  /** Bulk output through ssh -tt (key login) into /dev/null: what the PTY and sshd deliver. */
  static double openSshCeiling(SshServerFixture sshd, Path work) throws Exception {
    double best = 0;
    for (int run = 0; run < 3; run++) {
      best = Math.max(best, openSshOnce(sshd, work));
    }
    return best;
  }

  static double openSshOnce(SshServerFixture sshd, Path work) throws Exception {
    Path key = work.resolve("client-key");
    if (!Files.exists(key)) {
      SshServerFixture.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()), null);
    }
    Path ssh = Path.of("/home", sshd.user, ".ssh");
    Files.createDirectories(ssh);
    Files.copy(Path.of(key + ".pub"), ssh.resolve("authorized_keys"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    SshServerFixture.run(List.of("chown", "-R", sshd.user + ":", ssh.toString()), null);
    List<String> argv = List.of("ssh", "-tt", "-i", key.toString(), "-p", Integer.toString(sshd.port),
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
        sshd.user + "@127.0.0.1", BULK_COMMAND);
    long start = System.nanoTime();
    Process p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    p.waitFor(5, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - start) / 1e9;
    // fold adds a newline every 99 bytes; the text is ~2% newlines
    return BULK_BYTES * (Boolean.getBoolean("bench.bulkText") ? 1.02 : 1.0101) / 1e6 / seconds;
  }

  static Process start(List<String> argv, Path log, String readyLine) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(argv.get(0) + " exited: " + Files.readString(log));
      }
      if (readyLine == null || Files.readString(log).contains(readyLine)) {
        return p;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(argv.get(0) + " not ready: " + Files.readString(log));
  }

  static void stop(Process p) throws InterruptedException {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    children.forEach(ProcessHandle::destroy);
  }

  public static void main(String[] args) throws Exception {
    Path work = Path.of("target", "bench-webssh").toAbsolutePath();
    Files.createDirectories(work);
    Path jar = Path.of("target", "osmanager.jar").toAbsolutePath();
    String javaFlags = System.getProperty("bench.javaFlags",
        "-XX:+UseSerialGC -Xmx32m -Xss256k -XX:TieredStopAtLevel=1");
    try (SshServerFixture sshd = new SshServerFixture(work.resolve("sshd"))) {
      System.out.println("sshd on 127.0.0.1:" + sshd.port + ", user " + sshd.user + "; " + KEYSTROKES
          + " keystrokes, " + BULK_BYTES / 1_000_000 + " MB of output each");
      // ours: the jar in its own JVM
      int ourPort = SshServerFixture.freePort();
      List<String> ours = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      ours.addAll(Arrays.asList(javaFlags.trim().split("\\s+")));
      ours.addAll(List.of("-jar", jar.toString(), "webssh", "--home", work.resolve("home").toString(),
          "--port", Integer.toString(ourPort), "--ssh-port", Integer.toString(sshd.port),
          "--ssh-host-keys", sshd.dir.toString()));
      Figures mine;
      long ourRss;
      if (Boolean.getBoolean("bench.inProcess")) {
        // the same server in this JVM: shows what the second process costs
        WebTerminal inJvm = new WebTerminal(WebTerminalSettings.defaults(work.resolve("home/state"))
            .withBind(java.util.Optional.of("127.0.0.1"), ourPort).withSsh("127.0.0.1", sshd.port)
            .withSshHostKeys(sshd.dir));
        inJvm.start();
        try (Ours client = Ours.connect(ourPort)) {
          client.await("login: ", Duration.ofSeconds(10));
          client.type(sshd.user + "\r");
          measure("in-process", client, sshd.user, sshd.password);
        } finally {
          inJvm.close();
        }
        ourPort = SshServerFixture.freePort();
        ours.set(ours.size() - 3, Integer.toString(ourPort));
      }
      Process server = start(ours, work.resolve("ours.log"), "web terminal on");
      try (Ours client = Ours.connect(ourPort)) {
        client.await("login: ", Duration.ofSeconds(10));
        client.type(sshd.user + "\r");
        mine = measure("osmanager", client, sshd.user, sshd.password);
        ourRss = Proc.rssKib(server.pid());
      } finally {
        stop(server);
      }

      // the floor: MINA's SSH client in this JVM, no WebSocket, no browser protocol
      Figures direct = direct(sshd, work);
      if (Boolean.getBoolean("bench.quick")) {
        System.out.printf(Locale.ROOT, "our WebSocket layer adds %.3f ms to the echo median over plain SSH; "
            + "load average %s%n", mine.medianMs() - direct.medianMs(), Files.readString(Path.of("/proc/loadavg")).trim());
        return; // -Dbench.quick=true: ours and plain SSH only
      }

      // shellinabox: ssh to the same sshd, as its own service
      int sibPort = SshServerFixture.freePort();
      Process sib = start(List.of("/usr/bin/shellinaboxd", "-t", "-p", Integer.toString(sibPort), "--localhost-only",
          "--no-beep", "--disable-ssl-menu", "-s", "/:root:root:/:ssh -p " + sshd.port
              + " -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "
              + sshd.user + "@127.0.0.1"), work.resolve("shellinabox.log"), null);
      Figures theirs;
      long sibRss;
      try {
        Thread.sleep(500);
        try (ShellInABox client = new ShellInABox(sibPort)) {
          theirs = measure("shellinabox", client, sshd.user, sshd.password);
          sibRss = Proc.rssKib(sib.pid());
        }
      } finally {
        stop(sib);
      }
      double ceiling = openSshCeiling(sshd, work);
      System.out.printf(Locale.ROOT, "OpenSSH's own ssh client, same sshd and PTY, output to /dev/null: %.2f MB/s "
          + "(best of 3; the ceiling for any terminal here)%n", ceiling);
      System.out.printf(Locale.ROOT, "load average at the end: %s%n",
          Files.readString(Path.of("/proc/loadavg")).trim());
      System.out.printf(Locale.ROOT, "ratio (shellinabox / osmanager): echo median %.2fx, p99 %.2fx; "
          + "output: osmanager %.2fx the throughput%n", theirs.medianMs() / mine.medianMs(),
          theirs.p99Ms() / mine.p99Ms(), mine.mbPerS() / theirs.mbPerS());
      System.out.printf(Locale.ROOT, "our WebSocket layer adds %.3f ms to the echo median over plain SSH "
          + "(%.3f ms)%n", mine.medianMs() - direct.medianMs(), direct.medianMs());
      System.out.printf(Locale.ROOT, "RSS after the run: osmanager JVM %d KiB (%s), shellinaboxd parent %d KiB%n",
          ourRss, javaFlags, sibRss);
      System.out.printf(Locale.ROOT, "aims: echo median <= 1.5 ms: %s; output >= 20 MB/s: %s%n",
          mine.medianMs() <= 1.5 ? "met" : "NOT met", mine.mbPerS() >= 20 ? "met" : "NOT met");
    }
  }

  private WebSshBench() {}

}
