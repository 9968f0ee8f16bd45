package cloud.luoyun.osmanager.webssh;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * Plays the terminal page over a real WebSocket: sends HELLO with the token it was given, keeps
 * every output byte (a REPLAY starts the screen afresh, as the page's reset does), ACKs what it
 * receives, and waits for text to appear.
 */
public final class TerminalClient implements Session.Listener.AutoDemanding, AutoCloseable {
  private final ByteArrayOutputStream screen = new ByteArrayOutputStream(); // guarded by this
  private final CountDownLatch closed = new CountDownLatch(1);
  private final CountDownLatch hasToken = new CountDownLatch(1);
  private final String helloToken;
  private final int cols;
  private final int rows;
  private volatile Session session;
  private volatile String token;
  private volatile int closeCode = -1;
  private volatile int replays;
  private volatile boolean autoAck = true;
  private long unacked; // guarded by this

  private TerminalClient(String helloToken, int cols, int rows) {
    this.helloToken = helloToken;
    this.cols = cols;
    this.rows = rows;
  }

  static TerminalClient open(WebSocketClient ws, int port, String token) throws Exception {
    return open(ws, port, token, "https://127.0.0.1:" + port);
  }

  static TerminalClient open(WebSocketClient ws, int port, String token, String origin) throws Exception {
    return open(ws, port, token, origin, null);
  }

  /** @param acceptLanguage the browser's Accept-Language, or null for none */
  static TerminalClient open(WebSocketClient ws, int port, String token, String origin, String acceptLanguage)
      throws Exception {
    return open(ws, port, token, origin, acceptLanguage, true);
  }

  /** @param ack whether to ACK output as the page does (false: send nothing after HELLO) */
  static TerminalClient open(WebSocketClient ws, int port, String token, String origin, String acceptLanguage,
      boolean ack) throws Exception {
    TerminalClient client = new TerminalClient(token, 80, 24);
    client.autoAck = ack;
    ClientUpgradeRequest request = new ClientUpgradeRequest(URI.create("wss://127.0.0.1:" + port + "/ws"));
    request.setHeader("Origin", origin);
    if (acceptLanguage != null) {
      request.setHeader("Accept-Language", acceptLanguage);
    }
    ws.connect(client, request).get(10, TimeUnit.SECONDS);
    return client;
  }

  @Override
  public void onWebSocketOpen(Session s) {
    session = s;
    s.sendBinary(TerminalProtocol.hello(cols, rows, helloToken), Callback.NOOP);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    byte type = payload.get();
    byte[] body = new byte[payload.remaining()];
    payload.get(body);
    callback.succeed();
    switch (type) {
      case TerminalProtocol.OUTPUT -> append(body, false);
      case TerminalProtocol.REPLAY -> {
        replays++;
        append(body, true);
      }
      case TerminalProtocol.SESSION -> {
        token = new String(body, StandardCharsets.US_ASCII);
        hasToken.countDown();
        return;
      }
      default -> fail("unknown message type " + type);
    }
    Session s = session;
    if (!autoAck) {
      synchronized (this) {
        unacked += body.length;
      }
    } else if (s != null && s.isOpen()) {
      s.sendBinary(TerminalProtocol.ack(body.length), Callback.NOOP);
    }
  }

  /** Plays a page that stops drawing (false) or catches up and draws again (true). */
  void autoAck(boolean on) {
    autoAck = on;
    if (on) {
      long owed;
      synchronized (this) {
        owed = unacked;
        unacked = 0;
      }
      if (owed > 0) {
        session.sendBinary(TerminalProtocol.ack(owed), Callback.NOOP);
      }
    }
  }

  synchronized int bytes() {
    return screen.size();
  }

  boolean isOpen() {
    Session s = session;
    return s != null && s.isOpen();
  }

  private synchronized void append(byte[] body, boolean fresh) {
    if (fresh) {
      screen.reset();
    }
    screen.write(body, 0, body.length);
    notifyAll();
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    closeCode = statusCode;
    closed.countDown();
    callback.succeed();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    closed.countDown();
  }

  synchronized String text() {
    return screen.toString(StandardCharsets.UTF_8);
  }

  /** Where the screen text ends now: wait for text after this mark. */
  synchronized int mark() {
    return text().length();
  }

  public String awaitText(String needle) throws InterruptedException {
    return awaitText(needle, 0, SshServerFixture.timeout());
  }

  String awaitText(String needle, int from) throws InterruptedException {
    return awaitText(needle, from, SshServerFixture.timeout());
  }

  /** Waits until {@code needle} appears after {@code from}; returns the text from there. */
  synchronized String awaitText(String needle, int from, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String all = text();
      String tail = all.length() >= from ? all.substring(from) : "";
      if (tail.contains(needle)) {
        return tail;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        fail("no \"" + needle + "\" within " + timeout + "; the screen after the mark was:\n" + tail);
      }
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
    }
  }

  /** Waits until {@code pattern} matches after {@code from}; returns the match. */
  synchronized java.util.regex.Matcher awaitPattern(java.util.regex.Pattern pattern, int from)
      throws InterruptedException {
    long deadline = System.nanoTime() + SshServerFixture.timeout().toNanos();
    while (true) {
      String all = text();
      java.util.regex.Matcher m = pattern.matcher(all.length() >= from ? all.substring(from) : "");
      if (m.find()) {
        return m;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        fail("no match for " + pattern + "; the screen after the mark was:\n" + all.substring(Math.min(from, all.length())));
      }
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
    }
  }

  public void type(String text) {
    session.sendBinary(TerminalProtocol.input(text.getBytes(StandardCharsets.UTF_8)), Callback.NOOP);
  }

  void resize(int newCols, int newRows) {
    session.sendBinary(TerminalProtocol.resize(newCols, newRows), Callback.NOOP);
  }

  String token() throws InterruptedException {
    if (!hasToken.await(10, TimeUnit.SECONDS)) {
      fail("no SESSION message");
    }
    return token;
  }

  int replays() {
    return replays;
  }

  /** Waits for the server to close; returns the close code. */
  int awaitClose() throws InterruptedException {
    if (!closed.await(SshServerFixture.timeout().toSeconds(), TimeUnit.SECONDS)) {
      fail("the server did not close the socket; screen:\n" + text());
    }
    return closeCode;
  }

  /** The connection drops without a close handshake, as when a network cable is pulled. */
  void drop() {
    session.disconnect();
  }

  @Override
  public void close() {
    Session s = session;
    if (s != null && s.isOpen()) {
      s.close();
    }
  }

  /** Logs in through the terminal's prompts and waits for a working shell. */
  void login(String user, String password) throws InterruptedException {
    awaitText("login: ");
    int mark = mark();
    type(user + "\r");
    awaitText("assword:", mark);
    mark = mark();
    type(password + "\r");
    // a marker the shell computes proves the shell runs (a prompt's look varies)
    type("echo READY-$((40+2))\r");
    awaitText("READY-42", mark);
  }
}
